#include "support/run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "keyward/fingerprint.h"

extern char** environ;

namespace {
// The binary under test keys fingerprints with $KEYWARD_FINGERPRINT_KEY
// (tests/CMakeLists.txt sets it): in-process fingerprints use the same key,
// so tests can compare them with the binary's output.
const bool kFingerprintKeyInstalled = [] {
  if (const char* key = std::getenv("KEYWARD_FINGERPRINT_KEY"); key && *key)
    keyward::SetFingerprintKey(key);
  return true;
}();
}  // namespace

namespace keyward::test {

RunResult RunProgram(const std::vector<std::string>& argv,
                     const std::string& input,
                     const std::vector<std::string>& env,
                     const std::string& cwd) {
  // Everything the child needs is made before fork: the test process has
  // other threads (mock servers), and a child of a threaded process may only
  // make async-signal-safe calls until exec. An allocation there can wait
  // forever on a lock another thread held at the fork (it did, under ASan).
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // The environment with `env`'s entries in place ("NAME=value" sets NAME,
  // "NAME" unsets it, as putenv does).
  auto name_of = [](std::string_view entry) {
    return entry.substr(0, entry.find('='));
  };
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view name = name_of(*e);
    bool replaced = false;
    for (const auto& o : env) replaced = replaced || name_of(o) == name;
    if (!replaced) envp.push_back(*e);
  }
  for (const auto& o : env) {
    if (o.find('=') != std::string::npos) {
      envp.push_back(const_cast<char*>(o.c_str()));
    }
  }
  envp.push_back(nullptr);
  const char* dir = cwd.empty() ? nullptr : cwd.c_str();

  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) {
    throw std::runtime_error("pipe failed");
  }
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1],
                   err_pipe[0], err_pipe[1]}) {
      close(fd);
    }
    if (dir != nullptr && chdir(dir) != 0) _exit(127);
    execvpe(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  signal(SIGPIPE, SIG_IGN);
  RunResult r;
  size_t written = 0;
  int in_fd = in_pipe[1];
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    std::vector<pollfd> fds;
    if (out_open) fds.push_back({out_pipe[0], POLLIN, 0});
    if (err_open) fds.push_back({err_pipe[0], POLLIN, 0});
    if (in_fd >= 0) fds.push_back({in_fd, POLLOUT, 0});
    if (poll(fds.data(), fds.size(), -1) < 0) break;
    for (const auto& p : fds) {
      if (p.fd == in_fd && (p.revents & (POLLOUT | POLLERR | POLLHUP))) {
        ssize_t n =
            write(in_fd, input.data() + written, input.size() - written);
        if (n > 0) written += n;
        if (n < 0 || written == input.size()) {
          close(in_fd);
          in_fd = -1;
        }
      } else if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = read(p.fd, buf, sizeof buf);
        if (n <= 0) {
          close(p.fd);
          (p.fd == out_pipe[0] ? out_open : err_open) = false;
        } else {
          (p.fd == out_pipe[0] ? r.out : r.err).append(buf, n);
        }
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

RunResult RunKeyward(const std::vector<std::string>& args,
                     const std::string& input,
                     const std::vector<std::string>& env,
                     const std::string& cwd) {
  std::vector<std::string> argv = {KEYWARD_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, input, env, cwd);
}

RunResult RunKeywardUnprivileged(const std::vector<std::string>& args,
                                 const std::vector<std::string>& env,
                                 const std::string& cwd) {
  std::vector<std::string> argv;
  if (geteuid() == 0) {
    argv = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  }
  argv.push_back(KEYWARD_BINARY);
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> full = {"HOME=/tmp", "XDG_CACHE_HOME=/tmp"};
  full.insert(full.end(), env.begin(), env.end());
  return RunProgram(argv, "", full, cwd);
}

void MakeWorldReadable(const std::string& dir) { chmod(dir.c_str(), 0755); }

TempDir::TempDir() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "keyward-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  // Restore permissions a test may have removed so cleanup succeeds.
  for (auto it = std::filesystem::recursive_directory_iterator(
           path_, std::filesystem::directory_options::skip_permission_denied,
           ec);
       !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
  }
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& rel,
                           const std::string& content) const {
  std::filesystem::path p = std::filesystem::path(path_) / rel;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary);
  f << content;
  return p.string();
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace keyward::test

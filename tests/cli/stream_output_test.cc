// `keyward scan -` in JSONL and text mode writes each finding as soon as it
// is confirmed, not after the input ends, and keeps none of them (issue 14,
// class 6): a reader sees the first finding while stdin is still open. A
// match is confirmed once the stream has moved a few of the widest rule
// window (128 KiB) past it, so the input goes on for a while after it.
// Filtering, inventory, allowlist, summary and exit code are those of a
// collected scan. Memory per finding is measured by bench/scale_bench.sh.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/fake_secrets.h"
#include "support/run.h"

extern char** environ;

namespace keyward::test {
namespace {

// keyward with stdin and stdout on pipes the test holds.
class LiveScan {
 public:
  explicit LiveScan(const std::vector<std::string>& args,
                    const std::string& cwd) {
    int in[2], out[2];
    EXPECT_EQ(pipe2(in, O_CLOEXEC), 0);
    EXPECT_EQ(pipe2(out, O_CLOEXEC), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
    std::vector<std::string> argv = {KEYWARD_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    cache_env_ = "XDG_CACHE_HOME=" + cache_.path();
    std::vector<char*> env;
    for (char** e = environ; *e; ++e) {
      if (std::string(*e).rfind("XDG_CACHE_HOME=", 0) != 0) env.push_back(*e);
    }
    env.push_back(cache_env_.data());
    env.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, KEYWARD_BINARY, &fa, nullptr, cargv.data(),
                          env.data()),
              0);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    in_ = in[1];
    out_ = out[0];
  }
  ~LiveScan() {
    if (in_ >= 0) close(in_);
    if (out_ >= 0) close(out_);
    if (pid_ > 0 && !waited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  void Write(const std::string& s) {
    ASSERT_EQ(write(in_, s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
  // The first whole line of output, waiting for it with stdin still open
  // (bounded, so a regression fails instead of hanging).
  std::string FirstLine() {
    std::string got;
    for (int waited = 0; got.find('\n') == std::string::npos;) {
      pollfd p{out_, POLLIN, 0};
      int r = poll(&p, 1, 1000);
      if (r == 0 && ++waited >= 60) break;
      if (r <= 0) continue;
      char buf[4096];
      ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, n);
    }
    rest_ = got.substr(got.find('\n') + 1);
    return got.substr(0, got.find('\n'));
  }
  // Closes stdin, reads the rest of the output, returns the exit code.
  int Finish(std::string* rest) {
    close(in_);
    in_ = -1;
    char buf[4096];
    ssize_t n;
    while ((n = read(out_, buf, sizeof buf)) > 0) rest_.append(buf, n);
    *rest = rest_;
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  TempDir cache_;
  std::string cache_env_;
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  bool waited_ = false;
  std::string rest_;
};

// Log lines to write after a secret so that the stream confirms it.
std::string Filler() {
  std::string s;
  while (s.size() < (768u << 10)) s += "INFO request served in 12 ms\n";
  return s;
}

TEST(StreamOutputTest, JsonlFindingIsWrittenBeforeStdinEnds) {
  TempDir dir;
  LiveScan scan({"scan", "--format", "jsonl", "-"}, dir.path());
  scan.Write("log line 1\ntoken=" + FakeGithubToken(1420) + "\nlog line 2\n" +
             Filler());
  std::string first = scan.FirstLine();
  ASSERT_FALSE(first.empty()) << "no finding while stdin was open";
  auto j = nlohmann::json::parse(first);
  EXPECT_EQ(j["rule_id"], "github.pat.classic");
  EXPECT_EQ(j["line"], 2);
  EXPECT_EQ(first.find(FakeGithubToken(1420)), std::string::npos);
  // More input after the first finding is still scanned and streamed.
  scan.Write("again=" + FakeGithubToken(1421) + "\n");
  std::string rest;
  EXPECT_EQ(scan.Finish(&rest), 1);
  auto second = nlohmann::json::parse(rest.substr(0, rest.find('\n')));
  const std::string filler = Filler();
  EXPECT_EQ(second["line"], 4 + std::count(filler.begin(), filler.end(), '\n'));
}

TEST(StreamOutputTest, TextFindingIsWrittenBeforeStdinEnds) {
  TempDir dir;
  LiveScan scan({"scan", "--color", "never", "-"}, dir.path());
  scan.Write("token=" + FakeGithubToken(1422) + "\n" + Filler());
  std::string first = scan.FirstLine();
  EXPECT_NE(first.find("-:1:7  github.pat.classic"), std::string::npos)
      << first;
  std::string rest;
  EXPECT_EQ(scan.Finish(&rest), 1);
  EXPECT_TRUE(rest.empty()) << rest;
}

// What a collected scan does per finding happens in a streamed one too:
// --min-confidence, the allowlist, the summary and the exit code.
TEST(StreamOutputTest, StreamedScanAppliesAllowlistSummaryAndExitCode) {
  TempDir dir;
  TempDir cache;
  std::vector<std::string> env = {"XDG_CACHE_HOME=" + cache.path()};
  const std::string allowed = FakeGithubToken(1423);
  const std::string leaked = FakeGithubToken(1424);
  std::string input = "a=" + allowed + "\nb=" + leaked + "\n";
  RunResult first =
      RunKeyward({"scan", "--format", "jsonl", "-"}, input, env, dir.path());
  ASSERT_EQ(first.exit_code, 1) << first.err;
  auto lines = nlohmann::json::parse(first.out.substr(0, first.out.find('\n')));
  dir.Write(".keyward.yaml", "allow:\n  - fingerprint: " +
                                 lines["fingerprint"].get<std::string>() +
                                 "\n    reason: test fixture\n");
  RunResult text =
      RunKeyward({"scan", "--color", "never", "-"}, input, env, dir.path());
  EXPECT_EQ(text.exit_code, 1) << text.err;
  EXPECT_NE(text.out.find("-:2:"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("-:1:"), std::string::npos) << text.out;
  EXPECT_NE(text.err.find("1 finding in 1 file"), std::string::npos)
      << text.err;
  EXPECT_NE(text.err.find("1 suppressed"), std::string::npos) << text.err;
  EXPECT_NE(text.err.find("allow:"), std::string::npos) << text.err;
  // Only the allowed secret: nothing fails the run.
  RunResult quiet = RunKeyward({"scan", "--format", "jsonl", "-"},
                               "a=" + allowed + "\n", env, dir.path());
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_TRUE(quiet.out.empty()) << quiet.out;
  RunResult shown =
      RunKeyward({"scan", "--format", "jsonl", "--show-suppressed", "-"},
                 "a=" + allowed + "\n", env, dir.path());
  EXPECT_NE(shown.out.find("\"suppressed\":true"), std::string::npos)
      << shown.out;
  // Above every finding's confidence: all hidden, exit 0.
  RunResult high = RunKeyward(
      {"scan", "--format", "jsonl", "--min-confidence", "high", "--stats", "-"},
      "password = \"hunter2hunter2\"\n", env, dir.path());
  EXPECT_EQ(high.exit_code, 0) << high.err;
}

}  // namespace
}  // namespace keyward::test

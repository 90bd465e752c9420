#include "keyward/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

namespace keyward {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// Writes all of `data`, retrying short writes and EINTR.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Closes fd, keeping errno of an earlier failure intact for the caller.
void CloseQuietly(int fd) {
  int saved = errno;
  ::close(fd);
  errno = saved;
}

// A name no other writer uses at the same moment: pid, a per-process counter
// and the clock. O_EXCL below catches the impossible collision anyway.
std::string TempName(const std::filesystem::path& target) {
  static std::atomic<unsigned> counter{0};
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  std::string name = "." + target.filename().string() + ".tmp-" +
                     std::to_string(::getpid()) + "-" +
                     std::to_string(counter.fetch_add(1)) + "-" +
                     std::to_string(now % 1000000);
  return (target.parent_path() / name).string();
}

std::filesystem::path ResolveTarget(const std::string& path) {
  std::filesystem::path target(path);
  std::error_code ec;
  if (std::filesystem::is_symlink(target, ec)) {
    // Replace what the link points at; renaming over the link would turn a
    // user's symlink into a plain file.
    auto resolved = std::filesystem::weakly_canonical(target, ec);
    if (!ec) target = resolved;
  }
  if (target.parent_path().empty())
    target = std::filesystem::path(".") / target;
  return target;
}

// The pid in a temporary name ".NAME.tmp-PID-COUNTER-CLOCK", or -1.
long TempOwner(const std::string& name) {
  if (name.size() < 2 || name[0] != '.') return -1;
  size_t tmp = name.rfind(".tmp-");
  if (tmp == std::string::npos || tmp == 0) return -1;
  long fields[3];
  const char* p = name.c_str() + tmp + 5;
  for (int i = 0; i < 3; ++i) {
    char* end = nullptr;
    errno = 0;
    fields[i] = std::strtol(p, &end, 10);
    if (end == p || errno != 0 || fields[i] < 0) return -1;
    if (*end != (i < 2 ? '-' : '\0')) return -1;
    p = end + 1;
  }
  return fields[0];
}

// Removes temporary files that writers killed before their rename left in
// `dir`: the owner process is gone and the file is over a minute old (a
// writer on another machine or in another pid namespace is not seen by
// kill(); the age keeps its file safe while it writes). Once per directory
// per process: a directory of tickets is not listed for every ticket.
void RemoveStaleTempFiles(const std::string& dir) {
  static std::mutex mu;
  static std::set<std::string> cleaned;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!cleaned.insert(dir).second) return;
  }
  std::error_code ec;
  auto now = std::filesystem::file_time_type::clock::now();
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    long pid = TempOwner(it->path().filename().string());
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    std::error_code time_ec;
    auto mtime = std::filesystem::last_write_time(it->path(), time_ec);
    if (time_ec || now - mtime < std::chrono::minutes(1)) continue;
    if (!it->is_regular_file(time_ec)) continue;
    ::unlink(it->path().c_str());
  }
}

}  // namespace

Status WriteFileAtomic(const std::string& path, std::string_view content) {
  std::filesystem::path target = ResolveTarget(path);
  std::string dir = target.parent_path().string();

  mode_t mode = 0666;  // less the umask, applied by open()
  struct stat st;
  bool keep_mode = ::stat(target.c_str(), &st) == 0;
  if (keep_mode) mode = st.st_mode & 07777;

  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    tmp = TempName(target);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    return Status::IoError("cannot write " + path +
                           ": cannot create a file in " + dir + ": " +
                           ErrnoText(errno));
  }
  auto fail = [&](const char* what) {
    std::string msg = "cannot write " + path + ": " + what + ": " +
                      ErrnoText(errno) + " (file left unchanged)";
    if (fd >= 0) CloseQuietly(fd);
    ::unlink(tmp.c_str());
    return Status::IoError(std::move(msg));
  };
  // open() applied the umask; an existing file's exact bits win.
  if (keep_mode && ::fchmod(fd, mode) != 0) return fail("fchmod");
  if (!WriteAll(fd, content)) return fail("write");
  if (::fsync(fd) != 0) return fail("fsync");
  int rc = ::close(fd);
  fd = -1;
  if (rc != 0) return fail("close");
  if (::rename(tmp.c_str(), target.c_str()) != 0) return fail("rename");
  RemoveStaleTempFiles(dir);

  // Make the rename durable. A failure here is reported: the new content is
  // in place but might not survive a power loss.
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    return Status::IoError("wrote " + path + " but cannot open " + dir +
                           " to sync it: " + ErrnoText(errno));
  }
  rc = ::fsync(dir_fd);
  int err = errno;
  ::close(dir_fd);
  if (rc != 0 && err != EINVAL) {  // EINVAL: the filesystem can't sync dirs
    return Status::IoError("wrote " + path + " but cannot sync " + dir + ": " +
                           ErrnoText(err));
  }
  return Status::OK();
}

Result<std::string> ReadFileToString(const std::string& path,
                                     size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IoError("cannot read " + path + ": " + ErrnoText(errno));
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string msg = "cannot read " + path + ": " + ErrnoText(errno);
      ::close(fd);
      return Status::IoError(std::move(msg));
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      ::close(fd);
      return Status::InvalidArgument(
          path + ": larger than " + std::to_string(max_bytes >> 20) +
          " MiB, not a file keyward reads (a device or an endless stream?)");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

FileLock::FileLock(FileLock&& other) noexcept
    : fd_(other.fd_), lock_path_(std::move(other.lock_path_)) {
  other.fd_ = -1;
  other.lock_path_.clear();
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    Release();
    fd_ = other.fd_;
    lock_path_ = std::move(other.lock_path_);
    other.fd_ = -1;
    other.lock_path_.clear();
  }
  return *this;
}

namespace {

// Whether `fd` is still the file at `path`: a holder removes the lock file
// on release, so a waiter that then gets the lock holds an orphan and must
// lock the file now at the path instead.
bool IsFileAt(int fd, const std::string& path) {
  struct stat held, named;
  return ::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 &&
         held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

}  // namespace

Status FileLock::Acquire(const std::string& path,
                         std::chrono::milliseconds timeout) {
  if (held())
    return Status::InvalidArgument("lock already held: " + lock_path_);
  std::string lock_path = path + ".lock";
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(2);
  for (;;) {
    int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
      return Status::IoError("cannot create lock file " + lock_path + ": " +
                             ErrnoText(errno));
    }
    bool locked = false;
    for (;;) {
      if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
        locked = true;
        break;
      }
      if (errno == EINTR) continue;
      if (errno != EWOULDBLOCK) {
        std::string msg = "cannot lock " + lock_path + ": " + ErrnoText(errno);
        ::close(fd);
        return Status::IoError(std::move(msg));
      }
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) break;
      // Back off so many waiters don't spin, but stay responsive.
      std::this_thread::sleep_for(
          std::min<std::chrono::nanoseconds>(pause, deadline - now));
      pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
    if (locked && IsFileAt(fd, lock_path)) {
      fd_ = fd;
      lock_path_ = std::move(lock_path);
      return Status::OK();
    }
    ::close(fd);
    if (!locked) {
      return Status::Busy(
          path + " is locked by another keyward process (lock file " +
          lock_path + "); gave up after " + std::to_string(timeout.count()) +
          " ms. Retry when it has finished.");
    }
    // Locked an orphan the previous holder removed: lock the current file.
  }
}

void FileLock::Release() {
  if (fd_ < 0) return;
  // Removed while still held, so no newcomer can lock it between the unlink
  // and the unlock; a waiter that opened it sees the orphan and retries.
  ::unlink(lock_path_.c_str());
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
  fd_ = -1;
  lock_path_.clear();
}

}  // namespace keyward

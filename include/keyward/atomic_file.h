// Atomic file replacement and advisory locking for files users own.
//
// The inventory, tickets and baselines are files people commit and review;
// a crash or a second writer must never leave them half-written or lose an
// update. The recipe for a read-modify-write is:
//
//   keyward::FileLock lock;
//   keyward::Status s = lock.Acquire(path);          // waits, then kBusy
//   if (!s.ok()) return s;
//   auto old = keyward::ReadFileToString(path);      // read under the lock
//   ...                                               // change it
//   s = keyward::WriteFileAtomic(path, new_content);  // old or new, never torn
//   // lock released when `lock` goes out of scope
//
// WriteFileAtomic alone guarantees readers see the old or the new content;
// the lock is what keeps two writers from losing each other's changes.
//
// Thread safety: the functions are thread-safe. A FileLock object is not
// shared between threads, but two FileLock objects (in one process or in
// two) on the same path exclude each other.
#ifndef KEYWARD_ATOMIC_FILE_H_
#define KEYWARD_ATOMIC_FILE_H_

#include <chrono>
#include <string>
#include <string_view>

#include "keyward/status.h"

namespace keyward {

// Replaces `path` with `content` atomically: writes a temporary file in the
// same directory, fsyncs it, renames it over `path`, then fsyncs the
// directory so the rename itself survives a crash. If `path` is a symlink,
// its target is replaced (the link stays). An existing file's permission bits
// are kept; a new file gets 0666 less the umask. On any error the temporary
// file is removed, `path` is untouched, and the Status names the file.
// After a successful write, temporary files that killed writers left in the
// directory (".NAME.tmp-PID-*" of a process that is gone, over a minute
// old) are removed, once per directory per process.
Status WriteFileAtomic(const std::string& path, std::string_view content);

// The most ReadFileToString reads by default: far more than any inventory,
// baseline or configuration keyward writes, far less than the memory an
// endless file (/dev/zero, a FIFO fed forever) would take.
inline constexpr size_t kMaxReadFileBytes = size_t{128} << 20;

// Reads a whole file. kNotFound when it does not exist, kInvalidArgument
// ("PATH: larger than N MiB ...") when it holds more than `max_bytes`,
// kIoError otherwise.
Result<std::string> ReadFileToString(const std::string& path,
                                     size_t max_bytes = kMaxReadFileBytes);

// Default time a FileLock waits for another writer.
inline constexpr std::chrono::milliseconds kDefaultLockTimeout{10000};

// An exclusive advisory lock (flock) on `<path>.lock`, held from a successful
// Acquire() until Release() or destruction. The lock file is created if
// needed and removed on release (while still locked), so nothing lingers
// beside the inventory; a waiter that then locks the removed file notices
// (it is no longer the file at the path) and locks the new one, so two
// processes never hold "the" lock at once. A killed holder leaves the empty
// file behind, harmlessly: the next Acquire reuses it. Only cooperating keyward
// processes honour it; it does not stop other programs from writing `path`.
// The lock dies with the process, so a killed writer never leaves it stuck.
class FileLock {
 public:
  FileLock() = default;
  ~FileLock() { Release(); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;

  // Locks `<path>.lock`, retrying until `timeout` has passed. Returns
  // kBusy ("... is locked by another keyward process ...") on timeout and
  // kIoError when the lock file cannot be created.
  // REQUIRES: !held()
  Status Acquire(const std::string& path,
                 std::chrono::milliseconds timeout = kDefaultLockTimeout);
  void Release();
  bool held() const { return fd_ >= 0; }
  // The lock file's path ("" when not held).
  const std::string& lock_path() const { return lock_path_; }

 private:
  int fd_ = -1;
  std::string lock_path_;
};

}  // namespace keyward

#endif  // KEYWARD_ATOMIC_FILE_H_

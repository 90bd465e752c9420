// Directory walking with ripgrep-like ignore handling (internal).
//
// WalkPaths visits every regular file under the given roots, in a
// deterministic order (roots as given; inside a directory, entries sorted by
// name bytewise, depth first):
// - entries named `.git` are skipped (a repository's object store is never
//   scanned as files; `scan --git` reads history instead);
// - `.gitignore` and `.keywardignore` files are honoured in every directory
//   below a root, and in the directories between a root and the top of the
//   git repository holding it (the nearest ancestor with a `.git`), plus that
//   repository's `.git/info/exclude`; all unless no_ignore. Precedence is
//   ripgrep's: any `.keywardignore` verdict beats any `.gitignore` verdict,
//   which beats `.git/info/exclude`; within one kind, a deeper file overrides
//   its parents'. An ignored directory is not entered, so nothing below it
//   can be re-included (as in git);
// - `exclude` patterns (gitignore syntax, relative to each root) always
//   apply, no_ignore or not; they are checked before ignore files, so
//   "!path" in exclude re-includes a path an ignore file hides (like
//   ripgrep's --glob overrides);
// - paths named as roots are always visited, even when ignored or excluded;
// - symlinks are not followed unless follow_symlinks (symlinked files and
//   directories below a root are skipped silently, as ripgrep does; a root
//   that is a symlink is followed). With follow_symlinks, a directory whose
//   device and inode equal one of its ancestors' is not entered (a loop;
//   reported through `warn`), so walks always end;
// - only regular files are visited: fifos, sockets and devices are skipped,
//   even when named as roots, so a scan never blocks opening a FIFO;
// - depth is unlimited: below PATH_MAX bytes paths are opened as they are
//   shown; deeper, relative to an open ancestor directory (openat), one kept
//   open per ~2 KiB of path, so a 2,100-deep tree is walked and scanned.
// Trouble with one entry (nonexistent root, permission denied, entry
// vanished, dangling symlink while following) goes to `warn` as
// "path: reason", is counted in stats->unreadable, and the walk goes on.
//
// Thread safety: WalkPaths is synchronous and calls `visit` and `warn` on
// the calling thread; concurrent calls with distinct callbacks are safe.
#ifndef KEYWARD_SOURCE_WALKER_H_
#define KEYWARD_SOURCE_WALKER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace keyward {

struct WalkOptions {
  bool follow_symlinks = false;      // default: symlinks below roots skipped
  bool no_ignore = false;            // default: ignore files honoured
  std::vector<std::string> exclude;  // extra gitignore-style patterns,
                                     // relative to each root; default none
};

// An open directory that the files below it are opened relative to
// (openat): always for paths too long for the kernel, and for most others
// too (one name to resolve per file, not the whole path). Closed when the
// last WalkEntry holding it is gone.
class DirHandle {
 public:
  // `count` (optional) is incremented while the handle lives.
  explicit DirHandle(int fd, std::atomic<int>* count = nullptr);
  ~DirHandle();
  DirHandle(const DirHandle&) = delete;
  DirHandle& operator=(const DirHandle&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
  std::atomic<int>* count_;
};

struct WalkEntry {
  // Display path: the root as given joined with the relative path below it
  // ("src/a.js" for root "src" or "src/", "a.js" for root ".", "./x/a.js"
  // for root "./x", "/abs/y" for root "/abs"). Also a valid path to open
  // from the current directory, unless it is longer than the kernel takes
  // (PATH_MAX): then `dir` is set (it usually is for short paths too).
  std::string path;
  // Size from a stat the walker already made, or 0 when it knew the entry
  // was a regular file from readdir alone (callers stat again on open).
  uint64_t size = 0;
  // Where to open the file: openat(dir->fd(), at.c_str(), ...) when `dir` is
  // set (a path below PATH_MAX relative to an open ancestor directory), else
  // `path`. The walker goes to any depth this way; see OpenEntry.
  std::shared_ptr<const DirHandle> dir;
  std::string at;
};

// open(2) of `e` with `flags` (O_CLOEXEC added), relative to e.dir if set.
int OpenEntry(const WalkEntry& e, int flags);

struct WalkStats {
  uint64_t ignored = 0;     // entries skipped by ignore rules or excludes
                            // (an ignored directory counts once)
  uint64_t unreadable = 0;  // entries that could not be listed or stat'ed
};

// `visit` gets each regular file; `warn` gets one message per problem.
// `stats` may be null. The WalkEntry passed to `visit` is valid only during
// the call.
void WalkPaths(const std::vector<std::string>& roots, const WalkOptions& opts,
               const std::function<void(const WalkEntry&)>& visit,
               const std::function<void(const std::string&)>& warn,
               WalkStats* stats);

}  // namespace keyward

#endif  // KEYWARD_SOURCE_WALKER_H_

#include "source/walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

#include "source/ignore.h"

namespace keyward {
namespace {

constexpr std::string_view kKeywardIgnore = ".keywardignore";
// A directory whose open path is longer than this is kept open, and what is
// below it is opened relative to it: paths handed to the kernel stay far
// below PATH_MAX (4096) at any depth (a name adds at most 256 bytes).
constexpr size_t kReanchorPath = 2048;
constexpr std::string_view kGitIgnore = ".gitignore";
// getdents64's buffer: what glibc's readdir reads at a time.
constexpr size_t kDirentBuffer = 32 << 10;
// Below this many open directory handles, every directory is kept open and
// its files are opened relative to it: the kernel then resolves one name
// per file instead of the whole path (a tenth of a tree scan's system time
// on deep trees). Beyond it (entries queued for the workers hold their
// directory open), files are opened by path again; handles kept for long
// paths do not count against it. A low open-file limit lowers it, so that
// the workers' files can still be opened.
constexpr int kMaxKeptDirs = 256;
std::atomic<int> kept_dirs{0};

int KeptDirsLimit() {
  static const int limit = [] {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) {
      return kMaxKeptDirs;
    }
    return static_cast<int>(std::min<rlim_t>(kMaxKeptDirs, rl.rlim_cur / 4));
  }();
  return limit;
}

struct DirEntry {
  std::string name;
  unsigned char type;  // d_type
};

// Ignore files of one directory. `base` is the directory's path relative to
// the walk's anchor (the repository top, or the root when there is none).
struct IgnoreFrame {
  std::string base;
  IgnoreList keyward;
  IgnoreList git;
};

std::string ErrnoText(int err) { return std::strerror(err); }

bool ReadWholeFile(int dirfd, const std::string& path, std::string* out) {
  int fd = openat(dirfd, path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out->append(buf, n);
  int err = errno;
  close(fd);
  errno = err;
  return n == 0;
}

bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

// "src//" -> "src", "/" stays "/", "" stays "".
std::string StripTrailingSlashes(const std::string& path) {
  size_t end = path.size();
  while (end > 1 && path[end - 1] == '/') --end;
  return path.substr(0, end);
}

class Walker {
 public:
  Walker(const WalkOptions& opts,
         const std::function<void(const WalkEntry&)>& visit,
         const std::function<void(const std::string&)>& warn, WalkStats* stats)
      : opts_(opts), visit_(visit), warn_(warn), stats_(stats) {
    for (const std::string& line : opts.exclude) exclude_.AddLine(line);
  }

  void WalkRoot(const std::string& root) {
    struct stat st;
    // A root is followed even when it is a symlink: the user named it.
    if (stat(root.c_str(), &st) != 0) {
      Unreadable(root, ErrnoText(errno));
      return;
    }
    if (S_ISREG(st.st_mode)) {
      visit_(WalkEntry{root, static_cast<uint64_t>(st.st_size), nullptr, ""});
      return;
    }
    if (!S_ISDIR(st.st_mode)) {
      Unreadable(root, "not a regular file or directory; skipped");
      return;
    }
    std::string dir = StripTrailingSlashes(root);
    if (dir == ".") {
      prefix_.clear();
    } else {
      prefix_ = dir == "/" ? dir : dir + "/";
    }
    frames_.clear();
    git_exclude_ = IgnoreList();
    anchor_prefix_.clear();
    ancestors_.clear();
    if (!opts_.no_ignore) LoadParentIgnores(dir);
    WalkDir(nullptr, dir, "", /*nofollow=*/false);
  }

 private:
  void Warn(const std::string& path, const std::string& reason) {
    warn_(path + ": " + reason);
  }
  void Unreadable(const std::string& path, const std::string& reason) {
    Warn(path, reason);
    if (stats_) ++stats_->unreadable;
  }

  // ripgrep honours the ignore files of the directories above a root, up to
  // the top of the repository holding it, so `scan src` skips what the
  // repository's top .gitignore hides. Outside a repository only the roots'
  // own trees count, so a stray ~/.gitignore never hides anything.
  void LoadParentIgnores(const std::string& dir) {
    char resolved[PATH_MAX];
    if (realpath(dir.c_str(), resolved) == nullptr) return;
    std::string abs = resolved;
    std::string top;
    for (std::string cur = abs;;) {
      if (Exists((cur == "/" ? "" : cur) + "/.git")) {
        top = cur;
        break;
      }
      if (cur == "/") break;
      size_t slash = cur.rfind('/');
      cur = slash == 0 ? "/" : cur.substr(0, slash);
    }
    if (top.empty()) return;
    std::string top_slash = top == "/" ? "/" : top + "/";
    ReadIgnoreFile(top_slash + ".git/info/exclude", &git_exclude_);
    if (top == abs) return;
    std::string rel = abs.substr(top_slash.size());  // root below the top
    anchor_prefix_ = rel + "/";
    // Frames for the top and every directory down to the root's parent.
    std::string base;
    for (size_t pos = 0;;) {
      PushFrame(top_slash + base, base, /*have_keyward=*/true,
                /*have_git=*/true);
      size_t slash = rel.find('/', pos);
      if (slash == std::string::npos) break;
      base = rel.substr(0, slash);
      pos = slash + 1;
    }
  }

  // Reads an ignore file into `list`; false when it does not exist. Other
  // read errors are reported, but the file itself is also visited and
  // counted by the scan, so they are not counted here.
  // `path` is relative to `dirfd` (shown as `shown` when given).
  bool ReadIgnoreFile(const std::string& path, IgnoreList* list,
                      int dirfd = AT_FDCWD, const std::string& shown = "") {
    std::string text;
    if (!ReadWholeFile(dirfd, path, &text)) {
      if (errno != ENOENT && errno != ENOTDIR) {
        Warn(shown.empty() ? path : shown,
             "cannot read ignore file: " + ErrnoText(errno));
      }
      return false;
    }
    list->AddText(text);
    return true;
  }

  // Pushes the ignore files of directory `dir_path` (relative to `dirfd`;
  // anchor-relative `base`; shown as `shown`) when there are any; returns
  // whether a frame was pushed.
  bool PushFrame(const std::string& dir_path, const std::string& base,
                 bool have_keyward, bool have_git, int dirfd = AT_FDCWD,
                 const std::string& shown = "") {
    if (!have_keyward && !have_git) return false;
    std::string dir = dir_path;
    if (!dir.empty() && dir.back() != '/') dir += '/';
    std::string shown_dir = shown.empty() ? dir : shown + "/";
    auto in = [](std::string d, std::string_view name) {
      return d.append(name);
    };
    IgnoreFrame frame;
    frame.base = base;
    if (have_keyward) {
      ReadIgnoreFile(in(dir, kKeywardIgnore), &frame.keyward, dirfd,
                     in(shown_dir, kKeywardIgnore));
    }
    if (have_git) {
      ReadIgnoreFile(in(dir, kGitIgnore), &frame.git, dirfd,
                     in(shown_dir, kGitIgnore));
    }
    if (frame.keyward.empty() && frame.git.empty()) return false;
    frames_.push_back(std::move(frame));
    return true;
  }

  // `rel` is relative to the root.
  bool IsIgnored(const std::string& rel, bool is_dir) const {
    switch (exclude_.Match(rel, is_dir)) {
      case IgnoreList::Verdict::kIgnore:
        return true;
      case IgnoreList::Verdict::kInclude:
        return false;
      case IgnoreList::Verdict::kNone:
        break;
    }
    if (opts_.no_ignore) return false;
    std::string anchor_rel = anchor_prefix_ + rel;
    for (IgnoreList IgnoreFrame::*kind :
         {&IgnoreFrame::keyward, &IgnoreFrame::git}) {
      for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
        const IgnoreList& list = (*it).*kind;
        if (list.empty()) continue;
        std::string_view sub = anchor_rel;
        if (!it->base.empty()) sub.remove_prefix(it->base.size() + 1);
        IgnoreList::Verdict v = list.Match(sub, is_dir);
        if (v != IgnoreList::Verdict::kNone) {
          return v == IgnoreList::Verdict::kIgnore;
        }
      }
    }
    return git_exclude_.Match(anchor_rel, is_dir) ==
           IgnoreList::Verdict::kIgnore;
  }

  // Lists directory `open_path` (relative to `dirfd`), sorted by name.
  // False (after a warning) on failure. With `keep`, the directory stays
  // open there for what is below it.
  bool ListDir(int dirfd, const std::string& open_path,
               const std::string& shown, bool nofollow,
               std::vector<DirEntry>* entries,
               std::shared_ptr<const DirHandle>* keep, bool counted) {
    int flags =
        O_RDONLY | O_DIRECTORY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0);
    int fd = openat(dirfd, open_path.c_str(), flags);
    if (fd < 0) {
      Unreadable(shown, ErrnoText(errno));
      return false;
    }
    if (opts_.follow_symlinks) {
      struct stat st;
      if (fstat(fd, &st) != 0) {
        Unreadable(shown, ErrnoText(errno));
        close(fd);
        return false;
      }
      std::pair<dev_t, ino_t> id{st.st_dev, st.st_ino};
      if (std::find(ancestors_.begin(), ancestors_.end(), id) !=
          ancestors_.end()) {
        Warn(shown, "filesystem loop (a symlink to an ancestor); not entered");
        close(fd);
        return false;
      }
      ancestors_.push_back(id);
    }
    // The entries, read with getdents64 into a buffer kept for the walk:
    // no DIR (whose 32 KB buffer was allocated per directory), and the
    // descriptor read from is the one kept for what is below (fdopendir
    // took it, so a kept one was a duplicate: 4 system calls more per
    // directory with fdopendir's own fcntl and fstat).
    if (dirents_.empty()) dirents_.resize(kDirentBuffer);
    for (;;) {
      ssize_t n = getdents64(fd, dirents_.data(), dirents_.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        Unreadable(shown, ErrnoText(errno));
        break;
      }
      if (n == 0) break;
      for (ssize_t off = 0; off < n;) {
        const auto* e =
            reinterpret_cast<const struct dirent64*>(dirents_.data() + off);
        off += e->d_reclen;
        std::string_view name = e->d_name;
        if (name == "." || name == "..") continue;
        entries->push_back(DirEntry{std::string(name), e->d_type});
      }
    }
    if (keep) {
      *keep =
          std::make_shared<const DirHandle>(fd, counted ? &kept_dirs : nullptr);
    } else {
      close(fd);
    }
    std::sort(
        entries->begin(), entries->end(),
        [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    return true;
  }

  // Walks the directory at `open_path`, relative to `base` (the current
  // directory when null), whose path below the root is `rel`.
  void WalkDir(const std::shared_ptr<const DirHandle>& base,
               const std::string& open_path, const std::string& rel,
               bool nofollow) {
    std::string shown = rel.empty() ? open_path : prefix_ + rel;
    const int dirfd = base ? base->fd() : AT_FDCWD;
    // Where the entries below are opened from: this directory itself once
    // the path to it is long, else the same place as it.
    std::shared_ptr<const DirHandle> here;
    std::vector<DirEntry> entries;
    const bool long_path = open_path.size() > kReanchorPath;
    if (!ListDir(dirfd, open_path, shown, nofollow, &entries,
                 long_path || kept_dirs.load(std::memory_order_relaxed) <
                                  KeptDirsLimit()
                     ? &here
                     : nullptr,
                 /*counted=*/!long_path)) {
      return;
    }
    const std::shared_ptr<const DirHandle>& child_base = here ? here : base;
    const int child_fd = child_base ? child_base->fd() : AT_FDCWD;

    bool pushed = false;
    if (!opts_.no_ignore) {
      bool have_keyward = false, have_git = false;
      for (const DirEntry& e : entries) {
        if (e.name == kKeywardIgnore) have_keyward = true;
        if (e.name == kGitIgnore) have_git = true;
      }
      pushed = here ? PushFrame("", anchor_prefix_ + rel, have_keyward,
                                have_git, child_fd, shown)
                    : PushFrame(open_path, anchor_prefix_ + rel, have_keyward,
                                have_git, dirfd, shown);
      // The anchor-relative base of the root itself has no trailing slash.
      if (pushed && rel.empty() && !anchor_prefix_.empty()) {
        frames_.back().base.pop_back();
      }
    }

    for (const DirEntry& e : entries) {
      std::string child_rel = rel.empty() ? e.name : rel + "/" + e.name;
      std::string child_path = prefix_ + child_rel;
      // What the kernel is given: the shown path from the current
      // directory, or a short path from an open ancestor.
      std::string child_at = here   ? e.name
                             : base ? open_path + "/" + e.name
                                    : child_path;
      if (e.name == ".git") {
        // A repository's .git is not scanned as files (objects are what
        // --git reads; a submodule's or worktree's .git file names a
        // directory elsewhere), except its config: a remote URL with a
        // token in it lives there and nowhere in the tree.
        if (e.type != DT_LNK || opts_.follow_symlinks) {
          VisitGitConfig(child_base, child_fd, child_at, child_rel, child_path);
        }
        continue;
      }
      bool is_dir = false;
      bool via_symlink = false;
      uint64_t size = 0;
      unsigned char type = e.type;
      if (type == DT_UNKNOWN) {
        // Some filesystems do not fill d_type; ask lstat.
        struct stat st;
        if (fstatat(child_fd, child_at.c_str(), &st, AT_SYMLINK_NOFOLLOW) !=
            0) {
          Unreadable(child_path, ErrnoText(errno));
          continue;
        }
        type = S_ISREG(st.st_mode)   ? DT_REG
               : S_ISDIR(st.st_mode) ? DT_DIR
               : S_ISLNK(st.st_mode) ? DT_LNK
                                     : DT_FIFO;  // any other non-regular
        size = static_cast<uint64_t>(st.st_size);
      }
      if (type == DT_LNK) {
        if (!opts_.follow_symlinks) continue;
        struct stat st;
        if (fstatat(child_fd, child_at.c_str(), &st, 0) != 0) {
          Unreadable(child_path, ErrnoText(errno));
          continue;
        }
        via_symlink = true;
        type = S_ISREG(st.st_mode)   ? DT_REG
               : S_ISDIR(st.st_mode) ? DT_DIR
                                     : DT_FIFO;
        size = static_cast<uint64_t>(st.st_size);
      }
      if (type == DT_DIR) {
        is_dir = true;
      } else if (type != DT_REG) {
        continue;  // fifos, sockets, devices: opening could block or hang
      }
      if (IsIgnored(child_rel, is_dir)) {
        if (stats_) ++stats_->ignored;
        continue;
      }
      if (is_dir) {
        WalkDir(child_base, child_at, child_rel, /*nofollow=*/!via_symlink);
      } else {
        Visit(child_base, std::move(child_path), std::move(child_at), size);
      }
    }

    if (pushed) frames_.pop_back();
    if (opts_.follow_symlinks) ancestors_.pop_back();
  }

  // Hands one file to the visitor; `at` is opened from `dir` when there is
  // one, else the shown path is opened as it is.
  void Visit(const std::shared_ptr<const DirHandle>& dir, std::string path,
             std::string at, uint64_t size) {
    if (dir) {
      visit_(WalkEntry{std::move(path), size, dir, std::move(at)});
    } else {
      visit_(WalkEntry{std::move(path), size, nullptr, ""});
    }
  }

  // Visits `<git>/config` when `git` (a ".git" entry at `git_at` from
  // `dirfd`) is a directory holding a regular config file that is not
  // ignored. A .git file (submodule, worktree) has no config below it.
  void VisitGitConfig(const std::shared_ptr<const DirHandle>& dir, int dirfd,
                      const std::string& git_at, const std::string& git_rel,
                      const std::string& git_path) {
    std::string at = git_at + "/config";
    struct stat st;
    if (fstatat(dirfd, at.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISREG(st.st_mode)) {
      return;
    }
    if (IsIgnored(git_rel + "/config", /*is_dir=*/false)) {
      if (stats_) ++stats_->ignored;
      return;
    }
    Visit(dir, git_path + "/config", std::move(at),
          static_cast<uint64_t>(st.st_size));
  }

  const WalkOptions& opts_;
  const std::function<void(const WalkEntry&)>& visit_;
  const std::function<void(const std::string&)>& warn_;
  WalkStats* stats_;
  IgnoreList exclude_;

  // Per root:
  std::string prefix_;         // display prefix of paths below the root
  std::string anchor_prefix_;  // root's path below the repository top + "/"
  std::vector<IgnoreFrame> frames_;  // ignore files from the top down
  IgnoreList git_exclude_;           // the repository's .git/info/exclude
  std::vector<std::pair<dev_t, ino_t>> ancestors_;  // when following links
  std::vector<char> dirents_;  // getdents64's buffer (ListDir)
};

}  // namespace

DirHandle::DirHandle(int fd, std::atomic<int>* count) : fd_(fd), count_(count) {
  if (count_) count_->fetch_add(1, std::memory_order_relaxed);
}

DirHandle::~DirHandle() {
  close(fd_);
  if (count_) count_->fetch_sub(1, std::memory_order_relaxed);
}

int OpenEntry(const WalkEntry& e, int flags) {
  if (e.dir) return openat(e.dir->fd(), e.at.c_str(), flags | O_CLOEXEC);
  return open(e.path.c_str(), flags | O_CLOEXEC);
}

void WalkPaths(const std::vector<std::string>& roots, const WalkOptions& opts,
               const std::function<void(const WalkEntry&)>& visit,
               const std::function<void(const std::string&)>& warn,
               WalkStats* stats) {
  Walker walker(opts, visit, warn, stats);
  for (const std::string& root : roots) walker.WalkRoot(root);
}

}  // namespace keyward

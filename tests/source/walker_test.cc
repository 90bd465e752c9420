#include "source/walker.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "support/run.h"

namespace keyward {
namespace {

using ::keyward::test::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

struct WalkResult {
  std::vector<std::string> paths;  // relative to `strip` when given
  std::vector<uint64_t> sizes;
  std::vector<std::string> warnings;
  WalkStats stats;
};

WalkResult Walk(const std::vector<std::string>& roots,
                const WalkOptions& opts = {}, const std::string& strip = "") {
  WalkResult r;
  WalkPaths(
      roots, opts,
      [&](const WalkEntry& e) {
        std::string p = e.path;
        if (!strip.empty() && p.rfind(strip, 0) == 0)
          p = p.substr(strip.size());
        r.paths.push_back(p);
        r.sizes.push_back(e.size);
      },
      [&](const std::string& w) { r.warnings.push_back(w); }, &r.stats);
  return r;
}

// Walks the whole temp tree and returns paths relative to it.
WalkResult WalkTree(const TempDir& dir, const WalkOptions& opts = {}) {
  return Walk({dir.path()}, opts, dir.path() + "/");
}

// Runs `fn` with the working directory set to `dir`, then restores it.
template <typename Fn>
void InDirectory(const std::string& dir, Fn fn) {
  char old[4096];
  ASSERT_NE(getcwd(old, sizeof old), nullptr);
  ASSERT_EQ(chdir(dir.c_str()), 0);
  fn();
  ASSERT_EQ(chdir(old), 0);
}

TEST(WalkerTest, VisitsRegularFilesSortedAndOnlyTheConfigOfDotGit) {
  TempDir dir;
  dir.Write("b.txt", "b");
  dir.Write("a/z.txt", "z");
  dir.Write("a/b.txt", "b");
  dir.Write(".env", "hidden files are scanned");
  dir.Write(".git/config", "[core]");
  dir.Write(".git/HEAD", "ref: refs/heads/main");
  dir.Write(".git/objects/ab/cdef", "x");
  dir.Write(".git/modules/sub/config", "[core]");
  dir.Write("sub/.git", "gitdir: ../.git/modules/sub");
  WalkResult r = WalkTree(dir);
  // .git/config holds remote URLs (with a token, sometimes); nothing else
  // in .git is read, and a submodule's .git file has no config below it.
  EXPECT_THAT(r.paths, ElementsAre(".env", ".git/config", "a/b.txt", "a/z.txt",
                                   "b.txt"));
  EXPECT_THAT(r.warnings, IsEmpty());
  EXPECT_EQ(r.stats.ignored, 0u);
  EXPECT_EQ(r.stats.unreadable, 0u);
}

TEST(WalkerTest, HonoursNestedGitignoreWithNegation) {
  TempDir dir;
  dir.Write(".gitignore", "*.log\nbuild/\n/top-only.txt\n");
  dir.Write("app.log", "x");
  dir.Write("main.c", "x");
  dir.Write("top-only.txt", "x");
  dir.Write("build/out.o", "x");
  dir.Write("src/top-only.txt", "x");
  dir.Write("src/.gitignore", "!keep.log\n");
  dir.Write("src/keep.log", "x");
  dir.Write("src/drop.log", "x");
  WalkResult r = WalkTree(dir);
  EXPECT_THAT(r.paths, ElementsAre(".gitignore", "main.c", "src/.gitignore",
                                   "src/keep.log", "src/top-only.txt"));
  // app.log, build/, top-only.txt, src/drop.log.
  EXPECT_EQ(r.stats.ignored, 4u);
}

TEST(WalkerTest, NestedGitignoreIsRelativeToItsDirectory) {
  TempDir dir;
  dir.Write("src/.gitignore", "/gen\n");
  dir.Write("src/gen/a.c", "x");
  dir.Write("gen/b.c", "x");
  dir.Write("src/lib/gen/c.c", "x");
  WalkResult r = WalkTree(dir);
  EXPECT_THAT(r.paths,
              ElementsAre("gen/b.c", "src/.gitignore", "src/lib/gen/c.c"));
}

TEST(WalkerTest, IgnoredDirectoryCannotBeReopenedByNegation) {
  TempDir dir;
  dir.Write(".gitignore", "out/\n!out/keep.txt\n");
  dir.Write("out/keep.txt", "x");
  EXPECT_THAT(WalkTree(dir).paths, ElementsAre(".gitignore"));
}

TEST(WalkerTest, KeywardignoreIsHonouredAndBeatsGitignore) {
  TempDir dir;
  dir.Write(".keywardignore", "fixtures/\n!*.env\n");
  dir.Write("fixtures/fake.pem", "x");
  dir.Write("config/.gitignore", "*.env\n*.bak\n");
  dir.Write("config/prod.env", "x");
  dir.Write("config/old.bak", "x");
  WalkResult r = WalkTree(dir);
  // The root .keywardignore re-includes the .env the deeper .gitignore hides,
  // as ripgrep's .rgignore does.
  EXPECT_THAT(r.paths, ElementsAre(".keywardignore", "config/.gitignore",
                                   "config/prod.env"));
}

TEST(WalkerTest, ExplicitRootsAreVisitedEvenWhenIgnored) {
  TempDir dir;
  dir.Write(".gitignore", "*.log\nsecret/\n");
  dir.Write("app.log", "12345");
  dir.Write("secret/key.txt", "x");
  WalkResult r = Walk({dir.path() + "/app.log", dir.path() + "/secret"}, {},
                      dir.path() + "/");
  EXPECT_THAT(r.paths, ElementsAre("app.log", "secret/key.txt"));
  EXPECT_EQ(r.sizes[0], 5u);  // an explicit file root is stat'ed
  // A nested ignore file still hides entries below an explicit root.
  dir.Write("secret/.gitignore", "key.txt\n");
  EXPECT_THAT(Walk({dir.path() + "/secret"}, {}, dir.path() + "/").paths,
              ElementsAre("secret/.gitignore"));
}

TEST(WalkerTest, ParentIgnoresApplyUpToRepositoryTop) {
  TempDir dir;
  dir.Write("repo/.git/HEAD", "ref: refs/heads/main\n");
  dir.Write("repo/.git/info/exclude", "*.swp\n");
  dir.Write("repo/.gitignore", "*.log\n/sub/gen/\n");
  dir.Write("repo/sub/a.log", "x");
  dir.Write("repo/sub/a.swp", "x");
  dir.Write("repo/sub/a.c", "x");
  dir.Write("repo/sub/gen/g.c", "x");
  // Outside a repository, ignore files above the root never count.
  dir.Write(".gitignore", "*.c\n");
  std::string sub = dir.path() + "/repo/sub";
  WalkResult r = Walk({sub}, {}, sub + "/");
  EXPECT_THAT(r.paths, ElementsAre("a.c"));
  EXPECT_EQ(r.stats.ignored, 3u);
  // The explicitly named, ignored directory is still walked.
  EXPECT_THAT(Walk({sub + "/gen"}, {}, sub + "/").paths,
              ElementsAre("gen/g.c"));
  // .git/info/exclude also applies when the root is the repository top.
  WalkResult top = Walk({dir.path() + "/repo"}, {}, dir.path() + "/repo/");
  EXPECT_THAT(top.paths, ElementsAre(".gitignore", "sub/a.c"));
}

TEST(WalkerTest, NoIgnoreVisitsEverythingButDotGit) {
  TempDir dir;
  dir.Write(".gitignore", "*.log\n");
  dir.Write(".keywardignore", "*.txt\n");
  dir.Write("a.log", "x");
  dir.Write("b.txt", "x");
  dir.Write(".git/HEAD", "x");
  WalkOptions opts;
  opts.no_ignore = true;
  WalkResult r = WalkTree(dir, opts);
  EXPECT_THAT(r.paths,
              ElementsAre(".gitignore", ".keywardignore", "a.log", "b.txt"));
  EXPECT_EQ(r.stats.ignored, 0u);
}

TEST(WalkerTest, GitConfigFollowsIgnoresAndSymlinkSettings) {
  TempDir dir;
  dir.Write("repo/.git/config", "[core]");
  dir.Write("other/.git/config", "[core]");
  dir.Write("other/a.txt", "x");
  dir.Write(".keywardignore", "**/.git/config\n");
  ASSERT_EQ(symlink("repo/.git", (dir.path() + "/link").c_str()), 0);
  ASSERT_EQ(mkdir((dir.path() + "/viasym").c_str(), 0755), 0);
  ASSERT_EQ(symlink("../repo/.git", (dir.path() + "/viasym/.git").c_str()), 0);
  // An ignore pattern hides every repository's config.
  WalkResult ignored = WalkTree(dir);
  EXPECT_THAT(ignored.paths, ElementsAre(".keywardignore", "other/a.txt"));
  EXPECT_EQ(ignored.stats.ignored, 2u);
  // Without it, each real .git directory's config is visited once; a .git
  // that is a symlink is not followed unless asked.
  dir.Write(".keywardignore", "");
  WalkResult r = WalkTree(dir);
  EXPECT_THAT(r.paths, ElementsAre(".keywardignore", "other/.git/config",
                                   "other/a.txt", "repo/.git/config"));
  WalkOptions follow;
  follow.follow_symlinks = true;
  WalkResult f = WalkTree(dir, follow);
  EXPECT_THAT(f.paths, ElementsAre(".keywardignore", "link/config",
                                   "other/.git/config", "other/a.txt",
                                   "repo/.git/config", "viasym/.git/config"));
}

TEST(WalkerTest, ExcludeAppliesAlwaysAndCanReincludeIgnored) {
  TempDir dir;
  dir.Write(".gitignore", "*.env\n");
  dir.Write("dist/bundle.js", "x");
  dir.Write("src/dist/keep.js", "x");
  dir.Write("prod.env", "x");
  WalkOptions opts;
  opts.exclude = {"/dist/", "!prod.env"};
  EXPECT_THAT(WalkTree(dir, opts).paths,
              ElementsAre(".gitignore", "prod.env", "src/dist/keep.js"));
  opts.no_ignore = true;
  opts.exclude = {"*.js"};
  WalkResult r = WalkTree(dir, opts);
  EXPECT_THAT(r.paths, ElementsAre(".gitignore", "prod.env"));
  EXPECT_EQ(r.stats.ignored, 2u);
}

TEST(WalkerTest, DisplayPathsFollowTheRootAsGiven) {
  TempDir dir;
  dir.Write("src/a.js", "x");
  InDirectory(dir.path(), [] {
    EXPECT_THAT(Walk({"."}).paths, ElementsAre("src/a.js"));
    EXPECT_THAT(Walk({"./"}).paths, ElementsAre("src/a.js"));
    EXPECT_THAT(Walk({"src"}).paths, ElementsAre("src/a.js"));
    EXPECT_THAT(Walk({"src//"}).paths, ElementsAre("src/a.js"));
    EXPECT_THAT(Walk({"./src"}).paths, ElementsAre("./src/a.js"));
    EXPECT_THAT(Walk({"src/a.js"}).paths, ElementsAre("src/a.js"));
  });
  EXPECT_THAT(Walk({dir.path()}).paths, ElementsAre(dir.path() + "/src/a.js"));
}

TEST(WalkerTest, SymlinksAreNotFollowedByDefault) {
  TempDir dir;
  TempDir outside;
  outside.Write("target.txt", "x");
  outside.Write("d/inner.txt", "x");
  dir.Write("real.txt", "x");
  ASSERT_EQ(symlink((outside.path() + "/target.txt").c_str(),
                    (dir.path() + "/link.txt").c_str()),
            0);
  ASSERT_EQ(symlink((outside.path() + "/d").c_str(),
                    (dir.path() + "/linkdir").c_str()),
            0);
  WalkResult r = WalkTree(dir);
  EXPECT_THAT(r.paths, ElementsAre("real.txt"));
  EXPECT_THAT(r.warnings, IsEmpty());

  WalkOptions follow;
  follow.follow_symlinks = true;
  WalkResult f = WalkTree(dir, follow);
  EXPECT_THAT(f.paths,
              ElementsAre("link.txt", "linkdir/inner.txt", "real.txt"));
  // A symlink named as a root is followed even without the option.
  EXPECT_THAT(Walk({dir.path() + "/linkdir"}, {}, dir.path() + "/").paths,
              ElementsAre("linkdir/inner.txt"));
}

TEST(WalkerTest, SymlinkLoopWithFollowTerminatesAndWarns) {
  // The two loops sit in different directories so that a walker without
  // loop detection fails fast (the kernel's ELOOP limit ends each chain)
  // instead of exploring every interleaving of them.
  TempDir dir;
  dir.Write("a/file.txt", "x");
  dir.Write("b/other.txt", "x");
  ASSERT_EQ(symlink(".", (dir.path() + "/a/self").c_str()), 0);
  ASSERT_EQ(symlink("..", (dir.path() + "/b/up").c_str()), 0);
  WalkOptions opts;
  opts.follow_symlinks = true;
  WalkResult r = WalkTree(dir, opts);
  EXPECT_THAT(r.paths, ElementsAre("a/file.txt", "b/other.txt"));
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_THAT(r.warnings[0], HasSubstr("a/self: filesystem loop"));
  EXPECT_THAT(r.warnings[1], HasSubstr("b/up: filesystem loop"));
  EXPECT_EQ(r.stats.unreadable, 0u);
}

TEST(WalkerTest, DanglingSymlinkWhenFollowingWarnsAndContinues) {
  TempDir dir;
  dir.Write("ok.txt", "x");
  ASSERT_EQ(symlink("missing", (dir.path() + "/broken").c_str()), 0);
  WalkOptions opts;
  opts.follow_symlinks = true;
  WalkResult r = WalkTree(dir, opts);
  EXPECT_THAT(r.paths, ElementsAre("ok.txt"));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_THAT(r.warnings[0], HasSubstr("/broken: No such file"));
  EXPECT_EQ(r.stats.unreadable, 1u);
}

TEST(WalkerTest, NonexistentRootWarnsAndOtherRootsGoOn) {
  TempDir dir;
  dir.Write("ok.txt", "x");
  WalkResult r = Walk({dir.path() + "/nope", dir.path()}, {}, dir.path() + "/");
  EXPECT_THAT(r.paths, ElementsAre("ok.txt"));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0], dir.path() + "/nope: No such file or directory");
  EXPECT_EQ(r.stats.unreadable, 1u);
}

// Permission bits do not stop root: as root (CI) the walk runs in a child
// process that has dropped to `nobody`, and reports back through a pipe.
TEST(WalkerTest, UnreadableDirectoryWarnsAndContinues) {
  TempDir dir;
  test::MakeWorldReadable(dir.path());
  dir.Write("a.txt", "x");
  dir.Write("locked/secret.txt", "x");
  dir.Write("z.txt", "x");
  std::string locked = dir.path() + "/locked";
  ASSERT_EQ(chmod(locked.c_str(), 0), 0);
  auto walk_as_user = [&]() -> std::string {
    if (geteuid() != 0) {
      WalkResult r = WalkTree(dir);
      std::string out;
      for (const auto& p : r.paths) out += p + "\n";
      for (const auto& w : r.warnings) out += "warning: " + w + "\n";
      return out + "unreadable " + std::to_string(r.stats.unreadable) + "\n";
    }
    int fds[2];
    if (pipe(fds) != 0) return "pipe failed";
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 ||
          setuid(65534) != 0) {
        _exit(3);
      }
      WalkResult r = WalkTree(dir);
      std::string out;
      for (const auto& p : r.paths) out += p + "\n";
      for (const auto& w : r.warnings) out += "warning: " + w + "\n";
      out += "unreadable " + std::to_string(r.stats.unreadable) + "\n";
      ssize_t n = write(fds[1], out.data(), out.size());
      _exit(n == static_cast<ssize_t>(out.size()) ? 0 : 4);
    }
    close(fds[1]);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
      out.append(buf, n);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      return "child failed: " + std::to_string(status);
    }
    return out;
  };
  std::string out = walk_as_user();
  chmod(locked.c_str(), 0755);
  EXPECT_THAT(out, HasSubstr("a.txt\nz.txt\nwarning: "));
  EXPECT_THAT(out, HasSubstr("locked: Permission denied\nunreadable 1\n"));
  EXPECT_THAT(out, Not(HasSubstr("secret.txt")));
}

// A directory that cannot be opened when the walk reaches it (here: made a
// file after its parent was listed, which stops root as well) is warned
// about and counted, and the walk goes on.
TEST(WalkerTest, UnopenableDirectoryWarnsAndContinues) {
  TempDir dir;
  dir.Write("a.txt", "x");
  dir.Write("b/inner.txt", "x");
  dir.Write("z.txt", "x");
  WalkResult r;
  WalkPaths(
      {dir.path()}, {},
      [&](const WalkEntry& e) {
        r.paths.push_back(e.path.substr(dir.path().size() + 1));
        if (r.paths.back() == "a.txt") {  // b was listed as a directory
          std::filesystem::remove_all(dir.path() + "/b");
          dir.Write("b", "now a file");
        }
      },
      [&](const std::string& w) { r.warnings.push_back(w); }, &r.stats);
  EXPECT_THAT(r.paths, ElementsAre("a.txt", "z.txt"));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_THAT(r.warnings[0], HasSubstr("b: Not a directory"));
  EXPECT_EQ(r.stats.unreadable, 1u);
}

// Depth is not limited by PATH_MAX: below a long path the walker opens
// entries relative to an open ancestor (the 2,100-deep case, with ignore
// files and a scan, is in deep_tree_test.cc).
TEST(WalkerTest, DirectoryBeyondPathMaxIsWalked) {
  TempDir dir;
  dir.Write("a.txt", "x");
  dir.Write("z.txt", "x");
  const std::string component(200, 'd');
  constexpr int kDepth = 25;  // 25 * 201 bytes > PATH_MAX (4096)
  int fd = open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  std::vector<int> fds = {fd};
  std::string deep;
  for (int i = 0; i < kDepth; ++i) {
    ASSERT_EQ(mkdirat(fds.back(), component.c_str(), 0755), 0);
    int next = openat(fds.back(), component.c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(next, 0);
    fds.push_back(next);
    deep += component + "/";
  }
  int f = openat(fds.back(), "f.txt", O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(f, 0);
  close(f);
  WalkResult r = WalkTree(dir);
  // Clean up bottom-up through the open descriptors; TempDir's path-based
  // removal could not reach this deep.
  unlinkat(fds.back(), "f.txt", 0);
  for (int i = kDepth; i > 0; --i) {
    close(fds[i]);
    unlinkat(fds[i - 1], component.c_str(), AT_REMOVEDIR);
  }
  close(fds[0]);
  EXPECT_THAT(r.paths, ElementsAre("a.txt", deep + "f.txt", "z.txt"));
  EXPECT_THAT(r.warnings, IsEmpty());
  EXPECT_EQ(r.stats.unreadable, 0u);
}

// A directory whose listing takes several getdents64 reads (2,500 entries
// of ~64 bytes; the walker reads 32 KB at a time) is walked whole, sorted.
TEST(WalkerTest, DirectoryLargerThanOneListingReadIsWalkedWhole) {
  TempDir dir;
  std::vector<std::string> want;
  for (int i = 2499; i >= 0; --i) {
    char name[64];
    snprintf(name, sizeof name, "big/file-with-a-long-name-for-entry-%05d.txt",
             i);
    dir.Write(name, "x");
    want.push_back(name);
  }
  dir.Write("big/sub/inner.txt", "x");
  want.push_back("big/sub/inner.txt");
  dir.Write("a.txt", "x");
  want.insert(want.begin(), "a.txt");
  std::sort(want.begin(), want.end());
  WalkResult r = WalkTree(dir);
  EXPECT_EQ(r.paths, want);
  EXPECT_THAT(r.warnings, IsEmpty());
  EXPECT_EQ(r.stats.unreadable, 0u);
}

TEST(WalkerTest, FifosAreSkippedWithoutOpening) {
  TempDir dir;
  dir.Write("a.txt", "x");
  std::string fifo = dir.path() + "/pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  // Opening the FIFO for reading would block forever (no writer), so a
  // walker that touched it would hang this test instead of passing.
  WalkResult r = WalkTree(dir);
  EXPECT_THAT(r.paths, ElementsAre("a.txt"));
  EXPECT_THAT(r.warnings, IsEmpty());
  WalkOptions follow;
  follow.follow_symlinks = true;
  ASSERT_EQ(symlink("pipe", (dir.path() + "/pipe-link").c_str()), 0);
  EXPECT_THAT(WalkTree(dir, follow).paths, ElementsAre("a.txt"));
  // Named as a root, it is reported rather than opened.
  WalkResult named = Walk({fifo});
  EXPECT_THAT(named.paths, IsEmpty());
  ASSERT_EQ(named.warnings.size(), 1u);
  EXPECT_THAT(named.warnings[0], HasSubstr("not a regular file"));
}

}  // namespace
}  // namespace keyward

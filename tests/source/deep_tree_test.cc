// Trees deeper than PATH_MAX: the walker opens what is below a long path
// relative to an open ancestor (openat), so a file 2,100 directories down
// is listed, opened and scanned, with ignore files honoured and its full
// path shown (issue 14, class 3).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <string>
#include <vector>

#include "source/walker.h"
#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward {
namespace {

using ::keyward::test::TempDir;

constexpr int kDepth = 2100;  // "d/" x 2100 = 4,200 bytes > PATH_MAX

// Creates `depth` nested directories "d" under `root` and, at the bottom,
// `files` (name -> content). Works below PATH_MAX with mkdirat/openat only.
void MakeDeepTree(
    const std::string& root, int depth,
    const std::vector<std::pair<std::string, std::string>>& files) {
  int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  for (int i = 0; i < depth; ++i) {
    ASSERT_EQ(mkdirat(fd, "d", 0755), 0) << i;
    int next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(next, 0) << i;
    close(fd);
    fd = next;
  }
  for (const auto& [name, content] : files) {
    int f = openat(fd, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                   0644);
    ASSERT_GE(f, 0);
    ASSERT_EQ(write(f, content.data(), content.size()),
              static_cast<ssize_t>(content.size()));
    close(f);
  }
  close(fd);
}

// Removes what MakeDeepTree made under `root` (std::filesystem cannot: its
// paths are too long) with two descriptors open at a time: the top level is
// removed after moving what it holds up into its place.
void RemoveDeepTree(const std::string& root) {
  int top = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (top < 0) return;
  for (;;) {
    int d = openat(top, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d < 0) break;
    bool deeper = renameat(d, "d", top, "up") == 0;
    for (const char* name : {"leak.env", "skipped.env", ".gitignore"}) {
      unlinkat(d, name, 0);
    }
    close(d);
    unlinkat(top, "d", AT_REMOVEDIR);
    if (!deeper || renameat(top, "up", top, "d") != 0) break;
  }
  close(top);
}

class DeepTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    token_ = test::FakeGithubToken(1410);
    MakeDeepTree(dir_.path(), kDepth,
                 {{"leak.env", "GITHUB_TOKEN=" + token_ + "\n"},
                  {"skipped.env", "GITHUB_TOKEN=" + token_ + "\n"},
                  {".gitignore", "skipped.env\n"}});
  }
  void TearDown() override { RemoveDeepTree(dir_.path()); }
  std::string Bottom() const {
    std::string p = dir_.path();
    for (int i = 0; i < kDepth; ++i) p += "/d";
    return p;
  }
  TempDir dir_;
  std::string token_;
};

TEST_F(DeepTreeTest, WalkerListsAndOpensFilesBeyondPathMax) {
  std::vector<std::string> paths, warnings;
  std::string content;
  WalkStats stats;
  WalkPaths(
      {dir_.path()}, {},
      [&](const WalkEntry& e) {
        paths.push_back(e.path);
        int fd = OpenEntry(e, O_RDONLY);
        ASSERT_GE(fd, 0) << "cannot open a walked file";
        char buf[256];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) content.assign(buf, n);
        close(fd);
      },
      [&](const std::string& w) { warnings.push_back(w); }, &stats);
  EXPECT_TRUE(warnings.empty()) << warnings[0].substr(0, 200);
  EXPECT_EQ(stats.unreadable, 0u);
  // The deep .gitignore hid skipped.env; the path shown is the whole path.
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0], Bottom() + "/.gitignore");
  EXPECT_EQ(paths[1], Bottom() + "/leak.env");
  EXPECT_GT(paths[1].size(), static_cast<size_t>(PATH_MAX));
  EXPECT_EQ(stats.ignored, 1u);
  EXPECT_EQ(content, "GITHUB_TOKEN=" + token_ + "\n");
}

TEST_F(DeepTreeTest, ScanFindsTheSecretAtTheBottom) {
  TempDir cache;
  test::RunResult r =
      test::RunKeyward({"scan", "--format", "jsonl", dir_.path()}, "",
                       {"XDG_CACHE_HOME=" + cache.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err.substr(0, 300);
  EXPECT_NE(r.out.find("/d/d/leak.env"), std::string::npos);
  EXPECT_EQ(r.out.find("skipped.env"), std::string::npos);
  EXPECT_EQ(r.err.find("unreadable"), std::string::npos)
      << r.err.substr(0, 300);
}

// Files are opened relative to their directory's open handle; those
// handles are capped by the open-file limit, so a scan under a low limit
// (here 40 descriptors, 300 directories) still opens every file.
TEST(ManyDirectoriesTest, ScannedWholeUnderALowOpenFileLimit) {
  TempDir dir, cache;
  constexpr int kDirs = 300;
  for (int i = 0; i < kDirs; ++i) {
    std::string sub = "d" + std::to_string(i);
    dir.Write(sub + "/a/notes.txt", "nothing to see in " + sub + "\n");
    dir.Write(sub + "/b.txt", "plain text\n");
  }
  test::RunResult r = test::RunProgram(
      {"sh", "-c", "ulimit -n 40 && exec \"$0\" scan --format json \"$1\"",
       KEYWARD_BINARY, dir.path()},
      "", {"XDG_CACHE_HOME=" + cache.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 300);
  EXPECT_NE(r.out.find("\"files\": " + std::to_string(2 * kDirs)),
            std::string::npos)
      << r.out.substr(0, 300);
  EXPECT_NE(r.out.find("\"unreadable\": 0"), std::string::npos);
  EXPECT_EQ(r.err.find("Too many open files"), std::string::npos)
      << r.err.substr(0, 300);
}

}  // namespace
}  // namespace keyward

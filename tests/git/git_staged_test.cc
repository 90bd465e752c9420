// ScanGitStaged: only what the next commit adds.
#include <filesystem>

#include "support/git_fixture.h"

namespace keyward::test {
namespace {

class GitStagedTest : public GitFixture {};

TEST_F(GitStagedTest, WorksBeforeTheFirstCommit) {
  Init();
  Write("new.env", "T=" + FakeGithubToken(21) + "\n");
  Git({"add", "new.env"});
  ScanResult r = Staged();
  EXPECT_EQ(Secrets(r), (std::vector<std::string>{FakeGithubToken(21)}));
  EXPECT_EQ(r.findings[0].path, "new.env");
  EXPECT_FALSE(r.findings[0].git.has_value());
}

// --exclude is honoured inside git/: an excluded path's blob is not read at
// all (counted as skipped), in staged changes, commit ranges and history.
TEST_F(GitStagedTest, ExcludedPathsAreNotReadInAnyGitMode) {
  Init();
  Write("README.md", "clean\n");
  std::string base = CommitAll("base");
  Write("vendor/lib/conf.env", "T=" + FakeGithubToken(41) + "\n");
  Write("web/app.min.js", "t=\"" + FakeGithubToken(42) + "\"\n");
  Write("src/app.env", "T=" + FakeGithubToken(43) + "\n");
  Git({"add", "-A"});
  exclude_ = {"vendor/", "*.min.js"};
  ScanResult staged = Staged();
  EXPECT_EQ(Secrets(staged), (std::vector<std::string>{FakeGithubToken(43)}));
  EXPECT_EQ(staged.stats.skipped_ignored, 2u);
  EXPECT_EQ(staged.stats.files, 1u);
  CommitAll("three files");
  ScanResult range = Range(base, "HEAD");
  EXPECT_EQ(Secrets(range), (std::vector<std::string>{FakeGithubToken(43)}));
  EXPECT_EQ(range.stats.skipped_ignored, 2u);
  EXPECT_EQ(Secrets(History()),
            (std::vector<std::string>{FakeGithubToken(43)}));
  // Without the excludes all three are found.
  exclude_.clear();
  EXPECT_EQ(Secrets(History()).size(), 3u);
}

TEST_F(GitStagedTest, EmptyIndexInEmptyRepository) {
  Init();
  EXPECT_TRUE(Staged().findings.empty());
}

TEST_F(GitStagedTest, StagedIsReportedUnstagedIsNot) {
  Init();
  Write("a.txt", "clean\n");
  CommitAll("clean");
  Write("staged.txt", "t=" + FakeGithubToken(22) + "\n");
  Git({"add", "staged.txt"});
  // Changes only in the working tree are not part of the commit.
  Write("a.txt", "clean\nt=" + FakeGithubToken(23) + "\n");
  Write("untracked.txt", "t=" + FakeGithubToken(24) + "\n");
  EXPECT_EQ(Secrets(Staged()), (std::vector<std::string>{FakeGithubToken(22)}));
}

TEST_F(GitStagedTest, StagedContentNotWorkingTreeContentIsScanned) {
  Init();
  Write("a.txt", "t=" + FakeGithubToken(25) + "\n");
  Git({"add", "a.txt"});
  Write("a.txt", "cleaned up after staging\n");  // not staged
  EXPECT_EQ(Secrets(Staged()), (std::vector<std::string>{FakeGithubToken(25)}));
}

TEST_F(GitStagedTest, SecretAlreadyInHeadIsNotReReported) {
  Init();
  const std::string old_token = FakeGithubToken(26);
  Write("cfg.ini", "[a]\nkey=" + old_token + "\n");
  CommitAll("old leak");
  // Editing a line near the old secret, and repeating it elsewhere in the
  // file, adds lines but no new secret.
  Write("cfg.ini", "[a]\nkey=" + old_token + "\n[b]\nsame=" + old_token +
                       "\nnew=" + FakeGithubToken(27) + "\n");
  Git({"add", "cfg.ini"});
  ScanResult r = Staged();
  EXPECT_EQ(Secrets(r), (std::vector<std::string>{FakeGithubToken(27)}));
  EXPECT_EQ(r.findings[0].line, 5);
}

TEST_F(GitStagedTest, RenameOfAFileWithASecretAddsNothing) {
  Init();
  Write("old/name.env", "line\nT=" + FakeGithubToken(28) + "\nmore\nlines\n");
  CommitAll("add");
  std::filesystem::create_directories(dir_.path() + "/new");
  Git({"mv", "old/name.env", "new/name.env"});
  EXPECT_TRUE(Staged().findings.empty());
  // A rename with a small edit is still a rename (similar content).
  Write("new/name.env",
        "line\nT=" + FakeGithubToken(28) + "\nmore\nlines\nand one\n");
  Git({"add", "new/name.env"});
  EXPECT_TRUE(Staged().findings.empty());
}

TEST_F(GitStagedTest, DeletionsAndBinaryFilesAddNothing) {
  Init();
  Write("gone.txt", "t=" + FakeGithubToken(29) + "\n");
  CommitAll("add");
  Git({"rm", "-q", "gone.txt"});
  Write("blob.bin", std::string("\0\0", 2) + "t=" + FakeGithubToken(30));
  Git({"add", "blob.bin"});
  ScanResult r = Staged();
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.stats.skipped_binary, 1u);
}

TEST_F(GitStagedTest, WorksFromASubdirectory) {
  Init();
  Write("sub/dir/x.txt", "t=" + FakeGithubToken(31) + "\n");
  Git({"add", "."});
  Scanner scanner(*matcher_, Options());
  ScanResult r;
  ASSERT_TRUE(ScanGitStaged(scanner, dir_.path() + "/sub/dir", &r).ok());
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, "sub/dir/x.txt");
}

}  // namespace
}  // namespace keyward::test

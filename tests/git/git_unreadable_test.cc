// A history that cannot be read is never "no findings": truncated packs and
// indexes, corrupt loose objects, objects a tree or ref names but the
// repository lacks are each warned about, counted as unreadable, and make
// `keyward scan --git` exit 2 (issue 14, class 3).
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/git_fixture.h"

namespace keyward::test {
namespace {

namespace fs = std::filesystem;

class GitUnreadableTest : public GitCliFixture {
 protected:
  // A repository whose whole history (one secret in two commits) is in
  // one pack, with no loose objects left.
  void PackedHistory() {
    Init();
    Write("a.txt", "nothing here\n");
    CommitAll("one");
    Write("deploy/.env", "GITHUB_TOKEN=" + FakeGithubToken(1401) + "\n");
    CommitAll("two");
    Git({"gc", "-q", "--prune=now"});
  }
  std::string PackFile(const std::string& ext) {
    for (const auto& e :
         fs::directory_iterator(dir_.path() + "/.git/objects/pack")) {
      if (e.path().extension() == ext) return e.path().string();
    }
    ADD_FAILURE() << "no " << ext << " file";
    return "";
  }
  static void Truncate(const std::string& path, double keep) {
    chmod(path.c_str(), 0644);
    auto size = fs::file_size(path);
    fs::resize_file(path, static_cast<uintmax_t>(size * keep));
  }
};

TEST_F(GitUnreadableTest, TruncatedPackIsUnreadableAndExitsTwo) {
  PackedHistory();
  ASSERT_EQ(Scan({"--git"}).exit_code, 1);  // the secret, before the damage
  Truncate(PackFile(".pack"), 0.5);

  ScanResult r = History();
  EXPECT_GT(r.stats.unreadable, 0u);
  EXPECT_FALSE(warnings_.empty());

  RunResult cli = Scan({"--git"});
  EXPECT_EQ(cli.exit_code, 2) << cli.out << cli.err;
  EXPECT_NE(cli.err.find("could not be read"), std::string::npos) << cli.err;
  EXPECT_NE(cli.err.find("unreadable"), std::string::npos) << cli.err;
  // Told to tolerate it: warnings only, the exit code says what was found.
  RunResult tolerant = Scan({"--git", "--allow-unreadable"});
  EXPECT_LT(tolerant.exit_code, 2) << tolerant.err;
  EXPECT_NE(tolerant.err.find("warning"), std::string::npos) << tolerant.err;
}

TEST_F(GitUnreadableTest, TruncatedPackIndexIsUnreadable) {
  PackedHistory();
  Truncate(PackFile(".idx"), 0.5);
  ScanResult r = History();
  EXPECT_GT(r.stats.unreadable, 0u);
  EXPECT_EQ(Scan({"--git"}).exit_code, 2);
}

TEST_F(GitUnreadableTest, RefToAMissingCommitIsUnreadable) {
  Init();
  Write("a.txt", "t=" + FakeGithubToken(1402) + "\n");
  CommitAll("one");
  // A branch naming a commit the repository does not have (a partial copy).
  Write(".git/refs/heads/lost", std::string(40, 'e') + "\n");
  ScanResult r = History();
  EXPECT_EQ(Secrets(r), (std::vector<std::string>{FakeGithubToken(1402)}));
  EXPECT_EQ(r.stats.unreadable, 1u);
  ASSERT_FALSE(warnings_.empty());
  EXPECT_NE(warnings_[0].find("refs/heads/lost"), std::string::npos)
      << warnings_[0];
  EXPECT_EQ(Scan({"--git"}).exit_code, 2);
}

TEST_F(GitUnreadableTest, BlobMissingFromATreeIsUnreadable) {
  Init();
  Write("good.txt", "t=" + FakeGithubToken(1403) + "\n");
  Write("gone.txt", "t=" + FakeGithubToken(1404) + "\n");
  CommitAll("two files");
  std::string gone = Rev("HEAD:gone.txt");
  fs::remove(dir_.path() + "/.git/objects/" + gone.substr(0, 2) + "/" +
             gone.substr(2));
  ScanResult r = History();
  EXPECT_EQ(Secrets(r), (std::vector<std::string>{FakeGithubToken(1403)}));
  EXPECT_EQ(r.stats.unreadable, 1u);
  RunResult cli = Scan({"--git"});
  EXPECT_EQ(cli.exit_code, 2);
  EXPECT_NE(cli.err.find(gone), std::string::npos) << cli.err;
}

TEST_F(GitUnreadableTest, CorruptLooseCommitIsUnreadable) {
  Init();
  Write("a.txt", "t=" + FakeGithubToken(1405) + "\n");
  CommitAll("one");
  Write("a.txt", "t=" + FakeGithubToken(1406) + "\n");
  std::string head = CommitAll("two");
  std::string object =
      ".git/objects/" + head.substr(0, 2) + "/" + head.substr(2);
  chmod((dir_.path() + "/" + object).c_str(), 0644);
  Write(object, "this is not zlib data");
  ScanResult r = History();
  EXPECT_GT(r.stats.unreadable, 0u);
  EXPECT_EQ(Scan({"--git"}).exit_code, 2);
}

TEST_F(GitUnreadableTest, UnreadableCommitInARangeExitsTwo) {
  Init();
  Write("a.txt", "one\n");
  std::string base = CommitAll("base");
  Write("a.txt", "t=" + FakeGithubToken(1407) + "\n");
  CommitAll("leak");
  Write("b.txt", "two\n");
  CommitAll("more");
  // The middle commit's tree is lost: what it added cannot be scanned.
  std::string tree = Rev("HEAD~1^{tree}");
  fs::remove(dir_.path() + "/.git/objects/" + tree.substr(0, 2) + "/" +
             tree.substr(2));
  ScanResult r = Range(base, "HEAD");
  EXPECT_GT(r.stats.unreadable, 0u);
  EXPECT_EQ(Scan({"--range", base + "..HEAD"}).exit_code, 2);
}

TEST_F(GitUnreadableTest, HealthyAndShallowHistoriesAreNotUnreadable) {
  PackedHistory();
  EXPECT_EQ(History().stats.unreadable, 0u);
  TempDir clone;
  RunResult c = RunProgram({"git", "clone", "-q", "--depth", "1",
                            "file://" + dir_.path(), clone.path() + "/c"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  RunResult r = RunKeyward({"scan", "--git", clone.path() + "/c"}, "",
                           {"XDG_CACHE_HOME=" + cache_->path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the secret; shallow is a warning
}

// Issue 14, class 8: a blob too large to hold in memory was skipped with
// exit 0. KEYWARD_MAX_BLOB_BYTES stands in for the machine's memory (the
// test needs no gigabytes): the blob is named, counted unreadable, and the
// run exits 2 unless --allow-unreadable; the rest of the history is scanned.
// Loose (libgit2) and packed (the pack reader, then libgit2) alike.
TEST_F(GitUnreadableTest, BlobTooLargeToHoldIsUnreadableAndExitsTwo) {
  Init();
  std::string big = "k=" + FakeGithubToken(1408) + "\n";
  while (big.size() < 300000) big += "an ordinary line of a large file\n";
  Write("big.txt", big);
  Write("small.txt", "t=" + FakeGithubToken(1409) + "\n");
  CommitAll("big and small");
  const std::string big_id = Rev("HEAD:big.txt");
  const std::vector<std::string> limit = {"KEYWARD_MAX_BLOB_BYTES=100000"};
  for (const char* layout : {"loose", "packed"}) {
    SCOPED_TRACE(layout);
    if (std::string(layout) == "packed") Git({"gc", "-q", "--prune=now"});
    RunResult r = Scan({"--git"}, limit);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(big_id + ": too large to hold in memory"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("unreadable"), std::string::npos) << r.err;
    // Tolerated: the small file's secret still decides the exit code.
    RunResult tolerant = Scan({"--git", "--allow-unreadable"}, limit);
    EXPECT_EQ(tolerant.exit_code, 1) << tolerant.err;
    EXPECT_NE(tolerant.err.find("too large"), std::string::npos);
    // Without a limit the blob fits: both secrets, nothing unreadable.
    RunResult whole = Scan({"--git", "--format", "json"});
    EXPECT_EQ(whole.exit_code, 1) << whole.err;
    EXPECT_EQ(whole.err.find("too large"), std::string::npos) << whole.err;
  }
  // Staged (the pre-commit hook) alike.
  Write("big.txt", big + "one more line\n");
  Git({"add", "big.txt"});
  RunResult staged = Scan({"--staged"}, limit);
  EXPECT_EQ(staged.exit_code, 2) << staged.err;
  EXPECT_NE(staged.err.find("too large to hold in memory"), std::string::npos)
      << staged.err;
  EXPECT_LT(Scan({"--staged", "--allow-unreadable"}, limit).exit_code, 2);
}

}  // namespace
}  // namespace keyward::test

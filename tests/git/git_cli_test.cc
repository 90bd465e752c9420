// `keyward scan --git / --staged / --since / --range` end to end.
#include <nlohmann/json.hpp>

#include "git_fixture.h"

namespace keyward::test {
namespace {

class GitCliTest : public GitFixture {
 protected:
  // One private rule-database cache for the suite: tests never touch the
  // user's cache, and the full rule set is compiled once, not per test.
  static void SetUpTestSuite() {
    GitFixture::SetUpTestSuite();
    cache_ = new TempDir();
  }
  static void TearDownTestSuite() {
    delete cache_;
    cache_ = nullptr;
    GitFixture::TearDownTestSuite();
  }
  RunResult Scan(std::vector<std::string> args) {
    args.insert(args.begin(), "scan");
    return RunKeyward(args, "", {"XDG_CACHE_HOME=" + cache_->path()},
                      dir_.path());
  }
  static TempDir* cache_;
};

TempDir* GitCliTest::cache_ = nullptr;

TEST_F(GitCliTest, HistoryTextShowsCommitPathLineAndRedacts) {
  Init();
  const std::string token = FakeGithubToken(51);
  Write("deploy/.env", "x=1\nGITHUB_TOKEN=" + token + "\n");
  std::string leak = CommitAll("leak");
  Write("deploy/.env", "x=1\n");
  CommitAll("remove");
  // A plain directory scan sees nothing: the secret lives in history only.
  EXPECT_EQ(Scan({"."}).exit_code, 0);

  RunResult r = Scan({"--git", "-j2"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find(leak.substr(0, 12) + ":deploy/.env:2"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find(token), std::string::npos) << "secret printed";
}

TEST_F(GitCliTest, HistoryJsonHasCommitAuthorEmailDate) {
  Init();
  Write("a.txt", "t=" + FakeGithubToken(52) + "\n");
  std::string leak = CommitAll("leak");
  RunResult r = Scan({"--git", "--format", "json", dir_.path()});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 1u);
  const auto& f = j["findings"][0];
  EXPECT_EQ(f["commit"], leak);
  EXPECT_EQ(f["author"], "Ada Tester");
  EXPECT_EQ(f["email"], "ada@example.test");
  EXPECT_EQ(f["date"], "2024-01-10T12:00:00Z");
  EXPECT_EQ(f["path"], "a.txt");
}

TEST_F(GitCliTest, StagedExitCodes) {
  Init();
  Write("a.txt", "clean\n");
  CommitAll("clean");
  EXPECT_EQ(Scan({"--staged"}).exit_code, 0);
  Write("b.txt", "t=" + FakeGithubToken(53) + "\n");
  EXPECT_EQ(Scan({"--staged"}).exit_code, 0) << "unstaged is not reported";
  Git({"add", "b.txt"});
  RunResult r = Scan({"--staged"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("b.txt:1"), std::string::npos) << r.out;
}

TEST_F(GitCliTest, RangeAndSince) {
  Init();
  Write("a.txt", "a\n");
  std::string base = CommitAll("base");
  Write("b.txt", "t=" + FakeGithubToken(54) + "\n");
  CommitAll("leak");
  EXPECT_EQ(Scan({"--range", base + "..HEAD"}).exit_code, 1);
  EXPECT_EQ(Scan({"--range", "HEAD..HEAD"}).exit_code, 0);
  EXPECT_EQ(Scan({"--since", base}).exit_code, 1);
  EXPECT_EQ(Scan({"--since", "HEAD"}).exit_code, 0);
}

TEST_F(GitCliTest, UsageErrorsExitTwo) {
  Init();
  EXPECT_EQ(Scan({"--git", "--staged"}).exit_code, 2);
  EXPECT_EQ(Scan({"--all-objects"}).exit_code, 2);
  EXPECT_EQ(Scan({"--range", "nonsense"}).exit_code, 2);
  RunResult r = Scan({"--range", "nope..HEAD"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
  TempDir not_a_repo;
  EXPECT_EQ(Scan({"--git", not_a_repo.path()}).exit_code, 2);
}

}  // namespace
}  // namespace keyward::test

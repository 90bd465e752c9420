// ScanGitRange / ScanGitSince: only what a range of commits adds.
#include "support/git_fixture.h"

namespace keyward::test {
namespace {

class GitRangeTest : public GitFixture {};

TEST_F(GitRangeTest, OnlySecretsAddedInTheRange) {
  Init();
  Write("old.txt", "t=" + FakeGithubToken(41) + "\n");
  std::string base = CommitAll("before the range");
  Write("new.txt", "t=" + FakeGithubToken(42) + "\n");
  std::string leak = CommitAll("in range");
  // Touching the old file and copying its secret adds nothing new.
  Write("old.txt", "t=" + FakeGithubToken(41) + "\nedited\n");
  Write("copy.txt", "t=" + FakeGithubToken(41) + "\n");
  CommitAll("edit old");

  ScanResult r = Range(base, "HEAD");
  ASSERT_EQ(Secrets(r), (std::vector<std::string>{FakeGithubToken(42)}));
  EXPECT_EQ(r.findings[0].path, "new.txt");
  ASSERT_TRUE(r.findings[0].git.has_value());
  EXPECT_EQ(r.findings[0].git->commit, leak);
  EXPECT_EQ(r.findings[0].git->commit_count, 2);
}

TEST_F(GitRangeTest, SecretAddedAndRemovedInsideTheRangeIsReported) {
  Init();
  Write("a.txt", "a\n");
  std::string base = CommitAll("base");
  Write("a.txt", "a\nt=" + FakeGithubToken(43) + "\n");
  CommitAll("leak");
  Write("a.txt", "a\n");
  CommitAll("undo");
  EXPECT_EQ(Secrets(Range(base, "HEAD")),
            (std::vector<std::string>{FakeGithubToken(43)}));
}

TEST_F(GitRangeTest, SecretsOutsideTheRangeAreNot) {
  Init();
  Write("a.txt", "a\n");
  std::string first = CommitAll("base");
  Write("b.txt", "t=" + FakeGithubToken(44) + "\n");
  std::string second = CommitAll("leak before");
  Write("c.txt", "clean\n");
  CommitAll("clean after");
  EXPECT_TRUE(Range(second, "HEAD").findings.empty());
  EXPECT_EQ(Secrets(Range(first, second)),
            (std::vector<std::string>{FakeGithubToken(44)}));
}

TEST_F(GitRangeTest, SinceUsesTheMergeBase) {
  Init();
  Write("a.txt", "a\n");
  CommitAll("base");
  Git({"checkout", "-q", "-b", "topic"});
  Write("topic.txt", "t=" + FakeGithubToken(45) + "\n");
  CommitAll("topic leak");
  Git({"checkout", "-q", "main"});
  // A leak on main after the fork is not the pull request's doing.
  Write("main.txt", "t=" + FakeGithubToken(46) + "\n");
  CommitAll("main leak");
  Git({"checkout", "-q", "topic"});

  Scanner scanner(*matcher_, Options());
  ScanResult r;
  ASSERT_TRUE(ScanGitSince(scanner, dir_.path(), "main", &r).ok());
  EXPECT_EQ(Secrets(r), (std::vector<std::string>{FakeGithubToken(45)}));
}

TEST_F(GitRangeTest, UnknownRevisionIsAnError) {
  Init();
  Write("a.txt", "a\n");
  CommitAll("base");
  Scanner scanner(*matcher_, Options());
  ScanResult r;
  Status s = ScanGitRange(scanner, dir_.path(), "nope", "HEAD", &r);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("nope"), std::string::npos);
}

TEST(GitRangeParseTest, ParsesTwoDotRanges) {
  std::string base, head;
  ASSERT_TRUE(ParseGitRange("main..topic", &base, &head).ok());
  EXPECT_EQ(base, "main");
  EXPECT_EQ(head, "topic");
  ASSERT_TRUE(ParseGitRange("v1.0..", &base, &head).ok());
  EXPECT_EQ(base, "v1.0");
  EXPECT_EQ(head, "HEAD");
  EXPECT_FALSE(ParseGitRange("a...b", &base, &head).ok());
  EXPECT_FALSE(ParseGitRange("..b", &base, &head).ok());
  EXPECT_FALSE(ParseGitRange("main", &base, &head).ok());
}

}  // namespace
}  // namespace keyward::test

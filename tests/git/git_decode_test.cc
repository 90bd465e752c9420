// Encoded strings in git scans: what a base64 value decodes to is scanned in
// history, range and staged scans as in a directory scan (ScanBuffer).
#include <gtest/gtest.h>

#include "support/base64.h"
#include "support/git_fixture.h"

namespace keyward::test {
namespace {

class GitDecodeTest : public GitFixture {
 protected:
  // A Kubernetes Secret whose `env` value is `GITHUB_TOKEN=<token>` in
  // base64, on line 4.
  static std::string Secret(const std::string& token) {
    return "apiVersion: v1\nkind: Secret\ndata:\n  env: " +
           B64("GITHUB_TOKEN=" + token) + "\n";
  }
  // The finding of `token`, or null.
  static const Finding* Find(const ScanResult& r, const std::string& token) {
    for (const auto& f : r.findings) {
      if (f.secret == token) return &f;
    }
    return nullptr;
  }
};

TEST_F(GitDecodeTest, HistoryFindsTheDecodedTokenAtTheEncodedSpan) {
  Init();
  const std::string token = FakeGithubToken(11);
  Write("deploy/secret.yaml", Secret(token));
  CommitAll("secret");

  ScanResult r = History();
  const Finding* f = Find(r, token);
  ASSERT_NE(f, nullptr) << r.findings.size() << " findings";
  EXPECT_EQ(f->encoding, "base64");
  EXPECT_EQ(f->path, "deploy/secret.yaml");
  EXPECT_EQ(f->line, 4);
  EXPECT_EQ(f->column, 8);  // where the base64 value starts
  EXPECT_EQ(f->rule_id.rfind("github.", 0), 0u) << f->rule_id;
}

TEST_F(GitDecodeTest, RangeAndStagedDecodeToo) {
  Init();
  Write("README.md", "hello\n");
  std::string base = CommitAll("readme");
  const std::string in_range = FakeGithubToken(12);
  Write("deploy/a.yaml", Secret(in_range));
  std::string head = CommitAll("secret a");
  const std::string staged = FakeGithubToken(13);
  Write("deploy/b.yaml", Secret(staged));
  Git({"add", "deploy/b.yaml"});

  ScanResult range = Range(base, head);
  const Finding* f = Find(range, in_range);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->encoding, "base64");
  EXPECT_EQ(f->line, 4);

  ScanResult st = Staged();
  f = Find(st, staged);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->encoding, "base64");
  EXPECT_EQ(f->path, "deploy/b.yaml");
}

TEST_F(GitDecodeTest, NoDecodeLeavesTheEncodedTokenUnread) {
  Init();
  const std::string token = FakeGithubToken(14);
  Write("deploy/secret.yaml", Secret(token));
  CommitAll("secret");
  decode_ = false;
  EXPECT_EQ(Find(History(), token), nullptr);
}

}  // namespace
}  // namespace keyward::test

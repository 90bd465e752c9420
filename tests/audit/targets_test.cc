// Targets files and the shard split: every target in exactly one shard,
// the same split for the same targets and N wherever the file is read,
// and bad lines named by file and line.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "keyward/audit.h"

namespace keyward {
namespace {

std::vector<AuditTarget> Parse(const std::string& text,
                               const std::string& base = "/srv") {
  auto t = ParseTargets(text, "targets.txt", base);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : std::vector<AuditTarget>{};
}

TEST(AuditTargetsTest, NormalisesPathsAndUrls) {
  auto t = Parse(
      "# org repositories\n"
      "\n"
      "  repos/api/  \n"
      "/abs/web\n"
      "https://git.example.test/org/tool.git\n"
      "git@git.example.test:org/lib.git\n"
      "file:///tmp/mirror/x/\n");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].text, "repos/api");
  EXPECT_EQ(t[0].location, "/srv/repos/api");
  EXPECT_FALSE(t[0].remote);
  EXPECT_EQ(t[0].line, 3);
  EXPECT_EQ(t[1].location, "/abs/web");
  EXPECT_EQ(t[2].text, "https://git.example.test/org/tool");
  EXPECT_TRUE(t[2].remote);
  EXPECT_EQ(t[3].text, "git@git.example.test:org/lib");
  EXPECT_TRUE(t[3].remote);
  EXPECT_EQ(t[4].text, "file:///tmp/mirror/x");
  EXPECT_EQ(t[0].id.size(), 16u);
}

TEST(AuditTargetsTest, BadLinesNameFileAndLine) {
  const std::map<std::string, std::string> cases = {
      {"ok\n--upload-pack=touch /tmp/x\n", "targets.txt:2: "},
      {"a\nb\nftp://host/repo\n", "targets.txt:3: unsupported URL scheme"},
      {"a\nb\na/\n", "targets.txt:3: duplicate target (first on line 1)"},
      {"x\x1b[2J\n", "targets.txt:1: control character"},
  };
  for (const auto& [text, want] : cases) {
    auto t = ParseTargets(text, "targets.txt", "/srv");
    ASSERT_FALSE(t.ok()) << want;
    EXPECT_EQ(t.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(t.status().message().rfind(want, 0), 0u) << t.status().message();
  }
}

TEST(AuditTargetsTest, ShardSplitIsCompleteAndStable) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "repos/r" + std::to_string(i) + "\n";
  auto a = Parse(text, "/one/machine");
  // The same file read elsewhere, its lines in another order.
  std::string reversed;
  for (int i = 499; i >= 0; --i) {
    reversed += "repos/r" + std::to_string(i) + "/\n";
  }
  auto b = Parse(reversed, "/another/mount");
  ASSERT_EQ(a.size(), 500u);
  std::map<std::string, int> shard_b;
  for (int n : {1, 2, 3, 4, 7, 16}) {
    for (const auto& t : b) shard_b[t.text] = ShardOf(t, n);
    std::vector<int> sizes(n);
    for (const auto& t : a) {
      int k = ShardOf(t, n);
      ASSERT_GE(k, 0);
      ASSERT_LT(k, n);
      EXPECT_EQ(k, shard_b[t.text]) << t.text;
      // Exactly one shard claims it.
      int claims = 0;
      for (int j = 0; j < n; ++j) claims += ShardOf(t, n) == j;
      EXPECT_EQ(claims, 1);
      ++sizes[k];
    }
    // A hash split: no shard is empty or holds most of the work.
    for (int s : sizes) {
      EXPECT_GT(s, 500 / n / 2) << "n=" << n;
      EXPECT_LT(s, 500 / n * 2) << "n=" << n;
    }
  }
  // Pinned: the split never changes between releases (a changed hash would
  // re-scan every repository of a half-done audit elsewhere).
  auto one = Parse("github.com/org/repo\n");
  EXPECT_EQ(one[0].id, "4c06e3f1e1c41311");
}

TEST(AuditTargetsTest, ParsesShard) {
  int k = -1, n = -1;
  ASSERT_TRUE(ParseShard("3/4", &k, &n).ok());
  EXPECT_EQ(k, 3);
  EXPECT_EQ(n, 4);
  for (const char* bad : {"4/4", "-1/4", "1/0", "1", "a/b", "1/2x", ""}) {
    EXPECT_FALSE(ParseShard(bad, &k, &n).ok()) << bad;
  }
}

}  // namespace
}  // namespace keyward

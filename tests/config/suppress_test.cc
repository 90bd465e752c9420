#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "keyward/config.h"

namespace keyward {
namespace {

// Offset of `needle` in `text`, for readable InlineAllowed calls.
size_t At(std::string_view text, std::string_view needle) {
  size_t pos = text.find(needle);
  EXPECT_NE(pos, std::string_view::npos) << needle;
  return pos;
}

TEST(InlineAllowTest, OnlyTheMarkedLine) {
  std::string text =
      "a = SECRET_A  # keyward:allow test fixture\n"
      "b = SECRET_B\n"
      "c = SECRET_C\n";
  std::string why;
  EXPECT_TRUE(InlineAllowed(text, At(text, "SECRET_A"), &why));
  EXPECT_EQ(why, "inline: test fixture");
  EXPECT_FALSE(InlineAllowed(text, At(text, "SECRET_B"), &why));
  EXPECT_FALSE(InlineAllowed(text, At(text, "SECRET_C"), &why));
}

TEST(InlineAllowTest, MarkerOnThePreviousLineDoesNotCount) {
  std::string text = "// keyward:allow\nkey = SECRET\n";
  std::string why;
  EXPECT_FALSE(InlineAllowed(text, At(text, "SECRET"), &why));
}

TEST(InlineAllowTest, MarkerBeforeTheSecretAndAtFileEdges) {
  std::string why;
  std::string text = "/* keyward:allow */ SECRET";  // no trailing newline
  EXPECT_TRUE(InlineAllowed(text, At(text, "SECRET"), &why));
  EXPECT_EQ(why, "inline");
  text = "SECRET <!-- keyward:allow: demo page -->\r\nnext";
  EXPECT_TRUE(InlineAllowed(text, 0, &why));
  EXPECT_EQ(why, "inline: demo page");
}

TEST(InlineAllowTest, ReasonNeverIncludesTheSecretAfterTheMarker) {
  std::string text = "# keyward:allow sample password = hunter22\n";
  std::string why;
  EXPECT_TRUE(InlineAllowed(text, At(text, "hunter22"), &why));
  EXPECT_EQ(why, "inline: sample password =");
}

TEST(InlineAllowTest, SimilarWordsAreNotTheMarker) {
  std::string text = "k = SECRET # keyward:allowed keyward:allow_all\n";
  std::string why;
  EXPECT_FALSE(InlineAllowed(text, At(text, "SECRET"), &why));
}

TEST(InlineAllowTest, ReasonThatLooksLikeASecretIsDropped) {
  std::string text = "x = SECRET # keyward:allow ghp_x9F2kLq8Zt3VwR7Yb\n";
  std::string why;
  EXPECT_TRUE(InlineAllowed(text, At(text, "SECRET"), &why));
  EXPECT_EQ(why, "inline");
}

TEST(InlineAllowTest, MarkerFarAwayOnAHugeLineIsNotSearched) {
  std::string text = "SECRET" + std::string(10000, ' ') + "# keyward:allow\n";
  std::string why;
  EXPECT_FALSE(InlineAllowed(text, 0, &why));
  text = "SECRET" + std::string(100, ' ') + "# keyward:allow\n";
  EXPECT_TRUE(InlineAllowed(text, 0, &why));
}

Finding Make(const std::string& secret, const std::string& path,
             Severity severity = Severity::kHigh) {
  Finding f;
  f.rule_id = "r";
  f.secret = secret;
  f.fingerprint = SecretFingerprint(secret);
  f.path = path;
  f.severity = severity;
  return f;
}

TEST(SuppressionTest, AllowlistAndBaselineMarkAndRecount) {
  Config config;
  config.allow.push_back({SecretFingerprint("allowed"), "public demo key"});
  Baseline baseline = Baseline::FromFindings({Make("old", "a.py")});
  ScanResult r;
  r.findings = {Make("allowed", "a.py"), Make("old", "a.py"),
                Make("old", "moved.py"), Make("new", "a.py")};
  r.findings.push_back(Make("inline", "a.py"));
  r.findings.back().suppressed = true;
  r.findings.back().suppression = "inline: fixture";
  r.stats.findings = 3;  // sources may count differently: recounted
  ApplySuppressions(config, &baseline, &r);
  EXPECT_EQ(r.findings[0].suppression, "allowlist: public demo key");
  EXPECT_EQ(r.findings[1].suppression, "baseline");
  EXPECT_FALSE(r.findings[2].suppressed);  // same secret, other path
  EXPECT_FALSE(r.findings[3].suppressed);  // other secret, same path
  EXPECT_EQ(r.findings[4].suppression, "inline: fixture");
  EXPECT_EQ(r.stats.findings, 5u);
  EXPECT_EQ(r.stats.suppressed, 3u);
}

TEST(SuppressionTest, FailsRunHonoursFailOnAndSuppressions) {
  Config config;
  ScanResult r;
  EXPECT_FALSE(FailsRun(config, r));
  r.findings = {Make("a", "x", Severity::kMedium)};
  EXPECT_TRUE(FailsRun(config, r));  // default: any severity fails
  config.fail_on = Severity::kHigh;
  EXPECT_FALSE(FailsRun(config, r));
  r.findings.push_back(Make("b", "x", Severity::kCritical));
  EXPECT_TRUE(FailsRun(config, r));
  r.findings.back().suppressed = true;
  EXPECT_FALSE(FailsRun(config, r));
}

TEST(SuppressionTest, DropExcludedFindingsForRepositoryPaths) {
  ScanResult r;
  r.findings = {Make("a", "vendor/lib/x.js"), Make("b", "src/app.js"),
                Make("c", "web/app.min.js")};
  DropExcludedFindings({"vendor/", "*.min.js"}, &r);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, "src/app.js");
  EXPECT_EQ(r.stats.findings, 1u);
}

}  // namespace
}  // namespace keyward

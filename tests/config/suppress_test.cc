#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "keyward/config.h"

namespace keyward {
namespace {

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

}  // namespace
}  // namespace keyward

// `keyward scan` with .keyward.yaml, inline allows, allowlists, baselines and
// fail_on, end to end through the real binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "keyward/finding.h"
#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward {
namespace {

using keyward::test::FakeAwsKeyId;
using keyward::test::FakeGithubToken;
using keyward::test::ReadFile;
using keyward::test::RunKeyward;
using keyward::test::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

// Runs `keyward scan --format json ARGS .` in `dir` and parses the report.
struct Scan {
  int exit_code;
  nlohmann::json report;
  std::string err;
};
Scan ScanJson(const TempDir& dir, std::vector<std::string> args) {
  std::vector<std::string> argv = {"scan", "--format", "json"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(".");
  auto r = RunKeyward(argv, "", {}, dir.path());
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  return {r.exit_code, j, r.err};
}

std::vector<std::string> Secrets(const nlohmann::json& report) {
  std::vector<std::string> out;
  for (const auto& f : report["findings"]) {
    out.push_back(f.value("path", "") + ":" +
                  std::to_string(f.value("line", 0)) + ":" +
                  f.value("suppression", "-"));
  }
  return out;
}

TEST(ScanTriageCliTest, InlineAllowSuppressesOnlyThatLine) {
  TempDir dir;
  dir.Write("app.py", "a = '" + FakeGithubToken(1) +
                          "'  # keyward:allow docs example\n"
                          "b = '" +
                          FakeGithubToken(2) + "'\n");
  auto s = ScanJson(dir, {});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_THAT(Secrets(s.report), ::testing::ElementsAre("app.py:2:-"));
  EXPECT_EQ(s.report["stats"]["suppressed"], 1);
  s = ScanJson(dir, {"--show-suppressed"});
  EXPECT_THAT(
      Secrets(s.report),
      ::testing::ElementsAre("app.py:1:inline: docs example", "app.py:2:-"));
  // With only the allowed line left, the run passes.
  dir.Write("app.py", "a = '" + FakeGithubToken(1) + "' # keyward:allow\n");
  EXPECT_EQ(ScanJson(dir, {}).exit_code, 0);
}

TEST(ScanTriageCliTest, AllowlistByFingerprintNotByLine) {
  TempDir dir;
  std::string token = FakeGithubToken(3);
  dir.Write("cfg.env", "TOKEN=" + token + "\n");
  auto first = ScanJson(dir, {});
  ASSERT_EQ(first.exit_code, 1) << first.err;
  std::string fp = first.report["findings"][0]["fingerprint"];
  dir.Write(".keyward.yaml", "allow:\n  - fingerprint: " + fp +
                                 "\n    reason: revoked demo token\n");
  auto s = ScanJson(dir, {"--show-suppressed"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_THAT(
      Secrets(s.report),
      ::testing::ElementsAre("cfg.env:1:allowlist: revoked demo token"));
  // A different secret on the allowed line is reported.
  dir.Write("cfg.env", "TOKEN=" + FakeGithubToken(4) + "\n");
  s = ScanJson(dir, {});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_THAT(Secrets(s.report), ::testing::ElementsAre("cfg.env:1:-"));
}

TEST(ScanTriageCliTest, BaselineIsStableAndOnlyNewSecretsFail) {
  TempDir dir;
  std::string a = FakeGithubToken(5), b = FakeAwsKeyId(6);
  dir.Write("src/a.py", "x = 1\ntoken = '" + a + "'\n");
  dir.Write("src/b.py", "key = '" + b + "'\n");
  std::string base = dir.path() + "/baseline.json";
  std::string copy = dir.path() + "/baseline2.json";
  auto s = ScanJson(dir, {"--baseline-out", base});
  ASSERT_EQ(s.exit_code, 1) << s.err;  // writing a baseline still reports
  std::string first = ReadFile(base);
  EXPECT_THAT(first, HasSubstr("\"src/a.py\""));
  EXPECT_THAT(first, Not(HasSubstr(a)));
  EXPECT_THAT(first, Not(HasSubstr("line")));

  // Two runs give the same bytes; so does moving the code down.
  ScanJson(dir, {"--baseline-out", copy});
  EXPECT_EQ(ReadFile(copy), first);
  dir.Write("src/a.py", "# header\n\n\nx = 1\n\ntoken = '" + a + "'\n");
  s = ScanJson(dir, {"--baseline", base, "--baseline-out", copy});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_EQ(ReadFile(copy), first);
  EXPECT_EQ(s.report["stats"]["suppressed"], 2);

  // A different secret at a baselined path is reported.
  dir.Write("src/b.py",
            "key = '" + b + "'\nkey2 = '" + FakeAwsKeyId(7) + "'\n");
  s = ScanJson(dir, {"--baseline", base});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_THAT(Secrets(s.report), ::testing::ElementsAre("src/b.py:2:-"));
}

TEST(ScanTriageCliTest, ReportsStaleBaselineEntries) {
  TempDir dir;
  dir.Write("a.py", "t = '" + FakeGithubToken(8) + "'\n");
  dir.Write("b.py", "t = '" + FakeGithubToken(9) + "'\n");
  std::string base = dir.path() + "/baseline.json";
  ScanJson(dir, {"--baseline-out", base});
  dir.Write("a.py", "t = 'removed'\n");
  auto s = ScanJson(dir, {"--baseline", base, "--report-stale-baseline"});
  EXPECT_EQ(s.exit_code, 0);
  EXPECT_THAT(s.err, HasSubstr("stale baseline entry: a.py github.pat"));
  EXPECT_THAT(s.err, Not(HasSubstr("entry: b.py")));
  EXPECT_THAT(s.err, HasSubstr("1 of 2 baseline entries no longer found"));
}

TEST(ScanTriageCliTest, FailOnReportsLowerSeveritiesWithoutFailing) {
  TempDir dir;
  dir.Write("k.txt", "aws = " + FakeAwsKeyId(10) + "\n");  // high
  dir.Write(".keyward.yaml", "fail_on: critical\n");
  auto s = ScanJson(dir, {});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_EQ(s.report["findings"].size(), 1u);  // still reported
  EXPECT_EQ(ScanJson(dir, {"--fail-on", "high"}).exit_code, 1);
  dir.Write("g.txt", "gh = " + FakeGithubToken(11) + "\n");  // critical
  EXPECT_EQ(ScanJson(dir, {}).exit_code, 1);
  EXPECT_EQ(ScanJson(dir, {"--fail-on", "extreme"}).exit_code, 2);
}

TEST(ScanTriageCliTest, ConfigDisablesRulesExcludesPathsAndAddsRules) {
  TempDir dir;
  dir.Write("gh.txt", FakeGithubToken(12) + "\n");
  dir.Write("fixtures/aws.txt", FakeAwsKeyId(13) + "\n");
  dir.Write("custom.txt", "acme_live_" + std::string("Zq8Lm3Xv9Rt2") + "\n");
  dir.Write("ops/acme.yaml",
            "rules:\n"
            "  - id: acme.live_key\n"
            "    name: ACME live key\n"
            "    provider: ACME\n"
            "    kind: api-key\n"
            "    severity: high\n"
            "    pattern: '\\b(?P<secret>acme_live_[A-Za-z0-9]{12})\\b'\n"
            "    examples: ['acme_live_Pq4Rs7Tu1Vw3']\n");
  dir.Write(".keyward.yaml",
            "rules: [ops/acme.yaml]\n"
            "disable_rules: [github.pat.classic]\n"
            "exclude: [fixtures/, ops/]\n");
  auto s = ScanJson(dir, {});
  EXPECT_EQ(s.exit_code, 1) << s.err;
  ASSERT_EQ(s.report["findings"].size(), 1u) << s.report.dump();
  EXPECT_EQ(s.report["findings"][0]["rule_id"], "acme.live_key");
  // --no-config brings the defaults back.
  s = ScanJson(dir, {"--no-config"});
  EXPECT_EQ(s.report["findings"].size(), 2u) << s.report.dump();
}

TEST(ScanTriageCliTest, ConfigErrorsExitTwoWithFileAndLine) {
  TempDir dir;
  dir.Write("a.txt", "nothing\n");
  dir.Write(".keyward.yaml", "exclude: [x]\nfail_on: high\nallowlist: []\n");
  auto r = RunKeyward({"scan", "."}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(".keyward.yaml:3: unknown key `allowlist`"));
  r = RunKeyward({"scan", "--config", "missing.yaml", "."}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("missing.yaml"));
  dir.Write("bad.json", "{");
  r = RunKeyward({"scan", "--no-config", "--baseline", "bad.json", "."}, "", {},
                 dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("bad.json"));
}

// Regression: an unknown id in disable_rules erred without the file and line.
TEST(ScanTriageCliTest, UnknownDisabledRuleNamesConfigFileAndLine) {
  TempDir dir;
  dir.Write("a.txt", "nothing\n");
  dir.Write(".keyward.yaml",
            "fail_on: high\ndisable_rules:\n  - github.pat.classic\n"
            "  - no.such.rule\n");
  auto r = RunKeyward({"scan", "."}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(".keyward.yaml:4: disable_rules: unknown rule "
                               "`no.such.rule`"));
  dir.Write(".keyward.yaml", "disable_rules: other.rule\n");
  r = RunKeyward({"scan", "."}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(".keyward.yaml:1: disable_rules: unknown rule "
                               "`other.rule`"));
}

TEST(ScanTriageCliTest, ExplicitConfigFileIsUsed) {
  TempDir dir;
  dir.Write("k.txt", FakeAwsKeyId(14) + "\n");
  dir.Write("conf/team.yaml", "fail_on: critical\n");
  auto s = ScanJson(dir, {"--config", "conf/team.yaml"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
}

TEST(ScanTriageCliTest, GitScansHonourConfigExcludesAndAllowlist) {
  TempDir dir;
  auto git = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "git");
    return keyward::test::RunProgram(args, "", {}, dir.path());
  };
  ASSERT_EQ(git({"init", "-q", "."}).exit_code, 0);
  std::string vendored = FakeGithubToken(16), demo = FakeGithubToken(17);
  dir.Write("third_party/lib/conf.py", "T = '" + vendored + "'\n");
  dir.Write("demo.py", "T = '" + demo + "'\n");
  dir.Write(".keyward.yaml",
            "exclude: [third_party/]\nallow:\n"
            "  - fingerprint: " +
                SecretFingerprint(demo) + "\n    reason: demo tenant\n");
  ASSERT_EQ(git({"add", "."}).exit_code, 0);
  auto r =
      RunKeyward({"scan", "--staged", "--format", "json", "--show-suppressed"},
                 "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_THAT(Secrets(j),
              ::testing::ElementsAre("demo.py:1:allowlist: demo tenant"));
  // Without the configuration both are reported.
  r = RunKeyward({"scan", "--staged", "--no-config"}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("third_party/lib/conf.py"));
}

TEST(ScanTriageCliTest, NoProgressLineWhenStderrIsNotATerminal) {
  TempDir dir;
  dir.Write("k.txt", FakeAwsKeyId(15) + "\n");
  auto r = RunKeyward({"scan", "."}, "", {}, dir.path());
  EXPECT_THAT(r.err, Not(HasSubstr("\r")));
  EXPECT_THAT(r.err, Not(HasSubstr("MB/s")));
}

}  // namespace
}  // namespace keyward

// GitLab's secret detection report (`--format gitlab`): shape, stable ids,
// repository-relative paths, no secret, and the runbook in `solution`.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "base/crypto.h"
#include "keyward/fingerprint.h"
#include "keyward/report.h"
#include "support/json_schema.h"
#include "support/run.h"

namespace keyward {
namespace {

using nlohmann::json;

constexpr char kSchema[] =
    KEYWARD_TEST_DATA_DIR "/gitlab-secret-detection-report.keyward-schema.json";

// Invented for these tests; no provider issues keys of this shape.
const std::string kSecret = std::string("kwtest_") + "Hq4Vn8Rz2Lx6Tb0Wm3Pc";

Rule TestRule() {
  Rule r;
  r.id = "kwtest.token";
  r.name = "Keyward test token";
  r.severity = Severity::kCritical;
  r.prefix = "kwtest_";
  r.revoke = "Delete the token under Settings > Tokens.";
  return r;
}

Finding MakeFinding(const std::string& path, int line) {
  Finding f;
  f.rule_id = "kwtest.token";
  f.rule_name = "Keyward test token";
  f.severity = Severity::kCritical;
  f.path = path;
  f.line = f.end_line = line;
  f.column = 3;
  f.end_column = 3 + static_cast<int>(kSecret.size());
  f.secret = kSecret;
  f.redacted = Redact(kSecret, "kwtest_");
  f.fingerprint = SecretFingerprint(kSecret);
  return f;
}

ScanResult Mixed() {
  ScanResult r;
  r.findings.push_back(MakeFinding("/srv/repo/src/app.py", 3));
  r.findings.push_back(MakeFinding("-", 1));
  Finding h = MakeFinding("deploy/old.sh", 4);
  h.git = GitProvenance{"0123abcd",
                        "4f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6",
                        "Ada Example",
                        "ada@example.invalid",
                        "2025-11-02T10:00:00Z",
                        1};
  r.findings.push_back(h);
  Finding low = MakeFinding("/srv/repo/conf/x.env", 9);
  low.severity = Severity::kLow;
  r.findings.push_back(low);
  Finding hidden = MakeFinding("/srv/repo/test/fixture.txt", 2);
  hidden.suppressed = true;
  hidden.suppression = "inline";
  r.findings.push_back(hidden);
  return r;
}

std::string Gitlab(const ScanResult& r, bool show_secrets = false) {
  ReportOptions opts;
  opts.show_secrets = show_secrets;
  opts.show_suppressed = true;  // still left out: GitLab cannot show them
  opts.sarif_root = "/srv/repo";
  opts.path_base = "/srv/repo";
  std::ostringstream out;
  WriteGitlab(r, {TestRule()}, opts, out);
  return out.str();
}

TEST(GitlabReportTest, ValidatesAndSaysWhatGitlabReads) {
  std::string text = Gitlab(Mixed());
  Status valid = test::ValidateJsonSchema(kSchema, text);
  EXPECT_TRUE(valid.ok()) << valid.ToString();
  json doc = json::parse(text);
  EXPECT_EQ(doc["scan"]["type"], "secret_detection");
  EXPECT_EQ(doc["scan"]["status"], "success");
  const json& v = doc["vulnerabilities"];
  ASSERT_EQ(v.size(), 4u) << "the suppressed finding is left out";
  // Paths relative to the repository root, never absolute.
  EXPECT_EQ(v[0]["location"]["file"], "src/app.py");
  EXPECT_EQ(v[1]["location"]["file"], "stdin");
  EXPECT_EQ(v[2]["location"]["file"], "deploy/old.sh");
  EXPECT_EQ(v[0]["location"]["start_line"], 3);
  // A history finding names its commit; the others GitLab's placeholder.
  EXPECT_EQ(v[2]["location"]["commit"]["sha"],
            "4f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6");
  EXPECT_EQ(v[0]["location"]["commit"]["sha"], "0000000");
  EXPECT_EQ(v[0]["severity"], "Critical");
  EXPECT_EQ(v[3]["severity"], "Low");
  EXPECT_EQ(v[0]["identifiers"][0]["value"], "kwtest.token");
  // An exposed secret is revoked now, whoever owns it; the rule's own
  // revocation steps follow.
  std::string solution = v[0]["solution"];
  EXPECT_NE(solution.find("revoke it now"), std::string::npos);
  EXPECT_NE(solution.find("Settings > Tokens"), std::string::npos);
  std::set<std::string> ids;
  std::regex uuid(
      "[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
      "[0-9a-f]{12}");
  for (const json& x : v) {
    ids.insert(x["id"].get<std::string>());
    EXPECT_TRUE(std::regex_match(x["id"].get<std::string>(), uuid)) << x["id"];
  }
  EXPECT_EQ(ids.size(), 4u) << "each vulnerability has its own id";
}

TEST(GitlabReportTest, IdsAreStableAcrossRuns) {
  json a = json::parse(Gitlab(Mixed()));
  json b = json::parse(Gitlab(Mixed()));
  for (size_t i = 0; i < a["vulnerabilities"].size(); ++i) {
    EXPECT_EQ(a["vulnerabilities"][i]["id"], b["vulnerabilities"][i]["id"]);
  }
}

TEST(GitlabReportTest, NeverCarriesTheSecret) {
  EXPECT_EQ(Gitlab(Mixed(), /*show_secrets=*/true).find(kSecret),
            std::string::npos);
}

TEST(GitlabReportTest, FailedRunSaysSoAndSchemaCheckCanFail) {
  ScanResult r = Mixed();
  r.errors.push_back("missing/: No such file or directory");
  json doc = json::parse(Gitlab(r));
  EXPECT_EQ(doc["scan"]["status"], "failure");
  EXPECT_EQ(doc["scan"]["messages"][0]["level"], "error");
  EXPECT_TRUE(test::ValidateJsonSchema(kSchema, doc.dump()).ok());
  // The check is real: a vulnerability without a location is refused.
  doc["vulnerabilities"][0].erase("location");
  Status invalid = test::ValidateJsonSchema(kSchema, doc.dump());
  EXPECT_FALSE(invalid.ok());
  EXPECT_NE(invalid.message().find("'location' is a required property"),
            std::string::npos)
      << invalid.ToString();
}

TEST(GitlabReportTest, CommandLineWritesTheReport) {
  // A built-in rule (a password in a .env file): no rule database to
  // compile at test time.
  test::TempDir dir;
  const std::string password = std::string("Vq8rT2mZ") + "x9Lp4Kd7Wn";
  dir.Write("app/.env", "DB_PASSWORD=" + password + "\n");
  auto r = test::RunKeyward({"scan", "--no-config", "--format", "gitlab",
                             "--report", "gitlab=" + dir.path() + "/gl.json",
                             "--sarif-root", dir.path(), dir.path() + "/app"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  Status valid = test::ValidateJsonSchema(kSchema, r.out);
  EXPECT_TRUE(valid.ok()) << valid.ToString();
  json doc = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  json file = json::parse(test::ReadFile(dir.path() + "/gl.json"), nullptr,
                          /*allow_exceptions=*/false);
  ASSERT_EQ(doc["vulnerabilities"].size(), 1u) << r.out;
  EXPECT_EQ(file["vulnerabilities"].size(), 1u);
  EXPECT_EQ(doc["vulnerabilities"][0]["location"]["file"], "app/.env");
  EXPECT_EQ(r.out.find(password), std::string::npos);
  auto unknown = test::RunKeyward({"scan", "--format", "gitlab2", "."});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("gitlab"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace keyward

// SARIF 2.1.0: schema validity, GitHub code-scanning upload rules, no secret.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <sstream>

#include "base/crypto.h"
#include "keyward/git.h"
#include "keyward/report.h"
#include "support/json_schema.h"
#include "support/run.h"

namespace keyward {
namespace {

using nlohmann::json;

// Invented for these tests; no provider issues keys of this shape.
constexpr char kSecretA[] = "kwtest_Q7vR2mXe9LpB4sTz8NcY1hJd";
constexpr char kSecretB[] = "kwtest_Zr5Gm0Wq3VbK7yHc2PxF6uLa";

Rule TestRule() {
  Rule r;
  r.id = "kwtest.token";
  r.name = "Keyward test token";
  r.provider = "KeywardTest";
  r.kind = "api-key";
  r.severity = Severity::kHigh;
  r.confidence = "high";
  r.prefix = "kwtest_";
  r.revoke = "Delete the token under Settings > Tokens.";
  r.references = {"https://example.invalid/docs/tokens"};
  return r;
}

Finding MakeFinding(const std::string& secret, const std::string& path,
                    int line) {
  Finding f;
  f.rule_id = "kwtest.token";
  f.rule_name = "Keyward test token";
  f.provider = "KeywardTest";
  f.kind = "api-key";
  f.severity = Severity::kHigh;
  f.path = path;
  f.line = f.end_line = line;
  f.column = 5;
  f.end_column = 5 + static_cast<int>(secret.size());
  f.secret = secret;
  f.redacted = Redact(secret, "kwtest_");
  f.fingerprint = SecretFingerprint(secret);
  return f;
}

ScanResult MixedResult() {
  ScanResult r;
  r.findings.push_back(MakeFinding(kSecretA, "src/app config.py", 3));
  r.findings.push_back(MakeFinding(kSecretA, "./src/other.py", 9));
  r.findings.push_back(MakeFinding(kSecretB, "/srv/app/.env", 1));
  r.findings.push_back(MakeFinding(kSecretB, "-", 2));
  Finding h = MakeFinding(kSecretA, "deploy/old.sh", 4);
  h.git = GitProvenance{"0123abcd",
                        "4f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6",
                        "Ada Example",
                        "ada@example.invalid",
                        "2025-11-02T10:00:00Z",
                        3};
  r.findings.push_back(h);
  // A rule the rule list does not describe (e.g. from --rules elsewhere).
  Finding other = MakeFinding(kSecretB, "lib/x.js", 7);
  other.rule_id = "kwtest.other";
  other.rule_name = "Other test token";
  other.severity = Severity::kMedium;
  r.findings.push_back(other);
  return r;
}

std::string Sarif(const ScanResult& r, bool show_secrets = false) {
  std::ostringstream out;
  ReportOptions opts;
  opts.show_secrets = show_secrets;
  WriteSarif(r, {TestRule()}, opts, out);
  return out.str();
}

// A history finding grouped from `n` blob versions of one secret in three
// paths (keyward/git.h), as `keyward scan --git` reports it.
ScanResult GroupedHistory(int n) {
  ScanResult r;
  for (int i = 0; i < n; ++i) {
    Finding f = MakeFinding(
        kSecretA, "deploy/v" + std::to_string(i % 3) + ".sh", 4 + i % 5);
    char date[32];
    snprintf(date, sizeof date, "2025-%02d-%02dT10:00:00Z", 1 + i / 28 % 12,
             1 + i % 28);
    std::string id = Sha256Hex(std::to_string(i)).substr(0, 40);
    f.git = GitProvenance{Sha256Hex("blob" + std::to_string(i)).substr(0, 40),
                          id,
                          "Ada Example",
                          "ada@example.invalid",
                          date + std::string(),
                          1};
    r.findings.push_back(f);
  }
  GroupHistoryFindings(&r);
  return r;
}

Status ValidateSarif(const std::string& sarif) {
  return test::ValidateJsonSchema(
      KEYWARD_TEST_DATA_DIR "/sarif-schema-2.1.0.json", sarif);
}

TEST(SarifTest, GroupedHistoryFindingIsOneResultWithCappedRelatedLocations) {
  ScanResult r = GroupedHistory(150);
  ASSERT_EQ(r.findings.size(), 1u);
  ASSERT_EQ(r.findings[0].occurrence_count, 150u);
  std::string out = Sarif(r);
  Status valid = ValidateSarif(out);
  EXPECT_TRUE(valid.ok()) << valid.ToString();
  json res = json::parse(out)["runs"][0]["results"];
  ASSERT_EQ(res.size(), 1u);
  ASSERT_EQ(res[0]["locations"].size(), 1u);
  const json& related = res[0]["relatedLocations"];
  ASSERT_EQ(related.size(), 100u);
  std::set<int> ids;
  for (const json& l : related) {
    ids.insert(l["id"].get<int>());
    EXPECT_GE(l["physicalLocation"]["region"]["startLine"].get<int>(), 4);
    EXPECT_NE(l["message"]["text"].get<std::string>().find("in commit "),
              std::string::npos);
  }
  EXPECT_EQ(ids.size(), 100u) << "related locations are distinct";
  // The first-seen occurrence is the result's location; the next ones are
  // related, in first-seen order.
  const Finding& f = r.findings[0];
  EXPECT_EQ(res[0]["properties"]["commit"], f.occurrences[0].commit);
  EXPECT_EQ(related[0]["physicalLocation"]["artifactLocation"]["uri"],
            f.occurrences[1].path);
  EXPECT_EQ(res[0]["properties"]["occurrenceCount"], 150);
  EXPECT_EQ(res[0]["properties"]["occurrencePaths"], 3);
  EXPECT_EQ(res[0]["properties"]["relatedLocationsOmitted"], 49);
  EXPECT_NE(res[0]["message"]["text"].get<std::string>().find(
                "150 occurrences in 3 paths"),
            std::string::npos);
  EXPECT_EQ(out.find(kSecretA), std::string::npos);

  // A few occurrences: all related, nothing omitted.
  json small = json::parse(Sarif(GroupedHistory(3)))["runs"][0]["results"][0];
  EXPECT_EQ(small["relatedLocations"].size(), 2u);
  EXPECT_FALSE(small["properties"].contains("relatedLocationsOmitted"));
  // One occurrence: no related locations at all.
  json one = json::parse(Sarif(GroupedHistory(1)))["runs"][0]["results"][0];
  EXPECT_FALSE(one.contains("relatedLocations"));
  EXPECT_EQ(one["properties"]["occurrenceCount"], 1);
}

// A bundle finding folded into its source-map source (scanner/bundle_fold.h)
// is a related location of the source's result.
TEST(SarifTest, BundleIsARelatedLocationOfTheSourceResult) {
  ScanResult r;
  Finding f = MakeFinding(kSecretA, "dist/app.js.map!src/config.ts", 3);
  f.related.push_back({"dist/app.js", 1, 29, 1, 60, "bundle"});
  r.findings.push_back(f);
  std::string out = Sarif(r);
  Status valid = ValidateSarif(out);
  EXPECT_TRUE(valid.ok()) << valid.ToString();
  json res = json::parse(out)["runs"][0]["results"];
  ASSERT_EQ(res.size(), 1u);
  const json& related = res[0]["relatedLocations"];
  ASSERT_EQ(related.size(), 1u);
  EXPECT_EQ(related[0]["id"], 1);
  EXPECT_EQ(related[0]["physicalLocation"]["artifactLocation"]["uri"],
            "dist/app.js");
  EXPECT_EQ(related[0]["physicalLocation"]["region"]["startColumn"], 29);
  EXPECT_EQ(related[0]["message"]["text"], "Also in the built bundle");
}

TEST(SarifTest, ValidatesAgainstOasisSchema) {
  Status valid = ValidateSarif(Sarif(MixedResult()));
  EXPECT_TRUE(valid.ok()) << valid.ToString();
}

TEST(SarifTest, SchemaCheckRejectsBrokenLog) {
  // Proves the validation above can fail: a result without a message.
  json doc = json::parse(Sarif(MixedResult()));
  doc["runs"][0]["results"][0].erase("message");
  // It fails for that reason, not because the validator is missing.
  Status invalid = ValidateSarif(doc.dump());
  EXPECT_FALSE(invalid.ok());
  EXPECT_NE(invalid.message().find("'message' is a required property"),
            std::string::npos)
      << invalid.ToString();
}

TEST(SarifTest, RulesMeetGitHubRequirements) {
  json doc = json::parse(Sarif(MixedResult()));
  const json& run = doc["runs"][0];
  EXPECT_EQ(doc["version"], "2.1.0");
  EXPECT_EQ(run["columnKind"], "unicodeCodePoints");
  const json& rules = run["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 2u);  // the described rule + one from findings
  for (const json& rule : rules) {
    SCOPED_TRACE(rule.dump());
    EXPECT_FALSE(rule["id"].get<std::string>().empty());
    EXPECT_FALSE(rule["name"].get<std::string>().empty());
    EXPECT_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
    EXPECT_FALSE(rule["fullDescription"]["text"].get<std::string>().empty());
    EXPECT_FALSE(rule["help"]["text"].get<std::string>().empty());
    EXPECT_FALSE(rule["help"]["markdown"].get<std::string>().empty());
    const json& tags = rule["properties"]["tags"];
    EXPECT_NE(std::find(tags.begin(), tags.end(), "security"), tags.end());
    double sev =
        std::stod(rule["properties"]["security-severity"].get<std::string>());
    EXPECT_GT(sev, 0.0);
    EXPECT_LE(sev, 10.0);
    EXPECT_TRUE(rule["properties"].contains("precision"));
  }
  EXPECT_NE(
      rules[0]["help"]["markdown"].get<std::string>().find("Settings > Tokens"),
      std::string::npos);
  EXPECT_EQ(rules[0]["properties"]["security-severity"], "8.0");
  EXPECT_EQ(rules[1]["properties"]["security-severity"], "5.5");
}

TEST(SarifTest, ResultsMeetGitHubRequirements) {
  json doc = json::parse(Sarif(MixedResult()));
  const json& results = doc["runs"][0]["results"];
  const json& rules = doc["runs"][0]["tool"]["driver"]["rules"];
  ASSERT_EQ(results.size(), 6u);
  for (const json& res : results) {
    SCOPED_TRACE(res.dump());
    EXPECT_EQ(rules[res["ruleIndex"].get<int>()]["id"], res["ruleId"]);
    EXPECT_TRUE(res["level"] == "error" || res["level"] == "warning");
    EXPECT_FALSE(res["message"]["text"].get<std::string>().empty());
    ASSERT_EQ(res["locations"].size(), 1u);
    const json& loc = res["locations"][0]["physicalLocation"];
    EXPECT_FALSE(loc["artifactLocation"]["uri"].get<std::string>().empty());
    for (const char* k : {"startLine", "startColumn", "endLine", "endColumn"}) {
      EXPECT_GE(loc["region"][k].get<int>(), 1) << k;
    }
    EXPECT_TRUE(res["partialFingerprints"].contains("primaryLocationLineHash"));
    EXPECT_TRUE(res["partialFingerprints"].contains("keywardSecretHash/v1"));
  }
}

TEST(SarifTest, UrisAreRelativeToSrcrootOrAbsoluteFileUris) {
  json doc = json::parse(Sarif(MixedResult()));
  std::map<std::string, json> by_uri;
  for (const json& res : doc["runs"][0]["results"]) {
    const json& a = res["locations"][0]["physicalLocation"]["artifactLocation"];
    by_uri[a["uri"].get<std::string>()] = a;
  }
  ASSERT_TRUE(by_uri.count("src/app%20config.py"));
  EXPECT_EQ(by_uri["src/app%20config.py"]["uriBaseId"], "%SRCROOT%");
  ASSERT_TRUE(by_uri.count("src/other.py"));  // "./" dropped
  ASSERT_TRUE(by_uri.count("file:///srv/app/.env"));
  EXPECT_FALSE(by_uri["file:///srv/app/.env"].contains("uriBaseId"));
  ASSERT_TRUE(by_uri.count("stdin"));  // stdin still has a location
  EXPECT_EQ(by_uri["stdin"]["uriBaseId"], "%SRCROOT%");
}

TEST(SarifTest, HistoryFindingsCarryCommitAuthorDate) {
  json doc = json::parse(Sarif(MixedResult()));
  int history = 0;
  for (const json& res : doc["runs"][0]["results"]) {
    if (!res["properties"].contains("commit")) continue;
    ++history;
    EXPECT_EQ(res["properties"]["commit"],
              "4f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6");
    EXPECT_EQ(res["properties"]["author"], "Ada Example");
    EXPECT_EQ(res["properties"]["date"], "2025-11-02T10:00:00Z");
  }
  EXPECT_EQ(history, 1);
}

TEST(SarifTest, FingerprintsStableAcrossRunsAndLineMoves) {
  ScanResult before, after;
  before.findings.push_back(MakeFinding(kSecretA, "src/a.py", 3));
  after.findings.push_back(MakeFinding(kSecretA, "src/a.py", 40));
  json b = json::parse(Sarif(before))["runs"][0]["results"][0];
  json a = json::parse(Sarif(after))["runs"][0]["results"][0];
  EXPECT_EQ(b["partialFingerprints"], a["partialFingerprints"]);
  EXPECT_EQ(Sarif(before), Sarif(before));  // deterministic
  // A different secret gets a different fingerprint.
  ScanResult other;
  other.findings.push_back(MakeFinding(kSecretB, "src/a.py", 3));
  json o = json::parse(Sarif(other))["runs"][0]["results"][0];
  EXPECT_NE(o["partialFingerprints"]["keywardSecretHash/v1"],
            b["partialFingerprints"]["keywardSecretHash/v1"]);
}

TEST(SarifTest, RepeatedSecretInOneFileGetsDistinctLineHashes) {
  ScanResult r;
  r.findings.push_back(MakeFinding(kSecretA, "src/a.py", 3));
  r.findings.push_back(MakeFinding(kSecretA, "src/a.py", 8));
  json res = json::parse(Sarif(r))["runs"][0]["results"];
  EXPECT_NE(res[0]["partialFingerprints"]["primaryLocationLineHash"],
            res[1]["partialFingerprints"]["primaryLocationLineHash"]);
}

TEST(SarifTest, NoSecretValueEvenWithShowSecrets) {
  for (bool show : {false, true}) {
    std::string out = Sarif(MixedResult(), show);
    EXPECT_EQ(out.find(kSecretA), std::string::npos);
    EXPECT_EQ(out.find(kSecretB), std::string::npos);
    // Nor the raw SHA-256 a dictionary attack would target.
    EXPECT_EQ(out.find(SecretFingerprint(kSecretA).substr(7)),
              std::string::npos);
    EXPECT_NE(out.find(Redact(kSecretA, "kwtest_")), std::string::npos);
  }
}

TEST(SarifTest, SuppressedFindingsOnlyWhenAskedAndMarked) {
  ScanResult r;
  r.findings.push_back(MakeFinding(kSecretA, "src/a.py", 3));
  r.findings.back().suppressed = true;
  // What config/suppress.cc writes for `keyward:allow reason` (regression:
  // an exact comparison with "inline" marked these "external").
  r.findings.back().suppression = "inline: fixture for docs";
  EXPECT_TRUE(json::parse(Sarif(r))["runs"][0]["results"].empty());
  std::ostringstream out;
  ReportOptions opts;
  opts.show_suppressed = true;
  WriteSarif(r, {}, opts, out);
  json res = json::parse(out.str())["runs"][0]["results"];
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0]["suppressions"][0]["kind"], "inSource");
}

}  // namespace
}  // namespace keyward

// Grouped history findings in JSON (and back, for `keyward tickets --from`)
// and in text.
#include <gtest/gtest.h>

#include <sstream>

#include "keyward/fingerprint.h"
#include "keyward/git.h"
#include "keyward/report.h"

namespace keyward {
namespace {

// Invented for this test; no provider issues keys of this shape.
constexpr char kSecret[] = "kwtest_Hn4Tq8Vz2Rc6Xm0Lb5Wd9Ky3";

Finding Row(const std::string& path, int line, const std::string& commit,
            const std::string& date) {
  Finding f;
  f.rule_id = "kwtest.token";
  f.rule_name = "Keyward test token";
  f.path = path;
  f.line = f.end_line = line;
  f.column = 3;
  f.end_column = 33;
  f.secret = kSecret;
  f.redacted = Redact(kSecret, "kwtest_");
  f.fingerprint = SecretFingerprint(kSecret);
  f.git = GitProvenance{"b" + commit,          commit, "Ada",
                        "ada@example.invalid", date,   1};
  return f;
}

ScanResult Grouped() {
  ScanResult r;
  r.findings.push_back(
      Row("b.sh", 9, "c3c3c3c3c3c3c3", "2024-03-01T00:00:00Z"));
  r.findings.push_back(
      Row("a.sh", 2, "c1c1c1c1c1c1c1", "2024-01-01T00:00:00Z"));
  r.findings.push_back(
      Row("a.sh", 4, "c2c2c2c2c2c2c2", "2024-02-01T00:00:00Z"));
  GroupHistoryFindings(&r);
  return r;
}

TEST(OccurrencesReportTest, JsonCarriesOccurrencesAndRoundTrips) {
  ScanResult r = Grouped();
  ASSERT_EQ(r.findings.size(), 1u);
  nlohmann::json j = FindingToJson(r.findings[0], {});
  EXPECT_EQ(j["occurrence_count"], 3);
  ASSERT_EQ(j["occurrences"].size(), 3u);
  EXPECT_EQ(j["occurrences"][0]["commit"], "c1c1c1c1c1c1c1");
  EXPECT_EQ(j["occurrences"][0]["line"], 2);
  EXPECT_EQ(j["occurrences"][2]["path"], "b.sh");
  EXPECT_EQ(j["occurrences"][2]["blob"], "bc3c3c3c3c3c3c3");
  EXPECT_EQ(j["commit"], "c1c1c1c1c1c1c1");
  EXPECT_EQ(j.dump().find(kSecret), std::string::npos);

  Finding back = FindingFromJson(j).value();
  EXPECT_EQ(back.occurrence_count, 3u);
  ASSERT_EQ(back.occurrences.size(), 3u);
  EXPECT_EQ(back.occurrences[1].path, "a.sh");
  EXPECT_EQ(back.occurrences[1].line, 4);
  EXPECT_EQ(back.occurrences[1].end_column, 33);
  EXPECT_EQ(back.occurrences[1].date, "2024-02-01T00:00:00Z");
  EXPECT_EQ(back.occurrences[1].author, "Ada");

  // Ungrouped findings have neither field.
  nlohmann::json plain = FindingToJson(Row("x", 1, "c", "d"), {});
  EXPECT_FALSE(plain.contains("occurrences"));
  EXPECT_FALSE(plain.contains("occurrence_count"));
  EXPECT_EQ(FindingFromJson(plain).value().occurrence_count, 0u);
}

TEST(OccurrencesReportTest, TextIsOneLineWithCountsAndFirstSighting) {
  ScanResult r = Grouped();
  std::ostringstream out;
  WriteText(r, {}, out);
  EXPECT_EQ(out.str(),
            "c1c1c1c1c1c1:a.sh:2:3  kwtest.token  " +
                Redact(kSecret, "kwtest_") +
                "  (3 occurrences in 2 paths, first seen c1c1c1c1c1c1 "
                "2024-01-01)\n");
  EXPECT_EQ(OccurrenceSummary(r.findings[0]),
            "3 occurrences in 2 paths, first seen c1c1c1c1c1c1 2024-01-01");
  // One occurrence: the line as it always was.
  ScanResult one;
  one.findings.push_back(
      Row("a.sh", 2, "c1c1c1c1c1c1c1", "2024-01-01T00:00:00Z"));
  GroupHistoryFindings(&one);
  std::ostringstream out1;
  WriteText(one, {}, out1);
  EXPECT_EQ(out1.str(), "c1c1c1c1c1c1:a.sh:2:3  kwtest.token  " +
                            Redact(kSecret, "kwtest_") + "\n");
}

// A source-map finding that a bundle finding was folded into
// (scanner/bundle_fold.h): the bundle is a related location in JSON (and
// back) and in the text line.
TEST(OccurrencesReportTest, BundleRelatedLocationInJsonAndText) {
  Finding f = Row("dist/app.js.map!src/config.ts", 3, "c", "d");
  f.git.reset();
  f.related.push_back({"dist/app.js", 1, 29, 1, 57, "bundle"});
  nlohmann::json j = FindingToJson(f, {});
  ASSERT_EQ(j["related_locations"].size(), 1u);
  EXPECT_EQ(j["related_locations"][0]["path"], "dist/app.js");
  EXPECT_EQ(j["related_locations"][0]["column"], 29);
  EXPECT_EQ(j["related_locations"][0]["end_column"], 57);
  EXPECT_EQ(j["related_locations"][0]["role"], "bundle");
  Finding back = FindingFromJson(j).value();
  ASSERT_EQ(back.related.size(), 1u);
  EXPECT_EQ(back.related[0].path, "dist/app.js");
  EXPECT_EQ(back.related[0].line, 1);
  EXPECT_EQ(back.related[0].role, "bundle");
  EXPECT_FALSE(
      FindingToJson(Row("x", 1, "c", "d"), {}).contains("related_locations"));

  std::ostringstream out;
  WriteTextFinding(f, {}, out);
  EXPECT_EQ(out.str(), "dist/app.js.map!src/config.ts:3:3  kwtest.token  " +
                           Redact(kSecret, "kwtest_") +
                           "  (also in bundle dist/app.js:1:29)\n");
  f.related.push_back({"dist/app.min.js", 1, 9, 1, 37, "bundle"});
  std::ostringstream two;
  WriteTextFinding(f, {}, two);
  EXPECT_NE(two.str().find("(also in bundle dist/app.js:1:29 and 1 more)"),
            std::string::npos);
}

}  // namespace
}  // namespace keyward

namespace keyward {
namespace {

// A --show-secrets report read back (tickets --from) never puts the whole
// secret into Finding::redacted: it is redacted where the finding is built,
// and its digest and keyed fingerprint are taken from it first.
TEST(FindingFromJsonTest, RawSecretFromAShowSecretsReportIsRedacted) {
  const std::string secret = "s00p3rs3cr3t-Warehouse-Sync-2026";
  nlohmann::json j = {{"rule_id", "generic.password"},
                      {"path", "app.env"},
                      {"line", 3},
                      {"secret", secret}};
  Finding f = FindingFromJson(j).value();
  // No `<< f.redacted`: on failure it would print the secret.
  EXPECT_EQ(f.redacted.find(secret), std::string::npos);
  EXPECT_NE(f.redacted.find("…"), std::string::npos);
  EXPECT_EQ(f.secret_digest, SecretDigest(secret));
  EXPECT_EQ(f.fingerprint, FingerprintFromDigest(SecretDigest(secret)));
  EXPECT_EQ(f.fingerprint.rfind("hmac-sha256:", 0), 0u) << f.fingerprint;
  // An already redacted value is kept as the report wrote it.
  j["secret"] = "s00p…2026";
  EXPECT_EQ(FindingFromJson(j).value().redacted, "s00p…2026");
}

TEST(FindingFromJsonTest, FieldOfTheWrongTypeIsAStatusNotAnException) {
  nlohmann::json j = {{"rule_id", 42}, {"path", "a.py"}};
  Result<Finding> f = FindingFromJson(j);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(f.status().message().rfind("malformed finding: ", 0), 0u)
      << f.status().message();
}

}  // namespace
}  // namespace keyward

// A finding in decoded text (Finding::encoding) in every report format, and
// back from JSON; text output stays one short line whatever the line the
// secret is on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "keyward/fingerprint.h"
#include "keyward/report.h"

namespace keyward {
namespace {

// Invented for this test; no provider issues keys of this shape.
constexpr char kSecret[] = "kwtest_Qm3Vz8Rc1Xn6Lb4Wd7Ky2Hp5";

Finding Decoded() {
  Finding f;
  f.rule_id = "kwtest.token";
  f.rule_name = "Keyward test token";
  f.path = "k8s/secret.yaml";
  f.line = f.end_line = 7;
  f.column = 9;
  f.end_column = 2000009;  // the encoded span: 2 MB on one line
  f.secret = kSecret;
  f.redacted = Redact(kSecret, "kwtest_");
  f.fingerprint = SecretFingerprint(kSecret);
  f.encoding = "base64>json-escape";
  return f;
}

TEST(EncodingReportTest, JsonJsonlAndBack) {
  nlohmann::json j = FindingToJson(Decoded(), {});
  EXPECT_EQ(j["encoding"], "base64>json-escape");
  auto back = FindingFromJson(j, nullptr);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->encoding, "base64>json-escape");
  Finding raw = Decoded();
  raw.encoding.clear();
  EXPECT_FALSE(FindingToJson(raw, {}).contains("encoding"));
  std::ostringstream out;
  WriteJsonlFinding(Decoded(), {}, out);
  EXPECT_EQ(nlohmann::json::parse(out.str())["encoding"], "base64>json-escape");
}

TEST(EncodingReportTest, SarifResultProperty) {
  ScanResult r;
  r.findings.push_back(Decoded());
  std::ostringstream out;
  WriteSarif(r, {}, {}, out);
  auto log = nlohmann::json::parse(out.str());
  const auto& result = log["runs"][0]["results"][0];
  EXPECT_EQ(result["properties"]["encoding"], "base64>json-escape");
  EXPECT_EQ(result["locations"][0]["physicalLocation"]["region"]["startColumn"],
            9);
}

TEST(EncodingReportTest, TextShowsTheChainWithVerboseInOneShortLine) {
  ReportOptions verbose;
  verbose.verbose = true;
  std::ostringstream v, plain;
  WriteTextFinding(Decoded(), verbose, v);
  WriteTextFinding(Decoded(), {}, plain);
  const std::string text = v.str();
  EXPECT_NE(text.find("encoded base64>json-escape"), std::string::npos)
      << text;
  EXPECT_EQ(plain.str().find("encoded"), std::string::npos);
  // Never the line: a finding on a 2 MB line prints a short line.
  EXPECT_LT(text.size(), 200u);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  EXPECT_EQ(text.find(kSecret), std::string::npos);
}

}  // namespace
}  // namespace keyward

// Directory scans of encoded strings (scanner/scan_encoded.cc): each
// encoding found at its span with its chain, the depth limit, the budget,
// short spans, --no-decode, and a secret found raw and decoded reported
// once.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/scan.h"
#include "support/base64.h"
#include "support/run.h"
#include "token_scan_fixture.h"

namespace keyward {
namespace {

using test::Token;

using test::B64;

std::string Hex(std::string_view in) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : in) out += {d[c >> 4], d[c & 15]};
  return out;
}

using DecodeStringsTest = test::TokenScanTest;

// Each encoding, with the token unreadable in the raw text (no word
// boundary before it, or encoded): found once, at the span, with its name.
TEST_F(DecodeStringsTest, EachEncodingIsFoundAtItsSpan) {
  std::string text = "# settings\n";
  text += "ci: " + B64("export API=" + Token(1)) + "\n";
  text += "url: " + B64("{\"k\":\"" + Token(2) + "\"}?\?>>", true) + "\n";
  text += "hex=" + Hex("key " + Token(3)) + "\n";
  text += "{\"note\": \"first line\\n" + Token(4) + "\\u0021\"}\n";
  text += "next=https%3A%2F%2Fh.test%2F%3Fk%3D" + Token(5) + " done\n";
  ScanResult r = Scan("settings.txt", text);
  ASSERT_EQ(r.findings.size(), 5u);
  const char* names[] = {"base64", "base64url", "hex", "json-escape",
                         "percent"};
  const int columns[] = {5, 6, 5, 11, 1};  // a query string from its key
  for (int i = 0; i < 5; i++) {
    const Finding& f = r.findings[i];
    SCOPED_TRACE(names[i]);
    EXPECT_EQ(f.secret, Token(i + 1));
    EXPECT_EQ(f.encoding, names[i]);
    EXPECT_EQ(f.path, path_);
    EXPECT_EQ(f.line, i + 2);
    EXPECT_EQ(f.column, columns[i]);
    EXPECT_EQ(f.end_line, i + 2);
    EXPECT_GT(f.end_column, f.column + 20);
  }
  EXPECT_EQ(r.findings[0].offset, text.find(B64("export API=" + Token(1))));
  EXPECT_EQ(r.stats.decoded_findings, 5u);
  EXPECT_GE(r.stats.decoded_spans, 5u);
  EXPECT_GT(r.stats.decoded_bytes, 100u);
  EXPECT_EQ(r.stats.decode_limited, 0u);
}

TEST_F(DecodeStringsTest, DepthIsLimited) {
  std::string once = B64("t=" + Token(1));
  std::string twice = B64("v: " + once);
  std::string thrice = B64("w: " + twice);
  ScanResult r = Scan("a.txt", "x: " + twice + "\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].encoding, "base64>base64");
  EXPECT_EQ(r.findings[0].column, 4);
  ScanOptions one;
  one.decode_max_depth = 1;
  EXPECT_TRUE(Scan("b.txt", "x: " + twice + "\n", one).findings.empty());
  EXPECT_TRUE(Scan("c.txt", "x: " + thrice + "\n").findings.empty());
  // An escaped string holding base64.
  r = Scan("d.json", "{\"cfg\": \"a\\nkey: " + once + "\\n\"}\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].encoding, "json-escape>base64");
  EXPECT_EQ(r.findings[0].column, 10);
}

TEST_F(DecodeStringsTest, BudgetPerFile) {
  std::string text;
  for (int i = 1; i <= 40; i++) text += "k: " + B64("t=" + Token(i)) + "\n";
  ScanOptions o;
  o.decode_max_bytes = 330;  // ten spans of 30 bytes, and a bit
  ScanResult r = Scan("many.txt", text, o);
  EXPECT_EQ(r.findings.size(), 11u);
  EXPECT_EQ(r.stats.decode_limited, 1u);
  r = Scan("many2.txt", text);
  EXPECT_EQ(r.findings.size(), 40u);
  EXPECT_EQ(r.stats.decode_limited, 0u);
}

TEST_F(DecodeStringsTest, ShortSpansAndNoDecode) {
  const std::string text = "k: " + B64("t=" + Token(1)) + "\n";  // 40 chars
  ScanOptions longer;
  longer.decode_min_length = 48;
  EXPECT_TRUE(Scan("a.txt", text, longer).findings.empty());
  ScanOptions off;
  off.decode = false;
  ScanResult r = Scan("b.txt", text, off);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.stats.decoded_spans, 0u);
  EXPECT_EQ(Scan("c.txt", text).findings.size(), 1u);
}

// Escaping that does not touch the secret: one finding, the raw one.
TEST_F(DecodeStringsTest, RawAndDecodedIsReportedOnce) {
  std::string text = "{\"msg\": \"see " + Token(1) + " \\/ here\\nnext\"}\n";
  ScanResult r = Scan("a.json", text);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].encoding, "");
  EXPECT_EQ(r.findings[0].column, 14);
  // The same token raw elsewhere and encoded here: two places, both shown.
  text += "b: " + B64("t=" + Token(1)) + "\n";
  r = Scan("b.json", text);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[1].encoding, "base64");
}

TEST_F(DecodeStringsTest, InlineAllowOnTheSpanLine) {
  ScanResult r =
      Scan("a.txt", "k: " + B64("t=" + Token(1)) + "  # keyward:allow\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_TRUE(r.findings[0].suppressed);
}

}  // namespace
}  // namespace keyward

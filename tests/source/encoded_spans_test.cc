// Finding and decoding encoded strings (source/encoded_spans.h).
#include "source/encoded_spans.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "support/base64.h"

namespace keyward {
namespace {

using test::B64;

std::vector<DecodedSpan> Spans(std::string_view text, SpanLimits limits = {},
                               uint64_t budget = 1 << 20, bool* hit = nullptr) {
  std::vector<DecodedSpan> out;
  bool h = false;
  FindEncodedSpans(text, limits, &budget, hit ? hit : &h, &out);
  return out;
}

TEST(DecodeStringTest, JsonAndJsEscapes) {
  std::string out;
  ASSERT_TRUE(DecodeJsonEscapes(R"(a\nb\tc\/d\"e\\f\u002fg\x41h)", &out));
  EXPECT_EQ(out, "a\nb\tc/d\"e\\f/gAh");
  ASSERT_TRUE(DecodeJsonEscapes(R"(\u00e9 \ud83d\ude00)", &out));
  EXPECT_EQ(out, "\xc3\xa9 \xf0\x9f\x98\x80");
  EXPECT_FALSE(DecodeJsonEscapes(R"(\u12)", &out));      // cut short
  EXPECT_FALSE(DecodeJsonEscapes(R"(\ud800 x)", &out));  // lone surrogate
  EXPECT_FALSE(DecodeJsonEscapes(R"(a\u0001b)", &out));  // not text
  EXPECT_FALSE(DecodeJsonEscapes("trailing\\", &out));
  // Escapes at both ends, side by side, and a line continuation.
  ASSERT_TRUE(DecodeJsonEscapes(R"(\tkey\\\"=\x41\u0042"C\n)", &out));
  EXPECT_EQ(out, "\tkey\\\"=AB\"C\n");
  ASSERT_TRUE(DecodeJsonEscapes("one\\\ntwo", &out));
  EXPECT_EQ(out, "onetwo");
  ASSERT_TRUE(DecodeJsonEscapes("no escapes", &out));
  EXPECT_EQ(out, "no escapes");
}

TEST(DecodeStringTest, PercentBase64Hex) {
  // Bytes whose base64 holds '-' and '_' in the url alphabet ("?\?" keeps a
  // compiler from reading a trigraph).
  const std::string kUrlBytes = "?\?>>?\?>>";
  std::string out;
  ASSERT_TRUE(DecodePercent("https%3A%2F%2Fa%40b", &out));
  EXPECT_EQ(out, "https://a@b");
  EXPECT_FALSE(DecodePercent("%02x%00", &out));
  ASSERT_TRUE(DecodeBase64(B64("user:pass word"), false, &out));
  EXPECT_EQ(out, "user:pass word");
  ASSERT_TRUE(DecodeBase64(B64(kUrlBytes, true), true, &out));
  EXPECT_EQ(out, kUrlBytes);
  EXPECT_FALSE(DecodeBase64(B64(kUrlBytes, true), false, &out));
  EXPECT_FALSE(
      DecodeBase64(B64(std::string("\x89PNG\r\n\x1a\n", 8)), false, &out));
  EXPECT_FALSE(DecodeBase64("abcde", false, &out));  // 5 mod 4 == 1
  ASSERT_TRUE(DecodeHex("68656c6c6f20776f726c64", &out));
  EXPECT_EQ(out, "hello world");
  EXPECT_FALSE(DecodeHex("deadbeefcafebabe", &out));
  EXPECT_TRUE(IsText("plain \xc3\xa9 text\n"));
  EXPECT_FALSE(IsText("cut \xc3"));
  EXPECT_FALSE(IsText("bad \x80 byte"));
}

TEST(FindEncodedSpansTest, EachEncodingAtItsPlace) {
  const std::string b64 = B64("API_KEY=some value here\n");
  // Found where 16 characters in a row are not `-` or `_`.
  const std::string b64url =
      B64("{\"key\": \"the value\", \"k\":\"v>>>>?????\"}", true);
  const std::string hex = "6b65793d76616c75652d6f662d746865206865782d7370616e";
  std::string text = "plain line\nsecret: " + b64 + "\n";
  const size_t b64_at = text.find(b64);
  text += "url " + b64url + "\n";
  const size_t url_at = text.find(b64url);
  text += "hex " + hex + "\n";
  text += R"(json: "line one\nline two \u0041 three")"
          "\n";
  text += "link https%3A%2F%2Fexample.test%2Fpath end\n";
  auto spans = Spans(text);
  ASSERT_EQ(spans.size(), 5u);
  EXPECT_EQ(spans[0].encoding, Encoding::kBase64);
  EXPECT_EQ(spans[0].begin, b64_at);
  EXPECT_EQ(spans[0].end, b64_at + b64.size());
  EXPECT_EQ(spans[0].text, "API_KEY=some value here\n");
  EXPECT_EQ(spans[1].encoding, Encoding::kBase64Url);
  EXPECT_EQ(spans[1].begin, url_at);
  EXPECT_EQ(spans[2].encoding, Encoding::kHex);
  EXPECT_EQ(spans[2].text, "key=value-of-the hex-span");
  EXPECT_EQ(spans[3].encoding, Encoding::kJsonEscape);
  EXPECT_EQ(spans[3].text, "line one\nline two A three");
  EXPECT_EQ(spans[4].encoding, Encoding::kPercent);
  EXPECT_EQ(spans[4].text, "https://example.test/path");
}

TEST(FindEncodedSpansTest, ShortSpansAreNotDecoded) {
  // 12 characters of base64, a 14-character escaped string.
  std::string text = "v: " + B64("short.text") + "\nj: \"ab\\ncdefghijkl\"\n";
  EXPECT_TRUE(Spans(text).empty());
  SpanLimits low;
  low.min_length = 8;
  EXPECT_EQ(Spans(text, low).size(), 2u);
}

// A hex run shorter than the 16 characters whose first bytes are checked,
// at the very end of a buffer of its exact size (ASan sees a read past it):
// a minimum length under 8 is only reachable through the library API (the
// CLI allows 8 and up); found by the encoded_spans fuzzer.
TEST(FindEncodedSpansTest, ShortHexRunAtTheEndIsReadWithinIt) {
  const std::string hex = "x=6b657921";  // "key!" in hex: 8 characters
  std::unique_ptr<char[]> exact(new char[hex.size()]);
  std::memcpy(exact.get(), hex.data(), hex.size());
  SpanLimits low;
  low.min_length = 4;
  std::vector<DecodedSpan> spans =
      Spans(std::string_view(exact.get(), hex.size()), low);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].encoding, Encoding::kHex);
  EXPECT_EQ(spans[0].text, "key!");
}

TEST(FindEncodedSpansTest, IdentifiersHashesAndBinaryAreNotSpans) {
  std::string text =
      "__GLIBC_USE_DEPRECATED_SCANF_AND_FRIENDS x\n"
      "sha256 "
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
      "/usr/include/x86_64-linux-gnu/sys/stat.h\n"
      "printf(\"error: could not open the file %s\\n\", name);\n"
      "font: url(data:font/woff2;base64," +
      B64(std::string("wOF2\0\1\0\0\0\0\x2c\x50\0\x0b\0\0\0\0", 18)) + ")\n";
  EXPECT_TRUE(Spans(text).empty());
}

TEST(FindEncodedSpansTest, WrappedBase64IsJoined) {
  std::string doc;
  for (int i = 0; i < 6; i++) doc += "LINE_" + std::to_string(i) + "=value\n";
  std::string b = B64(doc);
  ASSERT_GT(b.size(), 76u);
  std::string wrapped;
  for (size_t i = 0; i < b.size(); i += 76) wrapped += b.substr(i, 76) + "\n";
  auto spans = Spans("x\n" + wrapped);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].text, doc);
  EXPECT_EQ(spans[0].begin, 2u);
}

TEST(FindEncodedSpansTest, BudgetStopsTheSearch) {
  std::string text;
  for (int i = 0; i < 10; i++) {
    text += "k" + std::to_string(i) + ": " +
            B64("value number " + std::to_string(i) + " here") + "\n";
  }
  bool hit = false;
  auto spans = Spans(text, {}, 60, &hit);
  EXPECT_TRUE(hit);
  EXPECT_EQ(spans.size(), 3u);  // 19 or 20 bytes each
  hit = false;
  EXPECT_EQ(Spans(text, {}, 1 << 20, &hit).size(), 10u);
  EXPECT_FALSE(hit);
}

TEST(FindEncodedSpansTest, OuterSpanWinsOverOneInside) {
  // An escaped JSON string holding base64: decoded once, as the string.
  std::string text = "{\"cfg\": \"{\\\"auth\\\": \\\"" +
                     B64("deploy:some-password") + "\\\"}\"}";
  auto spans = Spans(text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].encoding, Encoding::kJsonEscape);
  EXPECT_EQ(spans[0].text,
            "{\"auth\": \"" + B64("deploy:some-password") + "\"}");
}

}  // namespace
}  // namespace keyward

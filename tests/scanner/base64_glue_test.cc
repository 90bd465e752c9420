// A prefixed token glued into base64 payload is a coincidence of the
// encoding, not a token (GluedIntoBase64, scanner/matcher_impl.h).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "scanner/matcher_fixtures.h"
#include "scanner/matcher_impl.h"

namespace keyward {
namespace {

using namespace matcher_fixtures;

// Base64 of random bytes: letters, digits, '+' and '/', no padding.
std::string Payload(std::mt19937& rng, size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s;
  for (size_t i = 0; i < n; i++) s += kAlphabet[rng() % 64];
  return s;
}

// Rules whose tokens are base64 characters alone, as the Yandex and Facebook
// ones, with and without a prefix.
constexpr char kRules[] = R"(
rules:
  - id: t.prefixed
    name: prefixed token
    kind: api-key
    pattern: '\b(QXv[A-Za-z0-9]{37})\b'
    prefix: QXv
  - id: t.bare
    name: token without a prefix
    kind: api-key
    pattern: '\b(zz9[a-f0-9]{12})\b'
)";

// A made-up token of t.prefixed's shape.
const std::string kToken = "QXv7wK2mZp9xLr4TbV8nYc3HsJ6dFg1AeUoRiW5q";

bool Glued(const std::string& text, const std::string& token) {
  size_t s = text.find(token);
  EXPECT_NE(s, std::string::npos);
  return GluedIntoBase64(text, s, s + token.size());
}

TEST(Base64GlueTest, TokenInsideAPayloadRunIsGlued) {
  std::mt19937 rng(11);
  std::string head = Payload(rng, 100), tail = Payload(rng, 100);
  // Ended by '/' on the right, '+' on the left, or both.
  EXPECT_TRUE(Glued("data:font/woff2;base64," + kToken + "/" + tail, kToken));
  EXPECT_TRUE(Glued(head + "+" + kToken + "\"", kToken));
  EXPECT_TRUE(Glued(head + "/" + kToken + "+" + tail, kToken));
}

TEST(Base64GlueTest, TokenInsideADigestIsGlued) {
  // A short run of payload that ends in padding: sha512 in a lock file,
  // h1: in go.sum. Too short for the 64-character test alone.
  std::string head = "AbC9", tail = "Qz8wPl3Rt5Vx7Yb2Nd4=";
  EXPECT_TRUE(Glued(
      "\"integrity\": \"sha512-" + head + "/" + kToken + "+" + tail + "=\",",
      kToken));
  EXPECT_TRUE(Glued("example.org/mod v1.2.0 h1:" + head + "+" + kToken + "=\n",
                    kToken));
  // The same run without the padding: a path, not a digest.
  EXPECT_FALSE(
      Glued("https://x.example/" + head + "/" + kToken + "/me?a=1", kToken));
}

TEST(Base64GlueTest, TokenStandingAloneIsNotGlued) {
  std::mt19937 rng(12);
  std::string tail = Payload(rng, 100);
  EXPECT_FALSE(Glued("GITHUB_TOKEN=" + kToken + "\n", kToken));
  EXPECT_FALSE(Glued("{\"token\": \"" + kToken + "\"}", kToken));
  EXPECT_FALSE(Glued(kToken, kToken));
  // In a URL path: '/' on both sides, but little payload around it.
  EXPECT_FALSE(
      Glued("GET https://api.example.com/v1/" + kToken + "/me\n", kToken));
  // Beside a payload, but set apart from it by a character base64 lacks.
  EXPECT_FALSE(Glued(tail + " " + kToken + "," + tail, kToken));
  // A '/' or '+' with no payload beyond it.
  EXPECT_FALSE(Glued("token: " + kToken + "/ next", kToken));
  EXPECT_FALSE(Glued("see /" + kToken + " and +" + tail, kToken));
}

TEST(Base64GlueTest, WrappedBlockLinesAreGluedButATokenListIsNot) {
  std::mt19937 rng(13);
  // A PEM-like block of 64-character lines; the token starts a line and a
  // '+' follows it.
  std::string line = kToken + "+" + Payload(rng, 64 - kToken.size() - 1);
  std::string block = Payload(rng, 64) + "\n" + line + "\n" + Payload(rng, 64) +
                      "\n" + Payload(rng, 20) + "==\n";
  EXPECT_TRUE(Glued(block, kToken));
  // The same line alone (no block around it) holds too little payload.
  EXPECT_FALSE(Glued("x = 1\n" + line + "\nend\n", kToken));
  // Tokens one per line, however many: nothing glues them.
  std::string list;
  for (int i = 0; i < 5; i++) list += kToken + "\n";
  EXPECT_FALSE(Glued(list, kToken));
}

TEST(Base64GlueTest, ConfirmationDropsGluedMatchesOfPrefixedRulesOnly) {
  auto m = Compile(kRules);
  std::mt19937 rng(14);
  std::string payload = Payload(rng, 300);
  for (char& c : payload) {
    if (c == 'z' || c == 'Q') c = 'y';  // no match of its own
  }
  // t.prefixed has a prefix: glued into the payload, it is not reported; the
  // same token quoted beside it is.
  std::string data = "url(data:image/png;base64," + payload + "+" + kToken +
                     "/" + payload + ");\nconst t = \"" + kToken + "\";\n";
  for (const auto& hits :
       {BlockScan(*m, data), Re2Scan(*m, data), StreamScan(*m, data, 97)}) {
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].rule, "t.prefixed");
    EXPECT_EQ(hits[0].line, 2);
  }
  // t.bare has none: its match in the payload stands.
  std::string bare = payload + "+zz90123456789ab/" + payload;
  auto hits = BlockScan(*m, bare);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].rule, "t.bare");
}

TEST(Base64GlueTest, TokensInPathsOnOneLongLineAreAllReported) {
  // A minified line of URL paths: '/' on both sides of each token, little
  // payload around it, and no line end near it (the wrapped-block check
  // reads at most 256 bytes of a line; bench/base64_payload.sh times it).
  auto m = Compile(kRules);
  std::mt19937 rng(16);
  std::string line = "var u=[";
  constexpr int kTokens = 2000;
  for (int i = 0; i < kTokens; i++) {
    std::string token = "QXv" + Payload(rng, 37);
    for (char& c : token) {
      if (c == '+' || c == '/') c = 'k';
    }
    line += "\"ab/" + token + "/cd\",";
  }
  line += "];\n";
  auto hits = BlockScan(*m, line);
  EXPECT_EQ(hits.size(), static_cast<size_t>(kTokens));
}

TEST(Base64GlueTest, TokenWithCharactersBase64LacksIsNeverGlued) {
  std::mt19937 rng(15);
  std::string tail = Payload(rng, 100);
  std::string token = "ghp_" + kToken.substr(4);
  EXPECT_FALSE(Glued(tail + "+" + token + "/" + tail, token));
}

}  // namespace
}  // namespace keyward

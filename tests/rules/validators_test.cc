// Rule validators (rules/validators.h) and their use by the matcher.
#include "rules/validators.h"

#include <gtest/gtest.h>

#include "keyward/matcher.h"
#include "keyward/rules.h"
#include "support/base64.h"
#include "support/fake_secrets.h"

namespace keyward {
namespace {

TEST(ValidatorsTest, Crc32AndBase62) {
  // The CRC-32 check value of the IEEE polynomial.
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Base62(0, 6), "000000");
  EXPECT_EQ(Base62(61, 6), "00000z");
  EXPECT_EQ(Base62(62, 2), "10");
  EXPECT_EQ(Base62(0xFFFFFFFFu, 6), "4gfFC3");
}

// Tokens made by tests/support/fake_secrets.h, which computes the checksum
// with its own code (bit-by-bit CRC), not this module's.
TEST(ValidatorsTest, GithubChecksum) {
  for (uint32_t seed = 1; seed < 50; ++seed) {
    std::string tok = test::FakeGithubToken(seed);
    ASSERT_EQ(CheckGithubCrc32(tok), CheckResult::kPass) << tok;
    for (const char* p : {"gho_", "ghu_", "ghs_", "ghr_"}) {
      EXPECT_EQ(CheckGithubCrc32(p + tok.substr(4)), CheckResult::kPass);
    }
    // One character changed in the body or in the checksum.
    std::string body = tok;
    body[10] = body[10] == 'a' ? 'b' : 'a';
    EXPECT_EQ(CheckGithubCrc32(body), CheckResult::kFail) << body;
    std::string tail = tok;
    tail.back() = tail.back() == '0' ? '1' : '0';
    EXPECT_EQ(CheckGithubCrc32(tail), CheckResult::kFail) << tail;
  }
  // Values generated for this test with Python's zlib.crc32.
  EXPECT_EQ(CheckGithubCrc32("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"),
            CheckResult::kPass);
  EXPECT_EQ(CheckGithubCrc32("ghp_RRBrOaa1JV2usaEEi02lIgH5mROfVM38STiN"),
            CheckResult::kFail);
  // No checksum position: other lengths, other prefixes.
  EXPECT_EQ(CheckGithubCrc32("ghs_" + std::string(40, 'k')),
            CheckResult::kNotApplicable);
  EXPECT_EQ(CheckGithubCrc32("glpat-abcdefghijklmnopqrst"),
            CheckResult::kNotApplicable);
}

TEST(ValidatorsTest, NpmChecksum) {
  EXPECT_EQ(CheckNpmCrc32("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"),
            CheckResult::kPass);
  EXPECT_EQ(CheckNpmCrc32("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"),
            CheckResult::kPass);
  EXPECT_EQ(CheckNpmCrc32("npm_MigdD3M1qgKkD5QYVwmqiLPOUZyN10056cr8"),
            CheckResult::kFail);
  // The GitHub body under npm_ verifies too: same scheme.
  std::string gh = test::FakeGithubToken(3);
  EXPECT_EQ(CheckNpmCrc32("npm_" + gh.substr(4)), CheckResult::kPass);
  EXPECT_EQ(CheckNpmCrc32("npm_short"), CheckResult::kNotApplicable);
  EXPECT_EQ(CheckNpmCrc32(gh), CheckResult::kNotApplicable);
}

TEST(ValidatorsTest, Bech32Checksum) {
  // age secret keys made for this test (32 random bytes, bech32-encoded by a
  // reference encoder written from BIP 173).
  EXPECT_EQ(CheckBech32("AGE-SECRET-KEY-1ATQRVNMQADCRJYUEVJ4EVDFP8MPXXXGLFD6PV"
                        "CX6KMJNFD5K8PUQTKESHJ"),
            CheckResult::kPass);
  EXPECT_EQ(CheckBech32("age-secret-key-18rmxucx8w088xw7and3jmd2ljdc02qz7rdq20"
                        "ll0ugefkflg3nmqrhktg3"),
            CheckResult::kPass);
  // One character changed; a character outside the alphabet ('B').
  EXPECT_EQ(CheckBech32("AGE-SECRET-KEY-1ATQRVNMQADCRJYUEVJ4EVDFP8MPXXXGLFD6PV"
                        "CX6KMJNFD5K8PUQTKESHK"),
            CheckResult::kFail);
  EXPECT_EQ(CheckBech32("AGE-SECRET-KEY-1BTQRVNMQADCRJYUEVJ4EVDFP8MPXXXGLFD6PV"
                        "CX6KMJNFD5K8PUQTKESHJ"),
            CheckResult::kFail);
  // No separator, or too short a data part: nothing to check.
  EXPECT_EQ(CheckBech32("AGE-SECRET-KEY-"), CheckResult::kNotApplicable);
  EXPECT_EQ(CheckBech32("x1qpzry"), CheckResult::kNotApplicable);
}

TEST(ValidatorsTest, BitcoinWifChecksum) {
  // Keys made for this test (32 random bytes, Base58Check-encoded by a
  // reference encoder): compressed (K/L...) and uncompressed (5...).
  EXPECT_EQ(
      CheckBitcoinWif("L5WuJm5TXieWhqq7ZMGDrx7j9av1pGFXbfPZLfjWmuuwAdVSoR8E"),
      CheckResult::kPass);
  EXPECT_EQ(
      CheckBitcoinWif("5KGKLW7fW8bDnyhPRzgnFGcifdw3DiZn4AhjQeNey3YwhuhEYMw"),
      CheckResult::kPass);
  // One character changed; a character base58 leaves out ('0').
  EXPECT_EQ(
      CheckBitcoinWif("L5WuJm5TXieWhqq7ZMGDrx7j9av1pGFXbfPZLfjWmuuwAdVSoR8F"),
      CheckResult::kFail);
  EXPECT_EQ(
      CheckBitcoinWif("L5WuJm5TXieWhqq7ZMGDrx7j9av1pGFXbfPZLfjWmuuwAdVSoR80"),
      CheckResult::kFail);
  EXPECT_EQ(CheckBitcoinWif("5KGK"), CheckResult::kNotApplicable);
}

TEST(ValidatorsTest, BasicCredentialsDecodeToOneUserColonPasswordLine) {
  // "ci-publisher:Vb7pQ2mXz9Lk", and an API key as the user name with an
  // empty password ("7Hq2WmZ9xTt0vNcB4dKp3Ls8:").
  EXPECT_EQ(CheckBasicCredentials("Y2ktcHVibGlzaGVyOlZiN3BRMm1YejlMaw=="),
            CheckResult::kPass);
  EXPECT_EQ(CheckBasicCredentials("N0hxMldtWjl4VHQwdk5jQjRkS3AzTHM4Og=="),
            CheckResult::kPass);
  // RFC 6749's client id alone, as a decoded credential rescanned with its
  // line reads ("s6BhdRkqt3" is not base64 of anything with a colon).
  EXPECT_EQ(CheckBasicCredentials("s6BhdRkqt3"), CheckResult::kFail);
  // Random bytes, no colon, a line break ("a:b\nc"), too short.
  EXPECT_EQ(CheckBasicCredentials("RGvjA/oxSiKW2p9Il45PjrhQFb7JJTpwu2Y5heXW"),
            CheckResult::kFail);
  EXPECT_EQ(CheckBasicCredentials("anVzdG9uZXdvcmQtbm8tY29sb24taGVyZS14eQ=="),
            CheckResult::kFail);
  EXPECT_EQ(CheckBasicCredentials("YTpiCmM="), CheckResult::kFail);
  EXPECT_EQ(CheckBasicCredentials("Og=="), CheckResult::kFail);  // ":"
  EXPECT_NE(FindValidator("basic_credentials"), nullptr);
}

TEST(ValidatorsTest, Base64UserPass) {
  std::string out;
  ASSERT_TRUE(DecodeBase64("ZGVwbG95Ym90Ok9GdHplTzRBSXo3S0g3RWMlXw==", &out));
  EXPECT_EQ(out, "deploybot:OFtzeO4AIz7KH7Ec%_");
  ASSERT_TRUE(DecodeBase64("b2N0by5vcHM6QllUSVROS2p5N3ZfWWNJdmJL", &out));
  EXPECT_EQ(out, "octo.ops:BYTITNKjy7v_YcIvbK");
  EXPECT_EQ(CheckBase64UserPass("ZGVwbG95Ym90Ok9GdHplTzRBSXo3S0g3RWMlXw=="),
            CheckResult::kPass);
  // Unpadded is accepted.
  EXPECT_EQ(CheckBase64UserPass("ZGVwbG95Ym90Ok9GdHplTzRBSXo3S0g3RWMlXw"),
            CheckResult::kPass);
  // Not base64 at all.
  EXPECT_EQ(CheckBase64UserPass("not*base64!"), CheckResult::kFail);
  EXPECT_EQ(CheckBase64UserPass("ZGVwbG95Ym9=Ok9G"), CheckResult::kFail);
  EXPECT_EQ(CheckBase64UserPass("ZGVwb"), CheckResult::kFail);  // 5 chars
  // Decodes, but no colon ("justoneword-no-colon-here-xy").
  EXPECT_EQ(CheckBase64UserPass("anVzdG9uZXdvcmQtbm8tY29sb24taGVyZS14eQ=="),
            CheckResult::kFail);
  // "svcuser:" : empty password.
  EXPECT_EQ(CheckBase64UserPass("c3ZjdXNlcjo="), CheckResult::kFail);
  // Random bytes: not printable text.
  EXPECT_EQ(CheckBase64UserPass("RGvjA/oxSiKW2p9Il45PjrhQFb7JJTpwu2Y5heXW"),
            CheckResult::kFail);
  // "a:\x01\x02" (a control character in the password).
  EXPECT_EQ(CheckBase64UserPass("YToBAg=="), CheckResult::kFail);
  // UTF-8 passwords are text: "jo:contraseña".
  EXPECT_EQ(CheckBase64UserPass("am86Y29udHJhc2XDsWE="), CheckResult::kPass);
}

TEST(ValidatorsTest, FindByName) {
  ASSERT_NE(FindValidator("github_crc32"), nullptr);
  EXPECT_TRUE(FindValidator("github_crc32")->checksum);
  EXPECT_TRUE(FindValidator("npm_crc32")->checksum);
  EXPECT_FALSE(FindValidator("base64_userpass")->checksum);
  EXPECT_EQ(FindValidator("luhn"), nullptr);
  EXPECT_FALSE(FindValidator("jwt_not_example")->checksum);
  EXPECT_FALSE(FindValidator("basic_credentials")->checksum);
  EXPECT_TRUE(FindValidator("bech32")->checksum);
  EXPECT_EQ(ValidatorNames(),
            "base64_userpass, basic_credentials, bech32, bitcoin_wif, "
            "cisco_type7, github_crc32, jwt_not_example, npm_crc32");
}

// Supabase's anon key is a public client key (the service_role key is the
// secret): it fails, whatever its signature; other roles do not.
TEST(ValidatorsTest, SupabaseAnonKeyIsPublic) {
  auto b64url = [](const std::string& text) {
    std::string b = test::B64(text, true);
    while (!b.empty() && b.back() == '=') b.pop_back();
    return b;
  };
  const std::string header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.";
  const std::string sig = ".Kq7vTz2Lm9pXw4Rb8Nc3Hd6Jf1Sa5Ye0Gu2Vi7Ok3Qx";
  auto token = [&](const std::string& role) {
    return header +
           b64url(
               "{\"iss\":\"supabase\",\"ref\":\"qwhzkfjdmxplrtvs\","
               "\"role\":\"" +
               role + "\",\"iat\":1700000000,\"exp\":2000000000}") +
           sig;
  };
  EXPECT_EQ(CheckJwtNotExample(token("anon")), CheckResult::kFail);
  EXPECT_EQ(CheckJwtNotExample(token("service_role")),
            CheckResult::kNotApplicable);
  EXPECT_EQ(CheckJwtNotExample(header +
                               b64url("{\"iss\":\"https://auth.corp-int."
                                      "net\",\"role\":\"anon\"}") +
                               sig),
            CheckResult::kNotApplicable);
}

// A token whose claims say it is a documentation example (issued by
// example.com, EXAMPLE ids) fails; real-looking claims and payloads that are
// not JSON are not the check's business.
TEST(ValidatorsTest, JwtWhoseClaimsSayExampleFails) {
  const std::string header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.";
  // {"iss":"https://id.example.com","sub":"u-4821","exp":1900000000}
  EXPECT_EQ(CheckJwtNotExample(
                header +
                "eyJpc3MiOiJodHRwczovL2lkLmV4YW1wbGUuY29tIiwic3ViIjoidS00ODIx"
                "IiwiZXhwIjoxOTAwMDAwMDAwfQ.Qm9vdHN0cmFwU2lnbmF0dXJlOTk4MjE0"),
            CheckResult::kFail);
  // {"sub":"svc-ingest","acct":"EXAMPLEACCOUNT","iat":1700000000}
  EXPECT_EQ(CheckJwtNotExample(
                header +
                "eyJzdWIiOiJzdmMtaW5nZXN0IiwiYWNjdCI6IkVYQU1QTEVBQ0NPVU5UIiwi"
                "aWF0IjoxNzAwMDAwMDAwfQ.W4xkR2pVt8sNq3LmZ7bC1yH6fJ0aE5gD"),
            CheckResult::kFail);
  // Issued by the sample tenant of Microsoft's identity platform docs.
  EXPECT_EQ(CheckJwtNotExample(
                header +
                "eyJ2ZXIiOiIyLjAiLCJpc3MiOiJodHRwczovL2xvZ2luLm1pY3Jvc29mdG9u"
                "bGluZS5jb20vOTEyMjA0MGQtNmM2Ny00YzViLWIxMTItMzZhMzA0YjY2ZGFk"
                "L3YyLjAiLCJzdWIiOiJ1LTc3IiwibmFtZSI6IlNhbSBEb2UifQ."
                "W4xkR2pVt8sNq3LmZ7bC1yH6fJ0aE5gD"),
            CheckResult::kFail);
  // {"iss":"https://auth.corp-int.net","sub":"u-4821","exp":1900000000}
  EXPECT_EQ(
      CheckJwtNotExample(
          header +
          "eyJpc3MiOiJodHRwczovL2F1dGguY29ycC1pbnQubmV0Iiwic3ViIjoidS00"
          "ODIxIiwiZXhwIjoxOTAwMDAwMDAwfQ.W4xkR2pVt8sNq3LmZ7bC1yH6fJ0aE5gD"),
      CheckResult::kNotApplicable);
  // A payload that is not JSON, and no payload at all.
  EXPECT_EQ(CheckJwtNotExample(header + "eyJqEF_Uj7vDyjXZdHcajcbl.c2ln"),
            CheckResult::kNotApplicable);
  EXPECT_EQ(CheckJwtNotExample("eyJhbGciOiJub25lIn0"),
            CheckResult::kNotApplicable);
}

constexpr char kRules[] = R"yaml(
rules:
  - id: t.gh
    name: test github
    kind: api-key
    pattern: '\b(ghp_[A-Za-z0-9]{36})\b'
    prefix: ghp_
    validate: [github_crc32]
  - id: t.auth
    name: test auth
    kind: password
    pattern: '"auth":\s*"([A-Za-z0-9+/=]{8,})"'
    validate: base64_userpass
)yaml";

TEST(ValidatorsTest, MatcherMarksChecksumsAndDropsFailedDecodings) {
  RuleSet set;
  ASSERT_TRUE(set.AddText(kRules, "t.yaml").ok());
  ASSERT_EQ(set.rules()[0].validate, std::vector<std::string>{"github_crc32"});
  ASSERT_EQ(set.rules()[1].validate,
            std::vector<std::string>{"base64_userpass"});
  auto m = Matcher::Create(set);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto scratch = (*m)->NewScratch();
  std::string good = test::FakeGithubToken(9);
  std::string bad = good;
  bad[5] = bad[5] == 'Q' ? 'R' : 'Q';
  std::string data =
      "a=" + good + "\nb=" + bad +
      "\n{\"auth\": \"b2N0by5vcHM6QllUSVROS2p5N3ZfWWNJdmJL\"}\n"
      "{\"auth\": \"RGvjA/oxSiKW2p9Il45PjrhQFb7JJTpwu2Y5heXW\"}\n";
  std::vector<RuleMatch> out;
  EXPECT_TRUE((*m)->Scan(data, scratch.get(), &out).ok());
  // The good token (verified), the bad one (kept, its checksum failed) and
  // the auth value that decodes to user:password; the one that does not
  // decode is dropped.
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(
      data.substr(out[0].secret_start, out[0].secret_end - out[0].secret_start),
      good);
  EXPECT_TRUE(out[0].checksum_verified);
  EXPECT_FALSE(out[0].checksum_failed);
  EXPECT_EQ(
      data.substr(out[1].secret_start, out[1].secret_end - out[1].secret_start),
      bad);
  EXPECT_FALSE(out[1].checksum_verified);
  EXPECT_TRUE(out[1].checksum_failed);
  EXPECT_EQ((*m)->rules()[out[2].rule].id, "t.auth");
  EXPECT_FALSE(out[2].checksum_verified);  // a decoding, not a checksum
  EXPECT_FALSE(out[2].checksum_failed);
  // The RE2-only reference agrees.
  std::vector<RuleMatch> ref;
  (*m)->ScanWithRe2Only(data, &ref);
  ASSERT_EQ(ref.size(), 3u);
  EXPECT_TRUE(ref[0].checksum_verified);
  EXPECT_TRUE(ref[1].checksum_failed);
}

TEST(ValidatorsTest, UnknownValidatorIsALoadErrorNamingFileLineRule) {
  RuleSet set;
  Status s = set.AddText(R"(rules:
  - id: t.ok
    name: ok
    kind: api-key
    pattern: '(ok_[a-z]{8})'
  - id: t.bad
    name: bad
    kind: api-key
    pattern: '(bad_[a-z]{8})'
    validate: [github_crc32, luhn]
)",
                         "rules/mine.yaml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("rules/mine.yaml:10"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("t.bad"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("unknown validator `luhn`"), std::string::npos)
      << s.message();
  EXPECT_TRUE(set.rules().empty());  // unchanged on error
}

// Cisco type 7: two digits of key offset, then hex pairs XORed with Cisco's
// fixed key. The values below were encoded by this test's author from
// passwords of their own.
TEST(ValidatorsTest, CiscoType7) {
  EXPECT_EQ(CheckCiscoType7("046A1C5E352A1F601F483515"), CheckResult::kPass);
  EXPECT_EQ(CheckCiscoType7("111D0B511E1C275D0A2F72"), CheckResult::kPass);
  EXPECT_EQ(CheckCiscoType7("0209174b0d4b24245519"), CheckResult::kPass);
  // An offset past 15, an odd length, a non-hex pair.
  EXPECT_EQ(CheckCiscoType7("996A1C5E352A1F601F483515"), CheckResult::kFail);
  EXPECT_EQ(CheckCiscoType7("046A1C5E352A1F601F48351"), CheckResult::kFail);
  EXPECT_EQ(CheckCiscoType7("046A1C5E352A1F601F4835ZZ"), CheckResult::kFail);
  // Hex that decodes to control bytes is not an encoded password.
  EXPECT_EQ(CheckCiscoType7("0822FFFF00"), CheckResult::kFail);
  EXPECT_EQ(CheckCiscoType7("04"), CheckResult::kFail);
  ASSERT_NE(FindValidator("cisco_type7"), nullptr);
  EXPECT_FALSE(FindValidator("cisco_type7")->checksum);
}

}  // namespace
}  // namespace keyward

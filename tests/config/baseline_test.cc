#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "keyward/config.h"
#include "support/run.h"

namespace keyward {
namespace {

using ::testing::HasSubstr;

Finding Make(const std::string& rule, const std::string& secret,
             const std::string& path, int line) {
  Finding f;
  f.rule_id = rule;
  f.secret = secret;
  f.fingerprint = SecretFingerprint(secret);
  f.path = path;
  f.line = line;
  return f;
}

TEST(BaselineTest, SerializesSortedUniqueWithoutLinesOrSecrets) {
  std::vector<Finding> found = {
      Make("r.b", "secret-two", "src/z.py", 40),
      Make("r.a", "secret-one", "./src/a.py", 7),
      Make("r.a", "secret-one", "src/a.py", 90),  // same entry again
  };
  std::string text = Baseline::FromFindings(found).Serialize();
  EXPECT_EQ(text,
            "{\n"
            "  \"entries\": [\n"
            "    {\n"
            "      \"fingerprint\": \"" +
                SecretFingerprint("secret-one") +
                "\",\n"
                "      \"path\": \"src/a.py\",\n"
                "      \"rule_id\": \"r.a\"\n"
                "    },\n"
                "    {\n"
                "      \"fingerprint\": \"" +
                SecretFingerprint("secret-two") +
                "\",\n"
                "      \"path\": \"src/z.py\",\n"
                "      \"rule_id\": \"r.b\"\n"
                "    }\n"
                "  ],\n"
                "  \"fingerprint_key\": \"" +
                FingerprintKeyId() +
                "\",\n"
                "  \"version\": 1\n"
                "}\n");
  EXPECT_THAT(text, ::testing::Not(HasSubstr("secret-one")));
}

TEST(BaselineTest, MovingCodeLeavesTheBytesAlone) {
  std::vector<Finding> before = {Make("r.a", "s1", "a.py", 3),
                                 Make("r.b", "s2", "b.py", 10)};
  std::vector<Finding> after = {Make("r.b", "s2", "b.py", 200),
                                Make("r.a", "s1", "a.py", 57)};
  EXPECT_EQ(Baseline::FromFindings(before).Serialize(),
            Baseline::FromFindings(after).Serialize());
}

TEST(BaselineTest, RoundTripsAndSortsHandEditedFiles) {
  auto b = Baseline::Parse(
      R"({"version":1,"entries":[
          {"rule_id":"r.b","fingerprint":"sha256:2","path":"./b"},
          {"rule_id":"r.a","fingerprint":"sha256:1","path":"a"}]})",
      "base.json");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(b->entries().size(), 2u);
  EXPECT_EQ(b->entries()[0].path, "a");
  EXPECT_EQ(b->entries()[1].path, "b");
  auto again = Baseline::Parse(b->Serialize(), "x");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->Serialize(), b->Serialize());
}

TEST(BaselineTest, MatchesRuleSecretAndPathTogether) {
  Baseline b = Baseline::FromFindings({Make("r.a", "s1", "a.py", 1)});
  EXPECT_TRUE(b.Contains(Make("r.a", "s1", "a.py", 99)));
  EXPECT_TRUE(b.Contains(Make("r.a", "s1", "./a.py", 99)));
  // A different secret at the baselined path and line is new.
  EXPECT_FALSE(b.Contains(Make("r.a", "s2", "a.py", 1)));
  // The same secret leaking into another file is new too.
  EXPECT_FALSE(b.Contains(Make("r.a", "s1", "b.py", 1)));
  EXPECT_FALSE(b.Contains(Make("r.other", "s1", "a.py", 1)));
}

TEST(BaselineTest, StaleEntriesAreThoseNoLongerFound) {
  Baseline b = Baseline::FromFindings(
      {Make("r.a", "s1", "a.py", 1), Make("r.a", "s2", "b.py", 1)});
  auto stale = StaleBaselineEntries(b, {Make("r.a", "s2", "b.py", 5)});
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].path, "a.py");
  EXPECT_EQ(stale[0].fingerprint, SecretFingerprint("s1"));
}

TEST(BaselineTest, KeepsBaselinedButNotOtherwiseSuppressedFindings) {
  Finding inline_allowed = Make("r.a", "s1", "a.py", 1);
  inline_allowed.suppressed = true;
  inline_allowed.suppression = "inline";
  Finding allowlisted = Make("r.a", "s2", "a.py", 2);
  allowlisted.suppressed = true;
  allowlisted.suppression = "allowlist: test key";
  Finding baselined = Make("r.a", "s3", "a.py", 3);
  baselined.suppressed = true;
  baselined.suppression = "baseline";
  Baseline b = Baseline::FromFindings(
      {inline_allowed, allowlisted, baselined, Make("r.a", "s4", "a.py", 4)});
  ASSERT_EQ(b.entries().size(), 2u);
  EXPECT_TRUE(b.Contains(baselined));
  EXPECT_FALSE(b.Contains(allowlisted));
}

TEST(BaselineTest, MalformedFilesAreCorruptionNamingTheFile) {
  for (const char* text :
       {"not json", "[]", R"({"version":1})", R"({"version":2,"entries":[]})",
        R"({"version":1,"entries":[{"rule_id":"r"}]})"}) {
    auto b = Baseline::Parse(text, "team/baseline.json");
    ASSERT_FALSE(b.ok()) << text;
    EXPECT_EQ(b.status().code(), Status::Code::kCorruption);
    EXPECT_THAT(b.status().message(), HasSubstr("team/baseline.json"));
  }
}

TEST(BaselineTest, WriteReplacesTheFileAtomically) {
  keyward::test::TempDir dir;
  std::string path = dir.path() + "/baseline.json";
  Baseline b = Baseline::FromFindings({Make("r.a", "s1", "a.py", 1)});
  ASSERT_TRUE(b.Write(path).ok());
  EXPECT_EQ(keyward::test::ReadFile(path), b.Serialize());
  auto loaded = Baseline::Load(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->entries(), b.entries());
  EXPECT_EQ(Baseline::Load(dir.path() + "/missing.json").status().code(),
            Status::Code::kNotFound);
}

}  // namespace
}  // namespace keyward

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "keyward/config.h"
#include "support/run.h"

namespace keyward {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kFp =
    "sha256:" + std::string(64, 'a');  // a well-formed fingerprint

TEST(ConfigFileTest, ParsesEveryKey) {
  auto c = ParseConfig(
      "rules: [extra.yaml, more/]\n"
      "disable_rules: [generic.password]\n"
      "exclude:\n  - vendor/\n  - '*.min.js'\n"
      "allow:\n  - fingerprint: " +
          kFp +
          "\n    reason: documented test key\n"
          "fail_on: high\n"
          "min_confidence: low\n"
          "inventory: ops/inventory.json\n"
          "baseline: .keyward-baseline.json\n"
          "tickets: {assignee: sec-team}\n",
      ".keyward.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_THAT(c->rules, ::testing::ElementsAre("extra.yaml", "more/"));
  EXPECT_THAT(c->disable_rules, ::testing::ElementsAre("generic.password"));
  EXPECT_THAT(c->exclude, ::testing::ElementsAre("vendor/", "*.min.js"));
  ASSERT_EQ(c->allow.size(), 1u);
  EXPECT_EQ(c->allow[0].fingerprint, kFp);
  EXPECT_EQ(c->allow[0].reason, "documented test key");
  EXPECT_EQ(c->fail_on, Severity::kHigh);
  EXPECT_EQ(c->min_confidence, Confidence::kLow);
  EXPECT_EQ(c->inventory, "ops/inventory.json");
  EXPECT_EQ(c->ticket_assignee, "sec-team");
  EXPECT_EQ(c->baseline, ".keyward-baseline.json");
}

TEST(ConfigFileTest, EmptyFileGivesDefaults) {
  auto c = ParseConfig("", "x.yaml");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->rules.empty());
  EXPECT_EQ(c->fail_on, Severity::kLow);
  EXPECT_EQ(c->min_confidence, Confidence::kMedium);
  EXPECT_TRUE(c->allow.empty());
}

TEST(ConfigFileTest, UnknownTopLevelKeyNamesFileAndLine) {
  auto c = ParseConfig("rules: []\n\nfail_on: high\nexcludes: [a]\n",
                       "repo/.keyward.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kConfig);
  EXPECT_THAT(c.status().message(), StartsWith("repo/.keyward.yaml:4: "));
  EXPECT_THAT(c.status().message(), HasSubstr("unknown key `excludes`"));
}

TEST(ConfigFileTest, UnknownKeyInsideAllowEntryNamesLine) {
  auto c = ParseConfig("allow:\n  - fingerprint: " + kFp +
                           "\n    reason: ok\n    expires: 2030-01-01\n",
                       "c.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), StartsWith("c.yaml:4: "));
  EXPECT_THAT(c.status().message(), HasSubstr("`expires`"));
}

TEST(ConfigFileTest, UnknownKeyInTicketsNamesLine) {
  auto c = ParseConfig("tickets:\n  owner: x\n", "c.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), StartsWith("c.yaml:2: "));
}

TEST(ConfigFileTest, RejectsBadValuesWithLines) {
  struct Case {
    std::string yaml;
    std::string where;
  } cases[] = {
      {"fail_on: severe\n", "c.yaml:1: "},
      {"fail_on: high\nmin_confidence: certain\n", "c.yaml:2: "},
      {"min_confidence: [low]\n", "c.yaml:1: "},
      {"\nrules: {a: b}\n", "c.yaml:2: "},
      {"allow:\n  - fingerprint: sha256:xyz\n    reason: r\n", "c.yaml:2: "},
      {"allow:\n  - fingerprint: " + kFp + "\n", "c.yaml:2: "},  // no reason
      {"exclude: [a, [b]]\n", "c.yaml:1: "},
      {"- just\n- a list\n", "c.yaml:1: "},
      {"rules: [a\nfail_on: high\n", "c.yaml:"},  // YAML syntax error
  };
  for (const auto& c : cases) {
    auto r = ParseConfig(c.yaml, "c.yaml");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.status().code(), Status::Code::kConfig);
    EXPECT_THAT(r.status().message(), StartsWith(c.where)) << c.yaml;
  }
}

TEST(ConfigFileTest, FingerprintIsNormalisedToLowercase) {
  auto c =
      ParseConfig("allow:\n  - fingerprint: SHA256:" + std::string(64, 'A') +
                      "\n    reason: r\n",
                  "c.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->allow[0].fingerprint, kFp);
}

TEST(ConfigFileTest, LoadResolvesPathsAgainstTheConfigDirectory) {
  keyward::test::TempDir dir;
  std::string path =
      dir.Write("repo/.keyward.yaml",
                "rules: [rules/extra.yaml, /abs/r.yaml]\ninventory: inv.json\n"
                "baseline: b.json\n");
  auto c = LoadConfig(path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->rules[0], dir.path() + "/repo/rules/extra.yaml");
  EXPECT_EQ(c->rules[1], "/abs/r.yaml");
  EXPECT_EQ(c->inventory, dir.path() + "/repo/inv.json");
  EXPECT_EQ(c->baseline, dir.path() + "/repo/b.json");
  EXPECT_EQ(LoadConfig(dir.path() + "/none.yaml").status().code(),
            Status::Code::kNotFound);
}

TEST(ConfigFileTest, FindsConfigAtTheWorkingTreeTop) {
  keyward::test::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/repo/.git");
  dir.Write("repo/src/deep/a.txt", "x");
  dir.Write("repo/src/.keyward.yaml", "{}");  // not at the top: ignored
  EXPECT_EQ(FindConfigFile(dir.path() + "/repo/src/deep"), "");
  std::string top = dir.Write("repo/.keyward.yaml", "{}");
  EXPECT_EQ(FindConfigFile(dir.path() + "/repo/src/deep"), top);
  EXPECT_EQ(FindConfigFile(dir.path() + "/repo/src/deep/a.txt"), top);
  EXPECT_EQ(FindConfigFile(dir.path() + "/repo"), top);
}

TEST(ConfigFileTest, OutsideAWorkingTreeOnlyTheStartDirectoryCounts) {
  keyward::test::TempDir dir;
  dir.Write("plain/sub/a.txt", "x");
  std::string cfg = dir.Write("plain/.keyward.yaml", "{}");
  EXPECT_EQ(FindConfigFile(dir.path() + "/plain"), cfg);
  EXPECT_EQ(FindConfigFile(dir.path() + "/plain/sub"), "");
}

TEST(ConfigFileTest, ExcludedPathUsesGitignoreSemantics) {
  std::vector<std::string> ex = {"vendor/", "*.min.js", "/build",
                                 "docs/**/secret.md", "!keep.min.js"};
  EXPECT_TRUE(ExcludedPath(ex, "vendor/a/b.js"));
  EXPECT_TRUE(ExcludedPath(ex, "src/vendor/x.js"));
  EXPECT_FALSE(ExcludedPath(ex, "vendor"));  // a file, "vendor/" is dirs
  EXPECT_TRUE(ExcludedPath(ex, "web/app.min.js"));
  EXPECT_FALSE(ExcludedPath(ex, "web/keep.min.js"));
  EXPECT_TRUE(ExcludedPath(ex, "build/out.txt"));
  EXPECT_TRUE(ExcludedPath(ex, "./build/out.txt"));
  EXPECT_FALSE(ExcludedPath(ex, "src/build/out.txt"));  // anchored
  EXPECT_TRUE(ExcludedPath(ex, "docs/a/b/secret.md"));
  EXPECT_FALSE(ExcludedPath(ex, "src/app.js"));
  EXPECT_FALSE(ExcludedPath({}, "vendor/a.js"));
}

}  // namespace
}  // namespace keyward

// The pre-parsed built-in rules (keyward_rulegen at build time) against a
// YAML parse of the same rules/*.yaml files at test time: same rules, same
// order, every field equal, same filters, same Digest (the Hyperscan cache
// key), whichever path loaded them.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "keyward/rules.h"
#include "support/run.h"

namespace keyward {
namespace {

const std::string kRulesDir = std::string(KEYWARD_SOURCE_DIR) + "/rules";

using test::ReadFile;

// The rule files as the build embeds them: rules/*.yaml in name order, each
// named "rules/<name>".
RuleSet ParseYamlSources() {
  std::vector<std::string> names;
  DIR* dir = opendir(kRulesDir.c_str());
  EXPECT_NE(dir, nullptr) << kRulesDir;
  if (!dir) return RuleSet();
  while (dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name.size() > 5 && name.ends_with(".yaml")) names.push_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  RuleSet set;
  for (const auto& name : names) {
    Status s = set.AddText(ReadFile(kRulesDir + "/" + name), "rules/" + name);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_GT(names.size(), 10u);
  return set;
}

void ExpectSameFilter(const SecretFilter& a, const SecretFilter& b,
                      const std::string& where) {
  EXPECT_EQ(a.name, b.name) << where;
  EXPECT_EQ(a.allow, b.allow) << where;
  EXPECT_EQ(a.stopwords, b.stopwords) << where;
  EXPECT_EQ(a.when_key, b.when_key) << where;
  EXPECT_EQ(a.needs_key, b.needs_key) << where;
  EXPECT_EQ(a.lowers, b.lowers) << where;
  EXPECT_EQ(a.overrides, b.overrides) << where;
}

// Every field of Rule (rules.h lists them; a new one belongs here too).
void ExpectSameRule(const Rule& a, const Rule& b, bool examples) {
  const std::string& id = b.id;
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name) << id;
  EXPECT_EQ(a.provider, b.provider) << id;
  EXPECT_EQ(a.kind, b.kind) << id;
  EXPECT_EQ(a.severity, b.severity) << id;
  EXPECT_EQ(a.confidence, b.confidence) << id;
  EXPECT_EQ(a.pattern, b.pattern) << id;
  EXPECT_EQ(a.trigger, b.trigger) << id;
  EXPECT_EQ(a.prefix, b.prefix) << id;
  EXPECT_EQ(a.min_entropy, b.min_entropy) << id;  // bit-exact, not near
  EXPECT_EQ(a.max_chars_per_token, b.max_chars_per_token) << id;
  EXPECT_EQ(a.filters, b.filters) << id;
  ExpectSameFilter(a.inline_filter, b.inline_filter, id + " inline filter");
  EXPECT_EQ(a.require, b.require) << id;
  EXPECT_EQ(a.min_classes, b.min_classes) << id;
  EXPECT_EQ(a.generic, b.generic) << id;
  EXPECT_EQ(a.supersedes, b.supersedes) << id;
  EXPECT_EQ(a.validate, b.validate) << id;
  EXPECT_EQ(a.paths, b.paths) << id;
  EXPECT_EQ(a.max_window, b.max_window) << id;
  EXPECT_EQ(a.max_confidence, b.max_confidence) << id;
  if (examples) {
    EXPECT_EQ(a.examples, b.examples) << id;
    EXPECT_EQ(a.negative_examples, b.negative_examples) << id;
  } else {
    EXPECT_TRUE(a.examples.empty()) << id;
    EXPECT_TRUE(a.negative_examples.empty()) << id;
  }
  EXPECT_EQ(a.references, b.references) << id;
  EXPECT_EQ(a.revoke, b.revoke) << id;
  EXPECT_EQ(a.description, b.description) << id;
  EXPECT_EQ(a.tags, b.tags) << id;
  EXPECT_EQ(a.verify, b.verify) << id;
  EXPECT_EQ(a.origin, b.origin) << id;
}

void ExpectSameSet(const RuleSet& builtin, const RuleSet& yaml, bool examples) {
  ASSERT_EQ(builtin.rules().size(), yaml.rules().size());
  for (size_t i = 0; i < yaml.rules().size(); i++) {
    ExpectSameRule(builtin.rules()[i], yaml.rules()[i], examples);
  }
  ASSERT_EQ(builtin.filters().size(), yaml.filters().size());
  for (const auto& [name, f] : yaml.filters()) {
    auto it = builtin.filters().find(name);
    ASSERT_NE(it, builtin.filters().end()) << name;
    ExpectSameFilter(it->second, f, "filter " + name);
  }
  EXPECT_EQ(builtin.Digest(), yaml.Digest());
}

TEST(BuiltinRulesTest, EqualYamlParseOfTheRuleFilesFieldByField) {
  RuleSet yaml = ParseYamlSources();
  ASSERT_TRUE(yaml.Validate().ok());
  auto builtin = RuleSet::Builtin({.examples = true});
  ASSERT_TRUE(builtin.ok()) << builtin.status().ToString();
  ExpectSameSet(*builtin, yaml, /*examples=*/true);
}

TEST(BuiltinRulesTest, WithoutExamplesSameRulesAndDigest) {
  RuleSet yaml = ParseYamlSources();
  auto builtin = RuleSet::Builtin();
  ASSERT_TRUE(builtin.ok()) << builtin.status().ToString();
  ExpectSameSet(*builtin, yaml, /*examples=*/false);
}

TEST(BuiltinRulesTest, RegexesCompileWithTheLinkedRe2) {
  auto builtin = RuleSet::Builtin({.check_regexes = true});
  ASSERT_TRUE(builtin.ok()) << builtin.status().ToString();
}

// A broken built-in rule file fails the build: keyward_rulegen exits non-zero
// with the loader's file:line: rule: reason message.
TEST(BuiltinRulesTest, RulegenFailsOnBrokenRuleFileNamingFileLineRule) {
  test::TempDir dir;
  std::string good = dir.Write("a.yaml", ReadFile(kRulesDir + "/github.yaml"));
  std::string bad = dir.Write("broken.yaml",
                              "rules:\n"
                              "  - id: broken.rule\n    name: n\n    kind: k\n"
                              "    pattern: '(unclosed'\n");
  std::string out = dir.path() + "/out.cc";
  auto r = test::RunProgram({KEYWARD_RULEGEN, out, good, bad});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("rules/broken.yaml:2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("broken.rule"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("invalid regex"), std::string::npos) << r.err;
  EXPECT_FALSE(std::ifstream(out).good()) << "no output on failure";
}

TEST(BuiltinRulesTest, RulegenFailsOnUnknownFilter) {
  test::TempDir dir;
  std::string bad = dir.Write("x.yaml",
                              "rules:\n"
                              "  - id: x.rule\n    name: n\n    kind: k\n"
                              "    pattern: '(x+)'\n    filters: [nope]\n");
  auto r = test::RunProgram({KEYWARD_RULEGEN, dir.path() + "/out.cc", bad});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("rules/x.yaml:2: rule x.rule: unknown filter `nope`"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace keyward

// Rule loading: every kind of broken rule file names file, line, rule, reason.
#include <gtest/gtest.h>

#include "keyward/matcher.h"
#include "keyward/rules.h"
#include "support/prebuilt.h"
#include "support/run.h"

namespace keyward {
namespace {

Status Load(const std::string& text) {
  RuleSet set;
  Status s = set.AddText(text, "bad.yaml");
  if (s.ok()) s = set.Validate();
  return s;
}

TEST(RuleSetTest, YamlSyntaxErrorNamesFileAndLine) {
  Status s = Load("rules:\n  - id: a\n    name: [unclosed\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kConfig);
  EXPECT_NE(s.message().find("bad.yaml:"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("YAML syntax"), std::string::npos);
}

TEST(RuleSetTest, InvalidRegexNamesRuleAndLine) {
  Status s = Load(
      "rules:\n"
      "  - id: ok.rule\n    name: ok\n    kind: api-key\n"
      "    pattern: 'a(b)'\n"
      "  - id: broken.rule\n    name: broken\n    kind: api-key\n"
      "    pattern: 'a(b'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bad.yaml:6"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("broken.rule"), std::string::npos);
  EXPECT_NE(s.message().find("invalid regex"), std::string::npos);
}

TEST(RuleSetTest, MissingCaptureGroupIsAnError) {
  Status s = Load(
      "rules:\n  - id: nogroup\n    name: n\n    kind: api-key\n"
      "    pattern: 'abc'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no capture group"), std::string::npos);
  EXPECT_NE(s.message().find("nogroup"), std::string::npos);
}

TEST(RuleSetTest, TooManyCaptureGroupsIsAnError) {
  // 15 groups load; the secret in group 16 (or 18) would be read out of
  // range or never seen, so 16 and more are refused, naming the rule.
  auto pattern = [](int groups) {
    std::string p;
    for (int i = 1; i < groups; i++) p += "(a)";
    return p + "(?P<secret>b)";
  };
  EXPECT_TRUE(Load("rules:\n  - id: fifteen\n    name: n\n    kind: api-key\n"
                   "    pattern: '" +
                   pattern(15) + "'\n")
                  .ok());
  for (int groups : {16, 18}) {
    Status s = Load(
        "rules:\n  - id: many\n    name: n\n    kind: api-key\n"
        "    pattern: '" +
        pattern(groups) + "'\n");
    ASSERT_FALSE(s.ok()) << groups;
    EXPECT_EQ(s.code(), Status::Code::kConfig);
    EXPECT_NE(s.message().find("capture groups"), std::string::npos)
        << s.message();
    EXPECT_NE(s.message().find("many"), std::string::npos);
  }
}

TEST(RuleSetTest, EmptyIdIsAnError) {
  Status s = Load(
      "rules:\n  - id: ''\n    name: n\n    kind: api-key\n"
      "    pattern: '(abc)'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("`id` is empty"), std::string::npos)
      << s.message();
}

TEST(RuleSetTest, UnknownFieldNamesItsLine) {
  Status s = Load(
      "rules:\n  - id: typo\n    name: n\n    kind: api-key\n"
      "    pattern: '(abc)'\n    min_entrpy: 3\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bad.yaml:6"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("min_entrpy"), std::string::npos);
}

TEST(RuleSetTest, UnknownFilterAndSeverityAreErrors) {
  EXPECT_FALSE(Load("rules:\n  - id: f\n    name: n\n    kind: k\n"
                    "    pattern: '(a)'\n    filters: [nope]\n")
                   .ok());
  EXPECT_FALSE(Load("rules:\n  - id: f\n    name: n\n    kind: k\n"
                    "    pattern: '(a)'\n    severity: huge\n")
                   .ok());
}

TEST(RuleSetTest, MaxConfidenceMustBeALevel) {
  Status s = Load(
      "rules:\n  - id: f\n    name: n\n    kind: k\n"
      "    pattern: '(a)'\n    max_confidence: lowest\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("max_confidence must be high, medium or low"),
            std::string::npos)
      << s.message();
  EXPECT_TRUE(Load("rules:\n  - id: f\n    name: n\n    kind: k\n"
                   "    pattern: '(a)'\n    max_confidence: low\n")
                  .ok());
}

TEST(RuleSetTest, LaterDefinitionOverridesById) {
  RuleSet set;
  ASSERT_TRUE(set.AddText("rules:\n  - {id: x, name: one, kind: k, "
                          "pattern: '(a)'}\n",
                          "a.yaml")
                  .ok());
  ASSERT_TRUE(set.AddText("rules:\n  - {id: x, name: two, kind: k, "
                          "pattern: '(b)'}\n",
                          "b.yaml")
                  .ok());
  ASSERT_EQ(set.rules().size(), 1u);
  EXPECT_EQ(set.rules()[0].name, "two");
  EXPECT_NE(set.rules()[0].origin.find("b.yaml"), std::string::npos);
}

TEST(RuleSetTest, FailingExampleIsReportedWithRuleAndReason) {
  RuleSet set;
  ASSERT_TRUE(set.AddText("rules:\n"
                          "  - id: ex.rule\n    name: n\n    kind: k\n"
                          "    pattern: '\\b(tok_[0-9]{4})\\b'\n"
                          "    examples: ['tok_1234', 'tok_12']\n"
                          "    negative_examples: ['tok_9876']\n",
                          "ex.yaml")
                  .ok());
  auto m = Matcher::Create(set);
  ASSERT_TRUE(m.ok());
  auto failures = CheckExamples(**m);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].rule_id, "ex.rule");
  EXPECT_EQ(failures[0].example, "tok_12");
  EXPECT_NE(failures[1].reason.find("negative example matches"),
            std::string::npos);
}

// A file-format rule's examples are read as a file its first glob matches:
// it runs there, and another format's rule does not. So an example that
// only another format's rule would match fails, naming no rule, and a
// provider rule's example is read as no file at all.
TEST(RuleSetTest, ExamplesOfFileFormatRulesAreCheckedInTheirFiles) {
  RuleSet set;
  ASSERT_TRUE(set.AddText(R"(
rules:
  - id: fmt.ini
    name: n
    kind: k
    paths: ['*.ini', 'app.cfg']
    pattern: '(?m)^pw=(?P<secret>\w{6,})$'
    examples: ["pw=Kq7xWz\n"]
  - id: fmt.rc
    name: n
    kind: k
    paths: ['.[a-z]*rc']
    pattern: '(?m)^(?:pw=|rcpw )(?P<secret>\w{6,})$'
    examples: ["pw=Lm2vQx\n", "rcpw Tz8kWq\n"]
  - id: tok.plain
    name: n
    kind: k
    pattern: '\btok_(?P<secret>[0-9]{4})\b'
    examples: ['tok_1234', 'rcpw Tz8kWq']
)",
                          "fmt.yaml")
                  .ok());
  auto m = Matcher::Create(set);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto failures = CheckExamples(**m);
  // tok.plain's second example: only fmt.rc matches it, and not as no file.
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].rule_id, "tok.plain");
  EXPECT_EQ(failures[0].example, "rcpw Tz8kWq");
  EXPECT_EQ(failures[0].reason, "example does not match its rule");
}

// A history scan runs every file-format rule on each blob whose name some
// glob's last component matches (git/history.cc, RescanNamedBlobs): a last
// component of `*` names every blob, and a scan of tmux's history took 15 s
// instead of 0.7. Built-in globs name their files.
TEST(RuleSetTest, BuiltinGlobsNameTheirFiles) {
  auto set = RuleSet::Builtin();
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  for (const auto& r : set->rules()) {
    for (const std::string& glob : r.paths) {
      const size_t slash = glob.rfind('/');
      const std::string last =
          slash == std::string::npos ? glob : glob.substr(slash + 1);
      EXPECT_NE(last.find_first_not_of('*'), std::string::npos)
          << r.id << ": " << glob;
    }
  }
}

TEST(RuleSetTest, BuiltinRulesLoadAndHaveExamples) {
  auto set = RuleSet::Builtin({.check_regexes = true, .examples = true});
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_TRUE(set->Validate().ok()) << set->Validate().ToString();
  EXPECT_GE(set->rules().size(), 30u);
  for (const auto& r : set->rules()) {
    EXPECT_GE(r.examples.size(), 2u) << r.id;
    EXPECT_GE(r.negative_examples.size(), 1u) << r.id;
  }
  auto m = Matcher::Create(*set, test::BuiltinMatcherOptions());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  for (const auto& f : CheckExamples(**m)) {
    ADD_FAILURE() << f.rule_id << ": " << f.reason;
  }
}

TEST(RuleSetTest, RulesCheckCommandExitsTwoOnBrokenFile) {
  test::TempDir dir;
  std::string path = dir.Write("broken.yaml",
                               "rules:\n  - id: b\n    name: n\n    kind: k\n"
                               "    pattern: '(unclosed'\n");
  auto r = test::RunKeyward({"rules", "check", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(path + ":2"), std::string::npos) << r.err;
  auto scan = test::RunKeyward({"scan", "--rules", path, dir.path()});
  EXPECT_EQ(scan.exit_code, 2);
}

TEST(RuleSetTest, EntropyOfKnownStrings) {
  EXPECT_DOUBLE_EQ(ShannonEntropy("aaaa"), 0.0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("abab"), 1.0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("abcd"), 2.0);
}

}  // namespace
}  // namespace keyward

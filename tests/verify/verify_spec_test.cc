// The `verify:` block: parsed and validated with the rule, errors naming
// file, line and rule.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "keyward/rules.h"
#include "keyward/verify.h"
#include "support/run.h"

namespace keyward {
namespace {

std::string RuleWith(const std::string& verify) {
  return "rules:\n"
         "  - id: demo.token\n    name: demo\n    kind: api-key\n"
         "    pattern: '\\b(?P<secret>demo_[a-z0-9]{20})\\b'\n"
         "    verify:\n" +
         verify;
}

Status Load(const std::string& text, RuleSet* set) {
  return set->AddText(text, "demo.yaml");
}

TEST(VerifySpecTest, FullBlockLoadsAndParses) {
  RuleSet set;
  ASSERT_TRUE(
      Load(RuleWith("      method: POST\n"
                    "      url: 'https://api.demo.test/v1/me?x={{id}}'\n"
                    "      headers: {Authorization: 'Bearer {{secret}}'}\n"
                    "      body: '{}'\n"
                    "      active: {status: [200, 201], json: /ok, "
                    "equals: true}\n"
                    "      inactive: {status: 401}\n"
                    "      account: {json: /user/name}\n"
                    "      scope: {header: X-Scopes}\n"),
           &set)
          .ok());
  const Rule* rule = set.Find("demo.token");
  ASSERT_NE(rule, nullptr);
  auto spec = ParseVerifySpec(rule->verify);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->request.method, "POST");
  EXPECT_EQ(spec->request.headers.size(), 1u);
  EXPECT_EQ(spec->active.status, (std::vector<int>{200, 201}));
  EXPECT_EQ(spec->active.json_pointer, "/ok");
  EXPECT_EQ(spec->active.json_equals, "true");
  EXPECT_EQ(spec->inactive.status, (std::vector<int>{401}));
  EXPECT_EQ(spec->account.json_pointer, "/user/name");
  EXPECT_EQ(spec->scope.header, "X-Scopes");
  EXPECT_EQ(VerifyHost(spec->request.url), "api.demo.test");
}

TEST(VerifySpecTest, BadBlocksNameFileLineRuleAndReason) {
  const std::string ok_tail =
      "      active: {status: [200]}\n      inactive: {status: [401]}\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"      url: 'http://api.demo.test/{{secret}}'\n" + ok_tail, "https://"},
      {"      url: 'https://{{id}}.demo.test/{{secret}}'\n" + ok_tail,
       "literal"},
      {"      url: 'https://api.demo.test/me'\n" + ok_tail, "{{secret}}"},
      {"      url: 'https://api.demo.test/{{token}}'\n" + ok_tail,
       "unknown template"},
      {"      url: 'https://api.demo.test/{{secret}}'\n"
       "      active: {status: [200]}\n",
       "missing `inactive`"},
      {"      url: 'https://api.demo.test/{{secret}}'\n"
       "      active: {status: [999]}\n      inactive: {status: [401]}\n",
       "100 to 599"},
      {"      url: 'https://api.demo.test/{{secret}}'\n      method: DELETE\n" +
           ok_tail,
       "GET, POST or HEAD"},
      {"      url: 'https://api.demo.test/{{secret}}'\n      retries: 3\n" +
           ok_tail,
       "unknown field `retries`"},
      {"      url: 'https://api.demo.test/{{secret}}'\n"
       "      account: {json: login}\n" +
           ok_tail,
       "JSON pointer"},
      {"      url: 'https://api.demo.test/{{secret}}'\n"
       "      active: {equals: true}\n      inactive: {status: [401]}\n",
       "`equals` needs `json`"},
      // A byte that is not UTF-8 (found by the rules_yaml fuzzer: it
      // crashed the loader).
      {"      url: 'https://api.demo.test/{{secret}}'\n"
       "      headers: {X-Note: \"a\xff" "b\"}\n" +
           ok_tail,
       "not UTF-8"},
  };
  for (const auto& [block, reason] : cases) {
    RuleSet set;
    Status s = Load(RuleWith(block), &set);
    ASSERT_FALSE(s.ok()) << block;
    EXPECT_EQ(s.code(), Status::Code::kConfig);
    EXPECT_NE(s.message().find("demo.yaml:"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("demo.token"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(reason), std::string::npos)
        << s.message() << " / expected: " << reason;
  }
}

TEST(VerifySpecTest, EqualsKeepsJsonTypes) {
  RuleSet set;
  ASSERT_TRUE(Load(RuleWith("      url: 'https://api.demo.test/{{secret}}'\n"
                            "      active: {json: /ok, equals: true}\n"
                            "      inactive: {json: /error, equals: "
                            "invalid_auth}\n"),
                   &set)
                  .ok());
  auto spec = ParseVerifySpec(set.Find("demo.token")->verify);
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->active.json_equals, "true");
  EXPECT_EQ(spec->inactive.json_equals, "\"invalid_auth\"");
}

// Every built-in verify block parses, sends to a literal https host and
// uses the secret (the loader checked it at build time; this checks the
// compiled-in copy).
TEST(VerifySpecTest, BuiltinBlocksParse) {
  auto rules = RuleSet::Builtin();
  ASSERT_TRUE(rules.ok());
  for (const Rule& rule : rules->rules()) {
    if (rule.verify.empty()) continue;
    auto spec = ParseVerifySpec(rule.verify);
    ASSERT_TRUE(spec.ok()) << rule.id << ": " << spec.status().message();
    EXPECT_FALSE(VerifyHost(spec->request.url).empty()) << rule.id;
  }
}

TEST(VerifySpecTest, RulesShowPrintsTheVerifyBlock) {
  auto r = test::RunKeyward({"rules", "show", "github.pat.classic"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["verify"]["url"], "https://api.github.com/user");
  // A rule without a live check shows none.
  auto plain = test::RunKeyward({"rules", "show", "generic.password.quoted"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_FALSE(nlohmann::json::parse(plain.out).contains("verify"));
}

}  // namespace
}  // namespace keyward

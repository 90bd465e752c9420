// Rule triggers (Rule::trigger): Hyperscan looks for the trigger in place of
// the pattern, RE2 confirms the whole pattern before the trigger's end. A
// rule with a trigger finds exactly what it finds without one, in block and
// stream mode; `rules check` rejects a trigger that misses a match of its
// pattern; a trigger that is not a regex is a load error naming the rule.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/rules.h"

namespace keyward {
namespace {

// A connection string whose common words (host, user) lead, and whose
// rarer `password=` comes last: the trigger is the pattern's suffix from
// there. The `[^\n]*?` lets a match start far before the trigger's own
// match does, so the confirming window must come from the whole pattern.
// How the rule is searched for: by its pattern, by one trigger, or by a
// trigger of two alternatives (two Hyperscan expressions, both matching at
// the same ends in the data below).
enum class Mode { kPattern, kTrigger, kSplitTrigger };

std::string Rules(Mode mode) {
  std::string text =
      "rules:\n"
      "  - id: t.conn\n"
      "    name: conn\n"
      "    kind: password\n"
      "    pattern: '\\b(?:host|user)=[^;\\n]+;[^\\n]*?"
      "password=(?P<secret>[A-Za-z0-9]{8,40})'\n";
  if (mode == Mode::kTrigger) {
    text += "    trigger: 'password=[A-Za-z0-9]{8,40}'\n";
  } else if (mode == Mode::kSplitTrigger) {
    text +=
        "    trigger: ';password=[A-Za-z0-9]{8,40}|"
        "[;=]password=[A-Za-z0-9]{8,40}|[ \\t]password=[A-Za-z0-9]{8,40}'\n";
  }
  return text;
}

struct Found {
  uint64_t start, end, secret_start, secret_end;
  bool operator==(const Found&) const = default;
};

class TriggerTest : public ::testing::TestWithParam<Mode> {
 protected:
  std::vector<Found> Scan(const std::string& data) {
    RuleSet set;
    Status s = set.AddText(Rules(GetParam()), "t.yaml");
    EXPECT_TRUE(s.ok()) << s.ToString();
    auto m = Matcher::Create(set);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    auto scratch = (*m)->NewScratch();
    std::vector<RuleMatch> block;
    EXPECT_TRUE((*m)->Scan(data, scratch.get(), &block).ok());
    std::vector<Found> out, streamed;
    for (const auto& r : block) {
      out.push_back({r.start, r.end, r.secret_start, r.secret_end});
    }
    auto stream = (*m)->OpenStream(scratch.get());
    auto sink = [&](const RuleMatch& r, std::string_view, uint64_t) {
      streamed.push_back({r.start, r.end, r.secret_start, r.secret_end});
    };
    for (size_t i = 0; i < data.size(); i += 97) {
      EXPECT_TRUE(stream->Feed(data.substr(i, 97), sink).ok());
    }
    EXPECT_TRUE(stream->Close(sink).ok());
    EXPECT_EQ(out, streamed);
    return out;
  }
};

TEST_P(TriggerTest, FindsWhatThePatternFinds) {
  const std::string far(2500, 'x');
  const std::string data =
      "noise password=Zq81Lm4Pw0 without a host before it\n"
      "host=db1;user=app;password=Q7w9Er2Ty4Ui\n"
      "user=ops;" +
      far +
      ";password=Hx72Kd91Lw3m\n"
      "host=db2;password=short\n";
  std::vector<Found> found = Scan(data);
  ASSERT_EQ(found.size(), 2u);
  const size_t first = data.find("host=db1");
  EXPECT_EQ(found[0].start, first);
  EXPECT_EQ(data.substr(found[0].secret_start,
                        found[0].secret_end - found[0].secret_start)
                .size(),
            12u);
  // The second match starts ~2,500 bytes before its trigger matches.
  EXPECT_EQ(found[1].start, data.find("user=ops"));
  EXPECT_EQ(found[1].end, data.find("\n", found[1].start));
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutTrigger, TriggerTest,
                         ::testing::Values(Mode::kPattern, Mode::kTrigger,
                                           Mode::kSplitTrigger),
                         [](const ::testing::TestParamInfo<Mode>& info) {
                           switch (info.param) {
                             case Mode::kPattern:
                               return "Pattern";
                             case Mode::kTrigger:
                               return "Trigger";
                             default:
                               return "SplitTrigger";
                           }
                         });

TEST(TriggerCheckTest, RulesCheckRejectsATriggerThatMissesAMatch) {
  RuleSet set;
  // The trigger takes lower-case letters only: the example's secret has
  // digits, so Hyperscan would never report this match.
  ASSERT_TRUE(set.AddText("rules:\n"
                          "  - id: t.narrow\n    name: n\n    kind: k\n"
                          "    pattern: 'pw=(?P<secret>[a-z0-9]{8,})'\n"
                          "    trigger: 'pw=[a-z]{8,}'\n"
                          "    examples: ['pw=abc12345xyz', 'pw=abcdefghij']\n",
                          "t.yaml")
                  .ok());
  auto m = Matcher::Create(set);
  ASSERT_TRUE(m.ok());
  auto failures = CheckExamples(**m);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].rule_id, "t.narrow");
  EXPECT_EQ(failures[0].example, "pw=abc12345xyz");
  EXPECT_NE(failures[0].reason.find("trigger does not match"),
            std::string::npos)
      << failures[0].reason;
}

TEST(TriggerCheckTest, InvalidTriggerNamesTheRule) {
  RuleSet set;
  Status s = set.AddText(
      "rules:\n"
      "  - id: t.bad\n    name: n\n    kind: k\n"
      "    pattern: 'pw=(?P<secret>[a-z]{8,})'\n"
      "    trigger: 'pw=(unclosed'\n",
      "t.yaml");
  if (s.ok()) s = set.Validate();
  if (s.ok()) s = set.CheckRegexes();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kConfig);
  EXPECT_NE(s.message().find("t.bad"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("trigger"), std::string::npos) << s.message();
}

TEST(TriggerCheckTest, TriggerIsPartOfTheDigest) {
  RuleSet a, b;
  ASSERT_TRUE(a.AddText(Rules(Mode::kPattern), "t.yaml").ok());
  ASSERT_TRUE(b.AddText(Rules(Mode::kTrigger), "t.yaml").ok());
  EXPECT_NE(a.Digest(), b.Digest());
}

}  // namespace
}  // namespace keyward

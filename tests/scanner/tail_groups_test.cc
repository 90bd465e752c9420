// Group extraction from a pattern's tail (CompiledRule::TailGroups) against
// the whole pattern's groups: crafted splits, ambiguous split points that
// must fall back, every built-in rule on its examples, and random texts.
#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "keyward/rules.h"
#include "scanner/matcher_impl.h"
#include "scanner/pattern_syntax.h"

namespace keyward {
namespace {

struct Split {
  std::string head, tail;
  bool operator==(const Split& o) const {
    return head == o.head && tail == o.tail;
  }
};
std::ostream& operator<<(std::ostream& os, const Split& s) {
  return os << "[" << s.head << "][" << s.tail << "]";
}

std::optional<Split> SplitOf(std::string_view pattern,
                             std::string_view head_group = {}) {
  Split s;
  if (!SplitBeforeGroups(pattern, &s.head, &s.tail, head_group)) {
    return std::nullopt;
  }
  return s;
}

TEST(SplitBeforeGroupsTest, CutsBeforeTheItemBeforeTheFirstGroup) {
  EXPECT_EQ(SplitOf(R"(abc(?:x|y)+["'](?P<secret>[a-z]{4,})["'])"),
            (Split{"abc(?:x|y)+", R"(["'](?P<secret>[a-z]{4,})["'])"}));
  EXPECT_EQ(SplitOf(R"(k=(\w+))"), (Split{"k", R"(=(\w+))"}));
  // Escapes, repeats, classes with ']' first and POSIX classes, lazy
  // repeats, a literal '{', nested groups and flags inside a group.
  EXPECT_EQ(SplitOf(R"(\x41{2}\d+?\x{263a}\101:(x))"),
            (Split{R"(\x41{2}\d+?\x{263a}\101)", R"(:(x))"}));
  EXPECT_EQ(SplitOf(R"([]a[:digit:]]{1,3}[^)(]*=(x)y)"),
            (Split{R"([]a[:digit:]]{1,3}[^)(]*)", "=(x)y"}));
  EXPECT_EQ(SplitOf(R"(a{b(?:c(?i)d|e)?:(?P<id>x)(y))"),
            (Split{"a{b(?:c(?i)d|e)?", ":(?P<id>x)(y)"}));
  // A group nested in the first items counts: the head must hold none.
  EXPECT_EQ(SplitOf(R"(ab(?:c(d))=(e))"), (Split{"a", R"(b(?:c(d))=(e))"}));
}

TEST(SplitBeforeGroupsTest, TheNamedHeadGroupMayStayInTheHead) {
  const std::string p =
      R"((?P<key>(?i:api|tok)[a-z]*)["']?=["'](?P<secret>\w+)["'])";
  EXPECT_FALSE(SplitOf(p));  // the key group is first: nothing before it
  EXPECT_EQ(SplitOf(p, "key"), (Split{R"((?P<key>(?i:api|tok)[a-z]*)["']?=)",
                                      R"(["'](?P<secret>\w+)["'])"}));
  // Only that name, only at top level, only without groups inside it.
  EXPECT_FALSE(SplitOf(p, "id"));
  EXPECT_FALSE(SplitOf(R"((?P<key>a(b)c)=+=(x))", "key"));
  EXPECT_FALSE(SplitOf(R"(x(?:(?P<key>ab))c=+=(x))", "key"));
  EXPECT_EQ(SplitOf(R"(-(?P<key>a|b)?:=(?P<v>x))", "key"),
            (Split{"-(?P<key>a|b)?:", "=(?P<v>x)"}));
}

TEST(SplitBeforeGroupsTest, RefusesWhatItCannotCutSafely) {
  EXPECT_FALSE(SplitOf("abc"));              // no group
  EXPECT_FALSE(SplitOf("(x)abc"));           // group first
  EXPECT_FALSE(SplitOf("a(x)"));             // nothing left for the head
  EXPECT_FALSE(SplitOf("ab|c=(x)"));         // top-level alternation
  EXPECT_FALSE(SplitOf("(?i)key=(x)"));      // flags for what follows
  EXPECT_FALSE(SplitOf(R"(\Qa(\E=(x))"));    // \Q...\E
  EXPECT_FALSE(SplitOf(R"(key=\b(x))"));     // \b in the tail
  EXPECT_FALSE(SplitOf(R"(key:=(x)\B)"));    // \B in the tail
  EXPECT_FALSE(SplitOf("ab[c=(x)"));         // unterminated class
  EXPECT_FALSE(SplitOf("ab(?:c=(x)"));       // unbalanced group
  EXPECT_TRUE(SplitOf(R"(\bkey=[\b](x))"));  // \b in the head, [\b]
}

// The rule's groups for the match [s, e): from the whole pattern, from
// MatchGroups, and from TailGroups when it answers.
struct Groups {
  std::vector<std::pair<long, long>> spans;  // offsets, -1 when unset
  bool operator==(const Groups& o) const { return spans == o.spans; }
};
std::ostream& operator<<(std::ostream& os, const Groups& g) {
  for (auto [a, b] : g.spans) os << "(" << a << "," << b << ")";
  return os;
}

Groups ToGroups(std::string_view text, const re2::StringPiece* g, int n) {
  Groups out;
  for (int i = 0; i < n; i++) {
    if (g[i].data() == nullptr) {
      out.spans.emplace_back(-1, -1);
    } else {
      long a = g[i].data() - text.data();
      out.spans.emplace_back(a, a + static_cast<long>(g[i].size()));
    }
  }
  return out;
}

std::unique_ptr<CompiledRule> MakeRule(const std::string& pattern) {
  auto cr = std::make_unique<CompiledRule>();
  cr->rule.pattern = pattern;
  return cr;
}

// Makes a head big enough for the split to pay (it matches the empty string
// in these texts, which have no 'Q').
const std::string kPad = "(?:Q{80})?";

struct Tally {
  size_t matches = 0, tail = 0, key_from_whole = 0;
};

// Every leftmost-first match of the rule in `text` (as phase 2 finds them):
// MatchGroups and, when it answers, TailGroups equal the whole pattern's
// groups.
void CheckAllMatches(const CompiledRule& cr, std::string_view text,
                     Tally* tally) {
  const RE2& re = cr.re();
  int n = std::min(16, 1 + re.NumberOfCapturingGroups());
  re2::StringPiece sp(text.data(), text.size()), g[16], want[16];
  size_t pos = 0;
  while (pos <= text.size() &&
         re.Match(sp, pos, text.size(), RE2::UNANCHORED, g, 1)) {
    size_t s = g[0].data() - text.data(), e = s + g[0].size();
    pos = e > s ? e : e + 1;
    ASSERT_TRUE(re.Match(sp, s, e, RE2::ANCHOR_BOTH, want, n));
    Groups expect = ToGroups(text, want, n);
    tally->matches++;
    // The key group may be left unset (it can sit in the head); KeyGroup
    // must then give the whole pattern's.
    int k = cr.key_group();
    auto fill_key = [&](re2::StringPiece* got) {
      if (k > 0 && k < n && got[k].data() == nullptr) {
        got[k] = cr.KeyGroup(sp, s, e);
        tally->key_from_whole++;
      }
    };
    if (cr.TailGroups(sp, s, e, g, n)) {
      tally->tail++;
      fill_key(g);
      ASSERT_EQ(ToGroups(text, g, n), expect)
          << "tail path, pattern " << cr.rule.pattern << " text '" << text
          << "' match " << s << "-" << e;
    }
    ASSERT_TRUE(cr.MatchGroups(sp, s, e, g, n));
    fill_key(g);
    ASSERT_EQ(ToGroups(text, g, n), expect)
        << "pattern " << cr.rule.pattern << " text '" << text << "' match " << s
        << "-" << e;
    if (k > 0 && k < n) {
      re2::StringPiece key = cr.KeyGroup(sp, s, e);
      ASSERT_EQ(ToGroups(text, &key, 1).spans[0], expect.spans[k]);
    }
  }
}

TEST(TailGroupsTest, UniqueTailStartTakesTheTailPath) {
  auto cr = MakeRule(
      R"((?i:[\w.-]{0,10}?(?:api[_.-]?key|token|secret)|[A-Z_]{1,9}_KEY))"
      R"(["']?[ \t]{0,3}(?::=|=>|=|:)[ \t]{0,3}["'](?P<secret>[^"'\s]{4,})["'])");
  ASSERT_TRUE(cr->has_tail_split());
  std::string text = R"(x = 1; my_api_key = "abcd'efgh" ; TOKEN: 'qwertz')";
  Tally t;
  CheckAllMatches(*cr, text, &t);
  EXPECT_EQ(t.matches, 2u);
  EXPECT_EQ(t.tail, 2u);
  re2::StringPiece sp(text), g[2];
  size_t s = text.find("my_api_key"), e = text.find("'efgh") + 1;
  ASSERT_TRUE(cr->TailGroups(sp, s, e, g, 2));
  EXPECT_EQ(g[0], re2::StringPiece(text.data() + s, e - s));
  EXPECT_EQ(g[1], "abcd");
}

TEST(TailGroupsTest, SecondTailStartIsRuledOutByTheHead) {
  // "key=abc=defg": tails start at both '='; the head ("key", without '=')
  // cannot reach the second, so the split is the first.
  auto cr =
      MakeRule(kPad + R"([a-z]{1,8}["']?(?:[ \t]{0,3}=[ \t]{0,3}|:[ \t]{1,5}))"
                      R"((?P<secret>[^\s"']{4,})[ \t]*(?:\r?\n|$))");
  ASSERT_TRUE(cr->has_tail_split());
  std::string text = "key=abc=defg\nk = x=y:zzzz\nk:  a:b:c:d";
  Tally t;
  CheckAllMatches(*cr, text, &t);
  EXPECT_EQ(t.matches, 3u);
  EXPECT_EQ(t.tail, 3u);
  re2::StringPiece sp(text), g[2];
  ASSERT_TRUE(cr->MatchGroups(sp, 0, 13, g, 2));
  EXPECT_EQ(g[1], "abc=defg");
}

TEST(TailGroupsTest, AmbiguousSplitFallsBackToTheWholePattern) {
  // "ab=cd=ef;": the head [a-z=]+ can end before either '=', so the tail
  // alone cannot tell; the whole pattern's greedy head takes "ab=cd".
  auto cr = MakeRule(kPad + R"([a-z=]+=(?P<secret>[a-z=]+);)");
  ASSERT_TRUE(cr->has_tail_split());
  std::string text = "ab=cd=ef;";
  re2::StringPiece sp(text), g[2];
  EXPECT_FALSE(cr->TailGroups(sp, 0, text.size(), g, 2));
  ASSERT_TRUE(cr->MatchGroups(sp, 0, text.size(), g, 2));
  EXPECT_EQ(g[0], text);
  EXPECT_EQ(g[1], "ef");
  Tally t;
  CheckAllMatches(*cr, text, &t);
  EXPECT_EQ(t.matches, 1u);
  EXPECT_EQ(t.tail, 0u);
}

TEST(TailGroupsTest, TailAnchorsReadTheRealTextAfterTheMatch) {
  // "$" holds at the end of the cut text but not in the real one: the
  // probe may see extra tail starts, the groups come from the real text.
  auto cr = MakeRule(kPad + R"([a-z]+[:=]+(?P<secret>[a-z:=]+)(?:;|$))");
  ASSERT_TRUE(cr->has_tail_split());
  Tally t;
  for (std::string text : {"ab=cd:ef;gh", "ab=cd==ef", "x:y=z;q:r", "a::b"}) {
    CheckAllMatches(*cr, text, &t);
  }
  EXPECT_GT(t.tail, 0u);
}

TEST(TailGroupsTest, GroupsReadTheTextNextToTheSpan) {
  // Both paths run on the span with one byte of context either side:
  // assertions at its edges must read as in the whole text.
  Tally t;
  for (const std::string& p : std::vector<std::string>{
           R"(\b(?P<v>[a-z=]+)\b)", R"(\B(?P<v>[a-z]+)\B)",
           R"((?m)^(?P<v>[a-z]+)$)", R"(^(?P<v>[a-z]+)(?:;|$))",
           R"((?P<v>[a-z]+)\z)", R"(\A(?P<v>[a-z]+))",
           kPad + R"([a-z]+[:=]+(?P<v>[a-z:=]+)(?:;|$))"}) {
    auto cr = MakeRule(p);
    for (std::string text : {"ab", "ab cd", "ab\ncd\n", "a=b;c", "x:y=z",
                             "-ab-", "ab=cd;", "k:=v", "=ab="}) {
      CheckAllMatches(*cr, text, &t);
      CheckAllMatches(*cr, " " + text + "x", &t);
    }
  }
  EXPECT_GT(t.matches, 50u);
}

TEST(TailGroupsTest, NoSplitWhenTheTailIsNotMuchSmaller) {
  EXPECT_FALSE(MakeRule(R"(a=(?P<secret>[a-z]{4,}))")->has_tail_split());
  EXPECT_FALSE(MakeRule(R"((?P<secret>abc))")->has_tail_split());
}

TEST(TailGroupsTest, EqualsWholePatternGroupsOnBuiltinRuleExamples) {
  auto set = RuleSet::Builtin({.examples = true});
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  std::vector<std::string> texts;
  for (const auto& r : set->rules()) {
    for (const auto& e : r.examples) texts.push_back(e);
    for (const auto& e : r.negative_examples) texts.push_back(e);
  }
  std::string all;
  for (const auto& t : texts) all += t + "\n";
  size_t split_rules = 0;
  Tally t;
  for (const auto& r : set->rules()) {
    // Rules without a split check the whole-pattern path.
    auto cr = MakeRule(r.pattern);
    split_rules += cr->has_tail_split();
    for (const auto& text : texts) CheckAllMatches(*cr, text, &t);
    CheckAllMatches(*cr, all, &t);
  }
  // The generic assignment rules at least, their key group in the head.
  EXPECT_GE(split_rules, 4u);
  EXPECT_GT(t.tail, 100u);
  EXPECT_GT(t.key_from_whole, 50u);
}

TEST(TailGroupsTest, EqualsWholePatternGroupsOnRandomTexts) {
  // Patterns shaped like the generic rules (and a few odder ones). A text
  // is one to three runs of slots, each slot one of its pieces at random,
  // so that most texts match and the split points are often ambiguous.
  using Slots = std::vector<std::vector<std::string>>;
  struct Case {
    std::string pattern;
    Slots slots;
  };
  const std::vector<std::string> kNoise = {"",   "x", " ", "a=", "key",
                                           "\n", "'", ":", "_"};
  const std::vector<std::string> kKey = {"key", "tok",  "my.key", "AB_KEY",
                                         "x",   "KEY_", "-tok",   "key="};
  const std::vector<std::string> kQuote = {"", "", "\"", "'"};
  const std::vector<std::string> kSep = {"=",  " = ", "\t=", ":",  ": ",
                                         ":=", "=>",  " ",   "==", ":\t"};
  const std::vector<std::string> kValue = {"ab",  "a=b", "a:b",  "a'b", "a\"b",
                                           "a b", "a#b", "r'ab", "@ab", "",
                                           "abc", "aab", "=",    ":",   "a\\b"};
  const std::vector<std::string> kEnd = {"",  "\n", "\r\n", " ",    " #c",
                                         ";", "\"", "'",    " ;c\n"};
  const Slots kAssign = {kNoise, kKey,   kQuote, kSep, kQuote,
                         kValue, kValue, kQuote, kEnd};
  const std::vector<Case> cases = {
      {R"((?i:[\w.-]{0,6}?(?:key|tok)|[A-Z]{1,4}_KEY)["']?)"
       R"((?:[ \t]{0,2}=[ \t]{0,2}|:[ \t]{1,2})(?P<secret>[^\s"']{3,}))"
       R"([ \t]*(?:[ \t][#;][^\n]*)?(?:\r?\n|$))",
       kAssign},
      {R"((?i:[\w.-]{0,6}?(?:key|tok))["']?[ \t]{0,2}(?::=|=>|=|:)[ \t]{0,2})"
       R"((?:[rb]|@)?["'](?P<secret>[^"'\s]{2,})["'])",
       kAssign},
      {R"([a-c=]+=(?P<secret>[a-c=]+)(?P<id>;+))",
       {{"", "a", "b="},
        {"a", "b", "c", "=", "=="},
        {"=", "a=", "b"},
        {"a", "=", "c", "ab=c"},
        {";", ";;", "", "x"}}},
      {R"(x[ab]*?[=:]+(?P<s>[ab:=]*)(b|$))",
       {{"", "x", "a"},
        {"x", "xa"},
        {"", "ab", "b"},
        {"=", ":", "=:"},
        {"", "a", "b", "a=b", ":"},
        {"", "b", " "}}},
      {R"(<(?i:[\w.-]{0,4}?(?:key|tok))>(?P<secret>[^<\s]{2,})</)",
       {{"", "<", "x"},
        {"<key", "<a.Tok", "<<key", "key"},
        {">", ">>", ""},
        {"ab", "a>b", "a b", "", ">"},
        {"</", "<", "</a"}}},
      {R"((?P<key>(?i:[\w.-]{0,6}?(?:key|tok)|[A-Z]{1,4}_KEY))["']?)"
       R"((?:[ \t]{0,2}=[ \t]{0,2}|:[ \t]{1,2})(?P<secret>[^\s"']{3,}))"
       R"([ \t]*(?:[ \t][#;][^\n]*)?(?:\r?\n|$))",
       kAssign},
      {R"((?P<key>(?i:[\w.-]{0,6}?(?:key|tok)))["']?[ \t]{0,2}(?::=|=>|=|:))"
       R"([ \t]{0,2}(?:[rb]|@)?["'](?P<secret>[^"'\s]{2,})["'](?P<id>;?))",
       kAssign},
      {R"(k(?:ey)?[ =]{0,3}(?:(?P<a>a+)|(?P<b>[ab]+))(?P<c>=*)$)",
       {{"", "k", "x"},
        {"k", "key"},
        {"", " ", "=", " = "},
        {"a", "ab", "aa", "b"},
        {"", "=", "=="},
        {"", "\n"}}},
  };
  std::mt19937 rng(99);
  size_t fallbacks = 0;
  for (const auto& c : cases) {
    auto cr = MakeRule(kPad + c.pattern);
    ASSERT_TRUE(cr->has_tail_split()) << c.pattern;
    Tally t;
    for (int round = 0; round < 3000; round++) {
      std::string text;
      for (size_t run = 0, runs = 1 + rng() % 3; run < runs; run++) {
        for (const auto& slot : c.slots) text += slot[rng() % slot.size()];
      }
      CheckAllMatches(*cr, text, &t);
      if (HasFatalFailure()) return;
    }
    EXPECT_GT(t.matches, 200u) << c.pattern;
    EXPECT_GT(t.tail, 100u) << c.pattern;
    fallbacks += t.matches - t.tail;
  }
  EXPECT_GT(fallbacks, 100u);  // the full-pattern path was exercised too
}

}  // namespace
}  // namespace keyward

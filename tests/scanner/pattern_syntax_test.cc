// TopLevelAlternatives: a rule's trigger split into one Hyperscan
// expression per top-level alternative (scanner/matcher.cc, HsExpressions).
#include "scanner/pattern_syntax.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace keyward {
namespace {

using Alts = std::vector<std::string>;

TEST(TopLevelAlternativesTest, SplitsOnlyAtTheTopLevel) {
  EXPECT_EQ(TopLevelAlternatives("a|b(c|d)|e"), (Alts{"a", "b(c|d)", "e"}));
  EXPECT_EQ(TopLevelAlternatives(R"("re_\w{8}|'re_\w{8}|[|]re_)"),
            (Alts{R"("re_\w{8})", R"('re_\w{8})", "[|]re_"}));
  // An escaped bar, a bar in a class or in a group is not a cut.
  EXPECT_EQ(TopLevelAlternatives(R"(a\|b)"), Alts{});
  EXPECT_EQ(TopLevelAlternatives("a[|]b"), Alts{});
  EXPECT_EQ(TopLevelAlternatives("(?i:a|b)c"), Alts{});
  EXPECT_EQ(TopLevelAlternatives("(?P<secret>a|b)"), Alts{});
  // Flag groups with a colon are groups; named groups stay whole.
  EXPECT_EQ(TopLevelAlternatives("(?i:ab)c|(?P<s>d)"),
            (Alts{"(?i:ab)c", "(?P<s>d)"}));
}

TEST(TopLevelAlternativesTest, RefusesWhatItCannotSplitSafely) {
  // "(?i)" applies to every alternative after it: splitting would drop it.
  EXPECT_EQ(TopLevelAlternatives("(?i)a|b"), Alts{});
  // An empty alternative matches everywhere.
  EXPECT_EQ(TopLevelAlternatives("a||b"), Alts{});
  EXPECT_EQ(TopLevelAlternatives("a|"), Alts{});
  // Unbalanced or unfollowed syntax.
  EXPECT_EQ(TopLevelAlternatives("a)|b"), Alts{});
  EXPECT_EQ(TopLevelAlternatives("(a|b"), Alts{});
  EXPECT_EQ(TopLevelAlternatives(R"(\Qa|b\E)"), Alts{});
  EXPECT_EQ(TopLevelAlternatives("[ab|c"), Alts{});
  // One alternative: nothing to split.
  EXPECT_EQ(TopLevelAlternatives("abc"), Alts{});
}

}  // namespace
}  // namespace keyward

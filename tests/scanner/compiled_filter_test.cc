// CompiledFilter's one-pass stop-word search against searching for each
// stop-word in turn.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "scanner/matcher_impl.h"

namespace keyward {
namespace {

bool NaiveHasStopword(const std::vector<std::string>& words,
                      std::string_view text) {
  for (const auto& w : words) {
    if (text.find(w) != std::string_view::npos) return true;
  }
  return false;
}

TEST(CompiledFilterTest, HasStopwordFindsWordsAnywhere) {
  CompiledFilter f({}, {"example", "q", "...", "\xe2\x80\xa6", "Upper"});
  EXPECT_TRUE(f.HasStopword("an_example_key"));
  EXPECT_TRUE(f.HasStopword("example"));
  EXPECT_TRUE(f.HasStopword("abq"));
  EXPECT_TRUE(f.HasStopword("ab...cd"));
  EXPECT_TRUE(f.HasStopword("ab\xe2\x80\xa6"));
  EXPECT_TRUE(f.HasStopword("Upper"));  // as given: Passes folds the text
  EXPECT_FALSE(f.HasStopword("examp"));
  EXPECT_FALSE(f.HasStopword("exampl"));
  EXPECT_FALSE(f.HasStopword("ab..cd"));
  EXPECT_FALSE(f.HasStopword("ab\xe2\x80"));
  EXPECT_FALSE(f.HasStopword(""));
  EXPECT_FALSE(CompiledFilter({}, {}).HasStopword("anything"));
  EXPECT_TRUE(CompiledFilter({}, {""}).HasStopword(""));
}

TEST(CompiledFilterTest, HasStopwordEqualsSearchingEachWord) {
  std::mt19937 rng(5);
  const std::string alphabet = "abcde._-\xe2\x80";
  auto random_string = [&](size_t max) {
    std::string s;
    for (size_t i = 0, n = rng() % (max + 1); i < n; i++) {
      s += alphabet[rng() % alphabet.size()];
    }
    return s;
  };
  size_t hits = 0, total = 0;
  for (int round = 0; round < 300; round++) {
    std::vector<std::string> words;
    for (size_t i = 0, n = rng() % 12; i < n; i++) {
      std::string w = random_string(5);
      if (!w.empty() || rng() % 20 == 0) words.push_back(w);
    }
    CompiledFilter f({}, words);
    for (int k = 0; k < 50; k++) {
      std::string text = random_string(30);
      bool expect = NaiveHasStopword(words, text);
      ASSERT_EQ(f.HasStopword(text), expect)
          << "text '" << text << "' round " << round;
      hits += expect;
      total++;
    }
  }
  EXPECT_GT(hits, total / 10);
  EXPECT_LT(hits, total - total / 10);
}

TEST(CompiledFilterTest, StartAnchoredWhenEveryAllowPatternIs) {
  EXPECT_TRUE(CompiledFilter({"^abc", "(?i)^(?:a|b)x$", R"(^\|[|]\z)"}, {})
                  .start_anchored());
  EXPECT_FALSE(CompiledFilter({"^abc", "abc"}, {}).start_anchored());
  EXPECT_FALSE(CompiledFilter({"^a|b"}, {}).start_anchored());
  EXPECT_FALSE(CompiledFilter({"(?i:^a)"}, {}).start_anchored());
  EXPECT_FALSE(CompiledFilter({}, {"word"}).start_anchored());
}

}  // namespace
}  // namespace keyward

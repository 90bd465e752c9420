// Fixture for tests on the built-in rules: one matcher per test suite, made
// from the build's prebuilt databases (support/prebuilt.h).
#ifndef KEYWARD_TESTS_SUPPORT_BUILTIN_MATCHER_TEST_H_
#define KEYWARD_TESTS_SUPPORT_BUILTIN_MATCHER_TEST_H_

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keyward/finding.h"
#include "keyward/matcher.h"
#include "keyward/rules.h"
#include "scanner/confidence.h"
#include "support/prebuilt.h"

namespace keyward::test {

class BuiltinMatcherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto set = RuleSet::Builtin();
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    auto m = Matcher::Create(*set, BuiltinMatcherOptions());
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    matcher_ = m.value().release();
  }
  static void TearDownTestSuite() {
    delete matcher_;
    matcher_ = nullptr;
  }

  // The confidence of each match in `text` as file `path` (file-format
  // rules run on their files only; scanner/confidence.h).
  static std::vector<Confidence> Confidences(const std::string& text,
                                             std::string_view path) {
    auto scratch = matcher_->NewScratch();
    std::vector<RuleMatch> out;
    EXPECT_TRUE(matcher_->Scan(text, scratch.get(), &out, path).ok());
    std::vector<Confidence> levels;
    for (const RuleMatch& m : out) {
      Finding f;
      f.secret = text.substr(m.secret_start, m.secret_end - m.secret_start);
      f.path = std::string(path);
      f.weak = m.weak;
      f.checksum_verified = m.checksum_verified;
      levels.push_back(FindingConfidence(matcher_->rules()[m.rule], f));
    }
    return levels;
  }

  // The highest of Confidences; nullopt when nothing is found at all.
  static std::optional<Confidence> Best(const std::string& text,
                                        std::string_view path) {
    std::optional<Confidence> best;
    for (Confidence c : Confidences(text, path)) {
      if (!best || c > *best) best = c;
    }
    return best;
  }

  static inline Matcher* matcher_ = nullptr;
};

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_BUILTIN_MATCHER_TEST_H_

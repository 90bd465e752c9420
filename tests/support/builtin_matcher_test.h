// Fixture for tests on the built-in rules: one matcher per test suite, made
// from the build's prebuilt databases (support/prebuilt.h).
#ifndef KEYWARD_TESTS_SUPPORT_BUILTIN_MATCHER_TEST_H_
#define KEYWARD_TESTS_SUPPORT_BUILTIN_MATCHER_TEST_H_

#include <gtest/gtest.h>

#include "keyward/matcher.h"
#include "keyward/rules.h"
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

  static inline Matcher* matcher_ = nullptr;
};

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_BUILTIN_MATCHER_TEST_H_

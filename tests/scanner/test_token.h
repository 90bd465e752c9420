// A one-rule matcher for pipeline tests: `tok_` and 24 lower-case letters
// or digits, and a token of that shape for each integer.
#ifndef KEYWARD_TESTS_SCANNER_TEST_TOKEN_H_
#define KEYWARD_TESTS_SCANNER_TEST_TOKEN_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "keyward/matcher.h"
#include "keyward/rules.h"

namespace keyward::test {

inline constexpr char kTokenRules[] = R"(
rules:
  - id: t.tok
    name: test token
    kind: api-key
    pattern: '\b(tok_[a-z0-9]{24})\b'
)";

// The matcher of kTokenRules (null, with a test failure, if it fails).
inline std::unique_ptr<Matcher> TokenMatcher() {
  RuleSet set;
  Status s = set.AddText(kTokenRules, "test.yaml");
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto m = Matcher::Create(set, {});
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? std::move(m.value()) : nullptr;
}

inline std::string Token(int i) {
  std::string t = "tok_" + std::to_string(100000 + i);
  t.append(28 - t.size(), 'k');
  return t;
}

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SCANNER_TEST_TOKEN_H_

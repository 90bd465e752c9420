// Fake credentials that the built-in rules catch, generated per test from a
// seed so that tests are reproducible and no real key is ever in the tree.
#ifndef KEYWARD_TESTS_CONFIG_FAKE_SECRETS_H_
#define KEYWARD_TESTS_CONFIG_FAKE_SECRETS_H_

#include <random>
#include <string>

namespace keyward::testing {

inline std::string RandomChars(std::mt19937* rng, std::string_view alphabet,
                               int n) {
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out;
  for (int i = 0; i < n; ++i) out.push_back(alphabet[pick(*rng)]);
  return out;
}

// "ghp_" + 36 base62 characters: github.pat.classic, severity critical.
inline std::string FakeGithubToken(unsigned seed) {
  std::mt19937 rng(seed);
  return "ghp_" +
         RandomChars(&rng,
                     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789",
                     36);
}

// "AKIA" + 16 of [A-Z0-9]: aws.access_key_id, severity high.
inline std::string FakeAwsKeyId(unsigned seed) {
  std::mt19937 rng(seed);
  return "AKIA" + RandomChars(&rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
}

}  // namespace keyward::testing

#endif  // KEYWARD_TESTS_CONFIG_FAKE_SECRETS_H_

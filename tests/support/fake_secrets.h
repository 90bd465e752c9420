// Fake credentials that the built-in rules catch, generated per test from a
// seed so that tests are reproducible and no real key is ever in the tree.
#ifndef KEYWARD_TESTS_SUPPORT_FAKE_SECRETS_H_
#define KEYWARD_TESTS_SUPPORT_FAKE_SECRETS_H_

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace keyward::test {

inline std::string RandomChars(std::mt19937* rng, std::string_view alphabet,
                               int n) {
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out;
  for (int i = 0; i < n; ++i) out.push_back(alphabet[pick(*rng)]);
  return out;
}

// A GitHub classic token (github.pat.classic, severity critical) with a
// valid checksum: "ghp_" + 30 random base62 characters + the base62 CRC-32
// of them.
inline std::string FakeGithubToken(uint32_t seed) {
  static const char kBase62[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::mt19937 rng(seed);
  std::string body = RandomChars(&rng, kBase62, 30);
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : body) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
  }
  crc ^= 0xFFFFFFFFu;
  std::string check(6, '0');
  for (int i = 5; i >= 0 && crc; --i, crc /= 62) check[i] = kBase62[crc % 62];
  return "ghp_" + body + check;
}

// "AKIA" + 16 of [A-Z0-9]: aws.access_key_id, severity high.
inline std::string FakeAwsKeyId(unsigned seed) {
  std::mt19937 rng(seed);
  return "AKIA" + RandomChars(&rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
}

// 40 of [A-Za-z0-9/+]: an AWS secret access key's shape.
inline std::string FakeAwsSecret(unsigned seed) {
  std::mt19937 rng(seed);
  return RandomChars(
      &rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+",
      40);
}

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_FAKE_SECRETS_H_

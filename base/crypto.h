// The one home of SHA-256, HMAC-SHA256 and hex (internal). Every digest in
// keyward (fingerprints, inventory hashes, rule-set and cache digests,
// ticket ids, SARIF fingerprints) is computed here.
//
// The low-level SHA-256 functions are used on purpose: the first EVP call
// of a process loads openssl.cnf and sets up providers (~0.7 ms, 3% of a
// pre-commit `scan --staged`) for a plain digest. Results equal OpenSSL's
// SHA256() and HMAC() (tests/base/crypto_test.cc). Thread-safe: no state.
#ifndef KEYWARD_BASE_CRYPTO_H_
#define KEYWARD_BASE_CRYPTO_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace keyward {

// Raw 32-byte SHA-256 digest.
std::string Sha256(std::string_view data);
// Lowercase hex of SHA-256(data), 64 characters.
std::string Sha256Hex(std::string_view data);
// Raw 32-byte HMAC-SHA256 (RFC 2104).
std::string HmacSha256(std::string_view key, std::string_view data);
// Lowercase hex of `bytes`.
std::string HexEncode(std::string_view bytes);
// Lowercase or uppercase hex to bytes; false on odd length or non-hex.
bool HexDecode(std::string_view hex, std::string* out);
// Lowercase hex of `n` bytes from OpenSSL's random generator; false (and
// `*out` untouched) when it cannot provide them.
bool RandomHex(size_t n, std::string* out);

}  // namespace keyward

#endif  // KEYWARD_BASE_CRYPTO_H_

// Hashing helpers for inventory fingerprints (OpenSSL libcrypto).
#ifndef KEYWARD_INVENTORY_CRYPTO_H_
#define KEYWARD_INVENTORY_CRYPTO_H_

#include <string>
#include <string_view>

namespace keyward::inventory {

// Raw 32-byte SHA-256 digest.
std::string Sha256(std::string_view data);
// Raw 32-byte HMAC-SHA256.
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HexEncode(std::string_view bytes);
// Lowercase or uppercase hex to bytes; false on odd length or non-hex.
bool HexDecode(std::string_view hex, std::string* out);
// The literal prefix a hint may show: leading lowercase words ending in '_'
// or '-' ("ghp_", "sk_live_", "xoxb-", "github_pat_"), or the 4-letter
// uppercase AWS-style id prefix ("AKIA"). Empty when none.
std::string HintPrefix(std::string_view secret);

}  // namespace keyward::inventory

#endif  // KEYWARD_INVENTORY_CRYPTO_H_

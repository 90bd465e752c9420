#include "base/crypto.h"

// Low-level SHA-256, deprecated in OpenSSL 3 but kept (see crypto.h).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <vector>

namespace keyward {

std::string Sha256(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(md, &ctx);
  return std::string(reinterpret_cast<char*>(md), sizeof md);
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char k[64] = {0};
  if (key.size() > 64) {
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, key.data(), key.size());
    SHA256_Final(k, &ctx);
  } else {
    std::copy(key.begin(), key.end(), k);
  }
  unsigned char pad[64], inner[SHA256_DIGEST_LENGTH],
      outer[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  for (int i = 0; i < 64; ++i) pad[i] = k[i] ^ 0x36;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, pad, 64);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(inner, &ctx);
  for (int i = 0; i < 64; ++i) pad[i] = k[i] ^ 0x5c;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, pad, 64);
  SHA256_Update(&ctx, inner, sizeof inner);
  SHA256_Final(outer, &ctx);
  return std::string(reinterpret_cast<char*>(outer), sizeof outer);
}

std::string HexEncode(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

bool HexDecode(std::string_view hex, std::string* out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

bool RandomHex(size_t n, std::string* out) {
  std::vector<unsigned char> bytes(n);
  if (RAND_bytes(bytes.data(), static_cast<int>(n)) != 1) return false;
  *out = HexEncode(
      std::string_view(reinterpret_cast<char*>(bytes.data()), bytes.size()));
  return true;
}

}  // namespace keyward

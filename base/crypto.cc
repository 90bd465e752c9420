#include "base/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace keyward::inventory {

std::string Sha256(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  return std::string(reinterpret_cast<char*>(digest), sizeof digest);
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
       &len);
  return std::string(reinterpret_cast<char*>(out), len);
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

std::string HintPrefix(std::string_view s) {
  // AWS-style ids: AKIA/ASIA/AGPA... followed by uppercase/digits.
  if (s.size() >= 16 && s[0] == 'A' &&
      s.substr(0, 4).find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
          std::string_view::npos) {
    return std::string(s.substr(0, 4));
  }
  size_t end = 0, pos = 0;
  for (int words = 0; words < 3; ++words) {
    size_t start = pos;
    while (pos < s.size() && pos - start < 10 && s[pos] >= 'a' && s[pos] <= 'z')
      ++pos;
    if (pos - start < 2 || pos >= s.size() || (s[pos] != '_' && s[pos] != '-'))
      break;
    end = ++pos;
  }
  return std::string(s.substr(0, end));
}

}  // namespace keyward::inventory

// Test support: base64 text of bytes (RFC 4648), to build encoded fixtures
// at test time (OpenSSL's encoder; `url`: the base64url alphabet, padding
// kept).
#ifndef KEYWARD_TESTS_SUPPORT_BASE64_H_
#define KEYWARD_TESTS_SUPPORT_BASE64_H_

#include <openssl/evp.h>

#include <algorithm>
#include <string>
#include <string_view>

namespace keyward::test {

inline std::string B64(std::string_view in, bool url = false) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(n);
  if (url) {
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
  }
  return out;
}

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_BASE64_H_

// PKCS#12 keystores made at test time with OpenSSL (an EC P-256 key: fast to
// generate), for the keystore tests (source/pkcs12_key.h).
#ifndef KEYWARD_TESTS_SUPPORT_PKCS12_H_
#define KEYWARD_TESTS_SUPPORT_PKCS12_H_

#include <openssl/evp.h>
#include <openssl/pkcs12.h>

#include <string>

namespace keyward::test {

// DER of a keystore holding one new private key under `password`, its MAC
// computed with `mac_iter` rounds. Empty on an OpenSSL failure.
inline std::string MakePkcs12(const char* password, int mac_iter = 2048) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) return {};
  PKCS12* p12 = PKCS12_create(password, "test key", key, nullptr, nullptr, 0, 0,
                              0, mac_iter, 0);
  EVP_PKEY_free(key);
  if (p12 == nullptr) return {};
  unsigned char* der = nullptr;
  int n = i2d_PKCS12(p12, &der);
  PKCS12_free(p12);
  if (n <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_PKCS12_H_

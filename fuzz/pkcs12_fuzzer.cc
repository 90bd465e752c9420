// PKCS#12 keystores: any bytes give nothing or the PEM of private keys,
// opened only with an empty or a published default password, within the
// size and key-derivation bounds (source/pkcs12_key.h).
#include <string>

#include "fuzz/fuzz_util.h"
#include "source/pkcs12_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(keyward::fuzz::AsText(data, size));
  std::string password = "unset";
  std::string pem = keyward::OpenPkcs12Keys(bytes, &password);
  if (pem.empty()) return 0;
  KEYWARD_FUZZ_CHECK(password.empty() || password == "notasecret");
  KEYWARD_FUZZ_CHECK(pem.find("-----BEGIN ") != std::string::npos);
  return 0;
}

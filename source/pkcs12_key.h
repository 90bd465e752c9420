// PKCS#12 keystores (internal): the private keys of a `.p12`/`.pfx` file
// that opens without a real password, as PEM text the private-key rules read.
//
//   std::string password;
//   std::string pem = OpenPkcs12Keys(bytes, &password);
//   if (!pem.empty()) scan(pem);   // "-----BEGIN PRIVATE KEY-----" blocks
//
// A keystore protected by an empty password or by a published default (GCP
// writes service-account keys as .p12 with the password `notasecret`) holds
// its key in the clear in all but name: anyone who has the file has the key.
// A keystore with any other password is not opened (and not reported): its
// key is as safe as that password.
//
// Bounded work on hostile input: at most 1 MiB is parsed, and a MAC or key
// bag whose key derivation asks for more than kMaxPkcs12Iterations rounds is
// not tried. Thread-safe; `data` need only be valid during the call.
#ifndef KEYWARD_SOURCE_PKCS12_KEY_H_
#define KEYWARD_SOURCE_PKCS12_KEY_H_

#include <string>
#include <string_view>

namespace keyward {

inline constexpr long kMaxPkcs12Iterations = 200000;

// True for a name ending in .p12 or .pfx (any case).
bool IsPkcs12Path(std::string_view path);

// The unencrypted PKCS#8 PEM of every private key in the keystore `data`
// when it opens with an empty or a well-known default password (which one:
// `*password`, "" for empty); empty when it does not, when `data` is not a
// PKCS#12 file, or when a limit above stops it.
std::string OpenPkcs12Keys(std::string_view data, std::string* password);

}  // namespace keyward

#endif  // KEYWARD_SOURCE_PKCS12_KEY_H_

// Validators: named checks a rule lists under `validate:` (rules.h), run in
// phase 2 on a candidate secret after the rule's filters.
//
//   github_crc32     GitHub's ghp_/gho_/ghu_/ghs_/ghr_ tokens: after the
//                    prefix, 30 random base62 characters and 6 more that are
//                    the base62 CRC-32 of those 30
//   npm_crc32        npm_ tokens: the same scheme after "npm_"
//   base64_userpass  the secret is standard base64 that decodes to printable
//                    "user:password" with a non-empty password (Docker
//                    registry `auth`)
//   bech32           a BIP 173 bech32 string (age's AGE-SECRET-KEY-1...):
//                    the last six data characters are the BCH checksum of
//                    the human-readable part and the data before them
//   bitcoin_wif      a Bitcoin private key in Wallet Import Format: base58
//                    of 0x80, the key (and 0x01 if compressed) and a
//                    double-SHA-256 checksum
//   basic_credentials  an HTTP Basic value: base64 of one line of printable
//                    "user-id:password", either part possibly empty
//   cisco_type7      a Cisco IOS "type 7" value: two decimal digits (the
//                    key offset, 00-15) and hex pairs that decode, with
//                    Cisco's fixed key, to printable text (the password)
//   jwt_not_example  a JSON Web Token whose claims (the decoded payload) say
//                    it is a documentation example ("example", "placeholder",
//                    "dummy": an issuer at example.com, EXAMPLE ids; the
//                    sample tenant of Microsoft's identity docs) fails;
//                    any other token is not-applicable (kept, unverified)
//
// A check answers pass, fail or not-applicable. A failed decoding drops the
// match; a failed checksum keeps it, marked "checksum failed" (confidence
// medium: the token's shape, not a minted token); a passed checksum marks
// the finding "checksum verified", which makes its confidence high
// (scanner/confidence.h). Not-applicable (a token whose length has no
// checksum position) keeps the match, unverified.
//
// Pure functions, no state: safe from any thread.
#ifndef KEYWARD_RULES_VALIDATORS_H_
#define KEYWARD_RULES_VALIDATORS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keyward {

enum class CheckResult { kPass, kFail, kNotApplicable };

using ValidatorFn = CheckResult (*)(std::string_view secret);

struct Validator {
  const char* name;
  ValidatorFn check;
  bool checksum;  // a pass proves the value was minted by the provider
};

// Every validator, in name order.
const std::vector<Validator>& Validators();
// The validator called `name`, or null.
const Validator* FindValidator(std::string_view name);
// "base64_userpass, basic_credentials, ...": for error messages.
std::string ValidatorNames();

// The checks themselves (exposed for tests).
CheckResult CheckGithubCrc32(std::string_view secret);
CheckResult CheckNpmCrc32(std::string_view secret);
CheckResult CheckBase64UserPass(std::string_view secret);
CheckResult CheckBech32(std::string_view secret);
CheckResult CheckBitcoinWif(std::string_view secret);
// HTTP Basic credentials (RFC 7617): base64 of "user-id:password" as one
// line of text; either part may be empty (an API key sent as the user name,
// "key:"), unlike base64_userpass.
CheckResult CheckBasicCredentials(std::string_view secret);
CheckResult CheckJwtNotExample(std::string_view secret);
CheckResult CheckCiscoType7(std::string_view secret);

// CRC-32 (IEEE 802.3, as zlib's crc32) of `data`.
uint32_t Crc32(std::string_view data);
// `n` in base62 (0-9A-Za-z), left-padded with '0' to `width` characters.
std::string Base62(uint32_t n, int width);
// Standard base64 (RFC 4648 alphabet, '=' padding optional) to bytes; false
// on any other character or a length no encoding produces.
bool DecodeBase64(std::string_view in, std::string* out);

}  // namespace keyward

#endif  // KEYWARD_RULES_VALIDATORS_H_

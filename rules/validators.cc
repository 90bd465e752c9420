// Rule validators: checksums and decodings (rules/validators.h).
#include "rules/validators.h"

#include <array>
#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/crypto.h"

namespace keyward {
namespace {

constexpr char kBase62[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    t[i] = c;
  }
  return t;
}

bool IsAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
         (c >= 'a' && c <= 'z');
}

// The GitHub/npm scheme: `prefix`, 30 base62 characters, and their CRC-32
// in 6 base62 characters. Other lengths carry no checksum we know of.
CheckResult CheckCrc32Tail(std::string_view secret, std::string_view prefix) {
  constexpr size_t kBody = 30, kCheck = 6;
  if (secret.substr(0, prefix.size()) != prefix) {
    return CheckResult::kNotApplicable;
  }
  std::string_view rest = secret.substr(prefix.size());
  if (rest.size() != kBody + kCheck) return CheckResult::kNotApplicable;
  for (unsigned char c : rest) {
    if (!IsAlnum(c)) return CheckResult::kFail;
  }
  std::string_view body = rest.substr(0, kBody);
  return Base62(Crc32(body), kCheck) == rest.substr(kBody) ? CheckResult::kPass
                                                           : CheckResult::kFail;
}

// Valid UTF-8 without control characters other than tab, CR and LF.
bool PrintableText(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
        return false;
      }
      ++i;
      continue;
    }
    size_t n = (c & 0xE0) == 0xC0   ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (n == 0 || c == 0xC0 || c == 0xC1 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

uint32_t Crc32(std::string_view data) {
  static const std::array<uint32_t, 256> table = MakeCrcTable();
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string Base62(uint32_t n, int width) {
  std::string out;
  while (n) {
    out.insert(out.begin(), kBase62[n % 62]);
    n /= 62;
  }
  if (static_cast<int>(out.size()) < width) {
    out.insert(out.begin(), width - out.size(), '0');
  }
  return out;
}

bool DecodeBase64(std::string_view in, std::string* out) {
  out->clear();
  size_t len = in.size();
  while (len > 0 && in[len - 1] == '=') --len;
  if (in.size() - len > 2) return false;
  // With padding the whole must be a multiple of 4; without, a 1-character
  // tail encodes nothing.
  if (len < in.size() && in.size() % 4 != 0) return false;
  if (len % 4 == 1) return false;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; ++i) {
    unsigned char c = in[i];
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else {
      return false;
    }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

CheckResult CheckGithubCrc32(std::string_view secret) {
  for (std::string_view p : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}) {
    if (secret.substr(0, p.size()) == p) return CheckCrc32Tail(secret, p);
  }
  return CheckResult::kNotApplicable;
}

CheckResult CheckNpmCrc32(std::string_view secret) {
  return CheckCrc32Tail(secret, "npm_");
}

CheckResult CheckBase64UserPass(std::string_view secret) {
  std::string decoded;
  if (!DecodeBase64(secret, &decoded)) return CheckResult::kFail;
  size_t colon = decoded.find(':');
  if (colon == std::string::npos || colon + 1 == decoded.size()) {
    return CheckResult::kFail;
  }
  return PrintableText(decoded) ? CheckResult::kPass : CheckResult::kFail;
}

CheckResult CheckBasicCredentials(std::string_view secret) {
  std::string decoded;
  if (!DecodeBase64(secret, &decoded) || decoded.size() < 2) {
    return CheckResult::kFail;
  }
  if (decoded.find(':') == std::string::npos ||
      decoded.find_first_of("\t\r\n") != std::string::npos) {
    return CheckResult::kFail;
  }
  return PrintableText(decoded) ? CheckResult::kPass : CheckResult::kFail;
}

namespace {
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

CheckResult CheckCiscoType7(std::string_view secret) {
  // Cisco's fixed key ("xlat"), public since the 1990s: type 7 is an
  // encoding, not a hash, and decodes to the password itself.
  static constexpr std::string_view kXlat =
      "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87";
  if (secret.size() < 4 || secret.size() % 2 != 0) return CheckResult::kFail;
  if (secret[0] < '0' || secret[0] > '9' || secret[1] < '0' ||
      secret[1] > '9') {
    return CheckResult::kFail;
  }
  size_t offset = size_t(secret[0] - '0') * 10 + size_t(secret[1] - '0');
  if (offset > 15) return CheckResult::kFail;
  for (size_t i = 2; i < secret.size(); i += 2) {
    int hi = HexDigit(secret[i]), lo = HexDigit(secret[i + 1]);
    if (hi < 0 || lo < 0) return CheckResult::kFail;
    unsigned char c = static_cast<unsigned char>(
        (hi << 4 | lo) ^ kXlat[(offset + i / 2 - 1) % kXlat.size()]);
    if (c < 0x20 || c > 0x7e) return CheckResult::kFail;
  }
  return CheckResult::kPass;
}

CheckResult CheckJwtNotExample(std::string_view secret) {
  // header.payload.signature; the payload is base64url without padding.
  size_t dot1 = secret.find('.');
  if (dot1 == secret.npos) return CheckResult::kNotApplicable;
  size_t dot2 = secret.find('.', dot1 + 1);
  if (dot2 == secret.npos) return CheckResult::kNotApplicable;
  std::string payload(secret.substr(dot1 + 1, dot2 - dot1 - 1));
  for (char& c : payload) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  // base64url leaves the padding out: a tail of 2 or 3 characters is a
  // partial group, padded back (a tail of 1 cannot be one, and is dropped).
  if (payload.size() % 4 == 1) payload.pop_back();
  payload.append((4 - payload.size() % 4) % 4, '=');
  std::string claims;
  if (!DecodeBase64(payload, &claims) || claims.empty() || claims[0] != '{') {
    return CheckResult::kNotApplicable;
  }
  std::string lower(claims);
  for (char& c : lower) c = std::tolower(static_cast<unsigned char>(c));
  // The tenant of the Microsoft identity platform docs' sample tokens
  // (reproduced by SDK docs and tests) says the same.
  for (std::string_view word : {"example", "placeholder", "dummy",
                                "9122040d-6c67-4c5b-b112-36a304b66dad"}) {
    if (lower.find(word) != std::string::npos) return CheckResult::kFail;
  }
  // Supabase's anon key: a project's public client key (browsers hold it;
  // row-level security guards the data). Its service_role key is the
  // secret, found by its own rule.
  auto parsed = nlohmann::json::parse(claims, nullptr, false);
  if (parsed.is_object() && parsed.value("iss", "") == "supabase" &&
      parsed.value("role", "") == "anon") {
    return CheckResult::kFail;
  }
  return CheckResult::kNotApplicable;
}

CheckResult CheckBech32(std::string_view secret) {
  // BIP 173: a human-readable part, the separator '1' (the last one), then
  // data characters of which the last six are a BCH checksum over both.
  static constexpr std::string_view kCharset =
      "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  static constexpr uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
                                       0x3d4233dd, 0x2a1462b3};
  size_t sep = secret.rfind('1');
  if (sep == secret.npos || sep == 0 || secret.size() - sep - 1 < 6) {
    return CheckResult::kNotApplicable;
  }
  uint32_t chk = 1;
  auto step = [&chk](uint32_t v) {
    uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGen[i];
    }
  };
  auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  std::string_view hrp = secret.substr(0, sep);
  for (char c : hrp) step(static_cast<unsigned char>(lower(c)) >> 5);
  step(0);
  for (char c : hrp) step(static_cast<unsigned char>(lower(c)) & 31);
  for (char c : secret.substr(sep + 1)) {
    size_t v = kCharset.find(lower(c));
    if (v == kCharset.npos) return CheckResult::kFail;
    step(static_cast<uint32_t>(v));
  }
  return chk == 1 ? CheckResult::kPass : CheckResult::kFail;
}

CheckResult CheckBitcoinWif(std::string_view secret) {
  // Base58Check: the base58 number is version byte 0x80 (mainnet), the
  // 32-byte key, 0x01 when the public key is compressed, then the first 4
  // bytes of SHA-256(SHA-256(all before)).
  static constexpr std::string_view kAlphabet =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  if (secret.size() < 50 || secret.size() > 52) {
    return CheckResult::kNotApplicable;
  }
  std::vector<unsigned char> num;  // big-endian
  for (char c : secret) {
    size_t v = kAlphabet.find(c);
    if (v == kAlphabet.npos) return CheckResult::kFail;
    unsigned carry = static_cast<unsigned>(v);
    for (size_t i = num.size(); i-- > 0;) {
      carry += 58u * num[i];
      num[i] = static_cast<unsigned char>(carry & 0xff);
      carry >>= 8;
    }
    for (; carry; carry >>= 8) {
      num.insert(num.begin(), static_cast<unsigned char>(carry & 0xff));
    }
  }
  if ((num.size() != 37 && num.size() != 38) || num[0] != 0x80 ||
      (num.size() == 38 && num[33] != 0x01)) {
    return CheckResult::kFail;
  }
  std::string_view payload(reinterpret_cast<const char*>(num.data()),
                           num.size() - 4);
  std::string digest = Sha256(Sha256(payload));
  return std::memcmp(digest.data(), num.data() + num.size() - 4, 4) == 0
             ? CheckResult::kPass
             : CheckResult::kFail;
}

const std::vector<Validator>& Validators() {
  static const std::vector<Validator> all = {
      {"base64_userpass", CheckBase64UserPass, false},
      {"basic_credentials", CheckBasicCredentials, false},
      {"bech32", CheckBech32, true},
      {"bitcoin_wif", CheckBitcoinWif, true},
      {"cisco_type7", CheckCiscoType7, false},
      {"github_crc32", CheckGithubCrc32, true},
      {"jwt_not_example", CheckJwtNotExample, false},
      {"npm_crc32", CheckNpmCrc32, true},
  };
  return all;
}

const Validator* FindValidator(std::string_view name) {
  for (const Validator& v : Validators()) {
    if (name == v.name) return &v;
  }
  return nullptr;
}

std::string ValidatorNames() {
  std::string out;
  for (const Validator& v : Validators()) {
    if (!out.empty()) out += ", ";
    out += v.name;
  }
  return out;
}

}  // namespace keyward

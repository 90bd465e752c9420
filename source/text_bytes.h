// Byte classes and a streaming text check for the string decoders
// (encoded_spans.cc, string_decode.cc); the classes also serve the
// scanner's base64 checks (scanner/confirm.cc).
#ifndef KEYWARD_SOURCE_TEXT_BYTES_H_
#define KEYWARD_SOURCE_TEXT_BYTES_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace keyward::text_bytes {

// Byte classes, one table lookup per byte.
enum : uint8_t {
  kB64 = 1,      // A-Z a-z 0-9
  kB64Std = 2,   // + /
  kB64Url = 4,   // - _
  kHex = 8,      // 0-9 a-f A-F
  kUrl = 16,     // characters a percent-encoded URL or form value holds
  kTextish = 32  // printable ASCII, \t \n \r, and bytes >= 0x80
};

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; c++) {
    uint8_t v = 0;
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                 (c >= '0' && c <= '9');
    if (alnum) v |= kB64 | kUrl;
    if (c == '+' || c == '/') v |= kB64Std;
    if (c == '-' || c == '_') v |= kB64Url;
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
        (c >= 'A' && c <= 'F')) {
      v |= kHex;
    }
    if (c != 0 && std::string_view("%._~:/?#[]@!$&*+,;=-").find(c) !=
                      std::string_view::npos) {
      v |= kUrl;
    }
    if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r' ||
        c >= 0x80) {
      v |= kTextish;
    }
    t[c] = v;
  }
  return t;
}
inline constexpr std::array<uint8_t, 256> kClass = MakeClasses();

inline uint8_t Cls(char c) { return kClass[static_cast<unsigned char>(c)]; }

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decoded bytes checked as they come (IsText's rules): binary data is
// refused at its first byte that text cannot hold.
class TextBytes {
 public:
  bool Add(unsigned char b, std::string* out) {
    if (!Check(b)) return false;
    out->push_back(static_cast<char>(b));
    return true;
  }
  bool Check(unsigned char b) {
    if (need_ > 0) {
      if ((b & 0xC0) != 0x80) return false;
      --need_;
    } else if (b < 0x80) {
      if (!(kClass[b] & kTextish)) return false;
    } else if (b >= 0xC2 && b <= 0xDF) {
      need_ = 1;
    } else if ((b & 0xF0) == 0xE0) {
      need_ = 2;
    } else if (b >= 0xF0 && b <= 0xF4) {
      need_ = 3;
    } else {
      return false;
    }
    return true;
  }
  bool Complete() const { return need_ == 0; }

 private:
  int need_ = 0;
};

inline int Base64Value(char c, bool url) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (url ? '-' : '+')) return 62;
  if (c == (url ? '_' : '/')) return 63;
  return -1;
}

}  // namespace keyward::text_bytes

#endif  // KEYWARD_SOURCE_TEXT_BYTES_H_

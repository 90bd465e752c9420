// Escaping of control characters for text output.
#include "base/visible_text.h"

#include <cstdint>

namespace keyward {
namespace {

void Hex(unsigned char c, std::string* out) {
  static const char kDigits[] = "0123456789abcdef";
  *out += "\\x";
  out->push_back(kDigits[c >> 4]);
  out->push_back(kDigits[c & 15]);
}

// Length of the valid UTF-8 sequence starting at s[i] (2 to 4), or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t n;
  uint32_t cp;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2, cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3, cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4, cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not valid.
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
      (cp >= 0xd800 && cp <= 0xdfff)) {
    return 0;
  }
  return n;
}

}  // namespace

std::string VisibleText(std::string_view s, bool keep_newlines) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c == '\n') {
      out += keep_newlines ? "\n" : "\\n";
      ++i;
    } else if (c == '\r') {
      out += "\\r";
      ++i;
    } else if (c == '\t') {
      out += "\\t";
      ++i;
    } else if (c < 0x80) {  // other C0 controls and DEL
      Hex(c, &out);
      ++i;
    } else if (size_t n = Utf8Length(s, i); n == 0) {
      Hex(c, &out);
      ++i;
    } else if (n == 2 && c == 0xc2 &&
               static_cast<unsigned char>(s[i + 1]) < 0xa0) {
      static const char kDigits[] = "0123456789abcdef";
      unsigned char cp = static_cast<unsigned char>(s[i + 1]);  // 0x80..0x9f
      out += "\\u00";
      out.push_back(kDigits[cp >> 4]);
      out.push_back(kDigits[cp & 15]);
      i += 2;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string ShownName(std::string_view name) {
  bool plain = !name.empty() && name.size() <= 64;
  size_t run = 0;
  for (char c : name) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '.' && c != '_' && c != '-') plain = false;
    run = alnum ? run + 1 : 0;
    if (run >= 16) plain = false;
  }
  if (plain) return std::string(name);
  std::string tail;
  if (name.size() >= 12) tail = VisibleText(name.substr(name.size() - 4));
  return "…" + tail + " (" + std::to_string(name.size()) + " characters)";
}

}  // namespace keyward

// The string decoders of source/encoded_spans.h: escapes, percent,
// base64, hex, and the text check.
#include <cstring>

#include "source/encoded_spans.h"
#include "source/text_bytes.h"

namespace keyward {
namespace {

using text_bytes::Base64Value;
using text_bytes::HexValue;
using text_bytes::kClass;
using text_bytes::kTextish;
using text_bytes::TextBytes;

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Reads 4 hex digits at s[i]; -1 when they are not.
int Hex4(std::string_view s, size_t i) {
  if (i + 4 > s.size()) return -1;
  int v = 0;
  for (size_t k = 0; k < 4; k++) {
    int h = HexValue(s[i + k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

}  // namespace

bool IsText(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (!(kClass[c] & kTextish)) return false;
      ++i;
      continue;
    }
    size_t n = c >= 0xC2 && c <= 0xDF   ? 1
               : (c & 0xF0) == 0xE0     ? 2
               : c >= 0xF0 && c <= 0xF4 ? 3
                                        : 0;
    if (n == 0 || i + n >= s.size()) return false;  // cut short
    for (size_t k = 1; k <= n; k++) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

bool DecodeJsonEscapes(std::string_view s, std::string* out) {
  out->clear();
  out->reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    // What comes before the next backslash is copied as it is.
    const void* bs = memchr(s.data() + i, '\\', s.size() - i);
    const size_t b = bs ? static_cast<const char*>(bs) - s.data() : s.size();
    out->append(s.data() + i, b - i);
    if (b == s.size()) break;
    i = b + 1;  // the escaped character
    if (i >= s.size()) return false;
    switch (char e = s[i]) {
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case '\n':  // a line continuation
        break;
      case 'x': {
        int h = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
        int l = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
        if (h < 0 || l < 0) return false;
        AppendUtf8(h * 16 + l, out);
        i += 2;
        break;
      }
      case 'u': {
        int cp = Hex4(s, i + 1);
        if (cp < 0) return false;
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 2 < s.size() &&
            s[i + 1] == '\\' && s[i + 2] == 'u') {
          int lo = Hex4(s, i + 3);
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) return false;  // a lone surrogate
        AppendUtf8(cp, out);
        break;
      }
      default:  // \" \' \/ \\ \` and JS's identity escapes
        out->push_back(e);
    }
    ++i;  // past the escape's last character
  }
  return IsText(*out);
}

bool DecodePercent(std::string_view s, std::string* out) {
  out->clear();
  out->reserve(s.size());
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
        HexValue(s[i + 2]) >= 0) {
      out->push_back(
          static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out->push_back(s[i]);
    }
  }
  return IsText(*out);
}

bool DecodeBase64(std::string_view s, bool url, std::string* out) {
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  if (s.size() % 4 == 1) return false;
  out->clear();
  out->reserve(s.size() / 4 * 3 + 2);
  TextBytes text;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v = Base64Value(c, url);
    if (v < 0) return false;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (!text.Add((acc >> bits) & 0xFF, out)) return false;
    }
  }
  return text.Complete();
}

bool DecodeHex(std::string_view s, std::string* out) {
  if (s.size() % 2 != 0) return false;
  out->clear();
  out->reserve(s.size() / 2);
  TextBytes text;
  for (size_t i = 0; i < s.size(); i += 2) {
    int h = HexValue(s[i]), l = HexValue(s[i + 1]);
    if (h < 0 || l < 0) return false;
    if (!text.Add(h * 16 + l, out)) return false;
  }
  return text.Complete();
}

}  // namespace keyward

// Encoded spans: finding and decoding them (source/encoded_spans.h).
#include "source/encoded_spans.h"

#include <algorithm>
#include <array>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace keyward {
namespace {

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
constexpr std::array<uint8_t, 256> kClass = MakeClasses();

inline uint8_t Cls(char c) { return kClass[static_cast<unsigned char>(c)]; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

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

int Base64Value(char c, bool url) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (url ? '-' : '+')) return 62;
  if (c == (url ? '_' : '/')) return 63;
  return -1;
}

// Whether the first 16 characters of a base64 run decode to text: most
// runs that are not base64 (identifiers, paths) fail here, before anything
// is allocated.
bool Base64HeadIsText(std::string_view run, bool url) {
  TextBytes text;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : run.substr(0, 16)) {
    int v = Base64Value(c, url);
    if (v < 0) return false;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (!text.Check((acc >> bits) & 0xFF)) return false;
    }
  }
  return true;
}

// Escapes that change what a rule sees. A string whose only escapes are
// whitespace at its end (a printf format's "\n") is not worth decoding.
bool WorthDecoding(std::string_view body) {
  size_t end = body.size();
  while (
      end >= 2 && body[end - 2] == '\\' &&
      (body[end - 1] == 'n' || body[end - 1] == 'r' || body[end - 1] == 't')) {
    end -= 2;
  }
  return memchr(body.data(), '\\', end) != nullptr;
}

// Quoted strings with escapes in the line text[from, to).
void EscapedStringsInLine(std::string_view text, size_t from, size_t to,
                          const SpanLimits& limits,
                          std::vector<DecodedSpan>* out) {
  size_t i = from;
  while (i < to) {
    char q = text[i];
    if (q != '"' && q != '\'' && q != '`') {
      ++i;
      continue;
    }
    size_t body = i + 1, j = body;
    bool escaped = false;
    while (j < to && text[j] != q) {
      if (text[j] == '\\') {
        escaped = true;
        ++j;
      }
      ++j;
    }
    if (j > to) j = to;
    size_t len = j - body;
    std::string_view s = text.substr(body, len);
    if (escaped && len >= limits.min_length && len <= limits.max_length &&
        WorthDecoding(s)) {
      DecodedSpan span;
      span.begin = body;
      span.end = j;
      span.encoding = Encoding::kJsonEscape;
      if (DecodeJsonEscapes(s, &span.text) && span.text != s) {
        out->push_back(std::move(span));
      }
    }
    i = j + 1;
  }
}

void FindEscapedStrings(std::string_view text, const SpanLimits& limits,
                        std::vector<DecodedSpan>* out) {
  size_t pos = 0;
  while (pos < text.size()) {
    const void* bs = memchr(text.data() + pos, '\\', text.size() - pos);
    if (!bs) return;
    size_t b = static_cast<const char*>(bs) - text.data();
    size_t ls = b;
    while (ls > pos && text[ls - 1] != '\n') --ls;
    const void* nl = memchr(text.data() + b, '\n', text.size() - b);
    size_t le = nl ? static_cast<const char*>(nl) - text.data() : text.size();
    EscapedStringsInLine(text, ls, le, limits, out);
    pos = le + 1;
  }
}

void FindPercentEncoded(std::string_view text, const SpanLimits& limits,
                        std::vector<DecodedSpan>* out) {
  size_t pos = 0;
  while (pos < text.size()) {
    const void* pc = memchr(text.data() + pos, '%', text.size() - pos);
    if (!pc) return;
    size_t p = static_cast<const char*>(pc) - text.data();
    if (p + 2 >= text.size() || HexValue(text[p + 1]) < 0 ||
        HexValue(text[p + 2]) < 0) {
      pos = p + 1;
      continue;
    }
    // A second `%XX` soon after, or this is a printf format.
    size_t q = p + 3, limit = std::min(text.size(), p + 3 + 120);
    bool second = false;
    while (q + 2 < limit) {
      const void* n = memchr(text.data() + q, '%', limit - q);
      if (!n) break;
      q = static_cast<const char*>(n) - text.data();
      if (q + 2 < text.size() && HexValue(text[q + 1]) >= 0 &&
          HexValue(text[q + 2]) >= 0) {
        second = true;
        break;
      }
      ++q;
    }
    if (!second) {
      pos = p + 1;
      continue;
    }
    size_t b = p, e = p;
    while (b > pos && (Cls(text[b - 1]) & kUrl)) --b;
    while (e < text.size() && (Cls(text[e]) & kUrl)) ++e;
    std::string_view s = text.substr(b, e - b);
    size_t triplets = 0;
    for (size_t k = 0; k + 2 < s.size(); k++) {
      if (s[k] == '%' && HexValue(s[k + 1]) >= 0 && HexValue(s[k + 2]) >= 0) {
        triplets++;
      }
    }
    if (triplets >= 2 && s.size() >= limits.min_length &&
        s.size() <= limits.max_length) {
      DecodedSpan span;
      span.begin = b;
      span.end = e;
      span.encoding = Encoding::kPercent;
      if (DecodePercent(s, &span.text)) out->push_back(std::move(span));
    }
    pos = e + 1;
  }
}

// One run of the base64 alphabet, text[b, e), possibly a hex run or the
// first line of base64 wrapped at a fixed width.
void DecodeRun(std::string_view text, size_t b, size_t e,
               const SpanLimits& limits, std::vector<DecodedSpan>* out,
               size_t* resume) {
  // Padding belongs to the run.
  size_t pe = e;
  while (pe < text.size() && pe - e < 2 && text[pe] == '=') ++pe;
  std::string_view run = text.substr(b, e - b);
  bool all_hex = true, std_chars = false, url_chars = false;
  bool upper = false, lower = false;
  for (char c : run) {
    uint8_t k = Cls(c);
    all_hex = all_hex && (k & kHex);
    std_chars = std_chars || (k & kB64Std);
    url_chars = url_chars || (k & kB64Url);
    upper = upper || (c >= 'A' && c <= 'Z');
    lower = lower || (c >= 'a' && c <= 'z');
  }
  DecodedSpan span;
  span.begin = b;
  span.end = pe;
  if (all_hex) {
    if (run.size() % 2 != 0 || run.size() < 2 * limits.min_length) return;
    TextBytes head;  // hashes fail in the first bytes, before any allocation
    for (size_t k = 0; k < 16; k += 2) {
      if (!head.Check(HexValue(run[k]) * 16 + HexValue(run[k + 1]))) return;
    }
    span.encoding = Encoding::kHex;
    if (DecodeHex(run, &span.text)) out->push_back(std::move(span));
    return;
  }
  if (std_chars && url_chars) return;  // a path or an identifier
  // Base64 of text has both cases (the first character of each group
  // encodes an ASCII byte's top bits as I-Z or a-f): not CONSTANT_NAMES.
  if (!upper || !lower) return;
  if (run[0] == '/' || run[0] == '+') return;
  bool url = url_chars;
  if (!Base64HeadIsText(run, url)) return;
  span.encoding = url ? Encoding::kBase64Url : Encoding::kBase64;
  // Base64 wrapped at a fixed width (the `base64` tool's 76, PEM's 64):
  // full lines of the same length, each a multiple of 4, are joined.
  std::string joined;
  size_t width = run.size();
  if (!url && pe == e && width >= 40 && width <= 120 && width % 4 == 0 &&
      e < text.size() && text[e] == '\n') {
    joined.assign(run);
    size_t next = e + 1;
    for (;;) {
      size_t k = next;
      while (k < text.size() && (Cls(text[k]) & (kB64 | kB64Std))) ++k;
      size_t kp = k;
      while (kp < text.size() && kp - k < 2 && text[kp] == '=') ++kp;
      size_t len = k - next;
      if (len == 0 || len > width || joined.size() + len > limits.max_length)
        break;
      bool full = len == width && kp == k && k < text.size() && text[k] == '\n';
      joined.append(text.substr(next, kp - next));
      span.end = kp;
      if (!full) break;
      next = k + 1;
    }
  }
  std::string_view input = joined.empty() ? text.substr(b, pe - b) : joined;
  if (DecodeBase64(input, url, &span.text)) {
    *resume = std::max(*resume, span.end);
    out->push_back(std::move(span));
  }
}

#ifdef __SSE2__
// Bit i set when p[i] is a letter, a digit, `+` or `/` (16 bytes).
inline unsigned AlphabetMask16(const char* p, bool url_chars = false) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // Bytes >= 0x80 are negative: no signed range below takes them.
  __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
  __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                 _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
  __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
  // `-` and `_` do not start a look: an 8-byte block of base64url text
  // without them is likely, one of identifiers (`__GLIBC_USE`) and rules
  // (`--------`) is not.
  __m128i sym = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('+')),
                             _mm_cmpeq_epi8(v, _mm_set1_epi8('/')));
  if (url_chars) {
    sym =
        _mm_or_si128(sym, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')),
                                       _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))));
  }
  return _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digit), sym));
}
#endif

void FindBase64Runs(std::string_view text, const SpanLimits& limits,
                    std::vector<DecodedSpan>* out) {
  const size_t step = std::max<size_t>(limits.min_length, 4);
  const uint8_t run_class = kB64 | kB64Std | kB64Url;
  size_t floor = 0;  // runs start at or after this
  // The run holding text[p], if long enough: decoded; returns where the
  // search goes on.
  auto run_at = [&](size_t p) {
    size_t b = p, e = p + 1;
#ifdef __SSE2__
    // 16 bytes at a time while the run goes on.
    while (e + 16 <= text.size()) {
      unsigned m = AlphabetMask16(text.data() + e, true);
      if (m != 0xFFFF) {
        e += __builtin_ctz(~m);
        break;
      }
      e += 16;
    }
    while (b >= floor + 16) {
      unsigned m = AlphabetMask16(text.data() + b - 16, true);
      if (m != 0xFFFF) {
        b -= __builtin_clz((~m & 0xFFFF) << 16);
        break;
      }
      b -= 16;
    }
#endif
    while (b > floor && (Cls(text[b - 1]) & run_class)) --b;
    while (e < text.size() && (Cls(text[e]) & run_class)) ++e;
    size_t resume = e;
    if (e - b >= step && e - b <= limits.max_length) {
      DecodeRun(text, b, e, limits, out, &resume);
    }
    floor = resume;
    return resume;
  };
  size_t p = step - 1;
#ifdef __SSE2__
  // 64 bytes classified at a time; bit j of `r` says bytes j..j+15 are all
  // of the alphabet. A run of 16 starting in the first 49 bytes of a window
  // lies in it, so windows step by 49 when they hold none.
  if (step == 16) {
    size_t i = 0;
    while (i + 64 <= text.size()) {
      const char* q = text.data() + i;
      uint64_t m = uint64_t{AlphabetMask16(q)} |
                   uint64_t{AlphabetMask16(q + 16)} << 16 |
                   uint64_t{AlphabetMask16(q + 32)} << 32 |
                   uint64_t{AlphabetMask16(q + 48)} << 48;
      uint64_t r = m & (m >> 1);
      r &= r >> 2;
      r &= r >> 4;
      r &= r >> 8;
      r &= (uint64_t{1} << 49) - 1;
      if (r == 0) {
        i += 49;
        continue;
      }
      size_t at = i + __builtin_ctzll(r);
      i = std::max(at + 1, run_at(std::max(at, floor)));
    }
    p = std::max(floor, i) + step - 1;
  }
#endif
  while (p < text.size()) {
    if (!(Cls(text[p]) & run_class)) {
      p += step;
      continue;
    }
    p = run_at(p) + step;
  }
}

}  // namespace

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kJsonEscape:
      return "json-escape";
    case Encoding::kPercent:
      return "percent";
    case Encoding::kBase64:
      return "base64";
    case Encoding::kBase64Url:
      return "base64url";
    case Encoding::kHex:
      return "hex";
  }
  return "";
}

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
  for (size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (++i >= s.size()) return false;
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

void FindEncodedSpans(std::string_view text, const SpanLimits& limits,
                      uint64_t* budget, bool* budget_hit,
                      std::vector<DecodedSpan>* out) {
  std::vector<DecodedSpan> found;
  FindEscapedStrings(text, limits, &found);
  FindPercentEncoded(text, limits, &found);
  FindBase64Runs(text, limits, &found);
  if (found.empty()) return;
  // Outer spans win: a base64 run inside an escaped string is decoded
  // from the string's decoded text (depth 2), not twice.
  std::stable_sort(found.begin(), found.end(),
                   [](const DecodedSpan& a, const DecodedSpan& b) {
                     return a.begin != b.begin ? a.begin < b.begin
                                               : a.end > b.end;
                   });
  size_t covered = 0;
  for (DecodedSpan& s : found) {
    if (s.begin < covered) continue;
    if (s.text.size() > *budget) {
      *budget_hit = true;
      return;
    }
    *budget -= s.text.size();
    covered = s.end;
    out->push_back(std::move(s));
  }
}

}  // namespace keyward

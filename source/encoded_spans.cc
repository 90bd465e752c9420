// Encoded spans: finding and decoding them (source/encoded_spans.h).
#include "source/encoded_spans.h"

#include <algorithm>
#include <array>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "source/span_simd.h"
#include "source/text_bytes.h"

namespace keyward {
namespace {

using text_bytes::Base64Value;
using text_bytes::Cls;
using text_bytes::HexValue;
using text_bytes::kB64;
using text_bytes::kB64Std;
using text_bytes::kB64Url;
using text_bytes::kHex;
using text_bytes::kUrl;
using text_bytes::TextBytes;

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
// The first position in [from, to) holding `a`, `b` or `c`; `to` if none.
size_t FindAny(std::string_view text, size_t from, size_t to, char a, char b,
               char c) {
  size_t i = from;
#ifdef __SSE2__
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b),
                vc = _mm_set1_epi8(c);
  for (; i + 16 <= to; i += 16) {
    __m128i v =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    unsigned m = _mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                     _mm_cmpeq_epi8(v, vc)));
    if (m != 0) return i + __builtin_ctz(m);
  }
  if (i < to && i + 16 <= text.size()) {
    // The last bytes before `to`, in a load that reads past it (inside
    // `text`) and a mask that drops what is past it.
    __m128i v =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    unsigned m = _mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                     _mm_cmpeq_epi8(v, vc)));
    m &= (1u << (to - i)) - 1;
    return m != 0 ? i + __builtin_ctz(m) : to;
  }
#endif
  for (; i < to; i++) {
    if (text[i] == a || text[i] == b || text[i] == c) return i;
  }
  return to;
}

void EscapedStringsInLine(std::string_view text, size_t from, size_t to,
                          const SpanLimits& limits,
                          std::vector<DecodedSpan>* out) {
  size_t i = from;
  while (i < to) {
    i = FindAny(text, i, to, '"', '\'', '`');
    if (i >= to) break;
    const char q = text[i];
    size_t body = i + 1, j = body;
    bool escaped = false;
    for (;;) {
      j = FindAny(text, j, to, q, '\\', q);
      if (j >= to || text[j] == q) break;
      escaped = true;  // a backslash: skip the character it escapes
      j += 2;
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
    // The line's start: after the last newline before b (at or after pos).
    const void* prev = memrchr(text.data() + pos, '\n', b - pos);
    size_t ls = prev ? static_cast<const char*>(prev) - text.data() + 1 : pos;
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
  // Most runs are words of code (camelCase names): their first characters
  // decode to binary in either alphabet, and nothing else is looked at.
  if (!Base64HeadIsText(run, false) && !Base64HeadIsText(run, true) &&
      !(Cls(run[0]) & kHex)) {
    return;
  }
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
    for (size_t k = 0; k + 1 < run.size() && k < 16; k += 2) {
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
      // The whole line is base64 (a `key: value` line is not a part).
      bool line_ends =
          kp == text.size() || text[kp] == '\n' || text[kp] == '\r';
      if (len == 0 || len > width || !line_ends ||
          joined.size() + len > limits.max_length) {
        break;
      }
      bool full = len == width && kp == k && k < text.size() && text[k] == '\n';
      joined.append(text.substr(next, kp - next));
      span.end = kp;
      if (!full) break;
      next = k + 1;
    }
  }
  if (joined.size() == run.size()) joined.clear();  // nothing joined
  std::string_view input = joined.empty() ? text.substr(b, pe - b) : joined;
  if (DecodeBase64(input, url, &span.text)) {
    *resume = std::max(*resume, span.end);
    out->push_back(std::move(span));
  }
}

void FindBase64Runs(std::string_view text, const SpanLimits& limits,
                    span_simd::NextRunWindowFn next_window,
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
      unsigned m = span_simd::AlphabetMask16(text.data() + e, true);
      if (m != 0xFFFF) {
        e += __builtin_ctz(~m);
        break;
      }
      e += 16;
    }
    while (b >= floor + 16) {
      unsigned m = span_simd::AlphabetMask16(text.data() + b - 16, true);
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
  // 64 bytes classified at a time (span_simd::NextRunWindowSse2); a
  // window's lowest run start is looked at, and the search goes on after
  // the run it is in.
  if (step == 16) {
    size_t i = 0;
    for (;;) {
      uint64_t r;
      i = next_window(text.data(), text.size(), i, &r);
      if (r == 0) break;
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

bool SpanSearchHasAvx2() { return span_simd::NextRunWindowAvx2() != nullptr; }

void FindEncodedSpans(std::string_view text, const SpanLimits& limits,
                      uint64_t* budget, bool* budget_hit,
                      std::vector<DecodedSpan>* out, SpanSimd simd) {
  span_simd::NextRunWindowFn next_window = &span_simd::NextRunWindowSse2;
  if (simd == SpanSimd::kAuto) {
    static const span_simd::NextRunWindowFn avx2 =
        span_simd::NextRunWindowAvx2();
    if (avx2) next_window = avx2;
  }
  std::vector<DecodedSpan> found;
  FindEscapedStrings(text, limits, &found);
  FindPercentEncoded(text, limits, &found);
  FindBase64Runs(text, limits, next_window, &found);
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

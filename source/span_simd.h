// SIMD building blocks of the encoded-string search (internal to
// source/encoded_spans.cc and scanner/scan_encoded.cc): byte-class masks,
// the scan for windows that may hold a base64 or hex run, in SSE2 (x86-64's
// baseline) and, chosen at run time where the CPU has it, AVX2 (both give
// the same results bit for bit: tests/source/encoded_spans_simd_test.cc),
// and a byte count (also the matcher's line numbers).
#ifndef KEYWARD_SOURCE_SPAN_SIMD_H_
#define KEYWARD_SOURCE_SPAN_SIMD_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace keyward::span_simd {

#ifdef __SSE2__
// Bit i set when p[i] is a letter, a digit, `+` or `/` (16 bytes), with
// `url_chars` also `-` or `_`.
inline unsigned AlphabetMask16(const char* p, bool url_chars) {
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

// How many bytes of `s` are `c`: what std::count gives, 7x faster (it
// widened each byte's compare to 64 bits). Also the matcher's line count
// (scanner/match_resolve.cc, LineTracker).
inline size_t CountByte(std::string_view s, char c) {
  size_t n = 0, i = 0;
#ifdef __SSE2__
  const __m128i want = _mm_set1_epi8(c), zero = _mm_setzero_si128();
  auto add = [&](__m128i counts) {  // 16 byte counters, summed
    __m128i sums = _mm_sad_epu8(counts, zero);
    n += static_cast<size_t>(_mm_cvtsi128_si64(sums)) +
         static_cast<size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  };
  while (i + 16 <= s.size()) {
    // Up to 255 blocks per byte counter before it is summed.
    __m128i counts = zero;
    for (int k = 0; k < 255 && i + 16 <= s.size(); k++, i += 16) {
      __m128i v =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(v, want));
    }
    add(counts);
  }
#endif
  for (; i < s.size(); i++) n += s[i] == c;
  return n;
}

// The windows of 64 bytes, starting at `i` and stepping by 49, that
// FindBase64Runs looks at: the first whose bit mask of 16-byte run starts
// `r` is not zero is returned (its start; *r set), or the first start past
// `size - 64` (*r = 0). Bit j of r: text[w+j .. w+j+15] are all letters,
// digits, `+` or `/` (j < 49), and hold both cases or are all hex digits.
using NextRunWindowFn = size_t (*)(const char* text, size_t size, size_t i,
                                   uint64_t* r);
size_t NextRunWindowSse2(const char* text, size_t size, size_t i, uint64_t* r);
// Null when the CPU (or the build) has no AVX2.
NextRunWindowFn NextRunWindowAvx2();

}  // namespace keyward::span_simd

#endif  // KEYWARD_SOURCE_SPAN_SIMD_H_

// SSE2 and AVX2 byte classes for the encoded-string search
// (source/span_simd.h).
#include "source/span_simd.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KEYWARD_SPAN_AVX2 1
#include <immintrin.h>
#endif

namespace keyward::span_simd {
namespace {

// Keeps bit j of `m` when bits j..j+15 are all set (j < 49): the 16-byte
// runs that start in the first 49 bytes of a 64-byte window lie in it.
inline uint64_t RunStarts(uint64_t m) {
  uint64_t r = m & (m >> 1);
  r &= r >> 2;
  r &= r >> 4;
  r &= r >> 8;
  return r & ((uint64_t{1} << 49) - 1);
}

// Drops the run starts of `r` whose 16 bytes are neither of both cases nor
// all hex digits: base64 of text has both cases in any 16 characters, hex
// only hex digits, `__CONSTANT_NAMES`, `-------` or snake_case neither.
inline uint64_t KeepTextLike(uint64_t r, uint64_t up, uint64_t lo,
                             uint64_t hex) {
  while (r != 0) {
    uint64_t win = uint64_t{0xFFFF} << __builtin_ctzll(r);
    if (((up & win) && (lo & win)) || (hex & win) == win) break;
    r &= r - 1;
  }
  return r;
}

}  // namespace

#ifdef __SSE2__
namespace {

inline unsigned RangeMask16(const char* p, char lo, char hi) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return _mm_movemask_epi8(
      _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(lo - 1)),
                    _mm_cmplt_epi8(v, _mm_set1_epi8(hi + 1))));
}
// Bit i set when p[i] is in [lo, hi] (64 bytes; ASCII bounds).
inline uint64_t RangeMask64(const char* p, char lo, char hi) {
  return uint64_t{RangeMask16(p, lo, hi)} |
         uint64_t{RangeMask16(p + 16, lo, hi)} << 16 |
         uint64_t{RangeMask16(p + 32, lo, hi)} << 32 |
         uint64_t{RangeMask16(p + 48, lo, hi)} << 48;
}

}  // namespace

size_t NextRunWindowSse2(const char* text, size_t size, size_t i, uint64_t* r) {
  for (; i + 64 <= size; i += 49) {
    const char* q = text + i;
    uint64_t m = uint64_t{AlphabetMask16(q, false)} |
                 uint64_t{AlphabetMask16(q + 16, false)} << 16 |
                 uint64_t{AlphabetMask16(q + 32, false)} << 32 |
                 uint64_t{AlphabetMask16(q + 48, false)} << 48;
    uint64_t starts = RunStarts(m);
    if (starts == 0) continue;
    uint64_t hex = RangeMask64(q, '0', '9') | RangeMask64(q, 'a', 'f') |
                   RangeMask64(q, 'A', 'F');
    starts = KeepTextLike(starts, RangeMask64(q, 'A', 'Z'),
                          RangeMask64(q, 'a', 'z'), hex);
    if (starts != 0) {
      *r = starts;
      return i;
    }
  }
  *r = 0;
  return i;
}
#else
size_t NextRunWindowSse2(const char*, size_t, size_t i, uint64_t* r) {
  *r = 0;
  return i;
}
#endif

#ifdef KEYWARD_SPAN_AVX2
namespace {

// 32 bytes classified by two table lookups, one per nibble: bit k of
// kLow[lo] & kHigh[hi] set means the byte is in class k, and the classes
// together are [A-Za-z0-9+/]: 0x2B `+` and 0x2F `/` (bit 0), 0x30-0x39
// (bit 1), 0x41-0x4F and 0x61-0x6F (bit 2), 0x50-0x5A and 0x70-0x7A
// (bit 3). Bytes >= 0x80 have a high nibble >= 8: in no class.
__attribute__((target("avx2"))) inline uint32_t AlphabetMask32Avx2(
    const char* p) {
  const __m256i low = _mm256_setr_epi8(  //
      2 | 8, 2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8,
      2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8, 4 | 8, 1 | 4, 4, 4, 4, 1 | 4,  //
      2 | 8, 2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8,
      2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8, 4 | 8, 1 | 4, 4, 4, 4, 1 | 4);
  const __m256i high = _mm256_setr_epi8(               //
      0, 0, 1, 2, 4, 8, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0,  //
      0, 0, 1, 2, 4, 8, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  __m256i lo = _mm256_and_si256(v, nibble);
  __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
  __m256i cls = _mm256_and_si256(_mm256_shuffle_epi8(low, lo),
                                 _mm256_shuffle_epi8(high, hi));
  return ~static_cast<uint32_t>(
      _mm256_movemask_epi8(_mm256_cmpeq_epi8(cls, _mm256_setzero_si256())));
}

__attribute__((target("avx2"))) inline uint32_t RangeMask32Avx2(__m256i v,
                                                                char lo,
                                                                char hi) {
  return static_cast<uint32_t>(_mm256_movemask_epi8(
      _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8(lo - 1)),
                       _mm256_cmpgt_epi8(_mm256_set1_epi8(hi + 1), v))));
}

__attribute__((target("avx2"))) inline uint64_t RangeMask64Avx2(const char* p,
                                                                char lo,
                                                                char hi) {
  __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
  return uint64_t{RangeMask32Avx2(a, lo, hi)} |
         uint64_t{RangeMask32Avx2(b, lo, hi)} << 32;
}

__attribute__((target("avx2"))) size_t NextRunWindowAvx2Impl(const char* text,
                                                             size_t size,
                                                             size_t i,
                                                             uint64_t* r) {
  for (; i + 64 <= size; i += 49) {
    const char* q = text + i;
    uint64_t m = uint64_t{AlphabetMask32Avx2(q)} |
                 uint64_t{AlphabetMask32Avx2(q + 32)} << 32;
    uint64_t starts = RunStarts(m);
    if (starts == 0) continue;
    uint64_t hex = RangeMask64Avx2(q, '0', '9') | RangeMask64Avx2(q, 'a', 'f') |
                   RangeMask64Avx2(q, 'A', 'F');
    starts = KeepTextLike(starts, RangeMask64Avx2(q, 'A', 'Z'),
                          RangeMask64Avx2(q, 'a', 'z'), hex);
    if (starts != 0) {
      *r = starts;
      return i;
    }
  }
  *r = 0;
  return i;
}

}  // namespace

NextRunWindowFn NextRunWindowAvx2() {
  static const bool have = __builtin_cpu_supports("avx2");
  return have ? &NextRunWindowAvx2Impl : nullptr;
}
#else
NextRunWindowFn NextRunWindowAvx2() { return nullptr; }
#endif

}  // namespace keyward::span_simd

// Encoded strings (internal): spans of a text that hold other text in an
// encoding (JSON/JS string escapes, percent-encoding, base64, base64url,
// hex), found cheaply and decoded within a budget. The scan worker scans
// what they decode to (scanner/scan_encoded.cc).
//
// Candidates are found without looking at every byte where possible:
// escapes only in lines that hold a backslash (memchr), percent-encoding
// only around a `%XX` (memchr), base64/hex only in runs of their alphabet
// of at least `min_length` characters (probing one byte in every
// `min_length`). A span counts only when it decodes to text: printable
// ASCII, tabs, newlines and valid UTF-8; binary (images, fonts, DER
// certificates, hashes) is dropped at its first non-text byte.
#ifndef KEYWARD_SOURCE_ENCODED_SPANS_H_
#define KEYWARD_SOURCE_ENCODED_SPANS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keyward {

enum class Encoding { kJsonEscape, kPercent, kBase64, kBase64Url, kHex };
// "json-escape", "percent", "base64", "base64url", "hex".
const char* EncodingName(Encoding e);

struct DecodedSpan {
  size_t begin = 0, end = 0;  // the encoded bytes: text[begin, end)
  Encoding encoding = Encoding::kBase64;
  std::string text;  // what they decode to
};

struct SpanLimits {
  // Base64/base64url runs shorter than this are not decoded; hex runs need
  // twice as many characters, escaped and percent-encoded strings as many.
  size_t min_length = 16;
  // Longer runs are not decoded (a data URI of a large image).
  size_t max_length = 1 << 20;
};

// The instructions the search uses: kAuto takes AVX2 where the CPU has it
// (checked once at run time), kPortable only SSE2 (x86-64's baseline) or
// plain C++. Both find the same spans; tests compare them.
enum class SpanSimd { kAuto, kPortable };
// Whether kAuto uses AVX2 on this CPU.
bool SpanSearchHasAvx2();

// Appends the spans of `text` that decode to text, in order of `begin`,
// until the decoded bytes appended reach `*budget` (which is decreased by
// each span's size; a span that does not fit sets `*budget_hit` and ends
// the search). Spans do not overlap.
void FindEncodedSpans(std::string_view text, const SpanLimits& limits,
                      uint64_t* budget, bool* budget_hit,
                      std::vector<DecodedSpan>* out,
                      SpanSimd simd = SpanSimd::kAuto);

// The decoders, exposed for tests. Each returns false (and leaves `out` in
// an unspecified state) when the input is not valid in its encoding or
// does not decode to text.
bool DecodeJsonEscapes(std::string_view s, std::string* out);
bool DecodePercent(std::string_view s, std::string* out);
bool DecodeBase64(std::string_view s, bool url, std::string* out);
bool DecodeHex(std::string_view s, std::string* out);
// Printable ASCII, \t \n \r, and well-formed UTF-8 sequences.
bool IsText(std::string_view s);

}  // namespace keyward

#endif  // KEYWARD_SOURCE_ENCODED_SPANS_H_

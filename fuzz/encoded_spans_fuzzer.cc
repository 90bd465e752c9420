// Encoded strings: any text, any limits and budget, gives spans in order,
// inside the text and not overlapping, each decoding to text, within the
// budget (source/encoded_spans.h). The first two bytes choose the minimum
// run length and the budget, so that short runs and a spent budget are
// reached too.
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "source/encoded_spans.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  keyward::SpanLimits limits;
  limits.min_length = 4 + data[0] % 29;
  limits.max_length = 64 + size_t(data[1]) * 64;
  const uint64_t start_budget = 16 + uint64_t(data[1]) * 16;
  // An exact-size copy: ASan sees a read past the text.
  std::string text(keyward::fuzz::AsText(data + 2, size - 2));
  uint64_t budget = start_budget;
  bool hit = false;
  std::vector<keyward::DecodedSpan> spans;
  keyward::FindEncodedSpans(text, limits, &budget, &hit, &spans);
  uint64_t decoded = 0;
  size_t last_end = 0;
  for (const auto& s : spans) {
    KEYWARD_FUZZ_CHECK(s.begin < s.end);
    KEYWARD_FUZZ_CHECK(s.end <= text.size());
    KEYWARD_FUZZ_CHECK(s.begin >= last_end);
    KEYWARD_FUZZ_CHECK(keyward::IsText(s.text));
    last_end = s.end;
    decoded += s.text.size();
  }
  KEYWARD_FUZZ_CHECK(decoded <= start_budget);
  KEYWARD_FUZZ_CHECK(budget == start_budget - decoded);
  return 0;
}

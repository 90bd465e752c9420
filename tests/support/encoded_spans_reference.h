// The encoded-string search before AVX2, kept for comparison in tests
// (tests/support/encoded_spans_reference.cc).
#ifndef KEYWARD_TESTS_SUPPORT_ENCODED_SPANS_REFERENCE_H_
#define KEYWARD_TESTS_SUPPORT_ENCODED_SPANS_REFERENCE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "source/encoded_spans.h"

namespace keyward::spans_reference {

// What FindEncodedSpans found at main c46fd90 for the same arguments.
void FindEncodedSpansReference(std::string_view text, const SpanLimits& limits,
                               uint64_t* budget, bool* budget_hit,
                               std::vector<DecodedSpan>* out);

}  // namespace keyward::spans_reference

#endif  // KEYWARD_TESTS_SUPPORT_ENCODED_SPANS_REFERENCE_H_

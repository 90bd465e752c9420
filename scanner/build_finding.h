// A confirmed match -> a Finding (internal).
#ifndef KEYWARD_SCANNER_BUILD_FINDING_H_
#define KEYWARD_SCANNER_BUILD_FINDING_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "keyward/finding.h"
#include "keyward/matcher.h"

namespace keyward {

// Converts a confirmed match to a finding (secret, redaction, fingerprint,
// confidence, rule metadata, inline `keyward:allow`). `window` holds the
// match and starts at absolute offset `window_base`.
Finding BuildFinding(const Matcher& matcher, const RuleMatch& m,
                     std::string_view window, uint64_t window_base,
                     const std::string& path);

}  // namespace keyward

#endif  // KEYWARD_SCANNER_BUILD_FINDING_H_

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

// Whether `known`, a finding of a table file's own text, already holds what
// the finding `cell` of one of its table cells reports (source/
// table_cells.h): the same line, and the same secret or overlapping
// columns. Such a cell is reported once (scanner/scan_tables.cc,
// git::AddTableFindings).
bool HoldsTableCell(const Finding& known, const Finding& cell);

}  // namespace keyward

#endif  // KEYWARD_SCANNER_BUILD_FINDING_H_

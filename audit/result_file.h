// The per-target result file (internal; format in keyward/audit.h).
#ifndef KEYWARD_AUDIT_RESULT_FILE_H_
#define KEYWARD_AUDIT_RESULT_FILE_H_

#include <string>

#include "keyward/audit.h"

namespace keyward {

// Version of the result file format.
inline constexpr int kAuditResultVersion = 1;

// The result file's text for one target. `scan.findings` have
// repository-relative paths; timings are kept apart ("seconds") so that
// merged reports never depend on them.
std::string ResultToText(const AuditTarget& target, const std::string& head,
                         const std::string& mode,
                         const std::string& rules_digest,
                         const ScanResult& scan, double seconds);

std::string ResultPath(const std::string& out_dir, const AuditTarget& t);

}  // namespace keyward

#endif  // KEYWARD_AUDIT_RESULT_FILE_H_

// What `keyward scan` prints on stderr after a scan.
#ifndef KEYWARD_CLI_SUMMARY_H_
#define KEYWARD_CLI_SUMMARY_H_

#include <string>

#include "keyward/scan.h"

namespace keyward::cli {

// One-line summary for stderr: "3 findings in 120 files (4.1 MB, 0.05 s)".
std::string SummaryLine(const ScanStats& s);
// --stats block for stderr.
std::string StatsBlock(const ScanStats& s);

}  // namespace keyward::cli

#endif  // KEYWARD_CLI_SUMMARY_H_

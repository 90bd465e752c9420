// Paths as reports for code-scanning platforms name them (internal to
// report/): relative to the repository root when one is given
// (ReportOptions::sarif_root, --sarif-root), whatever the working directory.
#ifndef KEYWARD_REPORT_PATHS_H_
#define KEYWARD_REPORT_PATHS_H_

#include <string>

#include "keyward/report.h"

namespace keyward {

// Standard input's pseudo-path ("-" or "<stdin>").
bool IsStdinPath(const std::string& path);

// `path` relative to opts.sarif_root when it lies below it (a relative
// `path` is taken relative to opts.path_base), without a leading "./";
// otherwise `path` as it is (an absolute path outside the root stays
// absolute).
std::string RootRelativePath(const std::string& path,
                             const ReportOptions& opts);

}  // namespace keyward

#endif  // KEYWARD_REPORT_PATHS_H_

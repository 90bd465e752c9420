// Paths as code-scanning reports name them (report/paths.h).
#include "report/paths.h"

#include <filesystem>

namespace keyward {

bool IsStdinPath(const std::string& path) {
  return path == "-" || path == "<stdin>";
}

std::string RootRelativePath(const std::string& path,
                             const ReportOptions& opts) {
  if (IsStdinPath(path)) return path;
  std::string out = path;
  if (!opts.sarif_root.empty()) {
    namespace fs = std::filesystem;
    fs::path abs = fs::path(path).is_absolute()
                       ? fs::path(path)
                       : fs::path(opts.path_base) / path;
    fs::path root = fs::path(opts.sarif_root).lexically_normal();
    if (!root.has_filename()) root = root.parent_path();  // "a/b/" -> "a/b"
    fs::path rel = abs.lexically_normal().lexically_relative(root);
    if (!rel.empty() && *rel.begin() != ".." && rel != ".") {
      out = rel.generic_string();
    }
  }
  if (out.empty() || out[0] == '/') return out;
  while (out.rfind("./", 0) == 0) out.erase(0, 2);
  return out;
}

}  // namespace keyward

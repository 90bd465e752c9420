// The report files a scan is about to write (ScanOptions::outputs), so that
// none of them is read as an input (internal).
#ifndef KEYWARD_SOURCE_OUTPUT_FILES_H_
#define KEYWARD_SOURCE_OUTPUT_FILES_H_

#include <stdlib.h>
#include <sys/stat.h>

#include <mutex>
#include <string>
#include <vector>

#include "keyward/status.h"

namespace keyward {

// The report files of ScanOptions::outputs, by device and inode (so a hard
// link or a symlink to one is recognised), and the first one met.
class OutputFiles {
 public:
  explicit OutputFiles(const std::vector<std::string>& paths) {
    for (const auto& p : paths) {
      struct stat st;
      if (p != "-" && stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        ids_.push_back({st.st_dev, st.st_ino, RealPath(p)});
      }
    }
  }
  // Same file (device and inode; stdin redirected from a report).
  bool IsOutput(const struct stat& st) const {
    for (const auto& id : ids_) {
      if (id.dev == st.st_dev && id.ino == st.st_ino) return true;
    }
    return false;
  }
  // Same directory entry: `path` is where a report will be renamed to. A
  // hard link elsewhere is not: the atomic rename leaves its content alone.
  bool IsOutputPath(const struct stat& st, const std::string& path) const {
    if (!IsOutput(st)) return false;
    std::string real = RealPath(path);
    for (const auto& id : ids_) {
      if (!real.empty() && id.path == real) return true;
    }
    return false;
  }
  void Found(const std::string& scanned_as) {
    std::lock_guard<std::mutex> lock(mu_);
    if (found_.empty()) found_ = scanned_as;
  }
  // kInvalidArgument naming the file when the scan met an output.
  Status status() const {
    if (found_.empty()) return Status::OK();
    return Status::InvalidArgument(
        found_ +
        " is scanned and is also where the report is to be written; write "
        "the report outside the scanned paths (or exclude it)");
  }

 private:
  static std::string RealPath(const std::string& p) {
    char* r = realpath(p.c_str(), nullptr);
    if (!r) return "";
    std::string out = r;
    free(r);
    return out;
  }
  struct Id {
    dev_t dev;
    ino_t ino;
    std::string path;  // realpath
  };
  std::vector<Id> ids_;
  std::mutex mu_;
  std::string found_;
};

}  // namespace keyward

#endif  // KEYWARD_SOURCE_OUTPUT_FILES_H_

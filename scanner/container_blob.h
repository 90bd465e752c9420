// Archives, compressed data and PDFs held in memory, scanned as a file would be
// (internal): for git blobs (git/blob_scan.cc), which are never files.
#ifndef KEYWARD_SCANNER_CONTAINER_BLOB_H_
#define KEYWARD_SCANNER_CONTAINER_BLOB_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "keyward/scan.h"

namespace keyward {

// True when `data` starts like an archive (ScanOptions::archives), a
// compressed stream (ScanOptions::decompress) or a PDF
// (ScanOptions::documents) that `scanner` opens.
bool IsContainerBlob(const Scanner& scanner, std::string_view data);

// Scans the container `data` as the file `path` would be scanned: findings
// at "path!entry" (a PDF's at "path!page-N"; `path` for a compressed text)
// are appended to `out`,
// counts added to `stats`, limits and unreadable entries told to `warn`.
// Thread-safe for distinct outputs (a worker of its own per call).
void ScanContainerBlob(const Scanner& scanner, std::string_view data,
                       const std::string& path,
                       const std::function<void(const std::string&)>& warn,
                       std::vector<Finding>* out, ScanStats* stats);

}  // namespace keyward

#endif  // KEYWARD_SCANNER_CONTAINER_BLOB_H_

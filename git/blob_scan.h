// Reads blobs from a repository's object database in worker threads and
// scans each one with the Scanner. The one place that knows both libgit2
// objects and the matcher (a "scan worker" per thread).
#ifndef KEYWARD_GIT_BLOB_SCAN_H_
#define KEYWARD_GIT_BLOB_SCAN_H_

#include <git2.h>

#include <string>
#include <vector>

#include "keyward/finding.h"
#include "keyward/scan.h"

namespace keyward::git {

struct BlobFinding {
  size_t blob;      // index into the `blobs` argument of ScanBlobs
  Finding finding;  // path: the blob id (callers set the real path)
};

// Scans `blobs` with `threads` workers, each with its own repository handle
// opened at `git_dir`. Unreadable or corrupt objects and non-blob ids are
// warned about (naming the id) and counted; binary blobs are skipped. Memory:
// one blob per worker at a time. Findings come back in no particular order.
ScanStats ScanBlobs(const Scanner& scanner, const std::string& git_dir,
                    const std::vector<git_oid>& blobs, int threads,
                    std::vector<BlobFinding>* found);

}  // namespace keyward::git

#endif  // KEYWARD_GIT_BLOB_SCAN_H_

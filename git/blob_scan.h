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

// Scans `blobs` with `threads` workers. Blobs in packs are decoded in pack
// order, one delta tree per worker at a time (PackReader); the rest (loose
// objects, packs the reader cannot use, corrupt entries) is read one by one
// through libgit2 from `git_dir`. Unreadable or corrupt objects and non-blob
// ids are warned about (naming the id) and counted; binary blobs are skipped.
// Memory: per worker, the delta chain being decoded (depth x blob size).
// Findings come back in no particular order.
ScanStats ScanBlobs(const Scanner& scanner, const std::string& git_dir,
                    const std::vector<git_oid>& blobs, int threads,
                    std::vector<BlobFinding>* found);

}  // namespace keyward::git

#endif  // KEYWARD_GIT_BLOB_SCAN_H_

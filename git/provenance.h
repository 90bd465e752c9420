// Provenance for blobs that have findings: the oldest commit holding each
// blob, the path it has there, and how many commits hold it.
//
// Answering "which commits contain blob X" for a handful of target blobs
// costs one walk over the distinct trees: each tree's set of contained
// targets is memoized by tree id, so a commit costs one map lookup of its
// root tree. Nothing here runs when a scan finds nothing.
#ifndef KEYWARD_GIT_PROVENANCE_H_
#define KEYWARD_GIT_PROVENANCE_H_

#include <git2.h>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "git/blob_scan.h"
#include "git/repo.h"

namespace keyward::git {

// A commit and its root tree, as listed by a revision walk.
struct CommitRef {
  git_oid commit;
  git_oid tree;
};

struct BlobProvenance {
  std::string path;                // "" when no listed commit holds the blob
  size_t first_commit = SIZE_MAX;  // index into `commits`
  int commit_count = 0;
};

// Which targets each tree contains. Not thread-safe; borrows `repo`.
class TreeIndex {
 public:
  TreeIndex(git_repository* repo, const std::vector<git_oid>& targets,
            std::function<void(const std::string&)> warn);

  // Sorted indices of the targets contained in `tree` at any depth.
  const std::vector<uint32_t>& TargetsIn(const git_oid& tree);
  // The first path (in tree order) of target `t` inside `tree`; "" if none.
  std::string PathIn(const git_oid& tree, uint32_t t);

 private:
  git_repository* repo_;
  std::unordered_map<git_oid, uint32_t, OidHash, OidEq> target_index_;
  std::unordered_map<git_oid, std::vector<uint32_t>, OidHash, OidEq> memo_;
  std::function<void(const std::string&)> warn_;
};

// `commits` must be oldest first; the first commit holding a target is its
// introducing commit.
std::vector<BlobProvenance> LocateBlobs(
    git_repository* repo, const std::vector<CommitRef>& commits,
    const std::vector<git_oid>& targets,
    std::function<void(const std::string&)> warn);

// Turns blob findings into findings with paths and Finding::git filled from
// LocateBlobs over `commits`. A blob no listed commit holds (a dangling blob)
// keeps its id as path and has no commit.
std::vector<Finding> AttachProvenance(
    git_repository* repo, const std::vector<CommitRef>& commits,
    const std::vector<git_oid>& blobs, std::vector<BlobFinding> found,
    std::function<void(const std::string&)> warn);

}  // namespace keyward::git

#endif  // KEYWARD_GIT_PROVENANCE_H_

// Provenance for blobs that have findings: the oldest commit holding each
// blob, the path it has there, and how many commits hold it.
//
// Answering "which commits contain blob X" for a handful of target blobs
// costs one walk over the distinct trees: each tree's set of contained
// targets is memoized by tree id, so a commit costs one map lookup of its
// root tree. When the caller has already walked every tree (a full-history
// enumeration records a TreeGraph), the walk reads no tree again: only the
// trees on each target's path are opened, for their entry names. Nothing
// here runs when a scan finds nothing.
#ifndef KEYWARD_GIT_PROVENANCE_H_
#define KEYWARD_GIT_PROVENANCE_H_

#include <git2.h>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "git/blob_scan.h"
#include "git/flat_map.h"
#include "git/repo.h"

namespace keyward::git {

// A commit and its root tree, as listed by a revision walk.
struct CommitRef {
  git_oid commit;
  git_oid tree;
};

// The distinct trees an enumeration opened and their entries, as indices:
// enough to answer "which blobs does this tree hold" without reading it
// again. Costs ~100 bytes per tree (id, ranges, index slot) plus 4 per
// entry.
struct TreeGraph {
  struct Node {
    uint32_t tree_begin = 0, tree_end = 0;  // range of tree_edges
    uint32_t blob_begin = 0, blob_end = 0;  // range of blob_edges
  };
  OidMap index;                      // id -> node
  std::vector<git_oid> ids;          // node -> tree id
  std::vector<Node> nodes;           // empty ranges for unreadable trees
  std::vector<uint32_t> tree_edges;  // child nodes
  std::vector<uint32_t> blob_edges;  // indices into the enumeration's blobs

  // The node of `id`, added (unexpanded) if new; `*added` says which.
  uint32_t NodeFor(const git_oid& id, bool* added);
};

struct BlobProvenance {
  std::string path;                // "" when no listed commit holds the blob
  size_t first_commit = SIZE_MAX;  // index into `commits`
  int commit_count = 0;
};

// Which targets each tree contains. Not thread-safe; borrows `repo` and
// `graph`. With a graph, `target_blobs` are the targets' indices into the
// enumeration's blobs, and trees the graph knows are not read again.
class TreeIndex {
 public:
  TreeIndex(git_repository* repo, const std::vector<git_oid>& targets,
            std::function<void(const std::string&)> warn,
            const TreeGraph* graph = nullptr,
            const std::vector<uint32_t>& target_blobs = {});

  // Sorted indices of the targets contained in `tree` at any depth.
  const std::vector<uint32_t>& TargetsIn(const git_oid& tree);
  // The first path (in tree order) of target `t` inside `tree`; "" if none.
  std::string PathIn(const git_oid& tree, uint32_t t);

 private:
  git_repository* repo_;
  std::unordered_map<git_oid, uint32_t, OidHash, OidEq> target_index_;
  std::unordered_map<git_oid, std::vector<uint32_t>, OidHash, OidEq> memo_;
  std::function<void(const std::string&)> warn_;
  const TreeGraph* graph_;
  static constexpr uint32_t kNoTarget = ~uint32_t{0};
  std::vector<uint32_t> target_of_blob_;          // graph mode: by blob index
  std::vector<std::vector<uint32_t>> node_memo_;  // graph mode
  std::vector<bool> node_done_;                   // graph mode

  const std::vector<uint32_t>& NodeTargets(uint32_t node);
};

// `commits` must be oldest first; the first commit holding a target is its
// introducing commit.
std::vector<BlobProvenance> LocateBlobs(
    git_repository* repo, const std::vector<CommitRef>& commits,
    const std::vector<git_oid>& targets,
    std::function<void(const std::string&)> warn,
    const TreeGraph* graph = nullptr,
    const std::vector<uint32_t>& target_blobs = {});

// Turns blob findings into findings with paths and Finding::git filled from
// LocateBlobs over `commits`. A blob no listed commit holds (a dangling blob)
// keeps its id as path and has no commit. `graph`, when given, is the tree
// graph of the enumeration that produced `blobs`.
std::vector<Finding> AttachProvenance(
    git_repository* repo, const std::vector<CommitRef>& commits,
    const std::vector<git_oid>& blobs, std::vector<BlobFinding> found,
    std::function<void(const std::string&)> warn,
    const TreeGraph* graph = nullptr);

}  // namespace keyward::git

#endif  // KEYWARD_GIT_PROVENANCE_H_

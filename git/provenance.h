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
#include "git/numbers.h"
#include "git/repo.h"

namespace keyward::git {

// A commit and its root tree, as listed by a revision walk.
struct CommitRef {
  git_oid commit;
  git_oid tree;
};

// The distinct trees an enumeration opened and their entries, as indices:
// enough to answer "which blobs does this tree hold" without reading it
// again. Costs ~44-52 bytes per tree (id, range, index slots) plus 3 or 4
// per entry (numbers.h).
struct TreeGraph {
  // A tree's edges are one run of a slice: [begin, mid) its subtrees (child
  // nodes), [mid, end) its blobs (indices into the enumeration's blobs).
  // Slice kOwnSlice is own_edges (trees read through libgit2, and packed
  // trees whose edges do not fit their entries' width); any other is
  // packed_slices[slice]: the packed trees' own entries, rewritten in place
  // by the walk (PackedTrees::MutableSlice), so no entry is held twice.
  static constexpr uint32_t kOwnSlice = UINT32_MAX;
  struct Node {
    uint32_t slice = kOwnSlice;
    uint32_t begin = 0, mid = 0, end = 0;
  };
  std::vector<git_oid> ids;  // node -> tree id
  std::vector<Node> nodes;   // empty ranges for unreadable trees
  NumberSlice own_edges{4};
  std::vector<NumberSlice> packed_slices;

  // The node of `id`, added (unexpanded) if new; `*added` says which.
  uint32_t NodeFor(const git_oid& id, bool* added);
  // The node of `id`, or kAbsent.
  static constexpr uint32_t kAbsent = OidIndex::kAbsent;
  uint32_t Find(const git_oid& id) const { return index_.Find(id, ids); }
  // Makes room for `n` trees without growing again.
  void Reserve(size_t n) { index_.Reserve(n, ids); }
  NumberRun TreeEdges(uint32_t node) const {
    const Node& n = nodes[node];
    return Slice(n).Run(n.begin, n.mid);
  }
  NumberRun BlobEdges(uint32_t node) const {
    const Node& n = nodes[node];
    return Slice(n).Run(n.mid, n.end);
  }

 private:
  const NumberSlice& Slice(const Node& n) const {
    return n.slice == kOwnSlice ? own_edges : packed_slices[n.slice];
  }
  OidIndex index_;  // id -> node (4 bytes a slot; the ids are `ids`)
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

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
#include "git/tree_store.h"

namespace keyward::git {

// A commit and its root tree, as listed by a revision walk.
struct CommitRef {
  git_oid commit;
  git_oid tree;
};

// The trees an enumeration opened and their entries, as indices: enough to
// answer "which blobs does this tree hold" without reading it again. A
// packed tree costs its record (20 bytes) and its entries, as PackedTrees
// stored them (object numbers, most trees as a patch of another: see
// tree_store.h), made into edges as they are read; a tree read through
// libgit2 costs a record in `read` and its edges, 4 bytes each. No tree
// ids: a commit's tree is found by its node in `roots`, a subtree by its
// place among its parent's subtrees.
struct TreeGraph {
  // A read tree's edges are one run of own_edges: [begin, mid) its
  // subtrees (child nodes), [mid, end) its blobs (indices into the
  // enumeration's blobs); slice TreeRun::kUnreadable: none.
  static constexpr uint32_t kOwnSlice = UINT32_MAX;
  static constexpr uint32_t kAbsent = UINT32_MAX;
  using Node = TreeRun;
  // Nodes [0, packed.size()): every packed tree (by object number, as
  // PackedTrees numbers them), whether the walk reached it or not (no root
  // leads to one it did not reach, so its edges are never asked for); then
  // the trees read through libgit2, in `read`.
  TreeStore packed;
  // A packed tree's entries are object numbers: by number, a blob's index
  // (kAbsent for what no reached tree names), and the read node of each
  // subtree number that has no record.
  std::vector<uint32_t> blob_of_number;
  OffsetMap read_of_number;
  std::vector<Node> read;
  NumberSlice own_edges{4};
  // By commit of the enumeration (same order): the node of its tree.
  std::vector<uint32_t> roots;

  size_t node_count() const { return packed.size() + read.size(); }
  const Node& node(uint32_t n) const {
    return n < packed.size() ? packed.record(n) : read[n - packed.size()];
  }
  // Node `n`'s edges: child nodes, then blob indices, in entry order.
  void Edges(uint32_t n, std::vector<uint32_t>* trees,
             std::vector<uint32_t>* blobs) const;
  std::vector<uint32_t> TreeEdges(uint32_t n) const;
  std::vector<uint32_t> BlobEdges(uint32_t n) const;
};

struct BlobProvenance {
  std::string path;                // "" when no listed commit holds the blob
  size_t first_commit = SIZE_MAX;  // index into `commits`
  int commit_count = 0;
};

// Which targets each tree contains. Not thread-safe; borrows `repo` and
// `graph`. With a graph, `target_blobs` are the targets' indices into the
// enumeration's blobs, and a tree whose node is given is not read again
// (only the trees on a target's path are, for their names).
class TreeIndex {
 public:
  TreeIndex(git_repository* repo, const std::vector<git_oid>& targets,
            std::function<void(const std::string&)> warn,
            const TreeGraph* graph = nullptr,
            const std::vector<uint32_t>& target_blobs = {});

  // Sorted indices of the targets contained in `tree` at any depth. `node`:
  // the tree's node in the graph (TreeGraph::roots), or kAbsent.
  const std::vector<uint32_t>& TargetsIn(const git_oid& tree,
                                         uint32_t node = TreeGraph::kAbsent);
  // The first path (in tree order) of target `t` inside `tree`; "" if none.
  std::string PathIn(const git_oid& tree, uint32_t t,
                     uint32_t node = TreeGraph::kAbsent);

 private:
  git_repository* repo_;
  std::unordered_map<git_oid, uint32_t, OidHash, OidEq> target_index_;
  std::unordered_map<git_oid, std::vector<uint32_t>, OidHash, OidEq> memo_;
  std::function<void(const std::string&)> warn_;
  const TreeGraph* graph_;
  static constexpr uint32_t kNoTarget = ~uint32_t{0};
  // Graph mode: by blob index, its target; by node, its targets (an index
  // into node_sets_, 0 for none, kNotDone before it is known: 4 bytes a
  // tree, where most hold no target).
  std::vector<uint32_t> target_of_blob_;
  static constexpr uint32_t kNotDone = ~uint32_t{0};
  std::vector<uint32_t> node_set_;
  std::vector<std::vector<uint32_t>> node_sets_{1};

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

// Drops findings of file-format rules (Rule::paths) whose path, as
// provenance gave it, is not of the rule's format: blobs scanned before their
// paths were known ran those rules on content of any file.
void DropOutOfScope(const std::vector<Rule>& rules,
                    std::vector<Finding>* findings);

}  // namespace keyward::git

#endif  // KEYWARD_GIT_PROVENANCE_H_

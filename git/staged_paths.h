// Which paths the index may have changed against HEAD (internal, for
// `scan --staged`), found without reading every tree of HEAD.
//
// libgit2's index-to-tree diff reads every tree HEAD has: in a repository of
// 10,000 files in 1,100 directories that was most of a pre-commit run (1,100
// loose objects opened and inflated, ~20 ms). git itself does not: the
// index's cache tree (its TREE extension, which `git add` keeps valid for
// every directory it did not touch) names each unchanged directory's tree,
// and a directory whose cached tree is HEAD's is skipped whole. This does
// the same: it walks the cache tree beside HEAD, reads only the trees of
// directories that changed, compares their entries with the index's, and
// returns the paths that differ (added, modified, deleted, type or mode
// changed, conflicted). Given to libgit2 as an exact path list, its diff
// then reads only those directories' trees and reports the same deltas the
// whole diff would.
//
//   std::vector<std::string> paths;
//   if (StagedCandidatePaths(repo, index, head_tree, &paths)) {
//     // diff with opts.pathspec = paths, GIT_DIFF_DISABLE_PATHSPEC_MATCH
//   } else {
//     // no usable cache tree: diff everything
//   }
#ifndef KEYWARD_GIT_STAGED_PATHS_H_
#define KEYWARD_GIT_STAGED_PATHS_H_

#include <git2.h>

#include <string>
#include <string_view>
#include <vector>

namespace keyward::git {

// One directory of the index's cache tree. `valid` when git knows the tree
// of the index entries below it (`oid`); a directory `git add` touched since
// is invalid.
struct CacheTreeNode {
  std::string name;  // path component; "" for the root
  bool valid = false;
  git_oid oid{};
  std::vector<CacheTreeNode> children;
};

// Parses the cache tree out of an index file's bytes (versions 2 and 3,
// SHA-1). False when there is none or the index is one this does not read
// (version 4, a split or sparse index, anything malformed): the caller then
// diffs everything.
bool ReadCacheTree(std::string_view index_file, CacheTreeNode* root);

// The paths in which `index` may differ from `head` (null: no commit yet),
// sorted. False when the shortcut does not apply (no usable cache tree, a
// case-insensitive index, an index file that changed since libgit2 read it,
// too many paths for a path list to pay): diff everything then.
bool StagedCandidatePaths(git_repository* repo, git_index* index,
                          git_tree* head, std::vector<std::string>* paths);

}  // namespace keyward::git

#endif  // KEYWARD_GIT_STAGED_PATHS_H_

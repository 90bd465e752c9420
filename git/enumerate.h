// Full-history enumeration for `keyward scan --git`: every commit reachable
// from any ref (oldest first) and every distinct blob their trees hold, each
// once, plus the TreeGraph that provenance walks afterwards.
#ifndef KEYWARD_GIT_ENUMERATE_H_
#define KEYWARD_GIT_ENUMERATE_H_

#include <git2.h>

#include <functional>
#include <string>
#include <vector>

#include "git/pack_reader.h"
#include "git/provenance.h"
#include "keyward/status.h"

namespace keyward::git {

struct Enumeration {
  std::vector<CommitRef> commits;  // oldest first
  std::vector<git_oid> blobs;      // distinct, in order of first sight
  // Trees read from the packs: per blob, its PackReader object number
  // (FindObject) or PackReader::kNoObject; else empty.
  std::vector<uint32_t> blob_objects;
  TreeGraph trees;  // every tree opened, for provenance
  // Indices into `blobs` of the blobs some tree names so that
  // EnumerateOptions::named said yes (ascending); empty without it.
  std::vector<uint32_t> named_blobs;
  // By named blob: the name it was given, or "" when trees give it several.
  std::vector<std::string> named_as;
  // Refs, commits and trees that could not be read (each warned about): the
  // part of the history behind them was not enumerated.
  size_t unreadable = 0;
};

struct EnumerateOptions {
  // Also every commit and blob in the object database, reachable or not.
  bool all_objects = false;
  // Threads decoding packed trees.
  int threads = 1;
  // Read trees from the packs (PackedTrees); false: every tree through
  // git_tree_lookup (the reference the packed path is tested against).
  bool packed_trees = true;
  // The repository's packs, planned with PackReader::PlanAll, when the
  // caller shares one plan with other passes: called (once, after the
  // revision walk) when Enumerate needs them; it may wait for the plan to
  // finish. Null: Enumerate plans its own.
  std::function<const PackReader*()> packs;
  // Called (if set) once the refs' history is walked and libgit2's pack
  // indexes, which that walk maps, are released: before `packs` is called.
  std::function<void()> commits_walked;
  // Called (if set) once the packed trees are loaded, the last use of the
  // plan of `packs` here (the walk reads the loaded trees only):
  // e.g. to release the plan (24 bytes per object) before the walk.
  std::function<void()> trees_loaded;
  // Called (if set) once the walk is done and before the blob ids are
  // made, e.g. to release the plan of `packs` (PackReader::ReleasePlan) once
  // no one decodes with it: the ids are 20 bytes per blob.
  std::function<void()> before_blob_ids;
  // Asked (from any thread) about the name of every blob entry of the trees
  // walked: Enumeration::named_blobs lists the blobs it said yes for.
  std::function<bool(std::string_view)> named;
};

// Unreadable commits and trees are warned about (naming the id) and skipped.
// The result does not depend on `threads` or `packed_trees`, but for how
// the tree graph numbers its nodes (the same trees and edges either way).
Status Enumerate(git_repository* repo, const EnumerateOptions& options,
                 const std::function<void(const std::string&)>& warn,
                 Enumeration* out);

}  // namespace keyward::git

#endif  // KEYWARD_GIT_ENUMERATE_H_

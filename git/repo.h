// Internal libgit2 plumbing shared by the git sources: owning handles,
// error messages, repository opening and small conversions.
//
// Thread safety: libgit2 objects are not shared between threads here; every
// worker opens its own Repo (libgit2 is safe to use concurrently on distinct
// repository objects).
#ifndef KEYWARD_GIT_REPO_H_
#define KEYWARD_GIT_REPO_H_

#include <git2.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "keyward/finding.h"
#include "keyward/scan.h"
#include "keyward/status.h"

namespace keyward::git {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

using Repo = Handle<git_repository, git_repository_free>;
using Tree = Handle<git_tree, git_tree_free>;
using Commit = Handle<git_commit, git_commit_free>;
using Blob = Handle<git_blob, git_blob_free>;
using Object = Handle<git_object, git_object_free>;
using OdbObject = Handle<git_odb_object, git_odb_object_free>;
using Odb = Handle<git_odb, git_odb_free>;
using Revwalk = Handle<git_revwalk, git_revwalk_free>;
using Diff = Handle<git_diff, git_diff_free>;
using Patch = Handle<git_patch, git_patch_free>;
using Index = Handle<git_index, git_index_free>;

// Initializes libgit2 once per process (git/libgit2_init.cc): bounds its pack
// window mappings so RSS does not grow with pack size and turns off re-hashing
// every object read.
void EnsureLibgit2();

// The last libgit2 error as text ("object not found - no match for id ...").
std::string LastError();

// Opens the repository containing `path` (searching upwards like git).
Result<Repo> OpenRepo(const std::string& path);
// Opens exactly the repository at `git_dir` (workers reopen what the main
// thread discovered).
Result<Repo> OpenRepoAt(const std::string& git_dir);

std::string OidHex(const git_oid& oid);

// The repository's object directory (shared by its linked worktrees).
std::string ObjectsDir(git_repository* repo);

// Gives `repo` a new object database on the same directories, so the old
// one and libgit2's packs go: each pack's index is mapped whole, and every
// lookup touches its pages (a revision walk touches nearly all of them), so
// they would stay in RSS (~23 bytes per object) for the rest of the scan.
// libgit2 maps an index again when it next looks in that pack.
void ReleaseLibgit2Packs(git_repository* repo);

// Runs `work(slot)` for slot 0..n-1, each on its own thread, the calling
// thread taking slot 0; returns when all are done.
template <typename Work>
void RunWorkers(int n, const Work& work) {
  std::vector<std::thread> workers;
  for (int slot = 1; slot < n; ++slot) workers.emplace_back(work, slot);
  work(0);
  for (auto& w : workers) w.join();
}

// Hash for git_oid keys (ids are already uniformly distributed).
struct OidHash {
  size_t operator()(const git_oid& oid) const {
    size_t h;
    std::memcpy(&h, oid.id, sizeof(h));
    return h;
  }
};
struct OidEq {
  bool operator()(const git_oid& a, const git_oid& b) const {
    return git_oid_equal(&a, &b);
  }
};
struct OidLess {
  bool operator()(const git_oid& a, const git_oid& b) const {
    return git_oid_cmp(&a, &b) < 0;
  }
};
// Sorts `ids` and drops repeats.
inline void SortUnique(std::vector<git_oid>* ids) {
  std::sort(ids->begin(), ids->end(), OidLess());
  ids->erase(std::unique(ids->begin(), ids->end(), OidEq()), ids->end());
}

// A blob and a name a tree gives it (a path's last component).
struct NamedBlob {
  git_oid id;
  std::string name;
};
// Sorts `blobs` by id, then name, and drops repeats.
inline void SortUnique(std::vector<NamedBlob>* blobs) {
  std::sort(blobs->begin(), blobs->end(),
            [](const NamedBlob& a, const NamedBlob& b) {
              int c = git_oid_cmp(&a.id, &b.id);
              return c != 0 ? c < 0 : a.name < b.name;
            });
  blobs->erase(std::unique(blobs->begin(), blobs->end(),
                           [](const NamedBlob& a, const NamedBlob& b) {
                             return git_oid_equal(&a.id, &b.id) &&
                                    a.name == b.name;
                           }),
               blobs->end());
}

// True when `data` has a NUL byte in its first 8 KiB (git's own heuristic).
// The largest blob a git scan loads into memory; a bigger one is counted
// unreadable ("too large to hold in memory") and makes the scan exit 2
// unless --allow-unreadable. No limit but the allocator's by default;
// KEYWARD_MAX_BLOB_BYTES (a byte count) sets one: for tests, and for
// machines that would rather skip a huge blob than page.
uint64_t MaxBlobBytes();
// "git object ID: too large to hold in memory (SIZE bytes; limit N)".
std::string TooLargeMessage(const git_oid& id, uint64_t size);

bool LooksBinary(std::string_view data);

// Author name/email and the author date as ISO 8601 UTC.
struct CommitInfo {
  std::string author, email, date;
};
CommitInfo ReadCommitInfo(git_repository* repo, const git_oid& commit);

// ScanOptions::warn, or stderr when the caller set none.
std::function<void(const std::string&)> WarnSink(const ScanOptions& options);

// Peels a revision ("main", "HEAD~2", an id) to a commit.
Result<Commit> ResolveCommit(git_repository* repo, const std::string& rev);

// Removes the findings whose repository-relative path the scan's excludes
// (ScanOptions::exclude) name: a blob is scanned once for all its paths, so
// what an excluded path holds is dropped after its paths are known.
void DropExcluded(const ScanOptions& options, std::vector<Finding>* found);

// Appends `found` to `result`, recounts and re-sorts.
void MergeFindings(std::vector<Finding> found, const ScanStats& stats,
                   ScanResult* result);

}  // namespace keyward::git

#endif  // KEYWARD_GIT_REPO_H_

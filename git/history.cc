// keyward scan --git: every blob reachable from any ref, each scanned once.
//
// Enumeration is one revision walk (oldest first) plus one walk over the
// distinct trees: a tree id seen before is never opened again, so the cost is
// proportional to the number of distinct trees and blobs, not commits times
// files. Only blob ids are kept (no paths): paths and commits are recovered
// afterwards for the few blobs that have findings (provenance.h).
#include <chrono>
#include <unordered_set>
#include <vector>

#include "git/blob_scan.h"
#include "git/commit_walk.h"
#include "git/provenance.h"
#include "git/repo.h"
#include "keyward/git.h"

namespace keyward {
namespace git {
namespace {

using OidSet = std::unordered_set<git_oid, OidHash, OidEq>;

struct Enumeration {
  std::vector<CommitRef> commits;  // oldest first
  std::vector<git_oid> blobs;      // distinct, in order of first sight
  TreeGraph trees;                 // every tree opened, for provenance
};

class BlobEnumerator {
 public:
  BlobEnumerator(git_repository* repo,
                 std::function<void(const std::string&)> warn, TreeGraph* graph)
      : repo_(repo), warn_(std::move(warn)), graph_(graph) {}

  // Adds every blob of `root` (and its subtrees) not seen before, and the
  // trees not seen before to the graph.
  void WalkTree(const git_oid& root, Enumeration* out) {
    bool added = false;
    uint32_t root_node = graph_->NodeFor(root, &added);
    if (!added) return;
    std::vector<uint32_t> stack{root_node};
    while (!stack.empty()) {
      uint32_t node = stack.back();
      stack.pop_back();
      git_oid id = graph_->ids[node];
      git_tree* raw = nullptr;
      if (git_tree_lookup(&raw, repo_, &id) != 0) {
        warn_("git tree " + OidHex(id) + ": " + LastError() +
              " (its files are skipped)");
        continue;
      }
      Tree tree(raw);
      size_t n = git_tree_entrycount(raw);
      TreeGraph::Node entry;
      entry.tree_begin = graph_->tree_edges.size();
      entry.blob_begin = graph_->blob_edges.size();
      for (size_t i = 0; i < n; ++i) {
        const git_tree_entry* e = git_tree_entry_byindex(raw, i);
        const git_oid* child = git_tree_entry_id(e);
        git_object_t type = git_tree_entry_type(e);
        if (type == GIT_OBJECT_BLOB) {
          auto [it, fresh] =
              blobs_.emplace(*child, static_cast<uint32_t>(out->blobs.size()));
          if (fresh) out->blobs.push_back(*child);
          graph_->blob_edges.push_back(it->second);
        } else if (type == GIT_OBJECT_TREE) {
          bool fresh = false;
          uint32_t c = graph_->NodeFor(*child, &fresh);
          graph_->tree_edges.push_back(c);
          if (fresh) stack.push_back(c);
        }
      }
      entry.tree_end = graph_->tree_edges.size();
      entry.blob_end = graph_->blob_edges.size();
      graph_->nodes[node] = entry;
    }
  }

  bool SeenBlob(const git_oid& id) const { return blobs_.count(id) != 0; }

 private:
  git_repository* repo_;
  std::function<void(const std::string&)> warn_;
  TreeGraph* graph_;
  std::unordered_map<git_oid, uint32_t, OidHash, OidEq> blobs_;  // -> index
};

// Every object id in the object database, split into commits and blobs.
void ListAllObjects(git_repository* repo,
                    const std::function<void(const std::string&)>& warn,
                    std::vector<git_oid>* commits,
                    std::vector<git_oid>* blobs) {
  git_odb* raw = nullptr;
  if (git_repository_odb(&raw, repo) != 0) {
    warn("cannot open the object database: " + LastError());
    return;
  }
  Odb odb(raw);
  std::vector<git_oid> ids;
  git_odb_foreach(
      raw,
      [](const git_oid* id, void* payload) {
        static_cast<std::vector<git_oid>*>(payload)->push_back(*id);
        return 0;
      },
      &ids);
  OidSet seen;  // an object may be both loose and packed
  for (const git_oid& id : ids) {
    if (!seen.insert(id).second) continue;
    size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    if (git_odb_read_header(&size, &type, raw, &id) != 0) {
      // Keep it as a blob candidate: reading it later names it in a warning.
      blobs->push_back(id);
      continue;
    }
    if (type == GIT_OBJECT_COMMIT) commits->push_back(id);
    if (type == GIT_OBJECT_BLOB) blobs->push_back(id);
  }
}

Status Enumerate(git_repository* repo, bool all_objects,
                 const std::function<void(const std::string&)>& warn,
                 Enumeration* out) {
  std::vector<git_oid> odb_commits, odb_blobs;
  if (all_objects) ListAllObjects(repo, warn, &odb_commits, &odb_blobs);
  // Parents before children, so the first commit that holds a blob is the
  // one that introduced it.
  std::vector<git_oid> commits = ListCommits(repo, odb_commits, warn);
  BlobEnumerator enumerator(repo, warn, &out->trees);
  for (const git_oid& id : commits) {
    git_commit* commit_raw = nullptr;
    if (git_commit_lookup(&commit_raw, repo, &id) != 0) {
      warn("git commit " + OidHex(id) + ": " + LastError() + " (skipped)");
      continue;
    }
    Commit commit(commit_raw);
    CommitRef ref{id, *git_commit_tree_id(commit_raw)};
    out->commits.push_back(ref);
    enumerator.WalkTree(ref.tree, out);
  }
  // Dangling blobs no commit holds (e.g. staged then reset).
  for (const git_oid& b : odb_blobs) {
    if (!enumerator.SeenBlob(b)) out->blobs.push_back(b);
  }
  return Status::OK();
}

}  // namespace
}  // namespace git

Status ScanGitHistory(const Scanner& scanner, const GitHistoryOptions& options,
                      ScanResult* result) {
  auto start = std::chrono::steady_clock::now();
  auto warn = git::WarnSink(scanner.options());
  auto repo = git::OpenRepo(options.repo);
  if (!repo.ok()) return repo.status();
  git_repository* r = repo->get();
  if (git_repository_is_shallow(r)) {
    warn(options.repo +
         ": shallow clone: commits before the shallow boundary are missing "
         "and not scanned (fetch with --unshallow to scan them)");
  }
  git::Enumeration e;
  Status s = git::Enumerate(r, options.all_objects, warn, &e);
  if (!s.ok()) return s;

  int threads = options.threads ? options.threads : scanner.options().threads;
  std::vector<git::BlobFinding> found;
  ScanStats stats =
      git::ScanBlobs(scanner, git_repository_path(r), e.blobs, threads, &found);
  std::vector<Finding> findings = git::AttachProvenance(
      r, e.commits, e.blobs, std::move(found), warn, &e.trees);
  stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  git::MergeFindings(std::move(findings), stats, result);
  return Status::OK();
}

}  // namespace keyward

// keyward scan --range A..B / --since REV: CI on a pull request.
//
// The blobs a range introduces are the new sides of each range commit's diff
// against its first parent (root commits: against the empty tree), deduped by
// id. A secret also present in the base version of any path the range touches
// (old or new side, so moves and renames count) is not new and is dropped.
#include <algorithm>
#include <chrono>
#include <unordered_set>

#include "git/blob_scan.h"
#include "git/provenance.h"
#include "git/repo.h"
#include "keyward/git.h"
#include "scanner/confidence.h"
#include "source/ignore.h"
#include "source/table_cells.h"

namespace keyward {
namespace git {
namespace {

using OidSet = std::unordered_set<git_oid, OidHash, OidEq>;

struct RangeChanges {
  std::vector<CommitRef> commits;  // oldest first
  std::vector<git_oid> blobs;      // introduced, distinct
  std::vector<std::string> paths;  // blobs[i]'s path where first introduced
  std::unordered_set<std::string> touched_paths;
  uint64_t excluded = 0;  // changed files the configuration excludes
};

Result<Tree> CommitTree(git_repository* repo, const git_oid& commit_id) {
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, repo, &commit_id) != 0) {
    return Status::Corruption("git commit " + OidHex(commit_id) + ": " +
                              LastError());
  }
  Commit commit(raw);
  git_tree* tree = nullptr;
  if (git_commit_tree(&tree, raw) != 0) {
    return Status::Corruption("tree of git commit " + OidHex(commit_id) + ": " +
                              LastError());
  }
  return Tree(tree);
}

void CollectCommitChanges(git_repository* repo, const git_oid& id,
                          const PathExcluder& exclude,
                          const std::function<void(const std::string&)>& warn,
                          OidSet* seen, RangeChanges* out) {
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, repo, &id) != 0) {
    warn("git commit " + OidHex(id) + ": " + LastError() + " (skipped)");
    return;
  }
  Commit commit(raw);
  auto tree = CommitTree(repo, id);
  if (!tree.ok()) {
    warn(tree.status().message() + " (skipped)");
    return;
  }
  Tree parent_tree;
  if (git_commit_parentcount(raw) > 0) {
    auto pt = CommitTree(repo, *git_commit_parent_id(raw, 0));
    if (!pt.ok()) {
      warn(pt.status().message() + " (diffing against the empty tree)");
    } else {
      parent_tree = std::move(*pt);
    }
  }
  out->commits.push_back({id, *git_tree_id(tree->get())});
  git_diff_options opts;
  git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
  opts.flags = GIT_DIFF_IGNORE_SUBMODULES;
  git_diff* diff_raw = nullptr;
  if (git_diff_tree_to_tree(&diff_raw, repo, parent_tree.get(), tree->get(),
                            &opts) != 0) {
    warn("git commit " + OidHex(id) + ": cannot diff: " + LastError());
    return;
  }
  Diff diff(diff_raw);
  size_t n = git_diff_num_deltas(diff_raw);
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff_raw, i);
    if (d->old_file.path) out->touched_paths.insert(d->old_file.path);
    if (d->new_file.path) out->touched_paths.insert(d->new_file.path);
    if (d->status == GIT_DELTA_DELETED) continue;
    if (d->new_file.mode == GIT_FILEMODE_COMMIT) continue;
    // An excluded path's version is not read (the same blob at another
    // path of the range still is).
    if (exclude.Excludes(d->new_file.path)) {
      ++out->excluded;
      continue;
    }
    if (seen->insert(d->new_file.id).second) {
      out->blobs.push_back(d->new_file.id);
      out->paths.push_back(d->new_file.path);
    }
  }
}

// Scans again, with their paths, the blobs whose path some file-format rule
// applies to (the first pass ran without those rules); their findings
// replace the first pass's. Table files (read by path, scanner/
// scan_tables.cc) that are not such files have their credential columns
// read (ScanOptions::tables_only). Warnings were given by the first pass.
void RescanFormatBlobs(const Scanner& scanner, const std::string& git_dir,
                       const RangeChanges& changes, int threads,
                       std::vector<BlobFinding>* found) {
  std::vector<size_t> named, tables;
  for (size_t i = 0; i < changes.blobs.size(); ++i) {
    if (scanner.matcher().AnyScopedRuleApplies(changes.paths[i])) {
      named.push_back(i);
    } else if (IsTablePath(changes.paths[i])) {
      tables.push_back(i);
    }
  }
  if (named.empty() && tables.empty()) return;
  ScanOptions quiet = scanner.options();
  quiet.warn = [](const std::string&) {};
  quiet.progress = nullptr;
  Scanner again(scanner.matcher(), quiet);
  if (!named.empty()) {
    std::erase_if(*found, [&](const BlobFinding& f) {
      return std::binary_search(named.begin(), named.end(), f.blob);
    });
    for (size_t i : named) {
      std::vector<BlobFinding> refound;
      ScanBlobs(again, git_dir, {changes.blobs[i]}, threads, &refound, nullptr,
                changes.paths[i]);
      for (BlobFinding& f : refound) {
        found->push_back({i, std::move(f.finding)});
      }
    }
  }
  if (tables.empty()) return;
  std::vector<git_oid> ids;
  std::vector<std::string> scopes;
  for (size_t i : tables) {
    ids.push_back(changes.blobs[i]);
    scopes.push_back(changes.paths[i]);
  }
  const std::vector<uint8_t> tables_only(tables.size(), 1);
  std::vector<BlobFinding> cells;
  ScanBlobs(again, git_dir, ids, threads, &cells, nullptr, {}, &scopes,
            &tables_only);
  for (BlobFinding& c : cells) c.blob = tables[c.blob];
  AddTableFindings(std::move(cells), found);
}

// Fingerprints of the secrets in the base versions of `paths`.
Result<std::unordered_set<std::string>> BaseFingerprints(
    const Scanner& scanner, git_repository* repo, git_tree* base,
    const std::unordered_set<std::string>& paths) {
  std::unordered_set<std::string> fingerprints;
  OidSet scanned;
  for (const std::string& path : paths) {
    git_tree_entry* raw = nullptr;
    if (git_tree_entry_bypath(&raw, base, path.c_str()) != 0) continue;
    git_oid id = *git_tree_entry_id(raw);
    bool is_blob = git_tree_entry_type(raw) == GIT_OBJECT_BLOB;
    git_tree_entry_free(raw);
    if (!is_blob || !scanned.insert(id).second) continue;
    git_blob* blob_raw = nullptr;
    if (git_blob_lookup(&blob_raw, repo, &id) != 0) continue;
    Blob blob(blob_raw);
    std::string_view data(
        static_cast<const char*>(git_blob_rawcontent(blob_raw)),
        git_blob_rawsize(blob_raw));
    if (LooksBinary(data)) continue;
    std::vector<Finding> found;
    // Unscanned, the base would hide nothing; an error is safer than
    // reporting every old secret as new.
    if (Status s = scanner.ScanBuffer(data, path, &found); !s.ok()) {
      return Status::Internal(
          path + " (base version): could not be scanned: " + s.message());
    }
    for (const Finding& f : found) fingerprints.insert(f.fingerprint);
  }
  return fingerprints;
}

}  // namespace
}  // namespace git

Status ScanGitRange(const Scanner& scanner, const std::string& repo_path,
                    const std::string& base, const std::string& head,
                    ScanResult* result) {
  auto start = std::chrono::steady_clock::now();
  auto warn = git::WarnSink(scanner.options());
  auto repo = git::OpenRepo(repo_path);
  if (!repo.ok()) return repo.status();
  git_repository* r = repo->get();
  auto base_commit = git::ResolveCommit(r, base);
  if (!base_commit.ok()) return base_commit.status();
  auto head_commit = git::ResolveCommit(r, head);
  if (!head_commit.ok()) return head_commit.status();

  git_revwalk* walk_raw = nullptr;
  if (git_revwalk_new(&walk_raw, r) != 0) {
    return Status::IoError("cannot walk history: " + git::LastError());
  }
  git::Revwalk walk(walk_raw);
  git_revwalk_sorting(walk_raw,
                      GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
  git_revwalk_push(walk_raw, git_commit_id(head_commit->get()));
  git_revwalk_hide(walk_raw, git_commit_id(base_commit->get()));

  git::RangeChanges changes;
  git::OidSet seen;
  PathExcluder exclude(scanner.options().exclude);
  git_oid id;
  // Every commit or tree of the range that cannot be read is a part of the
  // change that is not scanned: counted as unreadable.
  uint64_t unreadable = 0;
  auto warn_unreadable = [&](const std::string& msg) {
    warn(msg);
    ++unreadable;
  };
  for (;;) {
    int rc = git_revwalk_next(&id, walk_raw);
    if (rc == GIT_ITEROVER) break;
    if (rc != 0) {
      warn_unreadable("range walk stopped early: " + git::LastError());
      break;
    }
    git::CollectCommitChanges(r, id, exclude, warn_unreadable, &seen, &changes);
  }

  int threads = scanner.options().threads;
  std::vector<git::BlobFinding> found;
  // File-format rules (Rule::paths) run only on a blob whose path is of
  // their format, scanned again with that path, as a directory scan of the
  // change would.
  ScanStats stats =
      git::ScanBlobs(scanner, git_repository_path(r), changes.blobs, threads,
                     &found, nullptr, Matcher::kNoFileFormatRules);
  RescanFormatBlobs(scanner, git_repository_path(r), changes, threads, &found);
  if (!found.empty()) {
    git_tree* base_tree = nullptr;
    if (git_commit_tree(&base_tree, base_commit->get()) != 0) {
      return Status::Corruption("tree of " + base + ": " + git::LastError());
    }
    git::Tree base_holder(base_tree);
    auto known =
        git::BaseFingerprints(scanner, r, base_tree, changes.touched_paths);
    if (!known.ok()) return known.status();
    std::erase_if(found, [&](const git::BlobFinding& bf) {
      return known->count(bf.finding.fingerprint) != 0;
    });
  }
  std::vector<Finding> findings = git::AttachProvenance(
      r, changes.commits, changes.blobs, std::move(found), warn);
  // Provenance may name another path of the same blob: the file-format
  // rules' findings stay where it is of their format, and confidence reads
  // the path the finding reports (it was computed without one).
  git::DropOutOfScope(scanner.matcher().rules(), &findings);
  RecomputeConfidence(scanner.matcher().rules(), &findings);
  git::DropExcluded(scanner.options(), &findings);
  stats.unreadable += unreadable;
  stats.skipped_ignored += changes.excluded;
  stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  git::MergeFindings(std::move(findings), stats, result);
  return Status::OK();
}

Result<std::string> SinceBase(const std::string& repo_path,
                              const std::string& rev) {
  auto repo = git::OpenRepo(repo_path);
  if (!repo.ok()) return repo.status();
  git_repository* r = repo->get();
  auto since = git::ResolveCommit(r, rev);
  if (!since.ok()) return since.status();
  auto head = git::ResolveCommit(r, "HEAD");
  if (!head.ok()) return head.status();
  git_oid merge_base;
  if (git_merge_base(&merge_base, r, git_commit_id(since->get()),
                     git_commit_id(head->get())) != 0) {
    return Status::InvalidArgument("'" + rev +
                                   "' and HEAD have no common "
                                   "ancestor: " +
                                   git::LastError());
  }
  return git::OidHex(merge_base);
}

Status ScanGitSince(const Scanner& scanner, const std::string& repo_path,
                    const std::string& rev, ScanResult* result) {
  auto base = SinceBase(repo_path, rev);
  if (!base.ok()) return base.status();
  return ScanGitRange(scanner, repo_path, *base, "HEAD", result);
}

namespace git {
namespace {

Result<std::string> BlobContent(git_repository* r, const git_oid& id,
                                const std::string& where) {
  git_blob* blob = nullptr;
  if (git_blob_lookup(&blob, r, &id) != 0) {
    return Status::Corruption(where + ": " + git::LastError());
  }
  std::string content(static_cast<const char*>(git_blob_rawcontent(blob)),
                      git_blob_rawsize(blob));
  git_blob_free(blob);
  return content;
}

}  // namespace
}  // namespace git

Result<std::optional<RevisionPath>> FilesAtRevision(
    const std::string& repo_path, const std::string& rev,
    const std::string& rel_path) {
  using Files = std::optional<RevisionPath>;
  auto repo = git::OpenRepo(repo_path);
  if (!repo.ok()) return repo.status();
  git_repository* r = repo->get();
  auto commit = git::ResolveCommit(r, rev);
  if (!commit.ok()) return commit.status();
  auto tree = git::CommitTree(r, *git_commit_id(commit->get()));
  if (!tree.ok()) return tree.status();
  git_tree_entry* raw = nullptr;
  if (git_tree_entry_bypath(&raw, tree->get(), rel_path.c_str()) != 0) {
    return Files();
  }
  git_oid id = *git_tree_entry_id(raw);
  git_object_t type = git_tree_entry_type(raw);
  git_tree_entry_free(raw);
  const std::string where = rev + ":" + rel_path;
  RevisionPath found;
  std::vector<RevisionFile>& files = found.files;
  if (type == GIT_OBJECT_BLOB) {
    auto content = git::BlobContent(r, id, where);
    if (!content.ok()) return content.status();
    size_t slash = rel_path.rfind('/');
    files.push_back(
        {slash == std::string::npos ? rel_path : rel_path.substr(slash + 1),
         std::move(*content)});
    return Files(std::move(found));
  }
  if (type != GIT_OBJECT_TREE) return Files();
  found.directory = true;
  git_tree* dir = nullptr;
  if (git_tree_lookup(&dir, r, &id) != 0) {
    return Status::Corruption(where + ": " + git::LastError());
  }
  git::Tree dir_holder(dir);
  for (size_t i = 0, n = git_tree_entrycount(dir); i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(dir, i);
    if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) continue;
    std::string name = git_tree_entry_name(e);
    auto content =
        git::BlobContent(r, *git_tree_entry_id(e), where + "/" + name);
    if (!content.ok()) return content.status();
    files.push_back({std::move(name), std::move(*content)});
  }
  return Files(std::move(found));
}

Result<std::optional<std::string>> FileAtRevision(const std::string& repo_path,
                                                  const std::string& rev,
                                                  const std::string& rel_path) {
  auto found = FilesAtRevision(repo_path, rev, rel_path);
  if (!found.ok()) return found.status();
  if (!*found || (*found)->directory) return std::optional<std::string>();
  return std::optional<std::string>(std::move((*found)->files[0].content));
}

Status ParseGitRange(const std::string& text, std::string* base,
                     std::string* head) {
  if (text.find("...") != std::string::npos) {
    return Status::InvalidArgument("--range '" + text +
                                   "': use A..B (three-dot ranges are not "
                                   "supported; use --since A)");
  }
  size_t dots = text.find("..");
  if (dots == std::string::npos || dots == 0) {
    return Status::InvalidArgument("--range '" + text + "': expected A..B");
  }
  *base = text.substr(0, dots);
  *head = text.substr(dots + 2);
  if (head->empty()) *head = "HEAD";
  return Status::OK();
}

}  // namespace keyward

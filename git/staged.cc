// keyward scan --staged: what the next commit adds, for pre-commit hooks.
//
// The only work proportional to the repository is reading the index:
// its cache tree names the directories that changed (git/staged_paths.h),
// and libgit2's index-vs-HEAD diff reads only those trees (entry ids are
// compared, no file is read; an index without a usable cache tree gets
// the whole diff). Each changed blob is then scanned; only when it has findings
// are the HEAD version and a line diff computed, to keep just the secrets on
// added lines that HEAD's version of the file did not already hold.
#include <chrono>
#include <set>
#include <unordered_set>

#include "git/repo.h"
#include "git/staged_paths.h"
#include "keyward/git.h"
#include "source/ignore.h"

namespace keyward {
namespace git {
namespace {

Result<Blob> LookupBlob(git_repository* repo, const git_oid& id) {
  // The size first: a blob too large to hold is not inflated at all.
  git_odb* odb = nullptr;
  if (MaxBlobBytes() != UINT64_MAX && git_repository_odb(&odb, repo) == 0) {
    Odb holder(odb);
    size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    if (git_odb_read_header(&size, &type, odb, &id) == 0 &&
        size > MaxBlobBytes()) {
      return Status::IoError(TooLargeMessage(id, size));
    }
  }
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, repo, &id) != 0) {
    return Status::Corruption("git object " + OidHex(id) + ": " + LastError());
  }
  return Blob(raw);
}

std::string_view BlobData(git_blob* blob) {
  return {static_cast<const char*>(git_blob_rawcontent(blob)),
          static_cast<size_t>(git_blob_rawsize(blob))};
}

// 1-based line numbers of `new_blob` that the diff from `old_blob` adds.
std::set<int> AddedLines(git_blob* old_blob, const char* old_path,
                         git_blob* new_blob, const char* new_path) {
  std::set<int> added;
  git_diff_options opts;
  git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
  opts.context_lines = 0;
  opts.flags = GIT_DIFF_FORCE_TEXT;
  git_patch* raw = nullptr;
  if (git_patch_from_blobs(&raw, old_blob, old_path, new_blob, new_path,
                           &opts) != 0) {
    return added;
  }
  Patch patch(raw);
  size_t hunks = git_patch_num_hunks(raw);
  for (size_t h = 0; h < hunks; ++h) {
    int lines = git_patch_num_lines_in_hunk(raw, h);
    for (int l = 0; l < lines; ++l) {
      const git_diff_line* line = nullptr;
      if (git_patch_get_line_in_hunk(&line, raw, h, l) != 0) continue;
      if (line->origin == GIT_DIFF_LINE_ADDITION)
        added.insert(line->new_lineno);
    }
  }
  return added;
}

bool TouchesAddedLine(const Finding& f, const std::set<int>& added) {
  int last = f.end_line > f.line ? f.end_line : f.line;
  auto it = added.lower_bound(f.line);
  return it != added.end() && *it <= last;
}

// Scans one staged change; appends what it adds to `out`.
void ScanDelta(const Scanner& scanner, git_repository* repo,
               const git_diff_delta* d,
               const std::function<void(const std::string&)>& warn,
               ScanStats* stats, std::vector<Finding>* out) {
  auto new_blob = LookupBlob(repo, d->new_file.id);
  if (!new_blob.ok()) {
    warn(new_blob.status().message() + " (" + d->new_file.path + ", skipped)");
    ++stats->unreadable;
    return;
  }
  std::string_view data = BlobData(new_blob->get());
  if (LooksBinary(data)) {
    ++stats->skipped_binary;
    return;
  }
  std::vector<Finding> found;
  if (Status s = scanner.ScanBuffer(data, d->new_file.path, &found); !s.ok()) {
    warn(std::string(d->new_file.path) +
         ": could not be scanned: " + s.ToString() + " (skipped)");
    ++stats->unreadable;
    return;
  }
  ++stats->files;
  stats->bytes += data.size();
  if (found.empty()) return;

  // Compare with the HEAD version (the rename source for a rename).
  Blob old_blob;
  std::unordered_set<std::string> old_fingerprints;
  bool has_old = !git_oid_is_zero(&d->old_file.id) &&
                 d->old_file.mode != GIT_FILEMODE_COMMIT;
  if (has_old) {
    auto old = LookupBlob(repo, d->old_file.id);
    if (old.ok()) {
      old_blob = std::move(*old);
      std::vector<Finding> old_found;
      // Unscanned, the HEAD version hides nothing: every finding is new.
      if (Status s = scanner.ScanBuffer(BlobData(old_blob.get()),
                                        d->old_file.path, &old_found);
          !s.ok()) {
        warn(std::string(d->old_file.path) +
             " (HEAD version): could not be scanned: " + s.ToString());
      }
      for (const Finding& f : old_found) old_fingerprints.insert(f.fingerprint);
    } else {
      warn(old.status().message() + " (HEAD version of " + d->old_file.path +
           ")");
    }
  }
  std::set<int> added = AddedLines(old_blob.get(), d->old_file.path,
                                   new_blob->get(), d->new_file.path);
  for (Finding& f : found) {
    if (old_fingerprints.count(f.fingerprint)) continue;
    if (!TouchesAddedLine(f, added)) continue;
    out->push_back(std::move(f));
  }
}

// The index against HEAD's tree, renames paired (a moved secret is not
// new). Null when the cache tree shows that nothing differs.
Result<Diff> StagedDiff(git_repository* r, git_index* index, git_tree* head,
                        const std::function<void(const std::string&)>& warn) {
  git_diff_options opts;
  git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
  opts.flags = GIT_DIFF_IGNORE_SUBMODULES;
  // The index's cache tree names the few paths that can differ
  // (git/staged_paths.h): the diff then reads only their directories.
  std::vector<std::string> paths;
  std::vector<char*> pathspec;
  if (StagedCandidatePaths(r, index, head, &paths)) {
    if (paths.empty()) return Diff();  // an empty path list would mean all
    for (std::string& p : paths) pathspec.push_back(p.data());
    opts.pathspec = {pathspec.data(), pathspec.size()};
    opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
  }
  git_diff* raw = nullptr;
  if (git_diff_tree_to_index(&raw, r, head, index, &opts) != 0) {
    return Status::IoError("cannot diff the index with HEAD: " + LastError());
  }
  Diff diff(raw);
  git_diff_find_options find;
  git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
  find.flags = GIT_DIFF_FIND_RENAMES;
  if (git_diff_find_similar(raw, &find) != 0) {
    warn("rename detection failed: " + LastError());
  }
  return diff;
}

}  // namespace
}  // namespace git

Status ScanGitStaged(const Scanner& scanner, const std::string& repo_path,
                     ScanResult* result) {
  auto start = std::chrono::steady_clock::now();
  auto warn = git::WarnSink(scanner.options());
  auto repo = git::OpenRepo(repo_path);
  if (!repo.ok()) return repo.status();
  git_repository* r = repo->get();
  if (git_repository_is_bare(r)) {
    return Status::InvalidArgument(repo_path +
                                   ": --staged needs a working tree, not a "
                                   "bare repository");
  }
  git_index* index_raw = nullptr;
  if (git_repository_index(&index_raw, r) != 0) {
    return Status::IoError(repo_path +
                           ": cannot read the index: " + git::LastError());
  }
  git::Index index(index_raw);

  // HEAD's tree, or none (the empty tree) before the first commit.
  git::Tree head_tree;
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, r, "HEAD^{tree}") == 0) {
    head_tree.reset(reinterpret_cast<git_tree*>(obj));
  } else if (!git_repository_head_unborn(r)) {
    return Status::Corruption(repo_path +
                              ": cannot read HEAD: " + git::LastError());
  }

  auto diff = git::StagedDiff(r, index_raw, head_tree.get(), warn);
  if (!diff.ok()) {
    return Status::IoError(repo_path + ": " + diff.status().message());
  }
  git_diff* diff_raw = diff->get();  // null: nothing can differ

  ScanStats stats;
  std::vector<Finding> findings;
  size_t n = diff_raw ? git_diff_num_deltas(diff_raw) : 0;
  PathExcluder exclude(scanner.options().exclude);
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff_raw, i);
    switch (d->status) {
      case GIT_DELTA_ADDED:
      case GIT_DELTA_MODIFIED:
      case GIT_DELTA_RENAMED:
      case GIT_DELTA_COPIED:
      case GIT_DELTA_TYPECHANGE:
        break;
      default:  // deleted, unmodified, conflicted: nothing is added
        continue;
    }
    if (d->new_file.mode == GIT_FILEMODE_COMMIT) continue;
    if (exclude.Excludes(d->new_file.path)) {
      ++stats.skipped_ignored;  // not read: the configuration excludes it
      continue;
    }
    git::ScanDelta(scanner, r, d, warn, &stats, &findings);
  }
  stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  git::MergeFindings(std::move(findings), stats, result);
  return Status::OK();
}

}  // namespace keyward

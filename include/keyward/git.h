// Git sources: full history, the staged index, and commit ranges.
//
// git/ is a source, like the directory walker (source/): it reads blobs out
// of a repository and hands their bytes to a Scanner; it depends on
// scanner/ and base/, and nothing below it depends on git/.
//
//   Scanner scanner(matcher, opts);
//   ScanResult result;
//   GitHistoryOptions h;  h.repo = ".";
//   Status s = ScanGitHistory(scanner, h, &result);       // keyward scan --git
//   s = ScanGitStaged(scanner, ".", &result);             // --staged
//   s = ScanGitRange(scanner, ".", "main", "HEAD", &result);  // --range
//   s = ScanGitSince(scanner, ".", "origin/main", &result);   // --since
//
// Every mode scans each distinct blob id once, however many commits or paths
// hold it. Findings carry repository-relative paths; history and range
// findings also carry Finding::git (blob, first commit that introduced the
// blob at that path, author, email, ISO 8601 UTC date, and the number of
// commits in which the blob is present). Provenance is computed only for
// blobs that have findings, so a clean history costs one tree walk.
//
// `repo` may be any path inside a working tree or a bare repository (it is
// discovered upwards, like git does). Per-object trouble (a corrupt or missing
// object or pack, a ref to a missing commit, a blob too large to load) is
// reported through ScanOptions::warn naming the object id, counted in
// ScanStats::unreadable, and the scan goes on; `keyward scan` then exits 2
// unless --allow-unreadable. A shallow clone's missing parents are a warning
// only (expected), not unreadable. Binary
// blobs (a NUL in the first 8 KiB) are skipped and counted in
// ScanStats::skipped_binary. A non-OK Status means the scan could not run at
// all (no repository, an unknown revision).
//
// These functions report one finding per (blob, position), as scanned; `keyward
// scan` then groups them with GroupHistoryFindings (unless
// --all-occurrences), after suppressions, so that each row is matched
// against baselines and allowlists exactly as before.
//
// Thread safety: these functions may be called from any thread; each opens
// its own libgit2 repository handles (one per worker thread) and uses the
// Scanner only through its thread-safe ScanBuffer(). Findings are appended to
// `result` and the whole vector is re-sorted with FindingLess.
#ifndef KEYWARD_GIT_H_
#define KEYWARD_GIT_H_

#include <optional>
#include <string>

#include "keyward/scan.h"
#include "keyward/status.h"

namespace keyward {

struct GitHistoryOptions {
  std::string repo = ".";
  // Also scan objects no ref reaches (dangling commits and blobs), found by
  // enumerating the object database. Default: false.
  bool all_objects = false;
  // Worker threads reading and scanning blobs; 0: Scanner options' threads
  // (which in turn default to the number of cores).
  int threads = 0;
  // From this many packed objects on, the packs are planned after the
  // revision walk, not beside it: the walk maps libgit2's pack indexes (28
  // bytes an object) and the plan is 24, which together would double the
  // per-object memory; below it both run at once (the walk is short).
  size_t plan_after_walk_objects = size_t{1} << 21;
};

// Every blob reachable from any ref (and HEAD), plus unreachable objects with
// `all_objects`. Memory grows with the number of distinct blob and tree ids,
// not with the bytes of history.
Status ScanGitHistory(const Scanner& scanner, const GitHistoryOptions& options,
                      ScanResult* result);

// What the next commit would add: the index compared with HEAD (or with the
// empty tree in a repository without commits). Reports only secrets on added
// lines whose fingerprint is not already in the HEAD version of the file (or
// of its rename source). Deletions add nothing; binary files are skipped.
// Costs one index-vs-HEAD diff plus the changed blobs: nothing proportional to
// the history.
Status ScanGitStaged(const Scanner& scanner, const std::string& repo,
                     ScanResult* result);

// Blobs introduced by the commits reachable from `head` and not from `base`
// (git's base..head), each commit compared with its first parent. Reports
// only secrets whose fingerprint is not present in the base versions of the
// paths the range touches. `base` and `head` are any revisions git accepts.
Status ScanGitRange(const Scanner& scanner, const std::string& repo,
                    const std::string& base, const std::string& head,
                    ScanResult* result);

// ScanGitRange from the merge base of `rev` and HEAD to HEAD (CI on a pull
// request: `--since origin/main`).
Status ScanGitSince(const Scanner& scanner, const std::string& repo,
                    const std::string& rev, ScanResult* result);

// The merge base of `rev` and HEAD, as a commit id: where --since starts.
Result<std::string> SinceBase(const std::string& repo, const std::string& rev);

// A file's base name and content in some revision.
struct RevisionFile {
  std::string name;
  std::string content;
  bool operator==(const RevisionFile&) const = default;
};

// What a path holds in some revision: the file itself, or the files
// directly inside it when it is a directory (not recursive, as a rule
// directory is read).
struct RevisionPath {
  bool directory = false;
  std::vector<RevisionFile> files;
  bool operator==(const RevisionPath&) const = default;
};

// What `rel_path` holds in revision `rev`; nullopt when that revision has no
// such path.
Result<std::optional<RevisionPath>> FilesAtRevision(
    const std::string& repo, const std::string& rev,
    const std::string& rel_path);

// The content of the file `rel_path` (repository-relative, '/'-separated)
// in revision `rev`; nullopt when that revision has no such file.
Result<std::optional<std::string>> FileAtRevision(const std::string& repo,
                                                  const std::string& rev,
                                                  const std::string& rel_path);

// Groups history findings (those with Finding::git) so that one secret found
// in many blob versions and paths is one finding: rows with the same rule id,
// fingerprint and suppression (none, or the same reason) become one Finding
// at the first-seen row (oldest commit date, i.e. GitProvenance::date, then
// commit id, path, line, column, blob; rows without a commit last), with
// every row in Finding::occurrences in that order and occurrence_count set.
// A secret under two rules stays two findings. Rows suppressed for another
// reason than their peers form their own finding, so the verdict (FailsRun)
// is the one the rows gave. Findings without Finding::git pass unchanged.
// The result is re-sorted with FindingLess (ties: fingerprint) and
// stats.findings / stats.suppressed count the grouped findings. Costs
// O(n log n) in the rows; nothing is read again.
// `at_last_seen` (range scans: a pull request's review) puts the finding at
// its newest row instead: the secret where the range's last commit holding
// it has it, with that commit's line numbers (occurrences stay oldest
// first).
void GroupHistoryFindings(ScanResult* result, bool at_last_seen = false);

// Splits "A..B" into base A and head B ("A.." means A..HEAD). Three-dot
// ranges and empty bases are rejected with InvalidArgument.
Status ParseGitRange(const std::string& text, std::string* base,
                     std::string* head);

}  // namespace keyward

#endif  // KEYWARD_GIT_H_

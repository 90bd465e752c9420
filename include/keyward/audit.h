// Organisation-wide audits: many repositories, split into shards that run
// anywhere (a Kubernetes Indexed Job, a CI matrix, N local processes), then
// merged into one report (audit/).
//
//   auto targets = LoadTargets("targets.txt");         // file:line errors
//   for (const AuditTarget& t : *targets)
//     if (ShardOf(t, n) == k) AuditOne(matcher, t, opts, &outcome);
//   auto results = LoadResults(ReadResultDir(out_dir)); // then merge
//
// A target is one line of the targets file: a local path (a repository or a
// plain directory) or a clone URL (file://, https://, ssh://, git@host:...).
// Its identity is the line as written, normalised (trimmed, trailing '/'
// and a URL's trailing ".git" dropped): the shard and the result file name
// are a hash of that text, so the same targets file and N give the same
// split on every machine, wherever the repositories are mounted.
//
// A result file (OUT/<id>.json) is written atomically once per target and
// records the HEAD it scanned and the rule set's digest; a rerun skips a
// target whose result is current (same HEAD, same digest, same mode, no
// error), so a failed or killed shard is simply run again. Results hold
// findings as the JSON reporter writes them (redacted, keyed fingerprints),
// never a secret value.
//
// Thread safety: the functions share no state; AuditOne runs git and the
// scanner and may be called for different targets at once.
#ifndef KEYWARD_AUDIT_H_
#define KEYWARD_AUDIT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/rules.h"
#include "keyward/scan.h"
#include "keyward/status.h"

namespace keyward {

struct AuditTarget {
  std::string text;      // normalised line: the identity (hashed, reported)
  std::string location;  // what is scanned or cloned: a path or the URL
  bool remote = false;   // a clone URL
  int line = 0;          // 1-based line in the targets file
  std::string id;        // 16 hex digits of SHA-256(text): the result name
};

// Parses a targets file: one target per line; blank lines and lines starting
// with '#' are skipped. Relative paths are relative to `base_dir`. A line
// that starts with '-' (it would reach git as an option), holds control
// characters, names an unsupported URL scheme or repeats an earlier target
// is kInvalidArgument "ORIGIN:LINE: reason".
Result<std::vector<AuditTarget>> ParseTargets(std::string_view content,
                                              const std::string& origin,
                                              const std::string& base_dir);
// Reads and parses `path` (its directory is the base for relative paths).
Result<std::vector<AuditTarget>> LoadTargets(const std::string& path);

// "K/N" with 0 <= K < N (K is 0-based, as JOB_COMPLETION_INDEX is).
Status ParseShard(std::string_view text, int* k, int* n);
// The shard of `t` among `n`: the first 8 bytes of SHA-256(text) mod n.
int ShardOf(const AuditTarget& t, int n);

struct AuditOptions {
  std::string out_dir;       // result files
  std::string work_dir;      // clones (default: OUT_DIR/.work), removed after
  bool git_history = false;  // scan the full history, else the tree at HEAD
  std::string rules_digest;  // RuleSet::Digest() of the matcher's rules
  ScanOptions scan;          // threads, limits, warn
};

struct AuditOutcome {
  enum class Kind { kScanned, kCurrent, kFailed } kind = Kind::kScanned;
  std::string head;  // the commit scanned ("" for a plain directory)
  uint64_t findings = 0;
  double seconds = 0;  // wall time of this target (0 when kCurrent)
  std::string error;   // kFailed: why (also recorded in the result)
};

// Audits one target into OUT/<id>.json unless its result is current. A
// target that cannot be cloned or scanned is kFailed with a result that
// records the error (merge reports it; a rerun retries it). Returns a
// non-OK Status only when the result itself cannot be written.
Status AuditOne(const Matcher& matcher, const AuditTarget& target,
                const AuditOptions& opts, AuditOutcome* outcome);

// Whether OUT/<id>.json is current for `head` (see above).
bool ResultIsCurrent(const std::string& result_path, const AuditTarget& target,
                     const std::string& head, const AuditOptions& opts);

// One target's result, as read back from its file.
struct TargetResult {
  std::string file;  // where it was read from
  std::string target;
  std::string head;
  std::string mode;  // "tree" or "git"
  std::string rules_digest;
  ScanResult scan;  // findings with repository-relative paths
};

// Reads result files (kCorruption "FILE: ..." for one that is not a keyward
// audit result; the fingerprint key must be installed: seals are opened).
Result<TargetResult> ReadResult(const std::string& path,
                                const RuleSet* rules = nullptr);
// The result files in `dir` (`*.json`, sorted), without reading them.
Result<std::vector<std::string>> ListResultFiles(const std::string& dir);

// The merged outputs, built only from results: the same results give the
// same bytes however many shards wrote them.
struct AuditReports {
  std::string json;   // the JSON report (scan's contract + "targets")
  std::string sarif;  // SARIF 2.1.0, one run per repository
  // Every finding, its path prefixed with "TARGET/" (tickets, store).
  std::vector<Finding> findings;
  bool errors = false;  // some target failed
};
// Results are ordered by target text; two results for one target are
// kInvalidArgument naming both files.
Result<AuditReports> MergeResults(std::vector<TargetResult> results,
                                  const std::vector<Rule>& rules);

}  // namespace keyward

#endif  // KEYWARD_AUDIT_H_

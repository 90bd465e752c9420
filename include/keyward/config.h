// Repository configuration (.keyward.yaml), baselines and suppressions.
//
//   auto config = LoadConfig(".keyward.yaml");        // Result<Config>
//   // ... scan with config->exclude, rules minus config->disable_rules ...
//   auto baseline = Baseline::Load("keyward-baseline.json");
//   ApplySuppressions(*config, &*baseline, &result);  // marks, recounts
//   bool failed = FailsRun(*config, result);          // exit 1?
//
// Three ways to silence a finding, all keyed to the secret, never to a
// file:line alone, so a different secret in the same place is still
// reported:
// - inline: a `keyward:allow [reason]` comment on the line where the secret
//   starts (detected while scanning, scanner/inline_allow.h);
// - allowlist: `allow:` entries in the configuration, by fingerprint;
// - baseline: a file of {rule_id, fingerprint, path} entries, written with
//   `scan --baseline-out`, read with `--baseline`.
// A suppressed finding keeps Finding::suppressed = true and a reason in
// Finding::suppression ("inline", "inline: reason", "allowlist: reason",
// "baseline"); it is counted in ScanStats::suppressed and never fails a run.
//
// Thread safety: everything here is plain data and free functions; const
// objects may be shared between threads.
#ifndef KEYWARD_CONFIG_H_
#define KEYWARD_CONFIG_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "keyward/finding.h"
#include "keyward/rules.h"
#include "keyward/scan.h"
#include "keyward/status.h"

namespace keyward {

// The file name looked up at the repository root.
inline constexpr char kConfigFileName[] = ".keyward.yaml";

struct AllowedSecret {
  // "hmac-sha256:<64 hex>", as in reports; an old "sha256:<64 hex>" still
  // matches (on Finding::secret_digest) but exposes the secret's hash.
  std::string fingerprint;
  std::string reason;  // required: why this secret is not a leak
  int line = 0;        // where it was written in the configuration
};

// The contents of .keyward.yaml. Every field defaults to "not configured".
// Relative file paths (rules, inventory, baseline) are resolved against the
// directory holding the configuration file when it is loaded.
struct Config {
  std::string path;                        // file it came from; "" = none
  std::vector<std::string> rules;          // `rules`: extra rule files/dirs
  std::vector<std::string> disable_rules;  // `disable_rules`: rule ids
  // "<file>:<line>" of each disable_rules entry (same order), for errors.
  std::vector<std::string> disable_rules_where;
  // `exclude`: gitignore-syntax patterns. Directory scans pass them to the
  // walker (relative to each scanned root); git scans match them against
  // repository-relative paths (ExcludedPath).
  std::vector<std::string> exclude;
  std::vector<AllowedSecret> allow;   // `allow`
  Severity fail_on = Severity::kLow;  // `fail_on`: lowest failing level
  // `min_confidence`: findings below it are dropped before reporting (they
  // are not shown and never fail the run).
  Confidence min_confidence = Confidence::kMedium;
  std::string inventory;  // `inventory`: file path
  // `baseline`: file used when no --baseline is given (so the pre-commit
  // hook honours it); a missing file counts as empty.
  std::string baseline;
  std::string ticket_assignee;  // `tickets: {assignee: ...}`
  // `decompress: false` / `source_maps: false`: directory scans read gzip
  // files and source maps as plain bytes (ScanOptions::decompress,
  // ::source_maps).
  bool decompress = true;
  bool source_maps = true;
  // `documents: false`: PDFs and notebooks are plain files
  // (ScanOptions::documents).
  bool documents = true;
  // `decode: false`: encoded strings are not decoded (ScanOptions::decode).
  bool decode = true;
  // `verify_staged: true`: `scan --staged --verify` (a pre-commit hook)
  // may call providers; without it --verify is ignored there, so a commit
  // never waits on the network unless the repository asks for it.
  bool verify_staged = false;
  // `archives: false`: archives are binary files (ScanOptions::archives).
  bool archives = true;
  // `archive_max_depth: N` (1-64; ScanOptions::archive_max_depth).
  int archive_max_depth = 6;
  // `max_expansion: BYTES` (an integer, or with K/M/G: 500M; 0: the
  // default; ScanOptions::decompress_max_bytes).
  uint64_t max_expansion = 0;
};

// Parses configuration text. `display_path` names the file in errors, which
// read "<display_path>:<line>: <problem>". Unknown keys, wrong types, a bad
// severity or confidence or a malformed fingerprint are kConfig errors.
// Paths are left as written (no resolution). Keys: rules, disable_rules,
// exclude, allow, fail_on, min_confidence, inventory, baseline, tickets,
// decompress, source_maps, documents, decode, verify_staged, archives,
// archive_max_depth, max_expansion.
Result<Config> ParseConfig(std::string_view yaml,
                           const std::string& display_path);

// Reads and parses `path`, then resolves relative rule, inventory and
// baseline paths against its directory. kNotFound when the file does not exist.
Result<Config> LoadConfig(const std::string& path);

// ParseConfig, then relative rule, inventory and baseline paths resolved
// against `dir` (configuration text read from a git revision).
Result<Config> ParseConfigIn(std::string_view yaml,
                             const std::string& display_path,
                             const std::string& dir);

// The top of the git working tree holding `start` (nearest ancestor with a
// `.git` entry); `start`'s directory when it is in none.
std::string WorkingTreeTop(const std::string& start);

// The configuration file for a scan starting at `start` (a file or a
// directory): `.keyward.yaml` at the top of the git working tree holding
// `start` (the nearest ancestor with a `.git` entry), or in `start` itself
// when it is not inside a working tree. Returns "" when there is none.
std::string FindConfigFile(const std::string& start);

// True when `rel_path` (repository-relative, '/'-separated) or one of its
// parent directories matches `exclude` (gitignore semantics, last match
// wins at each level, an excluded directory hides everything below it).
bool ExcludedPath(const std::vector<std::string>& exclude,
                  std::string_view rel_path);

// Removes findings whose confidence is below `min`, counts them in
// stats.below_confidence and recounts stats.
void DropBelowConfidence(Confidence min, ScanResult* result);

// === Baselines ===

struct BaselineEntry {
  std::string rule_id;
  std::string fingerprint;
  std::string path;  // normalised: no leading "./"
  friend bool operator<(const BaselineEntry& a, const BaselineEntry& b);
  friend bool operator==(const BaselineEntry& a, const BaselineEntry& b);
};

// A set of already-triaged findings. The file is JSON:
//   {"version": 1, "fingerprint_key": "<key id>",
//    "entries": [{"fingerprint": ..., "path": ..., "rule_id": ...}, ...]}
// entries sorted by (path, rule_id, fingerprint), unique, no line numbers
// or timestamps: moving code or rescanning never changes the bytes.
// "fingerprint_key" is FingerprintKeyId() of the key the fingerprints were
// made with. Entries written before keyed fingerprints ("sha256:<hex>")
// still match, on Finding::secret_digest.
class Baseline {
 public:
  // Reads a baseline file; kNotFound if missing, kCorruption (naming the
  // file) if it is not a baseline.
  static Result<Baseline> Load(const std::string& path);
  static Result<Baseline> Parse(std::string_view json,
                                const std::string& display_path);
  // Entries for every finding that is not suppressed, or is suppressed only
  // by a baseline (so rewriting a baseline keeps what is still found).
  static Baseline FromFindings(const std::vector<Finding>& findings);

  std::string Serialize() const;  // the file's exact bytes
  // Writes atomically (WriteFileAtomic): readers see old or new, never torn.
  Status Write(const std::string& path) const;

  bool Contains(const Finding& f) const;
  const std::vector<BaselineEntry>& entries() const { return entries_; }
  // Entries with an old unkeyed "sha256:" fingerprint.
  size_t legacy_entries() const { return legacy_entries_; }
  // FingerprintKeyId() when written; "" for files from older versions.
  const std::string& key_id() const { return key_id_; }

 private:
  std::vector<BaselineEntry> entries_;  // sorted, unique
  size_t legacy_entries_ = 0;
  std::string key_id_;
};

// The entries of `baseline` that match none of `findings`.
std::vector<BaselineEntry> StaleBaselineEntries(
    const Baseline& baseline, const std::vector<Finding>& findings);

// === Suppression and verdict ===

// Marks findings suppressed by the configuration's allowlist and by
// `baseline` (may be null); findings already suppressed inline keep their
// reason. Then recounts result->stats.findings (all findings) and
// result->stats.suppressed, whatever the sources counted.
void ApplySuppressions(const Config& config, const Baseline* baseline,
                       ScanResult* result);

// ApplySuppressions one finding at a time (streamed output). `config` and
// `baseline` (may be null) must outlive it. Apply does not recount stats.
class Suppressor {
 public:
  Suppressor(const Config& config, const Baseline* baseline);
  void Apply(Finding* f) const;

 private:
  std::map<std::string, std::string> allowed_;  // fingerprint -> reason
  const Baseline* baseline_;
};

// True when some unsuppressed finding has severity >= config.fail_on: the
// scan exits 1. Suppressed findings and lower severities never fail a run.
bool FailsRun(const Config& config, const ScanResult& result);

// === Git pre-commit hook ===

// The hook script `keyward install-hook` writes: a POSIX sh script that
// execs `<command> scan --staged` (command single-quoted).
std::string PreCommitHookScript(const std::string& command);

struct HookInstall {
  std::string path;     // the hook file written (or left unchanged)
  std::string backup;   // where --force saved a foreign hook; "" if none
  bool changed = true;  // false: an identical hook was already there
};

// Writes the pre-commit hook of the repository holding `repo` (any path in
// a working tree; honours core.hooksPath and linked worktrees), executable.
// A hook keyward wrote before is updated; any other existing hook is left
// alone (InvalidArgument naming it) unless `force`, which first copies it to
// "<hook>.keyward-backup" (".1", ".2"... if taken). NotFound when `repo` is
// not in a git repository.
Result<HookInstall> InstallPreCommitHook(const std::string& repo,
                                         const std::string& command,
                                         bool force);

}  // namespace keyward

#endif  // KEYWARD_CONFIG_H_

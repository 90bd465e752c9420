// What `keyward scan` does with the repository's configuration and the
// user's triage decisions: which .keyward.yaml applies, baselines in and out,
// and the exit verdict. Kept out of scan_command.cc so RunScan reads as one
// call per concern.
#ifndef KEYWARD_CLI_TRIAGE_H_
#define KEYWARD_CLI_TRIAGE_H_

#include <CLI/CLI.hpp>
#include <string>

#include "keyward/config.h"
#include "keyward/scan.h"
#include "keyward/status.h"

namespace keyward::cli {

struct TriageArgs {
  std::string config;          // --config FILE ("" = discover .keyward.yaml)
  bool no_config = false;      // --no-config
  std::string fail_on;         // --fail-on SEVERITY (overrides the config)
  std::string min_confidence;  // --min-confidence LEVEL (overrides it too)
  std::string baseline;        // --baseline FILE
  std::string baseline_out;    // --baseline-out FILE
  bool report_stale = false;   // --report-stale-baseline
};

// Adds --config, --no-config, --fail-on, --min-confidence, --baseline,
// --baseline-out and --report-stale-baseline to `cmd`.
void AddTriageOptions(CLI::App* cmd, TriageArgs* args);

// The configuration for a scan rooted at `start` (a scanned path or the
// repository): --config FILE, else `.keyward.yaml` at the top of the working
// tree (FindConfigFile), else defaults. --fail-on and --min-confidence are
// applied on top.
Result<Config> LoadScanConfig(const TriageArgs& args, const std::string& start);

// The configuration for a scan of what `head` adds over `base` in the
// repository at `repo` (--since, --range: CI on a change under review).
// Removes the base copies (keyward-base-<pid>-*) in directory `tmp` that
// the current user's range scans left when they were killed: those whose
// process no longer exists. LoadRangeConfig calls it on the system's
// temporary directory ($TMPDIR, else /tmp) before making its own.
void RemoveStaleBaseCopies(const std::string& tmp);

// Without --config/--no-config, `.keyward.yaml` and the baseline it names
// are read from the base commit, never from the change: a change cannot
// exclude, disable or allowlist its own leak; so are the rule files and
// directories it names inside the repository (a change cannot weaken a
// custom rule either). A change to any of them is reported on stderr. Base
// versions of those files are copied into a temporary directory
// (`*temp_dir`: $TMPDIR/keyward-base-<pid>-XXXXXX, which the caller removes
// with its content). Flags apply on
// top.
Result<Config> LoadRangeConfig(const TriageArgs& args, const std::string& repo,
                               const std::string& base, const std::string& head,
                               std::string* temp_dir);

// Marks allowlisted and baselined findings suppressed (and recounts stats;
// the baseline is --baseline, else the configuration's `baseline`),
// prints stale baseline entries on stderr with --report-stale-baseline, and
// writes --baseline-out. Errors name the file.
Status ApplyTriage(const TriageArgs& args, const Config& config,
                   ScanResult* result);

// The baseline ApplyTriage uses (--baseline, else the configuration's):
// `*have` tells whether there is one (a configured file not yet written is
// an empty baseline). Errors name the file.
// Notices for baselines and `allow:` entries that still hold old unkeyed
// `sha256:` fingerprints, or a baseline written under another fingerprint
// key (`path`: the baseline's). `findings` lets a notice name the keyed
// fingerprint that replaces an old allow entry; it may be empty.
void WarnOldFingerprints(const Config& config, const std::string& path,
                         const Baseline& baseline,
                         const std::vector<Finding>& findings);

Status LoadTriageBaseline(const TriageArgs& args, const Config& config,
                          Baseline* out, bool* have);

// How to accept findings that are not leaks: the `allow:` entries for
// .keyward.yaml with each unsuppressed finding's fingerprint (the first 5;
// the JSON report lists all), and the inline `keyward:allow` comment. Empty
// when nothing is unsuppressed. `more_fingerprints`: distinct fingerprints
// not in `findings` to count in the "and N more" line (streamed output keeps
// only the first few findings).
std::string AllowHint(const std::vector<Finding>& findings,
                      size_t more_fingerprints = 0);

// Tells a committer whose commit the pre-commit hook stopped what to do,
// with AllowHint(findings).
void PrintBlockedCommitHelp(const std::vector<Finding>& findings);

}  // namespace keyward::cli

#endif  // KEYWARD_CLI_TRIAGE_H_

// Reporters: findings -> text, JSON, JSONL.
//
// Reporters never print a secret value unless ReportOptions::show_secrets.
// JSON contract (pinned by tests):
//   {"version": 1, "findings": [ {rule_id, rule_name, severity, confidence,
//     path, line, column, end_line, end_column, secret, fingerprint,
//     fingerprint_seal, [checksum_verified], [checksum_failed], ...} ],
//     "stats": {}}
// `fingerprint` is keyed and `fingerprint_seal` opens only under the same
// fingerprint key (keyward/fingerprint.h); FindingFromJson fills
// Finding::secret_digest from it when it opens (or from an old report's
// "sha256:" fingerprint).
// Grouped history findings add "occurrence_count" and "occurrences": [{path,
// line, column, end_line, end_column, commit, author, date, blob}], first
// seen first (the finding's own location is the first). Text prints one line
// per finding, with "(N occurrences in M paths, first seen COMMIT DATE)"
// when N > 1.
//
// Ownership: writers only read the ScanResult and the stream they are given.
// Thread safety: every function is pure apart from writing to `out`; calls
// on different streams may run at once. Errors: writers never throw on
// bytes that are not UTF-8 (they are replaced in JSON); FindingFromJson
// returns a Status instead of throwing.
#ifndef KEYWARD_REPORT_H_
#define KEYWARD_REPORT_H_

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "keyward/finding.h"
#include "keyward/rules.h"
#include "keyward/scan.h"

namespace keyward {

enum class ReportFormat { kText, kJson, kJsonl, kSarif, kGitlab };
bool ParseReportFormat(const std::string& text, ReportFormat* out);

struct ReportOptions {
  bool show_secrets = false;
  bool show_suppressed = false;  // list suppressed findings too
  bool verbose = false;          // text: each finding's confidence
  // SARIF: artifact URIs relative to this absolute directory (the
  // repository top; --sarif-root), never file:// URIs of paths below it.
  // Relative finding paths are relative to `path_base` (the working
  // directory for directory scans, the repository top for git scans).
  // Empty: paths as they are.
  std::string sarif_root;
  std::string path_base;
  // Text: the rule id in the colour of its severity (ANSI escapes: critical
  // bold red, high red, medium yellow, low cyan). The CLI decides (--color).
  bool color = false;
};

// One finding as the JSON object of the contract.
nlohmann::json FindingToJson(const Finding& f, const ReportOptions& opts);
// Parses a finding back from FindingToJson's output (tickets --from).
// Redaction holds here, whatever the report held: a report written with
// --show-secrets has raw secrets, which become the digest and (when missing)
// the fingerprint and are then redacted with the rule's prefix from `rules`
// (null: no prefix). Finding::redacted never holds a whole secret. Missing
// fields take their defaults; a field of the wrong type is an
// kInvalidArgument "malformed finding: ..." (nothing is thrown).
Result<Finding> FindingFromJson(const nlohmann::json& j,
                                const RuleSet* rules = nullptr);
nlohmann::json StatsToJson(const ScanStats& s);

// Grouped history findings (Finding::occurrences): how many distinct paths
// the occurrences name (1 for an ungrouped finding), and the text form
// "269 occurrences in 3 paths, first seen 0123456789ab 2024-01-10".
size_t DistinctPaths(const Finding& f);
std::string OccurrenceSummary(const Finding& f);

void WriteText(const ScanResult& r, const ReportOptions& opts,
               std::ostream& out);
// One finding as WriteText / WriteJsonl write it (one line each; nothing for
// a suppressed finding unless opts.show_suppressed), for streamed output.
void WriteTextFinding(const Finding& f, const ReportOptions& opts,
                      std::ostream& out);
void WriteJsonlFinding(const Finding& f, const ReportOptions& opts,
                       std::ostream& out);
void WriteJson(const ScanResult& r, const ReportOptions& opts,
               std::ostream& out);
void WriteJsonl(const ScanResult& r, const ReportOptions& opts,
                std::ostream& out);
// SARIF 2.1.0 for code scanning (report/sarif.cc). `rules` describes every
// rule of the run (tool.driver.rules).
void WriteSarif(const ScanResult& r, const std::vector<Rule>& rules,
                const ReportOptions& opts, std::ostream& out);
// GitLab's secret detection report, schema version 15 (report/gitlab.cc):
// for `artifacts: reports: secret_detection`. Never carries a secret;
// suppressed findings are left out; paths relative to opts.sarif_root.
void WriteGitlab(const ScanResult& r, const std::vector<Rule>& rules,
                 const ReportOptions& opts, std::ostream& out);

}  // namespace keyward

#endif  // KEYWARD_REPORT_H_

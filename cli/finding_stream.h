// Streamed output for `keyward scan -` in text or JSONL: each finding is
// filtered (--min-confidence), matched against the inventory, suppressed by
// the allowlist or baseline and written as soon as the scanner confirms it,
// so a scan of a log with hundreds of thousands of findings holds none of
// them in memory and a reader of the output sees each one while the input
// is still being read. What a collected scan does in RunScan, per finding.
#ifndef KEYWARD_CLI_FINDING_STREAM_H_
#define KEYWARD_CLI_FINDING_STREAM_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_set>
#include <vector>

#include "cli/triage.h"
#include "keyward/config.h"
#include "keyward/finding.h"
#include "keyward/inventory.h"
#include "keyward/report.h"

namespace keyward::cli {

class FindingStream {
 public:
  // Loads what the findings are matched and suppressed with: the inventory
  // (`inventory_flag`, else $KEYWARD_INVENTORY, else ./keyward-inventory.json
  // when present; see LoadScanInventory) and the baseline
  // (LoadTriageBaseline). Errors name the file. `config`, `opts` and `out`
  // must outlive the stream.
  static Result<std::unique_ptr<FindingStream>> Open(
      const TriageArgs& triage, const Config& config,
      const std::string& inventory_flag, ReportFormat format,
      const ReportOptions& opts, std::ostream& out);
  FindingStream(const FindingStream&) = delete;
  FindingStream& operator=(const FindingStream&) = delete;

  // For ScanOptions::on_stream_findings: handles and writes `batch`, then
  // flushes the output.
  void Write(std::vector<Finding>* batch);

  // Sets stats.findings, suppressed and below_confidence as the collected
  // path's Recount would.
  void FillStats(ScanStats* stats) const;
  // Whether a written finding fails the run (FailsRun).
  bool failed() const { return failed_; }
  // The first few unsuppressed findings with distinct fingerprints, and how
  // many more distinct fingerprints there were (AllowHint's arguments).
  const std::vector<Finding>& hint_findings() const { return hint_findings_; }
  size_t more_fingerprints() const { return more_fingerprints_; }

 private:
  FindingStream(const Config& config, ReportFormat format,
                const ReportOptions& opts, std::ostream& out);

  const Config& config_;
  std::optional<Inventory> inventory_;
  Baseline baseline_;
  std::unique_ptr<Suppressor> suppressor_;  // refers to baseline_
  ReportFormat format_;
  const ReportOptions& opts_;
  std::ostream& out_;
  uint64_t kept_ = 0, suppressed_ = 0, below_confidence_ = 0;
  bool failed_ = false;
  std::vector<Finding> hint_findings_;
  // Hashes of the fingerprints past the first few: 8 bytes each, not the
  // 71-character fingerprint.
  std::unordered_set<uint64_t> other_fingerprints_;
  size_t more_fingerprints_ = 0;
};

}  // namespace keyward::cli

#endif  // KEYWARD_CLI_FINDING_STREAM_H_

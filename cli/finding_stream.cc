#include "cli/finding_stream.h"

#include <algorithm>
#include <functional>
#include <string_view>

namespace keyward::cli {
namespace {

constexpr size_t kHintFindings = 5;  // AllowHint shows this many

}  // namespace

FindingStream::FindingStream(const Config& config, const Suppressor& suppressor,
                             const Inventory* inventory, ReportFormat format,
                             const ReportOptions& opts, std::ostream& out)
    : config_(config),
      suppressor_(suppressor),
      inventory_(inventory),
      format_(format),
      opts_(opts),
      out_(out) {}

void FindingStream::Write(std::vector<Finding>* batch) {
  // Below --min-confidence: not reported, never fails the run.
  auto keep = std::stable_partition(
      batch->begin(), batch->end(),
      [&](const Finding& f) { return f.confidence >= config_.min_confidence; });
  below_confidence_ += batch->end() - keep;
  batch->erase(keep, batch->end());
  if (inventory_) (void)inventory_->Annotate(batch);
  for (Finding& f : *batch) {
    suppressor_.Apply(&f);
    ++kept_;
    if (f.suppressed) {
      ++suppressed_;
    } else {
      if (f.severity >= config_.fail_on) failed_ = true;
      if (!f.fingerprint.empty()) {
        bool known = std::any_of(
            hint_findings_.begin(), hint_findings_.end(),
            [&](const Finding& h) { return h.fingerprint == f.fingerprint; });
        if (!known && hint_findings_.size() < kHintFindings) {
          hint_findings_.push_back(f);
        } else if (!known &&
                   other_fingerprints_
                       .insert(std::hash<std::string_view>()(f.fingerprint))
                       .second) {
          ++more_fingerprints_;
        }
      }
    }
    if (format_ == ReportFormat::kJsonl) {
      WriteJsonlFinding(f, opts_, out_);
    } else {
      WriteTextFinding(f, opts_, out_);
    }
  }
  out_.flush();
}

void FindingStream::FillStats(ScanStats* stats) const {
  stats->findings = kept_;
  stats->suppressed = suppressed_;
  stats->below_confidence += below_confidence_;
}

}  // namespace keyward::cli

#include "cli/finding_stream.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <string_view>

namespace keyward::cli {
namespace {

constexpr size_t kHintFindings = 5;  // AllowHint shows this many

}  // namespace

FindingStream::FindingStream(const Config& config, ReportFormat format,
                             const ReportOptions& opts, std::ostream& out)
    : config_(config), format_(format), opts_(opts), out_(out) {}

Result<std::unique_ptr<FindingStream>> FindingStream::Open(
    const TriageArgs& triage, const Config& config,
    const std::string& inventory_flag, ReportFormat format,
    const ReportOptions& opts, std::ostream& out) {
  std::unique_ptr<FindingStream> s(
      new FindingStream(config, format, opts, out));
  auto inv = LoadScanInventory(
      inventory_flag.empty() ? config.inventory : inventory_flag,
      InventoryEnv::FromEnvironment());
  if (!inv.ok()) return inv.status();
  s->inventory_ = std::move(*inv);
  bool have_baseline = false;
  Status b = LoadTriageBaseline(triage, config, &s->baseline_, &have_baseline);
  if (!b.ok()) return b;
  WarnOldFingerprints(
      config, triage.baseline.empty() ? config.baseline : triage.baseline,
      s->baseline_, {});
  s->suppressor_ = std::make_unique<Suppressor>(
      config, have_baseline ? &s->baseline_ : nullptr);
  return s;
}

void FindingStream::Write(std::vector<Finding>* batch) {
  // Below --min-confidence: not reported, never fails the run.
  auto keep = std::stable_partition(
      batch->begin(), batch->end(),
      [&](const Finding& f) { return f.confidence >= config_.min_confidence; });
  below_confidence_ += batch->end() - keep;
  batch->erase(keep, batch->end());
  if (inventory_) (void)inventory_->Annotate(batch);
  for (Finding& f : *batch) {
    suppressor_->Apply(&f);
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

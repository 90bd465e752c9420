// Suppressions (allowlist, baseline), the exclude check for a path, and the
// exit verdict. Inline `keyward:allow` comments are found while scanning
// (scanner/inline_allow.h).
#include <algorithm>
#include <map>

#include "keyward/config.h"
#include "source/ignore.h"

namespace keyward {
namespace {

void Recount(ScanResult* result) {
  result->stats.findings = result->findings.size();
  result->stats.suppressed =
      std::count_if(result->findings.begin(), result->findings.end(),
                    [](const Finding& f) { return f.suppressed; });
}

}  // namespace

bool ExcludedPath(const std::vector<std::string>& exclude,
                  std::string_view rel_path) {
  return PathExcluder(exclude).Excludes(rel_path);
}

void DropBelowConfidence(Confidence min, ScanResult* result) {
  auto& fs = result->findings;
  auto keep = std::stable_partition(
      fs.begin(), fs.end(),
      [&](const Finding& f) { return f.confidence >= min; });
  result->stats.below_confidence += fs.end() - keep;
  fs.erase(keep, fs.end());
  Recount(result);
}

Suppressor::Suppressor(const Config& config, const Baseline* baseline)
    : baseline_(baseline) {
  for (const auto& a : config.allow) allowed_.emplace(a.fingerprint, a.reason);
}

void Suppressor::Apply(Finding* f) const {
  if (f->suppressed) return;  // inline: the most specific reason wins
  auto it = allowed_.find(f->fingerprint);
  // Entries written before keyed fingerprints hold SHA-256(secret).
  if (it == allowed_.end() && f->secret_digest.size() == 32) {
    it = allowed_.find(LegacyFingerprint(f->secret_digest));
  }
  if (it != allowed_.end()) {
    f->suppressed = true;
    f->suppression = "allowlist: " + it->second;
  } else if (baseline_ && baseline_->Contains(*f)) {
    f->suppressed = true;
    f->suppression = "baseline";
  }
}

void ApplySuppressions(const Config& config, const Baseline* baseline,
                       ScanResult* result) {
  Suppressor suppressor(config, baseline);
  for (Finding& f : result->findings) suppressor.Apply(&f);
  Recount(result);
}

bool FailsRun(const Config& config, const ScanResult& result) {
  return std::any_of(result.findings.begin(), result.findings.end(),
                     [&](const Finding& f) {
                       return !f.suppressed && f.severity >= config.fail_on;
                     });
}

}  // namespace keyward

// Suppressions (inline comments, allowlist, baseline), path excludes for git
// scans, and the exit verdict.
#include <algorithm>
#include <cctype>
#include <map>

#include "keyward/config.h"
#include "source/ignore.h"

namespace keyward {
namespace {

constexpr std::string_view kAllowMarker = "keyward:allow";
// How far from the secret the marker may be on its line (see config.h).
constexpr size_t kInlineReach = 4096;
constexpr size_t kMaxReasonBytes = 200;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

// A reason is free text from the scanned file, shown in reports; a long
// token mixing letters and digits may be a secret written after the marker,
// so such reasons are dropped rather than risk printing one.
bool LooksSecretBearing(std::string_view reason) {
  size_t i = 0;
  while (i < reason.size()) {
    while (i < reason.size() &&
           std::isspace(static_cast<unsigned char>(reason[i]))) {
      ++i;
    }
    size_t start = i;
    bool alpha = false, digit = false;
    for (; i < reason.size() &&
           !std::isspace(static_cast<unsigned char>(reason[i]));
         ++i) {
      unsigned char c = reason[i];
      alpha |= std::isalpha(c) != 0;
      digit |= std::isdigit(c) != 0;
    }
    if (i - start >= 16 && alpha && digit) return true;
  }
  return false;
}

std::string InlineReason(std::string_view rest) {
  // The reason ends where the comment does.
  for (std::string_view closer : {"*/", "-->", "%>", "}}", "#}"}) {
    rest = rest.substr(0, rest.find(closer));
  }
  rest = Trim(rest);
  while (!rest.empty() &&
         (rest.front() == ':' || rest.front() == '-' || rest.front() == '=')) {
    rest = Trim(rest.substr(1));
  }
  if (rest.size() > kMaxReasonBytes) rest = rest.substr(0, kMaxReasonBytes);
  if (LooksSecretBearing(rest)) return "";
  return std::string(rest);
}

void Recount(ScanResult* result) {
  result->stats.findings = result->findings.size();
  result->stats.suppressed =
      std::count_if(result->findings.begin(), result->findings.end(),
                    [](const Finding& f) { return f.suppressed; });
}

IgnoreList ExcludeList(const std::vector<std::string>& exclude) {
  IgnoreList list;
  for (const auto& p : exclude) list.AddLine(p);
  return list;
}

bool Excluded(const IgnoreList& list, std::string_view rel_path) {
  while (rel_path.starts_with("./")) rel_path.remove_prefix(2);
  // Like the walker: an excluded directory hides everything below it.
  for (size_t slash = rel_path.find('/'); slash != std::string_view::npos;
       slash = rel_path.find('/', slash + 1)) {
    if (list.Match(rel_path.substr(0, slash), /*is_dir=*/true) ==
        IgnoreList::Verdict::kIgnore) {
      return true;
    }
  }
  return list.Match(rel_path, /*is_dir=*/false) == IgnoreList::Verdict::kIgnore;
}

}  // namespace

bool InlineAllowed(std::string_view window, size_t secret_offset,
                   std::string* suppression) {
  if (secret_offset > window.size()) return false;
  size_t lo = secret_offset > kInlineReach ? secret_offset - kInlineReach : 0;
  size_t hi = std::min(window.size(), secret_offset + kInlineReach);
  // Bounded searches: a multi-megabyte line must not be rescanned per match.
  std::string_view before = window.substr(lo, secret_offset - lo);
  size_t nl = before.rfind('\n');
  size_t line_start = nl == std::string_view::npos ? lo : lo + nl + 1;
  std::string_view after = window.substr(secret_offset, hi - secret_offset);
  size_t eol = after.find('\n');
  size_t line_end = eol == std::string_view::npos ? hi : secret_offset + eol;
  std::string_view line = window.substr(line_start, line_end - line_start);
  for (size_t at = line.find(kAllowMarker); at != std::string_view::npos;
       at = line.find(kAllowMarker, at + 1)) {
    std::string_view rest = line.substr(at + kAllowMarker.size());
    // With the marker before the secret, the reason stops short of it: the
    // reason is printed, the secret must not be.
    size_t secret_in_line = secret_offset - line_start;
    if (at < secret_in_line) {
      rest = rest.substr(0, secret_in_line - at - kAllowMarker.size());
    }
    // "keyward:allowed" or "keyward:allow_x" is not the marker.
    if (!rest.empty() &&
        (std::isalnum(static_cast<unsigned char>(rest.front())) ||
         rest.front() == '_')) {
      continue;
    }
    std::string reason = InlineReason(rest);
    *suppression = reason.empty() ? "inline" : "inline: " + reason;
    return true;
  }
  return false;
}

bool ExcludedPath(const std::vector<std::string>& exclude,
                  std::string_view rel_path) {
  if (exclude.empty()) return false;
  return Excluded(ExcludeList(exclude), rel_path);
}

void DropExcludedFindings(const std::vector<std::string>& exclude,
                          ScanResult* result) {
  if (exclude.empty()) return;
  IgnoreList list = ExcludeList(exclude);
  auto& fs = result->findings;
  fs.erase(
      std::remove_if(fs.begin(), fs.end(),
                     [&](const Finding& f) { return Excluded(list, f.path); }),
      fs.end());
  Recount(result);
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

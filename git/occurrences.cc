// History without repetition: one finding per secret (and rule), listing
// where it occurs, instead of one row per blob version (keyward/git.h).
#include <algorithm>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "keyward/git.h"

namespace keyward {
namespace {

// First-seen order: oldest commit date first (ISO 8601 UTC strings compare
// as dates), rows no commit holds (dangling blobs) last; then commit id,
// path, position and blob so that the order is total and deterministic.
bool SeenBefore(const Finding& a, const Finding& b) {
  static const GitProvenance kNone;
  const GitProvenance& ga = a.git ? *a.git : kNone;
  const GitProvenance& gb = b.git ? *b.git : kNone;
  return std::forward_as_tuple(ga.date.empty(), ga.date, ga.commit, a.path,
                               a.line, a.column, ga.blob, a.end_line,
                               a.end_column) <
         std::forward_as_tuple(gb.date.empty(), gb.date, gb.commit, b.path,
                               b.line, b.column, gb.blob, b.end_line,
                               b.end_column);
}

Occurrence OccurrenceOf(const Finding& f) {
  Occurrence o;
  o.path = f.path;
  o.line = f.line;
  o.column = f.column;
  o.end_line = f.end_line;
  o.end_column = f.end_column;
  if (f.git) {
    o.blob = f.git->blob;
    o.commit = f.git->commit;
    o.author = f.git->author;
    o.date = f.git->date;
  }
  return o;
}

}  // namespace

void GroupHistoryFindings(ScanResult* result, bool at_last_seen) {
  std::vector<Finding>& rows = result->findings;
  std::vector<Finding> out;
  // Group key -> index of the group in `groups`.
  std::unordered_map<std::string, size_t> group_of;
  std::vector<std::vector<size_t>> groups;
  size_t ungrouped = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Finding& f = rows[i];
    if (!f.git) {
      ++ungrouped;
      continue;
    }
    std::string key = f.rule_id;
    key += '\0';
    key += f.fingerprint;
    key += '\0';
    if (f.suppressed) key += "s:" + f.suppression;
    auto [it, added] = group_of.emplace(std::move(key), groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  out.reserve(ungrouped + groups.size());
  for (Finding& f : rows) {
    if (!f.git) out.push_back(std::move(f));
  }
  for (std::vector<size_t>& g : groups) {
    std::sort(g.begin(), g.end(),
              [&](size_t a, size_t b) { return SeenBefore(rows[a], rows[b]); });
    std::vector<Occurrence> occurrences;
    occurrences.reserve(g.size());
    // The secret is as credible as its most credible sighting (a token in
    // a test file that also sits in a committed .env is a leak).
    Confidence best = rows[g.front()].confidence;
    bool verified = false;
    for (size_t i : g) {
      occurrences.push_back(OccurrenceOf(rows[i]));
      best = std::max(best, rows[i].confidence);
      verified = verified || rows[i].checksum_verified;
    }
    Finding first = std::move(rows[at_last_seen ? g.back() : g.front()]);
    first.confidence = best;
    first.checksum_verified = verified;
    if (verified) first.checksum_failed = false;
    first.occurrences = std::move(occurrences);
    first.occurrence_count = g.size();
    out.push_back(std::move(first));
  }
  // Sorted through indices: a Finding is ~0.5 KB of strings to move.
  std::vector<size_t> order(out.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const Finding& a = out[x];
    const Finding& b = out[y];
    if (FindingLess(a, b)) return true;
    if (FindingLess(b, a)) return false;
    return std::tie(a.fingerprint, a.suppressed, a.suppression) <
           std::tie(b.fingerprint, b.suppressed, b.suppression);
  });
  rows.clear();
  rows.reserve(out.size());
  for (size_t i : order) rows.push_back(std::move(out[i]));
  result->stats.findings = rows.size();
  result->stats.suppressed = std::count_if(
      rows.begin(), rows.end(), [](const Finding& f) { return f.suppressed; });
}

}  // namespace keyward

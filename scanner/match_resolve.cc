// After phase 2: overlap resolution between rules, and match positions.
#include <algorithm>
#include <cstring>

#include "scanner/matcher_impl.h"

namespace keyward {

void ResolveOverlaps(const std::vector<std::unique_ptr<CompiledRule>>& rules,
                     std::vector<RuleMatch>* matches) {
  auto& ms = *matches;
  std::sort(ms.begin(), ms.end(), [](const RuleMatch& a, const RuleMatch& b) {
    if (a.secret_start != b.secret_start)
      return a.secret_start < b.secret_start;
    if (a.secret_end != b.secret_end) return a.secret_end > b.secret_end;
    return a.rule < b.rule;
  });
  if (ms.size() < 2) return;
  std::vector<bool> drop(ms.size(), false);
  auto overlaps = [](uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2) {
    return s1 < e2 && s2 < e1;
  };
  // Matches are few per buffer and overlaps are local: compare each match
  // with the neighbours whose secrets start before its whole match ends.
  for (size_t i = 0; i < ms.size(); i++) {
    const CompiledRule& ri = *rules[ms[i].rule];
    // Any match interacting with ms[i] starts its secret no earlier than
    // this: secrets are at most a window long, superseded ones lie inside.
    uint64_t lo = std::min(ms[i].start, ms[i].secret_start > kMaxWindow
                                            ? ms[i].secret_start - kMaxWindow
                                            : 0);
    size_t first = std::lower_bound(ms.begin(), ms.end(), lo,
                                    [](const RuleMatch& m, uint64_t v) {
                                      return m.secret_start < v;
                                    }) -
                   ms.begin();
    for (size_t j = first; j < ms.size(); j++) {
      if (i == j || drop[j]) continue;
      const RuleMatch& a = ms[i];
      const RuleMatch& b = ms[j];
      if (b.secret_start >= a.end && b.secret_start > a.secret_end) {
        if (j > i) break;
        continue;
      }
      const CompiledRule& rj = *rules[b.rule];
      // `a` supersedes b's rule: b's secret inside a's whole match.
      if (std::find(ri.supersedes.begin(), ri.supersedes.end(), b.rule) !=
              ri.supersedes.end() &&
          b.secret_start >= a.start && b.secret_end <= a.end) {
        drop[j] = true;
        continue;
      }
      if (!overlaps(a.secret_start, a.secret_end, b.secret_start,
                    b.secret_end)) {
        continue;
      }
      // A specific rule beats a generic one on the same secret.
      if (!ri.rule.generic && rj.rule.generic) {
        drop[j] = true;
      } else if (ri.rule.generic == rj.rule.generic &&
                 a.secret_start == b.secret_start &&
                 a.secret_end == b.secret_end && a.rule < b.rule) {
        drop[j] = true;  // the same secret twice: keep the first rule
      }
    }
  }
  size_t k = 0;
  for (size_t i = 0; i < ms.size(); i++) {
    if (!drop[i]) ms[k++] = ms[i];
  }
  ms.resize(k);
}

void LineTracker::Advance(std::string_view data) {
  const char* p = data.data();
  const char* end = p + data.size();
  while (const char* nl = static_cast<const char*>(memchr(p, '\n', end - p))) {
    line_++;
    line_start_ = pos_ + (nl - data.data()) + 1;
    p = nl + 1;
  }
  pos_ += data.size();
}

namespace {

int CodePoints(std::string_view s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

void LocateMatches(std::string_view text, uint64_t base, LineTracker* tracker,
                   std::vector<RuleMatch>* matches) {
  uint64_t text_end = base + text.size();
  auto locate = [&](uint64_t offset, int* line, int* column) {
    if (offset >= tracker->pos()) {
      if (tracker->pos() < base) {
        // Bytes before the window were never seen; only in stream mode after
        // a drop, which advances the tracker first, so this is defensive.
        LineTracker t;
        *tracker = t;
      }
      uint64_t from = std::max(tracker->pos(), base);
      tracker->Advance(
          text.substr(from - base, std::min(offset, text_end) - from));
      *line = tracker->line();
      uint64_t ls = tracker->line_start();
      uint64_t ls_in = std::max(ls, base);
      *column = 1 + static_cast<int>(ls_in - ls) +
                CodePoints(text.substr(ls_in - base, offset - ls_in));
      return;
    }
    // Earlier than the tracker (a match delivered late): count back.
    std::string_view back = text.substr(offset - base, tracker->pos() - offset);
    int newlines = std::count(back.begin(), back.end(), '\n');
    *line = tracker->line() - newlines;
    size_t nl = text.substr(0, offset - base).rfind('\n');
    uint64_t ls = nl == std::string_view::npos ? base : base + nl + 1;
    *column = 1 + CodePoints(text.substr(ls - base, offset - ls));
  };
  for (auto& m : *matches) {
    locate(m.secret_start, &m.line, &m.column);
  }
  // End positions: computed from the start without moving the tracker, so
  // later starts (which may precede this end) stay in order.
  for (auto& m : *matches) {
    std::string_view secret =
        text.substr(m.secret_start - base, m.secret_end - m.secret_start);
    int newlines = std::count(secret.begin(), secret.end(), '\n');
    m.end_line = m.line + newlines;
    if (newlines == 0) {
      m.end_column = m.column + CodePoints(secret);
    } else {
      size_t nl = secret.rfind('\n');
      m.end_column = 1 + CodePoints(secret.substr(nl + 1));
    }
  }
}

}  // namespace keyward

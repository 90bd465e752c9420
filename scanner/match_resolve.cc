// After phase 2: overlap resolution between rules, and match positions.
#include <algorithm>
#include <cstring>

#include "base/visible_text.h"
#include "scanner/matcher_impl.h"
#include "source/span_simd.h"

namespace keyward {

void ResolveOverlaps(const std::vector<std::unique_ptr<CompiledRule>>& rules,
                     std::string_view text, uint64_t base,
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
  uint64_t max_window = kMaxWindow;  // a rule may allow longer (max_window)
  for (const auto& r : rules) max_window = std::max(max_window, r->window);
  // Matches interacting with ms[i] start their secret no earlier than this:
  // secrets are at most a window long, superseded ones lie inside the match.
  auto first_near = [&](size_t i) {
    uint64_t lo = std::min(ms[i].start, ms[i].secret_start > max_window
                                            ? ms[i].secret_start - max_window
                                            : 0);
    return static_cast<size_t>(
        std::lower_bound(
            ms.begin(), ms.end(), lo,
            [](const RuleMatch& m, uint64_t v) { return m.secret_start < v; }) -
        ms.begin());
  };
  auto overlaps = [](const RuleMatch& a, const RuleMatch& b) {
    return a.secret_start < b.secret_end && b.secret_start < a.secret_end;
  };
  // Calls fn(i, j) for every live pair of distinct matches that may interact.
  auto for_pairs = [&](auto fn) {
    for (size_t i = 0; i < ms.size(); i++) {
      if (drop[i]) continue;
      for (size_t j = first_near(i); j < ms.size() && !drop[i]; j++) {
        if (j == i || drop[j]) continue;
        if (ms[j].secret_start >= std::max(ms[i].end, ms[i].secret_end)) break;
        fn(i, j);
      }
    }
  };
  // Whether a line break lies in [from, to) of the text.
  auto line_break = [&](uint64_t from, uint64_t to) {
    if (from < base || to > base + text.size() || from >= to) return false;
    return memchr(text.data() + (from - base), '\n', to - from) != nullptr;
  };
  // 1. A pair rule absorbs the findings of the rules it supersedes that lie
  //    inside its match (the identifier and the lone secret). The
  //    identifier's own finding on a line of its own becomes the pair's
  //    companion there, once it is known that both stay.
  std::vector<std::pair<size_t, size_t>> companions;  // (identifier, pair)
  for_pairs([&](size_t i, size_t j) {
    const auto& sup = rules[ms[i].rule]->supersedes;
    if (std::find(sup.begin(), sup.end(), ms[j].rule) != sup.end() &&
        ms[j].secret_start >= ms[i].start && ms[j].secret_end <= ms[i].end) {
      if (ms[i].has_id && ms[j].secret_start == ms[i].id_start &&
          ms[j].secret_end == ms[i].id_end &&
          line_break(ms[i].id_end, ms[i].secret_start)) {
        companions.emplace_back(j, i);
      } else {
        drop[j] = true;
      }
    }
  });
  // 2. A specific rule beats a generic one on an overlapping secret.
  for_pairs([&](size_t i, size_t j) {
    if (!rules[ms[i].rule]->rule.generic && rules[ms[j].rule]->rule.generic &&
        overlaps(ms[i], ms[j])) {
      drop[j] = true;
    }
  });
  // 3. A fallback (catch-all) rule yields to any other rule on an
  //    overlapping secret: the other rule names it better.
  for_pairs([&](size_t i, size_t j) {
    bool fi = rules[ms[i].rule]->rule.fallback;
    bool fj = rules[ms[j].rule]->rule.fallback;
    if (fi != fj && overlaps(ms[i], ms[j])) drop[fi ? i : j] = true;
  });
  // 4. The same secret found by two rules of the same standing: keep one.
  for_pairs([&](size_t i, size_t j) {
    if (ms[i].secret_start == ms[j].secret_start &&
        ms[i].secret_end == ms[j].secret_end && ms[i].rule < ms[j].rule &&
        rules[ms[i].rule]->rule.generic == rules[ms[j].rule]->rule.generic) {
      drop[j] = true;
    }
  });
  // An identifier whose pair lost stays a finding of its own rule.
  for (auto [j, i] : companions) {
    if (drop[i] || drop[j]) continue;
    RuleMatch& c = ms[j];
    c.companion = true;
    c.rule = ms[i].rule;
    c.has_id = true;
    c.id_start = c.secret_start;
    c.id_end = c.secret_end;
    c.value_start = ms[i].secret_start;
    c.value_end = ms[i].secret_end;
    c.start = std::min(c.start, ms[i].start);
    c.end = std::max(c.end, ms[i].end);  // delivered with its pair's bytes
    c.checksum_verified = ms[i].checksum_verified;
    c.checksum_failed = ms[i].checksum_failed;
    c.weak = ms[i].weak;
  }
  size_t k = 0;
  for (size_t i = 0; i < ms.size(); i++) {
    if (!drop[i]) ms[k++] = ms[i];
  }
  ms.resize(k);
}

void LineTracker::Advance(std::string_view data) {
  // 16 bytes per step: a match late in a log advances over millions of
  // short lines, where a memchr per line costs several times more.
  line_ += static_cast<int>(span_simd::CountByte(data, '\n'));
  if (const void* nl = memrchr(data.data(), '\n', data.size())) {
    size_t after = static_cast<const char*>(nl) - data.data() + 1;
    line_start_ = pos_ + after;
    column_ = 1 + CodePoints(data.substr(after));
  } else {
    column_ += CodePoints(data);
  }
  pos_ += data.size();
}

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
      *column = tracker->column();
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

// Phase 2: confirming Hyperscan's candidate ends with RE2, cluster by
// cluster, and the RE2-only reference scan.
#include <algorithm>
#include <ctime>

#include "keyward/matcher.h"
#include "scanner/matcher_impl.h"
#include "source/text_bytes.h"

namespace keyward {
namespace {

// CPU time of the calling thread: the per-rule profile stays meaningful on a
// machine shared with other work, where wall time is not.
uint64_t ThreadCpuNanos() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

bool Base64Payload(char c) {
  return text_bytes::Cls(c) & (text_bytes::kB64 | text_bytes::kB64Std);
}

// Lines of a wrapped base64 block: at least kWrappedLine characters ('='
// padding and '\r' aside), and at most kMaxWrappedLine, which bounds the
// search for a line's ends (a minified line of megabytes is no such line,
// and must not be walked once per candidate).
constexpr size_t kWrappedLine = 48, kMaxWrappedLine = 256;
constexpr size_t kNoLine = std::string_view::npos;

// The start of the line holding `pos`, or kNoLine when it is more than
// kMaxWrappedLine bytes back.
size_t NearLineStart(std::string_view text, size_t pos) {
  size_t stop = pos > kMaxWrappedLine ? pos - kMaxWrappedLine : 0;
  while (pos > stop && text[pos - 1] != '\n') --pos;
  return pos == 0 || text[pos - 1] == '\n' ? pos : kNoLine;
}

// The end of the line holding `pos` (its '\n' or the text's end), or
// kNoLine when it is more than kMaxWrappedLine bytes on.
size_t NearLineEnd(std::string_view text, size_t pos) {
  size_t stop = std::min(text.size(), pos + kMaxWrappedLine);
  while (pos < stop && text[pos] != '\n') ++pos;
  return pos == text.size() || text[pos] == '\n' ? pos : kNoLine;
}

// Whether [begin, end) is a line of a wrapped base64 block: base64 alone.
bool WrappedPayloadLine(std::string_view text, size_t begin, size_t end) {
  if (begin == kNoLine || end == kNoLine) return false;
  while (end > begin && (text[end - 1] == '\r' || text[end - 1] == '=')) --end;
  if (end - begin < kWrappedLine) return false;
  for (size_t i = begin; i < end; ++i) {
    if (!Base64Payload(text[i])) return false;
  }
  return true;
}

}  // namespace

bool GluedIntoBase64(std::string_view text, size_t s, size_t e) {
  auto joint = [](char c) { return c == '+' || c == '/'; };
  bool left = s >= 2 && joint(text[s - 1]) && Base64Payload(text[s - 2]);
  bool right =
      e + 1 < text.size() && joint(text[e]) && Base64Payload(text[e + 1]);
  if (!left && !right) return false;
  // A token with a character base64 lacks ('_', '-') was never payload.
  for (size_t i = s; i < e; ++i) {
    if (!Base64Payload(text[i])) return false;
  }
  // Payload on the match's line, beside the match.
  constexpr size_t kGluedPayload = 64;
  size_t around = 0;
  size_t l = s, r = e;
  while (l > 0 && Base64Payload(text[l - 1]) && around < kGluedPayload) {
    --l;
    ++around;
  }
  while (r < text.size() && Base64Payload(text[r]) && around < kGluedPayload) {
    ++r;
    ++around;
  }
  if (around >= kGluedPayload) return true;
  // A short payload that ends in padding: a digest (`sha512-...==` in a lock
  // file, `h1:...=` in go.sum).
  if (r < text.size() && text[r] == '=') return true;
  // A line of a wrapped block (PEM, MIME: 64 or 76 characters a line) beside
  // another such line.
  size_t begin = NearLineStart(text, s), end = NearLineEnd(text, e);
  if (!WrappedPayloadLine(text, begin, end)) return false;
  if (begin > 0 &&
      WrappedPayloadLine(text, NearLineStart(text, begin - 1), begin - 1)) {
    return true;
  }
  return end < text.size() &&
         WrappedPayloadLine(text, end + 1, NearLineEnd(text, end + 1));
}

void Matcher::Impl::ConfirmRegion(uint32_t index, std::string_view text,
                                  uint64_t from, uint64_t to, uint64_t base,
                                  bool anchored,
                                  std::vector<RuleMatch>* out) const {
  const CompiledRule& cr = *compiled[index];
  const RE2& re = cr.re();
  // A secret that is the whole match (its group wraps the pattern, the only
  // group) needs no group extraction: the match bounds are all we need.
  int ngroups = cr.secret_is_whole() ? 1 : 1 + re.NumberOfCapturingGroups();
  re2::StringPiece groups[kMaxCaptureGroups + 1];
  if (ngroups > kMaxCaptureGroups + 1) ngroups = kMaxCaptureGroups + 1;
  re2::StringPiece sp(text.data(), text.size());
  uint64_t pos = from;
  // First the match bounds alone (RE2's DFAs), then the groups on exactly
  // that span: asking for groups over the whole region makes RE2 run its
  // NFA over all of it, which is slow for large counted repeats.
  // A region known to begin with a match is searched anchored first: the
  // leftmost match starts there, and an anchored DFA is much cheaper.
  RE2::Anchor anchor = anchored ? RE2::ANCHOR_START : RE2::UNANCHORED;
  while (pos <= to && re.Match(sp, pos, to, anchor, groups, 1)) {
    anchor = RE2::UNANCHORED;
    const auto& whole = groups[0];
    uint64_t s = whole.data() - text.data();
    uint64_t e = s + whole.size();
    pos = e > s ? e : e + 1;
    if (ngroups > 1 && !cr.MatchGroups(sp, s, e, groups, ngroups)) {
      continue;  // cannot happen: the span was just matched
    }
    const auto& sec = cr.secret_is_whole() ? whole : groups[cr.secret_group()];
    if (sec.data() == nullptr || sec.empty()) continue;
    std::string_view secret(sec.data(), sec.size());
    KeySource key{&cr, sp, static_cast<size_t>(s), static_cast<size_t>(e)};
    RuleMatch m;
    if (!Passes(index, secret, cr.key_group() > 0 ? &key : nullptr, &m.weak)) {
      continue;
    }
    if (!Validates(index, secret, &m.checksum_verified, &m.checksum_failed)) {
      continue;
    }
    if (!cr.rule.prefix.empty() &&
        GluedIntoBase64(text, sec.data() - text.data(),
                        sec.data() - text.data() + sec.size())) {
      continue;
    }
    m.rule = index;
    m.start = base + s;
    m.end = base + e;
    m.secret_start = base + (sec.data() - text.data());
    m.secret_end = m.secret_start + sec.size();
    int idg = cr.id_group();
    if (idg > 0 && idg < ngroups && groups[idg].data() != nullptr) {
      m.has_id = true;
      m.id_start = base + (groups[idg].data() - text.data());
      m.id_end = m.id_start + groups[idg].size();
    }
    out->push_back(m);
  }
}

void Matcher::Impl::Confirm(std::vector<Candidate>& cands,
                            std::string_view text, uint64_t base,
                            std::vector<RuleMatch>* out) const {
  std::sort(cands.begin(), cands.end(),
            [](const Candidate& a, const Candidate& b) {
              return a.rule != b.rule ? a.rule < b.rule : a.end < b.end;
            });
  // Ends of one rule that lie within its window of each other form a
  // cluster. One leftmost-first RE2 scan over [region start, last end] finds
  // exactly what a whole-buffer RE2 scan finds there, for any region start
  // between (first end - window) and the leftmost start of a match ending at
  // a cluster end: every match ends at a reported end and is no longer than
  // the window, so nothing from an earlier cluster reaches into the region.
  //
  // When the cluster has few ends and the rule's matches may be long, the
  // end-anchored pattern run backwards from each end (cost: the match
  // length, not the window) gives the leftmost start of a match ending
  // there. Every whole-buffer match lies inside one of these [start, end]
  // spans, so the spans that do not overlap are scanned as separate regions,
  // each anchored at its start; an end no match reaches is dropped (its rule
  // is exact, not prefiltered).
  size_t i = 0;
  std::vector<std::pair<uint64_t, uint64_t>> spans;
  while (i < cands.size()) {
    uint32_t rule = cands[i].rule;
    const CompiledRule& cr = *compiled[rule];
    uint64_t started = profile ? ThreadCpuNanos() : 0;
    uint64_t w = cr.window;
    uint64_t first = cands[i].end - base, last = first;
    size_t j = i + 1;
    while (j < cands.size() && cands[j].rule == rule &&
           cands[j].end - base - last <= w) {
      last = cands[j].end - base;
      j++;
    }
    size_t before = out->size();
    constexpr size_t kMaxReverseProbes = 64;
    // A rule whose matches are at most this long is confirmed over its
    // window directly: that costs what the probes would, and the probes'
    // end-anchored pattern is one more RE2 program to compile per rule on
    // first use (bench/README.md, "Fourteenth session"). Above a few hundred
    // bytes the unanchored search costs more: a name of up to 40 word
    // characters before a value of up to 200 (generic.key.named, 268) makes
    // RE2's forward DFA track both counts at once, and it spent 0.23 ms a
    // candidate rebuilding states where the end-anchored probe, which knows
    // where the value ends, spends 0.08 ("Probes from 256 bytes").
    constexpr uint64_t kProbeFromWindow = 256;
    // Many ends far apart (a log's `password=` line every few KB under a
    // rule with a 16 KiB window): the region is mostly bytes no match
    // touches, and the probes, which cost each end its match's length, are
    // the cheaper reading however many ends there are.
    constexpr uint64_t kSparseEndGap = 1024;
    const bool sparse = last - first >= (j - i) * kSparseEndGap;
    if ((j - i <= kMaxReverseProbes || sparse) && !cr.prefilter &&
        w > kProbeFromWindow) {
      const RE2& back = cr.re_end();
      uint64_t probes_started = profile ? ThreadCpuNanos() : 0;
      re2::StringPiece whole;
      spans.clear();
      for (size_t k = i; k < j; k++) {
        uint64_t end = cands[k].end - base;
        if (k > i && end == cands[k - 1].end - base) continue;
        uint64_t lo = end > w ? end - w : 0;
        re2::StringPiece prefix(text.data(), end);
        if (back.Match(prefix, lo, end, RE2::UNANCHORED, &whole, 1)) {
          spans.emplace_back(whole.data() - text.data(), end);
        }
      }
      if (profile) {
        profile[rule].reverse_nanos += ThreadCpuNanos() - probes_started;
      }
      std::sort(spans.begin(), spans.end());
      for (size_t k = 0; k < spans.size();) {
        uint64_t from = spans[k].first, to = spans[k].second;
        for (++k; k < spans.size() && spans[k].first < to; ++k) {
          to = std::max(to, spans[k].second);
        }
        ConfirmRegion(rule, text, from, to, base, /*anchored=*/true, out);
      }
    } else {
      uint64_t from = first > w ? first - w : 0;
      ConfirmRegion(rule, text, from, last, base, /*anchored=*/false, out);
    }
    if (profile) {
      RuleProfile& p = profile[rule];
      p.ends += j - i;
      p.clusters += 1;
      p.matches += out->size() - before;
      p.nanos += ThreadCpuNanos() - started;
    }
    i = j;
  }
}

void Matcher::ScanWithRe2Only(std::string_view data,
                              std::vector<RuleMatch>* out) const {
  std::vector<RuleMatch> found;
  for (uint32_t i = 0; i < impl_->compiled.size(); i++) {
    impl_->ConfirmRegion(i, data, 0, data.size(), 0, false, &found);
  }
  ResolveOverlaps(impl_->compiled, data, 0, &found);
  LineTracker tracker;
  LocateMatches(data, 0, &tracker, &found);
  out->insert(out->end(), found.begin(), found.end());
}

}  // namespace keyward

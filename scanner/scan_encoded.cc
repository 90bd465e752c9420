// Scanning what the encoded strings of a buffer decode to: JSON/JS escapes,
// percent-encoding, base64, base64url, hex (source/encoded_spans.h), to
// ScanOptions::decode_max_depth levels, within a byte budget per file.
//
// Each decoded span is scanned with the text before it on its line (the
// key it is the value of: `DB_PASSWORD: <base64>`), so the rules that need
// a key see one; a finding must start in the decoded part. A finding in
// decoded text carries the encoding chain ("base64", "base64>json-escape")
// and the location of the outermost encoded span in the file.
//
// A secret already found in the encoded text itself is reported once: a
// decoded finding is dropped when a finding of the text it was decoded from
// overlaps its span and either covers the whole span (docker.config_auth
// takes the whole base64 blob), or has the same rule (an escaped PEM key
// matched raw), or the same secret (escaping that did not touch it). The
// raw one goes instead when it is generic and the decoded one specific, or
// when it is generic and covers the span (generic.k8s_secret.data reads
// any base64 value of a Secret: the decoded password is the credential);
// the decoded one then keeps the higher of the two confidences.
#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "base/visible_text.h"
#include "scanner/build_finding.h"
#include "scanner/inline_allow.h"
#include "scanner/scan_worker.h"
#include "source/encoded_spans.h"
#include "source/span_simd.h"

namespace keyward {
namespace {

constexpr size_t kMaxKeyContext = 200;  // bytes of the line before a span

// Line and column (code points) of increasing offsets in one text, in time
// linear in the text however long its lines are.
class OffsetLocator {
 public:
  explicit OffsetLocator(std::string_view text) : text_(text) {}
  void Locate(uint64_t offset, int* line, int* column) {
    offset = std::min<uint64_t>(offset, text_.size());
    std::string_view seg = text_.substr(pos_, offset - pos_);
    const void* nl = memrchr(seg.data(), '\n', seg.size());
    if (nl == nullptr) {
      column_ += CodePoints(seg);
    } else {
      size_t after = static_cast<const char*>(nl) - seg.data() + 1;
      line_ += span_simd::CountByte(seg.substr(0, after), '\n');
      column_ = 1 + CodePoints(seg.substr(after));
    }
    pos_ = offset;
    *line = line_;
    *column = column_;
  }

 private:
  std::string_view text_;
  uint64_t pos_ = 0;
  int line_ = 1, column_ = 1;
};

// A file name given as the key of a decoded document (`.env: <base64>`,
// `config.json: <base64>` in a Kubernetes Secret): file-format rules apply
// to the decoded text by that name. Empty when the key is not one.
std::string_view FileNameKey(std::string_view prefix) {
  size_t end = prefix.find_last_not_of(" \t\"'");
  if (end == std::string_view::npos ||
      (prefix[end] != ':' && prefix[end] != '='))
    return {};
  size_t key_end = prefix.find_last_not_of(" \t\"'", end - 1);
  if (key_end == std::string_view::npos) return {};
  size_t b = key_end + 1;
  while (b > 0) {
    char c = prefix[b - 1];
    if (!isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' &&
        c != '-') {
      break;
    }
    --b;
  }
  std::string_view key = prefix.substr(b, key_end + 1 - b);
  return key.find('.') == std::string_view::npos ? std::string_view() : key;
}

// Whether rule `by` supersedes rule `id` (Rule::supersedes): what a
// decoded copy of its text yields to that rule is its finding again (the
// PEM of a service account key file, decoded from its JSON string, is the
// key file's key), and a raw finding of a rule the decoded finding's rule
// supersedes gives way to it. Looked up only for a decoded finding under a
// raw one.
bool Supersedes(const std::vector<Rule>& rules, std::string_view by,
                std::string_view id) {
  auto it = std::find_if(rules.begin(), rules.end(),
                         [&](const Rule& r) { return r.id == by; });
  return it != rules.end() &&
         std::find(it->supersedes.begin(), it->supersedes.end(), id) !=
             it->supersedes.end();
}

}  // namespace

// Where the outermost span of a decoded finding is (file coordinates).
struct ScanWorker::SpanPlace {
  const std::string* path = nullptr;
  std::string_view file;  // the scanned buffer, for `keyward:allow`
  uint64_t offset = 0, end = 0;
};

// A finding of the text a span was decoded from, at [begin, end) there.
struct ScanWorker::Parent {
  uint64_t begin = 0, end = 0;
  Finding* finding = nullptr;
};

void ScanWorker::ScanEncoded(std::string_view data, const std::string& path,
                             std::string_view scope, size_t raw_begin) {
  const ScanOptions& options = scanner_.options();
  if (!options.decode || options.decode_max_depth < 1) return;
  SpanLimits limits;
  limits.min_length = options.decode_min_length;
  limits.max_length = options.decode_max_span;
  uint64_t budget = options.decode_max_bytes;
  bool budget_hit = false;
  std::vector<DecodedSpan> spans;
  FindEncodedSpans(data, limits, &budget, &budget_hit, &spans);
  if (!spans.empty()) {
    OffsetLocator locator(data);
    std::vector<Finding> decoded;
    std::unordered_set<const Finding*> dropped;
    // Raw findings are in order of their secret's start.
    size_t first = raw_begin;
    for (const DecodedSpan& span : spans) {
      SpanPlace place;
      place.path = &path;
      place.file = data;
      place.offset = span.begin;
      place.end = span.end;
      while (first < findings_.size() && findings_[first].offset < span.begin)
        ++first;
      std::vector<Parent> parents;
      size_t from = first - std::min<size_t>(first - raw_begin, 8);
      for (size_t i = from;
           i < findings_.size() && findings_[i].offset < span.end; i++) {
        Finding& f = findings_[i];
        if (f.offset + f.secret.size() > span.begin) {
          parents.push_back({f.offset, f.offset + f.secret.size(), &f});
        }
      }
      const size_t found_before = decoded.size();
      ScanSpan(data, span, place, scope, EncodingName(span.encoding), 1,
               parents, &budget, &budget_hit, &decoded, &dropped);
      // Located only when the span yields a finding: a span that decodes to
      // nothing (most of them) costs no line counting.
      if (decoded.size() > found_before) {
        int line, column, end_line, end_column;
        locator.Locate(span.begin, &line, &column);
        locator.Locate(span.end, &end_line, &end_column);
        for (size_t k = found_before; k < decoded.size(); ++k) {
          decoded[k].line = line;
          decoded[k].column = column;
          decoded[k].end_line = end_line;
          decoded[k].end_column = end_column;
        }
      }
    }
    if (!dropped.empty()) {
      size_t keep = raw_begin;
      for (size_t i = raw_begin; i < findings_.size(); i++) {
        if (dropped.count(&findings_[i])) continue;
        if (keep != i) findings_[keep] = std::move(findings_[i]);
        ++keep;
      }
      findings_.resize(keep);
    }
    stats_.decoded_findings += decoded.size();
    for (Finding& f : decoded) findings_.push_back(std::move(f));
  }
  if (budget_hit) stats_.decode_limited++;
}

void ScanWorker::ScanSpan(std::string_view text, const DecodedSpan& span,
                          const SpanPlace& place, std::string_view scope,
                          const std::string& chain, int depth,
                          const std::vector<Parent>& parents, uint64_t* budget,
                          bool* budget_hit, std::vector<Finding>* out,
                          std::unordered_set<const Finding*>* dropped) {
  const ScanOptions& options = scanner_.options();
  stats_.decoded_spans++;
  stats_.decoded_bytes += span.text.size();
  // The key before the span, on its line; a decoded document (several
  // lines) starts on a line of its own.
  size_t ls = span.begin;
  while (ls > 0 && text[ls - 1] != '\n' && span.begin - ls < kMaxKeyContext) {
    --ls;
  }
  std::string_view prefix = text.substr(ls, span.begin - ls);
  bool document = span.text.find('\n') != std::string::npos;
  std::string buf(prefix);
  if (document) buf.push_back('\n');
  const size_t base = buf.size();
  buf += span.text;
  std::string_view key = document ? FileNameKey(prefix) : std::string_view();
  std::vector<RuleMatch> matches;
  if (Status s = matcher_.Scan(buf, scratch_.get(), &matches,
                               key.empty() ? scope : key);
      !s.ok()) {
    return;  // the raw text was scanned; a decoded copy is best effort
  }
  std::vector<Finding> level;
  std::vector<Parent> children;  // this level's findings, for the next
  level.reserve(matches.size());
  for (const RuleMatch& m : matches) {
    if (m.secret_start < base) continue;  // the key's line: a raw finding
    // Line and column: set by ScanEncoded, which locates the span.
    Finding f = BuildFinding(matcher_, m, buf, 0, *place.path);
    f.offset = place.offset;
    f.encoding = chain;
    f.suppressed = InlineAllowed(place.file, place.offset, &f.suppression);
    // Duplicates of a finding of the text it was decoded from.
    bool duplicate = false;
    for (const Parent& p : parents) {
      if (dropped->count(p.finding)) continue;
      bool covers = p.begin <= span.begin && p.end >= span.end;
      // The decoded finding's rule supersedes the raw one's: the raw rule
      // reads the encoded form of what the decoded text shows plainly (a
      // Slack webhook URL with JSON-escaped slashes).
      bool decoded_wins =
          Supersedes(matcher_.rules(), f.rule_id, p.finding->rule_id);
      if (!covers && p.finding->rule_id != f.rule_id &&
          p.finding->secret_digest != f.secret_digest && !decoded_wins &&
          !Supersedes(matcher_.rules(), p.finding->rule_id, f.rule_id)) {
        continue;
      }
      // A generic rule's reading of the encoded text gives way to what it
      // decodes to: a specific finding, or any finding when the generic
      // one took the whole encoded span as an opaque value (a Kubernetes
      // Secret's data): the decoded value is the credential itself.
      if (decoded_wins || (p.finding->generic && (covers || !f.generic))) {
        dropped->insert(p.finding);
        f.confidence = std::max(f.confidence, p.finding->confidence);
      } else {
        duplicate = true;
        break;
      }
    }
    if (duplicate) continue;
    level.push_back(std::move(f));
    children.push_back({m.secret_start, m.secret_end, nullptr});
  }
  for (size_t i = 0; i < level.size(); i++) children[i].finding = &level[i];
  std::vector<Finding> deeper;
  if (depth < options.decode_max_depth && !*budget_hit) {
    SpanLimits limits;
    limits.min_length = options.decode_min_length;
    limits.max_length = options.decode_max_span;
    std::vector<DecodedSpan> inner;
    FindEncodedSpans(buf, limits, budget, budget_hit, &inner);
    for (const DecodedSpan& s : inner) {
      if (s.begin < base) continue;
      std::vector<Parent> over;
      for (const Parent& c : children) {
        if (c.begin < s.end && c.end > s.begin) over.push_back(c);
      }
      ScanSpan(buf, s, place, scope, chain + ">" + EncodingName(s.encoding),
               depth + 1, over, budget, budget_hit, &deeper, dropped);
    }
  }
  for (size_t i = 0; i < level.size(); i++) {
    if (dropped->count(&level[i])) continue;
    out->push_back(std::move(level[i]));
  }
  // `level` goes: no pointer into it may stay (a later one could reuse it).
  for (const Finding& f : level) dropped->erase(&f);
  for (Finding& f : deeper) out->push_back(std::move(f));
}

}  // namespace keyward

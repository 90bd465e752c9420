// Phase 1 drivers: block mode for whole buffers, stream mode for chunks.
#include <algorithm>
#include <cstring>

#include "scanner/hs_cache.h"
#include "scanner/matcher_impl.h"

namespace keyward {
namespace {
std::string HsErrorName(hs_error_t err);
}  // namespace

class HsScratch : public Matcher::Scratch {
 public:
  explicit HsScratch(const MatcherImpl& impl) : impl_(impl) {}
  ~HsScratch() override {
    if (hs_) hs_free_scratch(hs_);
  }
  // Scratch space follows the databases as they are loaded (each lazily);
  // it must fit every database it is used with.
  Status EnsureBlock() { return Ensure(impl_.block_db, &block_ready_); }
  Status EnsureScoped() { return Ensure(impl_.scoped_db, &scoped_ready_); }
  Status EnsureScopedRule(size_t k, const hs_database_t* db) {
    if (rule_ready_.empty())
      rule_ready_.assign(impl_.scoped_patterns.size(), 0);
    bool ready = rule_ready_[k];
    Status s = Ensure(db, &ready);
    rule_ready_[k] = ready;
    return s;
  }
  Status EnsureStream() { return Ensure(impl_.stream_db, &stream_ready_); }
  Status EnsureStreamMain() {
    return Ensure(impl_.stream_main_db, &stream_main_ready_);
  }
  hs_scratch_t* hs() { return hs_; }
  std::vector<Candidate> cands;
  // Scan: the scoped rules for the path `scoped_path` (a file's decoded
  // spans are scanned under its path too: one glob match per file).
  std::vector<uint32_t> scoped_on;
  std::string scoped_path;
  bool scoped_known = false;

 private:
  Status Ensure(const hs_database_t* db, bool* ready) {
    if (!db || *ready) return Status::OK();
    hs_error_t err = hs_alloc_scratch(db, &hs_);
    if (err != HS_SUCCESS) {
      return Status::Internal("cannot allocate Hyperscan scratch space: " +
                              HsErrorName(err));
    }
    *ready = true;
    return Status::OK();
  }

  const MatcherImpl& impl_;
  hs_scratch_t* hs_ = nullptr;
  bool block_ready_ = false;
  bool stream_ready_ = false;
  bool stream_main_ready_ = false;
  bool scoped_ready_ = false;
  std::vector<char> rule_ready_;  // by position in scoped_patterns
};

namespace {

std::string HsErrorName(hs_error_t err) {
  switch (err) {
    case HS_INVALID:
      return "invalid parameter (HS_INVALID)";
    case HS_NOMEM:
      return "out of memory (HS_NOMEM)";
    case HS_SCRATCH_IN_USE:
      return "scratch in use by another scan (HS_SCRATCH_IN_USE)";
    case HS_DB_MODE_ERROR:
      return "database of the wrong mode (HS_DB_MODE_ERROR)";
    case HS_BAD_ALIGN:
      return "misaligned memory (HS_BAD_ALIGN)";
    case HS_BAD_ALLOC:
      return "allocator returned misaligned memory (HS_BAD_ALLOC)";
    default:
      return "Hyperscan error " + std::to_string(err);
  }
}

// A Hyperscan call's result as a Status naming the call.
Status HsStatus(hs_error_t err, const char* call) {
  if (err == HS_SUCCESS) return Status::OK();
  return Status::Internal(std::string(call) + " failed: " + HsErrorName(err));
}

int OnCandidate(unsigned id, unsigned long long /*from*/, unsigned long long to,
                unsigned /*flags*/, void* ctx) {
  if (id == kPadId) return 0;  // a padding literal (matcher_impl.h)
  static_cast<std::vector<Candidate>*>(ctx)->push_back({id, to});
  return 0;
}

}  // namespace

std::unique_ptr<Matcher::Scratch> Matcher::NewScratch() const {
  return std::make_unique<HsScratch>(*impl_);
}

void Matcher::Impl::ScopedRulesFor(std::string_view path,
                                   std::vector<uint32_t>* out) const {
  out->clear();
  if (path.empty()) {
    *out = scoped;
    return;
  }
  if (!scoped_paths || path == Matcher::kNoFileFormatRules) return;
  // Entry h of scoped_paths and of scoped_names is glob h (of its rule
  // scoped_path_rule[h]): the whole glob, and its last component.
  std::vector<int> hits;
  if (path.front() == '\0') {  // Matcher::FileNamed
    const std::string_view name = path.substr(1);
    if (!scoped_names->Match(re2::StringPiece(name.data(), name.size()),
                             &hits)) {
      return;
    }
  } else {
    // Most files are of no rule's format. A yes/no match of the base name
    // (scoped_names: every path a glob matches has a base name it matches)
    // says so without the list of hits, which costs RE2 a set of the globs'
    // size allocated per call: ~1,900 instructions a file before, a third
    // of a directory walk's per-file cost (bench/README.md, "per-file
    // cost").
    const size_t slash = path.rfind('/');
    const std::string_view base =
        slash == std::string_view::npos ? path : path.substr(slash + 1);
    if (!scoped_names->Match(re2::StringPiece(base.data(), base.size()),
                             nullptr)) {
      return;
    }
    // The last scoped_path_components components, from just after a '/'
    // (where the globs' "(?:^|/)" matches as it did on the whole path).
    size_t end = path.size(), n = 0;
    while (n < scoped_path_components && end > 0) {
      size_t slash = path.rfind('/', end - 1);
      if (slash == std::string_view::npos) break;
      end = slash;
      ++n;
    }
    if (n == scoped_path_components) path.remove_prefix(end + 1);
    if (!scoped_paths->Match(re2::StringPiece(path.data(), path.size()),
                             &hits)) {
      return;
    }
  }
  for (int h : hits) out->push_back(scoped_path_rule[h]);
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

std::string Matcher::FileNamed(std::string_view name) {
  std::string path(kNoFileFormatRules);
  path += name;
  return path;
}

bool Matcher::AnyScopedRuleApplies(std::string_view path) const {
  std::vector<uint32_t> on;
  impl_->ScopedRulesFor(path, &on);
  return !on.empty();
}

bool Matcher::AnyScopedRuleMayApplyToName(std::string_view name) const {
  // Asked for every blob entry a history's tree walk parses: no list of
  // hits is made, only whether there is one.
  return impl_->scoped_names &&
         impl_->scoped_names->Match(re2::StringPiece(name.data(), name.size()),
                                    nullptr);
}

Status Matcher::Scan(std::string_view data, Scratch* scratch,
                     std::vector<RuleMatch>* out, std::string_view path) const {
  auto* hs = static_cast<HsScratch*>(scratch);
  auto& cands = hs->cands;
  cands.clear();
  impl_->EnsureBlockDb();
  if (Status s = hs->EnsureBlock(); !s.ok()) return s;
  if (impl_->block_db && !data.empty()) {
    Status s = HsStatus(hs_scan(impl_->block_db, data.data(), data.size(), 0,
                                hs->hs(), OnCandidate, &cands),
                        "hs_scan");
    if (!s.ok()) return s;
  }
  // File-format rules: their database runs only where one applies.
  auto& on = hs->scoped_on;
  if (!hs->scoped_known || hs->scoped_path != path) {
    impl_->ScopedRulesFor(path, &on);
    hs->scoped_path.assign(path);
    hs->scoped_known = true;
  }
  bool scoped = !on.empty();
  // Scoped patterns that ran through no database (one failed to compile).
  std::vector<uint32_t> unscanned;
  if (scoped && on.size() == impl_->scoped.size()) {
    // All apply (no path): the database of them all.
    impl_->EnsureScopedDb();
    if (Status s = hs->EnsureScoped(); !s.ok()) return s;
    if (impl_->scoped_db && !data.empty()) {
      Status s = HsStatus(hs_scan(impl_->scoped_db, data.data(), data.size(), 0,
                                  hs->hs(), OnCandidate, &cands),
                          "hs_scan (file-format rules)");
      if (!s.ok()) return s;
    } else if (!impl_->scoped_db) {
      unscanned = impl_->scoped_patterns;
    }
  } else if (scoped) {
    for (uint32_t rule : on) {
      uint32_t k = impl_->scoped_pattern_of_rule[rule];
      if (k == Impl::kNotScoped) continue;  // RE2 alone (re2_only)
      hs_database_t* db = impl_->ScopedRuleDb(k);
      if (!db) {
        unscanned.push_back(impl_->scoped_patterns[k]);
        continue;
      }
      if (Status s = hs->EnsureScopedRule(k, db); !s.ok()) return s;
      if (data.empty()) continue;
      Status s = HsStatus(hs_scan(db, data.data(), data.size(), 0, hs->hs(),
                                  OnCandidate, &cands),
                          "hs_scan (file-format rule)");
      if (!s.ok()) return s;
    }
  }
  std::vector<RuleMatch> found;
  if (!cands.empty()) impl_->Confirm(cands, data, 0, &found);
  for (uint32_t rule : impl_->re2_only) {
    if (!impl_->Applies(rule, on)) continue;
    impl_->ConfirmRegion(rule, data, 0, data.size(), 0, false, &found);
  }
  // A database that failed to load: its rules through RE2 alone.
  for (size_t k = 0; k < impl_->main_patterns.size(); k++) {
    if (impl_->block_db) break;
    const uint32_t rule = impl_->hs_ids[impl_->main_patterns[k]];
    // A split trigger's expressions follow each other: its rule once.
    if (k > 0 && impl_->hs_ids[impl_->main_patterns[k - 1]] == rule) continue;
    impl_->ConfirmRegion(rule, data, 0, data.size(), 0, false, &found);
  }
  for (uint32_t p : unscanned) {
    impl_->ConfirmRegion(impl_->hs_ids[p], data, 0, data.size(), 0, false,
                         &found);
  }
  if (found.empty()) return Status::OK();
  ResolveOverlaps(impl_->compiled, data, 0, &found);
  LineTracker tracker;
  LocateMatches(data, 0, &tracker, &found);
  out->insert(out->end(), found.begin(), found.end());
  return Status::OK();
}

namespace {

// Stream mode. The buffer holds the bytes [buf_base_, buf_base_ + size) of
// the stream: a tail of earlier chunks plus the current one. Candidates are
// confirmed once their cluster can no longer grow (the stream has moved a
// full window past its last end), so a match straddling chunks is confirmed
// whole, from bytes still in the buffer.
class StreamImpl : public Matcher::Stream {
 public:
  // `main_only`: on the database without the file-format rules (none of
  // which applies to `path`), else on the one with every pattern.
  StreamImpl(const MatcherImpl& impl, HsScratch* scratch, std::string_view path,
             bool main_only)
      : impl_(impl), scratch_(scratch) {
    std::vector<uint32_t> on;
    impl_.ScopedRulesFor(path, &on);
    for (uint32_t rule : impl_.scoped) {
      if (!impl_.Applies(rule, on)) off_.push_back(rule);
    }
    hs_database_t* db = main_only ? impl_.stream_main_db : impl_.stream_db;
    error_ =
        main_only ? scratch_->EnsureStreamMain() : scratch_->EnsureStream();
    if (error_.ok() && db) {
      error_ = HsStatus(hs_open_stream(db, 0, &stream_), "hs_open_stream");
    }
    window_ = std::max<uint64_t>(impl_.max_window, 1);
    // Without a stream database (it failed to compile), every rule runs
    // through RE2 over settled regions: slower, still correct.
    if (stream_) {
      re2_rules_ = impl_.re2_only;
    } else {
      for (uint32_t i = 0; i < impl_.compiled.size(); i++) {
        re2_rules_.push_back(i);
      }
    }
    std::erase_if(re2_rules_, [&](uint32_t rule) { return IsOff(rule); });
  }
  ~StreamImpl() override {
    if (stream_) hs_close_stream(stream_, scratch_->hs(), nullptr, nullptr);
  }

  // A failed Hyperscan call ends the stream: every later call returns the
  // same error (never "no findings" for the bytes it could not scan).
  Status Feed(std::string_view chunk, const MatchSink& sink) override {
    if (!error_.ok()) return error_;
    buffer_.append(chunk.data(), chunk.size());
    if (stream_) {
      size_t first = pending_.size();
      error_ = HsStatus(hs_scan_stream(stream_, chunk.data(), chunk.size(), 0,
                                       scratch_->hs(), OnCandidate, &pending_),
                        "hs_scan_stream");
      if (!error_.ok()) return error_;
      DropOff(first);
    }
    uint64_t stream_end = buf_base_ + buffer_.size();
    Flush(stream_end > 2 * window_ ? stream_end - 2 * window_ : 0, sink);
    return Status::OK();
  }

  Status Close(const MatchSink& sink) override {
    if (!error_.ok()) return error_;
    if (stream_) {
      size_t first = pending_.size();
      hs_stream_t* stream = stream_;
      stream_ = nullptr;  // closed (and freed) by this call, whatever it says
      error_ = HsStatus(
          hs_close_stream(stream, scratch_->hs(), OnCandidate, &pending_),
          "hs_close_stream");
      if (!error_.ok()) return error_;
      DropOff(first);
    }
    Flush(UINT64_MAX, sink);
    return Status::OK();
  }

 private:
  // File-format rules that do not apply to this stream's path (sorted).
  bool IsOff(uint32_t rule) const {
    return std::binary_search(off_.begin(), off_.end(), rule);
  }
  // Drops candidates from pending_[first..] of rules that are off.
  void DropOff(size_t first) {
    if (off_.empty()) return;
    pending_.erase(
        std::remove_if(pending_.begin() + first, pending_.end(),
                       [&](const Candidate& c) { return IsOff(c.rule); }),
        pending_.end());
  }

  // The confirmation of the rest of a split cluster starts a window before
  // its first end, inside the span the head's matches may cover: a match of
  // a rule that starts before the end of that rule's last confirmed match
  // is a second reading of the same bytes (a scan of the whole buffer goes
  // on after a match's end) and is dropped. Matches of one rule from
  // clusters that were never split cannot overlap: each starts after the
  // previous cluster's last end.
  void DropOverlapsWithConfirmed(std::vector<RuleMatch>* found) {
    std::sort(found->begin(), found->end(),
              [](const RuleMatch& a, const RuleMatch& b) {
                return a.rule != b.rule ? a.rule < b.rule : a.start < b.start;
              });
    size_t n = 0;
    for (const RuleMatch& m : *found) {
      uint64_t& confirmed_end = confirmed_end_[m.rule];
      if (m.start < confirmed_end) continue;
      confirmed_end = m.end;
      (*found)[n++] = m;
    }
    found->resize(n);
  }

  // Confirms pending candidates that end before `limit` (all when limit is
  // the maximum), delivers matches, and drops bytes no longer needed.
  void Flush(uint64_t limit, const MatchSink& sink) {
    // A cluster (ends of one rule within a window of each other) is ready
    // once it can no longer grow: its last end is before `limit`.
    std::sort(pending_.begin(), pending_.end(),
              [](const Candidate& a, const Candidate& b) {
                return a.rule != b.rule ? a.rule < b.rule : a.end < b.end;
              });
    std::vector<Candidate> ready, keep;
    for (size_t i = 0; i < pending_.size();) {
      size_t j = i + 1;
      while (j < pending_.size() && pending_[j].rule == pending_[i].rule &&
             pending_[j].end - pending_[j - 1].end <=
                 impl_.compiled[pending_[i].rule]->window) {
        j++;
      }
      // A cluster that never ends (a log with a `password=` line every few
      // KB, under a rule whose window is wider than that) would hold the
      // buffer from its first end to the end of input, and be sorted again
      // at every chunk. Past kMaxClusterSpan its settled head is confirmed
      // on its own; the rest stays pending.
      size_t split = pending_[j - 1].end < limit ? j : i;
      if (split == i && pending_[i].end + kMaxClusterSpan < limit) {
        while (pending_[split].end < limit) split++;
      }
      ready.insert(ready.end(), pending_.begin() + i, pending_.begin() + split);
      keep.insert(keep.end(), pending_.begin() + split, pending_.begin() + j);
      i = j;
    }
    pending_.swap(keep);
    std::string_view text(buffer_);
    std::vector<RuleMatch> found;
    if (!ready.empty()) {
      impl_.Confirm(ready, text, buf_base_, &found);
      DropOverlapsWithConfirmed(&found);
    }
    bool final_flush = limit == UINT64_MAX;
    // RE2-only rules run over the settled part of the buffer.
    uint64_t settled_end =
        final_flush ? buf_base_ + buffer_.size() : std::max(limit, buf_base_);
    if (!re2_rules_.empty() && settled_end > re2_done_) {
      uint64_t from =
          re2_done_ > buf_base_ + window_ ? re2_done_ - window_ : buf_base_;
      std::vector<RuleMatch> extra;
      for (uint32_t rule : re2_rules_) {
        impl_.ConfirmRegion(rule, text, from - buf_base_,
                            settled_end - buf_base_, buf_base_, false, &extra);
      }
      for (const auto& m : extra) {
        if (m.end > re2_done_) found.push_back(m);
      }
      re2_done_ = settled_end;
    }
    // Confirmed matches are held until nothing still unconfirmed can overlap
    // them, because overlaps decide specific-vs-generic and pairs. Matches
    // not yet confirmed start no earlier than a window before their
    // cluster's first end, or before the stream end for candidates not yet
    // reported.
    held_.insert(held_.end(), found.begin(), found.end());
    uint64_t stream_end = buf_base_ + buffer_.size();
    uint64_t safe = final_flush ? UINT64_MAX : Minus(stream_end, window_ + 1);
    for (const auto& c : pending_) safe = std::min(safe, Minus(c.end, window_));
    if (!final_flush && !re2_rules_.empty()) {
      safe = std::min(safe, Minus(settled_end, window_));
    }
    if (!held_.empty()) {
      ResolveOverlaps(impl_.compiled, text, buf_base_, &held_);
      std::vector<RuleMatch> deliver, still;
      for (const auto& m : held_)
        (m.end <= safe ? deliver : still).push_back(m);
      held_.swap(still);
      LocateMatches(text, buf_base_, &tracker_, &deliver);
      for (const auto& m : deliver) sink(m, text, buf_base_);
    }
    if (final_flush) return;
    // Keep what held matches, pending clusters and future matches need.
    uint64_t keep_from = Minus(stream_end, 2 * window_);
    for (const auto& c : pending_) {
      keep_from = std::min(keep_from, Minus(c.end, window_));
    }
    for (const auto& m : held_) keep_from = std::min(keep_from, m.start);
    if (keep_from > buf_base_) {
      uint64_t drop = keep_from - buf_base_;
      if (tracker_.pos() < keep_from) {
        tracker_.Advance(text.substr(tracker_.pos() - buf_base_,
                                     keep_from - tracker_.pos()));
      }
      buffer_.erase(0, drop);
      buf_base_ = keep_from;
    }
  }

  const MatcherImpl& impl_;
  HsScratch* scratch_;
  Status error_;
  hs_stream_t* stream_ = nullptr;
  uint64_t window_;
  std::string buffer_;
  uint64_t buf_base_ = 0;
  uint64_t re2_done_ = 0;
  static uint64_t Minus(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

  // How far a cluster may reach behind the settled point before its head
  // is confirmed apart (see Flush): bounds the buffer a stream holds.
  static constexpr uint64_t kMaxClusterSpan = 1 << 20;

  std::vector<Candidate> pending_;
  // Per rule, the end of its last match confirmed (DropOverlapsWithConfirmed).
  std::vector<uint64_t> confirmed_end_ =
      std::vector<uint64_t>(impl_.compiled.size(), 0);
  std::vector<RuleMatch> held_;  // confirmed, not yet delivered
  std::vector<uint32_t> re2_rules_;
  std::vector<uint32_t> off_;
  LineTracker tracker_;
};

}  // namespace

std::unique_ptr<Matcher::Stream> Matcher::OpenStream(
    Scratch* scratch, std::string_view path) const {
  std::vector<uint32_t> on;
  impl_->ScopedRulesFor(path, &on);
  if (on.empty() && !impl_->scoped_patterns.empty() &&
      !impl_->main_patterns.empty()) {
    std::call_once(impl_->stream_main_once, [this] {
      impl_->stream_main_db =
          impl_->LoadOrCompile(HS_MODE_STREAM, impl_->stream_main_cache_digest,
                               impl_->main_patterns);
    });
    if (impl_->stream_main_db) {
      return std::make_unique<StreamImpl>(
          *impl_, static_cast<HsScratch*>(scratch), path, /*main_only=*/true);
    }
  }
  // Should it fail to compile, the whole database serves (or RE2 alone).
  std::call_once(impl_->stream_once, [this] {
    if (impl_->hs_patterns.empty()) return;
    std::vector<uint32_t> all(impl_->hs_patterns.size());
    for (uint32_t i = 0; i < all.size(); i++) all[i] = i;
    impl_->stream_db =
        impl_->LoadOrCompile(HS_MODE_STREAM, impl_->stream_cache_digest, all);
  });
  return std::make_unique<StreamImpl>(*impl_, static_cast<HsScratch*>(scratch),
                                      path, /*main_only=*/false);
}

}  // namespace keyward

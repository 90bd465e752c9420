// The two-phase matcher: compile rules into Hyperscan, confirm with RE2.
#include "keyward/matcher.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>

#include "scanner/hs_cache.h"
#include "scanner/matcher_impl.h"
#include "scanner/pattern_syntax.h"
#include "scanner/wordiness.h"

namespace keyward {
namespace {

RE2::Options Latin1Options() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  // Room for the DFAs of large counted repeats; RE2 falls back to its slow
  // NFA when a DFA runs out of memory. Allocated only as states are built.
  o.set_max_mem(64 << 20);
  return o;
}

// Null for no patterns; an error when RE2 refuses a pattern (each was
// validated on load) or the set (its memory budget).
Result<std::unique_ptr<RE2::Set>> CompileSet(
    const std::vector<std::string>& res) {
  if (res.empty()) return std::unique_ptr<RE2::Set>();
  auto set = std::make_unique<RE2::Set>(Latin1Options(), RE2::UNANCHORED);
  for (const auto& r : res) {
    std::string error;
    if (set->Add(r, &error) < 0) {
      return Status::Config("allow pattern `" + r + "`: " + error);
    }
  }
  if (!set->Compile()) {
    return Status::Config(
        "the allow patterns do not compile together "
        "(RE2 memory budget)");
  }
  return set;
}

// CPU time of the calling thread: the per-rule profile stays meaningful on a
// machine shared with other work, where wall time is not.
uint64_t ThreadCpuNanos() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

// Tries exact, then prefilter. Returns false when Hyperscan takes neither.
bool ProbeHyperscan(const std::string& pattern, uint64_t cap, unsigned* flags,
                    uint64_t* max_width) {
  for (unsigned f : {0u, unsigned(HS_FLAG_PREFILTER)}) {
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_expression_info(pattern.c_str(), f, &info, &err) == HS_SUCCESS) {
      *flags = f;
      *max_width = info->max_width == UINT_MAX
                       ? cap
                       : std::min<uint64_t>(info->max_width, cap);
      free(info);
      // expression_info accepts some patterns compile rejects; compile to be
      // sure.
      hs_database_t* db = nullptr;
      if (hs_compile(pattern.c_str(), f, HS_MODE_BLOCK, nullptr, &db, &err) ==
          HS_SUCCESS) {
        hs_free_database(db);
        return true;
      }
    }
    if (err) hs_free_compile_error(err);
  }
  return false;
}

}  // namespace

CompiledFilter::CompiledFilter(std::vector<std::string> allow,
                               std::vector<std::string> stopwords,
                               std::string when_key)
    : allow_patterns_(std::move(allow)),
      stopwords_(std::move(stopwords)),
      when_key_(std::move(when_key)) {
  start_anchored_ =
      !allow_patterns_.empty() &&
      std::all_of(allow_patterns_.begin(), allow_patterns_.end(),
                  [](const std::string& p) { return StartAnchored(p); });
  for (uint32_t i = 0; i < stopwords_.size(); i++) {
    const std::string& w = stopwords_[i];
    if (w.empty()) {
      empty_stopword_ = true;
    } else if (w.size() == 1) {
      one_byte_.set(static_cast<unsigned char>(w[0]));
    } else {
      size_t h = PairHash(w[0], w[1]);
      pairs_.set(h);
      by_pair_.emplace_back(h, i);
    }
  }
  std::sort(by_pair_.begin(), by_pair_.end());
}

bool CompiledFilter::HasStopword(std::string_view text) const {
  if (empty_stopword_) return true;
  for (size_t i = 0; i < text.size(); i++) {
    unsigned char a = text[i];
    if (one_byte_[a]) return true;
    if (i + 1 == text.size()) break;
    size_t h = PairHash(a, text[i + 1]);
    if (!pairs_[h]) continue;
    auto it = std::lower_bound(by_pair_.begin(), by_pair_.end(),
                               std::make_pair(static_cast<uint32_t>(h), 0u));
    for (; it != by_pair_.end() && it->first == h; ++it) {
      const std::string& w = stopwords_[it->second];
      if (text.compare(i, w.size(), w) == 0) return true;
    }
  }
  return false;
}

Status CompiledFilter::Compile() const {
  std::call_once(once_, [this] {
    auto set = CompileSet(allow_patterns_);
    if (set.ok()) {
      allow_ = std::move(*set);
    } else {
      allow_status_ = set.status();
    }
  });
  return allow_status_;
}

bool CompiledFilter::Allows(std::string_view secret) const {
  // The loader compiled each allow set once already (rules/rule_set.cc), so
  // this cannot fail short of memory; were it to, the candidate is kept (a
  // filter that cannot run allows nothing: never a silent miss).
  if (!Compile().ok()) return false;
  return allow_ && allow_->Match(secret, nullptr);
}

bool CompiledFilter::AppliesToKey(std::string_view key) const {
  if (when_key_.empty()) return true;
  std::call_once(key_once_, [this] {
    when_key_re_ = std::make_unique<RE2>(when_key_, Latin1Options());
  });
  return RE2::PartialMatch(re2::StringPiece(key.data(), key.size()),
                           *when_key_re_);
}

const RE2& CompiledRule::re() const {
  std::call_once(once_, [this] {
    re_ = std::make_unique<RE2>(rule.pattern, Latin1Options());
    auto names = re_->NamedCapturingGroups();
    auto s = names.find("secret");
    secret_group_ = s != names.end() ? s->second : 1;
    auto i = names.find("id");
    id_group_ = i != names.end() ? i->second : -1;
    auto k = names.find("key");
    key_group_ = k != names.end() ? k->second : -1;
    // "(?P<secret>...)" or "(...)" around the whole pattern: the secret is
    // the match, no group extraction needed.
    const std::string& p = rule.pattern;
    size_t open = p.rfind("(?P<secret>", 0) == 0                 ? 0
                  : (p.size() > 1 && p[0] == '(' && p[1] != '?') ? 0
                                                                 : p.npos;
    if (open == 0 && re_->NumberOfCapturingGroups() == 1 && p.back() == ')') {
      int depth = 0;
      bool escaped = false, in_class = false;
      size_t close = p.npos;
      for (size_t k = 0; k < p.size(); k++) {
        char c = p[k];
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (in_class) {
          in_class = c != ']';
        } else if (c == '[') {
          in_class = true;
        } else if (c == '(') {
          depth++;
        } else if (c == ')' && --depth == 0) {
          close = k;
          break;
        }
      }
      secret_is_whole_ = close == p.size() - 1;
    }
  });
  return *re_;
}

const RE2& CompiledRule::re_end() const {
  std::call_once(end_once_, [this] {
    re_end_ =
        std::make_unique<RE2>("(?:" + rule.pattern + ")\\z", Latin1Options());
  });
  return *re_end_;
}

const RE2& CompiledRule::Split::head_longest() const {
  std::call_once(head_once, [this] {
    RE2::Options longest = Latin1Options();
    longest.set_longest_match(true);
    head_longest_ = std::make_unique<RE2>(head, longest);
  });
  return *head_longest_;
}

const CompiledRule::Split* CompiledRule::split() const {
  std::call_once(split_once_, [this] {
    const RE2& full = re();
    std::string head, tail;
    if (full.NumberOfCapturingGroups() == 0 ||
        !SplitBeforeGroups(rule.pattern, &head, &tail, "key")) {
      return;
    }
    auto sp = std::make_unique<Split>();
    sp->head = std::move(head);
    sp->tail = std::make_unique<RE2>(tail, Latin1Options());
    sp->tail_end =
        std::make_unique<RE2>("(?:" + tail + ")\\z", Latin1Options());
    // The head holds no group but perhaps the key group (group 1), so that
    // the tail's groups are the pattern's others (same names, numbers one
    // less with the key in the head); and the tail must be much smaller
    // than the pattern, or there is nothing to gain.
    if (!sp->tail->ok() || !sp->tail_end->ok() ||
        2 * sp->tail->ProgramSize() > full.ProgramSize()) {
      return;
    }
    int h =
        full.NumberOfCapturingGroups() - sp->tail->NumberOfCapturingGroups();
    if (h < 0 || h > 1 || (h == 1 && key_group_ != 1)) return;
    std::map<std::string, int> names;
    for (const auto& [name, index] : sp->tail->NamedCapturingGroups()) {
      names[name] = index + h;
    }
    if (h == 1) names["key"] = 1;
    if (names != full.NamedCapturingGroups()) return;
    sp->head_groups = h;
    split_ = std::move(sp);
  });
  return split_.get();
}

// A match of the pattern head·tail over [s, e) splits at some k with the
// head matching [s, k) and the tail [k, e); RE2's leftmost-first groups are
// those of the best parse, which takes the head's choices first, so once k
// is known the pattern's groups are the tail's own groups on [k, e). k is
// certain when it is the only point of the set R = {k : head matches [s, k)
// and tail matches [k, e)} (not empty: the pattern matches [s, e)).
//
// The end-anchored tail run backwards over the text cut at e gives the
// leftmost k where a tail match ends at e; on the cut text these are a
// superset of the real ones (only assertions at e read differently: \z and
// $ hold there, which can only add matches; the tail has no \b or \B). If
// no tail match ending at e starts after k, R = {k}. Otherwise, with k2 the
// next such start, R = {k} still when the head's longest match from s ends
// before k2. Else we cannot tell cheaply: the caller runs the full pattern.
namespace {

// The groups of `re` matching exactly [s, e) of `text`, with `text` cut to
// one byte either side of the span as context. Assertions read only the
// bytes next to a position, so the groups are the same; but RE2 sizes its
// choice of engine by the context: given the whole file, it first runs a
// DFA over the span, then one-pass or BitState; given a short text, it goes
// straight to one-pass or BitState.
bool GroupsOnSpan(const RE2& re, re2::StringPiece text, size_t s, size_t e,
                  re2::StringPiece* groups, int n) {
  size_t from = s > 0 ? s - 1 : 0, to = std::min<size_t>(e + 1, text.size());
  re2::StringPiece around(text.data() + from, to - from);
  return re.Match(around, s - from, e - from, RE2::ANCHOR_BOTH, groups, n);
}

}  // namespace

bool CompiledRule::TailGroups(re2::StringPiece text, size_t s, size_t e,
                              re2::StringPiece* groups, int n) const {
  const Split* sp = split();
  if (sp == nullptr) return false;
  re2::StringPiece cut(text.data(), e), m;
  if (!sp->tail_end->Match(cut, s, e, RE2::UNANCHORED, &m, 1)) return false;
  size_t k = m.data() - text.data();
  if (k < e && sp->tail_end->Match(cut, k + 1, e, RE2::UNANCHORED, &m, 1)) {
    size_t k2 = m.data() - text.data();
    const RE2& head = sp->head_longest();
    if (!head.ok() || !head.Match(text, s, e, RE2::ANCHOR_START, &m, 1) ||
        static_cast<size_t>(m.data() + m.size() - text.data()) >= k2) {
      return false;
    }
  }
  // With the key group in the head (group 1), the tail's group i is the
  // pattern's i + 1; the key is left unset.
  const int h = sp->head_groups;
  if (h > 0 && n > 1) {
    if (!GroupsOnSpan(*sp->tail, text, k, e, groups + h, n - h)) return false;
    groups[1] = re2::StringPiece();
  } else if (!GroupsOnSpan(*sp->tail, text, k, e, groups, n)) {
    return false;
  }
  groups[0] = re2::StringPiece(text.data() + s, e - s);
  return true;
}

bool CompiledRule::MatchGroups(re2::StringPiece text, size_t s, size_t e,
                               re2::StringPiece* groups, int n) const {
  return TailGroups(text, s, e, groups, n) ||
         GroupsOnSpan(re(), text, s, e, groups, n);
}

re2::StringPiece CompiledRule::KeyGroup(re2::StringPiece text, size_t s,
                                        size_t e) const {
  int k = key_group();
  re2::StringPiece groups[16];
  if (k < 1 || k >= 16 || !GroupsOnSpan(re(), text, s, e, groups, k + 1)) {
    return re2::StringPiece();
  }
  return groups[k];
}

Matcher::Impl::~Impl() {
  if (profile) {
    std::vector<uint32_t> order(compiled.size());
    for (uint32_t i = 0; i < order.size(); i++) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return profile[a].nanos > profile[b].nanos;
    });
    std::fprintf(stderr, "%-40s %10s %10s %8s %10s %7s %s\n", "rule (phase 2)",
                 "ends", "clusters", "matches", "cpu ms", "window",
                 "prefilter");
    for (uint32_t i : order) {
      const RuleProfile& p = profile[i];
      if (p.ends == 0) continue;
      std::fprintf(stderr, "%-40s %10lu %10lu %8lu %10.1f %7lu %s\n",
                   rules[i].id.c_str(), (unsigned long)p.ends.load(),
                   (unsigned long)p.clusters.load(),
                   (unsigned long)p.matches.load(), p.nanos.load() / 1e6,
                   (unsigned long)compiled[i]->window,
                   compiled[i]->prefilter ? "yes" : "no");
    }
  }
  if (block_db) hs_free_database(block_db);
  if (stream_db) hs_free_database(stream_db);
  if (scoped_db) hs_free_database(scoped_db);
}

Matcher::Matcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Matcher::~Matcher() = default;

const std::vector<Rule>& Matcher::rules() const { return impl_->rules; }
bool Matcher::loaded_from_cache() const { return impl_->from_cache; }

std::vector<std::string> Matcher::Re2OnlyRules() const {
  std::vector<std::string> ids;
  for (uint32_t i : impl_->re2_only) ids.push_back(impl_->rules[i].id);
  return ids;
}

Result<std::unique_ptr<Matcher>> Matcher::Create(const RuleSet& set,
                                                 const MatcherOptions& opts) {
  Status v = set.Validate();
  if (!v.ok()) return v;
  auto impl = std::make_unique<Impl>();
  impl->rules = set.rules();
  std::map<std::string, const CompiledFilter*> shared;
  for (const auto& [name, f] : set.filters()) {
    auto cf =
        std::make_unique<CompiledFilter>(f.allow, f.stopwords, f.when_key);
    shared[name] = cf.get();
    impl->shared_filters.push_back(std::move(cf));
  }
  std::map<std::string, uint32_t> index;
  for (uint32_t i = 0; i < impl->rules.size(); i++) {
    index[impl->rules[i].id] = i;
  }

  // Probing each pattern costs a compile; with a warm cache we skip it and
  // only need the widths, which the cache stores too.
  const std::string digest = set.Digest();
  impl->cache_dir = opts.cache_dir;
  impl->cpu_features =
      opts.portable ? PortableCpuFeatures() : NativeCpuFeatures();
  impl->prebuilt = opts.prebuilt;
  impl->on_compile = opts.on_compile;
  HsCacheEntry cached;
  bool have_cache = impl->LoadEntry(digest, &cached, /*with_db=*/false);
  auto compile_start = std::chrono::steady_clock::now();
  if (!have_cache && impl->on_compile) impl->on_compile();
  for (uint32_t i = 0; i < impl->rules.size(); i++) {
    auto cr = std::make_unique<CompiledRule>();
    cr->rule = impl->rules[i];
    const Rule& r = cr->rule;
    unsigned flags = 0;
    const uint64_t cap = r.max_window > 0 ? r.max_window : kMaxWindow;
    uint64_t width = cap;
    if (have_cache) {
      cr->re2_only = cached.rules[i].re2_only;
      flags = cached.rules[i].flags;
      width = cached.rules[i].width;
    } else {
      cr->re2_only = !ProbeHyperscan(r.pattern, cap, &flags, &width);
    }
    cr->prefilter = flags & HS_FLAG_PREFILTER;
    cr->hs_flags = flags;
    cr->window = width;
    impl->max_window = std::max(impl->max_window, width);
    if (cr->re2_only) {
      impl->re2_only.push_back(i);
    } else {
      (r.paths.empty() ? impl->main_patterns : impl->scoped_patterns)
          .push_back(impl->hs_patterns.size());
      impl->hs_patterns.push_back(r.pattern);
      impl->hs_flags.push_back(flags);
      impl->hs_ids.push_back(i);
    }
    if (!r.paths.empty()) impl->scoped.push_back(i);
    for (const auto& glob : r.paths) {
      if (!impl->scoped_paths) {
        impl->scoped_paths =
            std::make_unique<RE2::Set>(RE2::Options(), RE2::UNANCHORED);
      }
      if (impl->scoped_paths->Add(PathGlobRegex(glob), nullptr) < 0) {
        return Status::Config(r.origin + ": rule " + r.id + ": paths: `" +
                              glob + "` is not a usable glob");
      }
      impl->scoped_path_rule.push_back(i);
    }
    for (const auto& f : r.filters) cr->filters.push_back(shared.at(f));
    cr->inline_filter = std::make_unique<CompiledFilter>(
        r.inline_filter.allow, r.inline_filter.stopwords);
    cr->filters.push_back(cr->inline_filter.get());
    std::stable_partition(
        cr->filters.begin(), cr->filters.end(),
        [](const CompiledFilter* f) { return f->start_anchored(); });
    for (const auto& s : r.supersedes) cr->supersedes.push_back(index.at(s));
    for (const auto& name : r.validate) {
      cr->validators.push_back(FindValidator(name));  // RuleSet::Validate
    }
    for (const auto& c : r.require) {
      if (c == "lower") cr->need_lower = true;
      if (c == "upper") cr->need_upper = true;
      if (c == "digit") cr->need_digit = true;
      if (c == "letter") cr->need_letter = true;
      if (c == "symbol") cr->need_symbol = true;
    }
    impl->compiled.push_back(std::move(cr));
  }

  if (impl->scoped_paths && !impl->scoped_paths->Compile()) {
    return Status::Config("cannot compile the rules' paths: globs");
  }
  if (std::getenv("KEYWARD_PROFILE_RULES")) {
    impl->profile =
        std::make_unique<Impl::RuleProfile[]>(impl->compiled.size());
  }
  impl->stream_cache_digest = digest + "|stream";
  impl->block_cache_digest = digest;
  impl->scoped_cache_digest = digest + "|scoped";
  if (have_cache) {
    impl->block_deferred = !impl->main_patterns.empty();
    impl->from_cache = true;
  } else if (!impl->main_patterns.empty()) {
    Status s = impl->CompileDatabase(HS_MODE_BLOCK, impl->main_patterns,
                                     &impl->block_db);
    if (!s.ok()) return s;
    impl->SaveToCache(impl->block_cache_digest, impl->block_db);
  }
  if (!have_cache) {
    impl->compile_nanos += std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now() - compile_start)
                               .count();
  }
  return std::unique_ptr<Matcher>(new Matcher(std::move(impl)));
}

Status Matcher::Impl::CompileDatabase(unsigned mode,
                                      const std::vector<uint32_t>& which,
                                      hs_database_t** db) const {
  std::vector<const char*> ptrs;
  std::vector<unsigned> flags, ids;
  for (uint32_t p : which) {
    ptrs.push_back(hs_patterns[p].c_str());
    flags.push_back(hs_flags[p]);
    ids.push_back(hs_ids[p]);
  }
  hs_platform_info_t plat;
  hs_populate_platform(&plat);
  plat.cpu_features = cpu_features;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(ptrs.data(), flags.data(), ids.data(), ptrs.size(), mode,
                       &plat, db, &err) == HS_SUCCESS) {
    return Status::OK();
  }
  std::string msg = err && err->expression >= 0
                        ? rules[ids[err->expression]].id + ": " + err->message
                        : std::string(err ? err->message : "unknown");
  if (err) hs_free_compile_error(err);
  *db = nullptr;
  return Status::Config("cannot compile the rule database: " + msg);
}

hs_database_t* Matcher::Impl::LoadOrCompile(
    unsigned mode, const std::string& digest,
    const std::vector<uint32_t>& which) const {
  HsCacheEntry cached;
  if (LoadEntry(digest, &cached, /*with_db=*/true) && cached.db) {
    return cached.db;
  }
  if (on_compile) on_compile();
  auto start = std::chrono::steady_clock::now();
  hs_database_t* db = nullptr;
  bool ok = CompileDatabase(mode, which, &db).ok();
  compile_nanos += std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  if (!ok) return nullptr;
  SaveToCache(digest, db);
  return db;
}

bool Matcher::Impl::LoadEntry(const std::string& digest, HsCacheEntry* out,
                              bool with_db) const {
  // A pack may have been built for fewer CPU features than this machine
  // has (PortableCpuFeatures): try this machine's, then capped at AVX2,
  // then none.
  if (!prebuilt.empty()) {
    for (unsigned long long features :
         {cpu_features, cpu_features & HS_CPU_FEATURES_AVX2, 0ull}) {
      std::string_view packed =
          FindPackedHsEntry(prebuilt, MakeHsCacheKey(digest, features));
      if (!packed.empty() && ParseHsEntry(packed, rules.size(), out, with_db)) {
        return true;
      }
    }
  }
  return !cache_dir.empty() &&
         LoadHsCache(cache_dir, MakeHsCacheKey(digest, cpu_features),
                     rules.size(), out, with_db);
}

double Matcher::compile_seconds() const {
  return impl_->compile_nanos.load() / 1e9;
}

void Matcher::Impl::EnsureBlockDb() {
  std::call_once(block_once, [this] {
    if (block_deferred)
      block_db =
          LoadOrCompile(HS_MODE_BLOCK, block_cache_digest, main_patterns);
  });
}

void Matcher::Impl::EnsureScopedDb() {
  std::call_once(scoped_once, [this] {
    if (!scoped_patterns.empty())
      scoped_db =
          LoadOrCompile(HS_MODE_BLOCK, scoped_cache_digest, scoped_patterns);
  });
}

void Matcher::Impl::SaveToCache(const std::string& digest,
                                hs_database_t* db) const {
  if (cache_dir.empty() || !db) return;
  HsCacheEntry entry;
  entry.db = db;
  for (const auto& cr : compiled) {
    entry.rules.push_back({cr->hs_flags, cr->window, cr->re2_only});
  }
  SaveHsCache(cache_dir, MakeHsCacheKey(digest, cpu_features), entry);
}

bool Matcher::PassesFilters(uint32_t rule, std::string_view secret) const {
  bool verified = false;
  return impl_->Passes(rule, secret) &&
         impl_->Validates(rule, secret, &verified);
}

bool Matcher::Impl::Validates(uint32_t index, std::string_view secret,
                              bool* checksum_verified) const {
  *checksum_verified = false;
  for (const Validator* v : compiled[index]->validators) {
    switch (v->check(secret)) {
      case CheckResult::kFail:
        return false;
      case CheckResult::kPass:
        if (v->checksum) *checksum_verified = true;
        break;
      case CheckResult::kNotApplicable:
        break;
    }
  }
  return true;
}

bool Matcher::Impl::Passes(uint32_t index, std::string_view secret,
                           const KeySource* key) const {
  const CompiledRule& cr = *compiled[index];
  const Rule& r = cr.rule;
  if (secret.empty()) return false;
  if (r.min_entropy > 0 && ShannonEntropy(secret) < r.min_entropy) {
    return false;
  }
  bool lower = false, upper = false, digit = false, symbol = false;
  for (unsigned char c : secret) {
    if (std::islower(c)) {
      lower = true;
    } else if (std::isupper(c)) {
      upper = true;
    } else if (std::isdigit(c)) {
      digit = true;
    } else {
      symbol = true;
    }
  }
  if ((cr.need_lower && !lower) || (cr.need_upper && !upper) ||
      (cr.need_digit && !digit) || (cr.need_symbol && !symbol) ||
      (cr.need_letter && !lower && !upper)) {
    return false;
  }
  if (r.min_classes > 0 && lower + upper + digit + symbol < r.min_classes) {
    return false;
  }
  std::string folded;
  // The match's key, read when a keyed filter first needs it.
  bool key_read = false;
  re2::StringPiece key_text;
  for (const CompiledFilter* f : cr.filters) {
    bool drops = false;
    if (!f->stopwords().empty()) {
      if (folded.empty()) {
        folded.assign(secret);
        for (auto& c : folded) c = std::tolower(static_cast<unsigned char>(c));
      }
      drops = f->HasStopword(folded);
    }
    if (!drops) drops = f->Allows(secret);
    if (!drops) continue;
    if (!f->keyed() || key == nullptr) return false;
    // A keyed filter (bare digests) applies when there is no key or the
    // key names what the filter is about: under `client_secret` a 40-hex
    // value is the secret, under `sha1` a digest.
    if (!key_read) {
      key_read = true;
      key_text = key->rule->KeyGroup(key->text, key->start, key->end);
    }
    if (key_text.data() == nullptr ||
        f->AppliesToKey(std::string_view(key_text.data(), key_text.size()))) {
      return false;
    }
  }
  // Too word-like for a key: an identifier, a word, code (wordiness.h).
  if (r.max_chars_per_token > 0 &&
      CharsPerToken(secret) > r.max_chars_per_token) {
    return false;
  }
  return true;
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
    if (!Passes(index, secret, cr.key_group() > 0 ? &key : nullptr)) continue;
    RuleMatch m;
    if (!Validates(index, secret, &m.checksum_verified)) continue;
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
  // When the cluster has few ends, the end-anchored pattern run backwards
  // from each end (cost: the match length, not the window) gives the
  // leftmost start of a match ending there. Every whole-buffer match lies
  // inside one of these [start, end] spans, so the spans that do not
  // overlap are scanned as separate regions, each anchored at its start;
  // an end no match reaches is dropped (its rule is exact, not prefiltered).
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
    if (j - i <= kMaxReverseProbes && !cr.prefilter) {
      const RE2& back = cr.re_end();
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
  ResolveOverlaps(impl_->compiled, &found);
  LineTracker tracker;
  LocateMatches(data, 0, &tracker, &found);
  out->insert(out->end(), found.begin(), found.end());
}

}  // namespace keyward

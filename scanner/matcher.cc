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

RE2::Options Latin1Options() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  // Room for the DFAs of large counted repeats; RE2 falls back to its slow
  // NFA when a DFA runs out of memory. Allocated only as states are built.
  o.set_max_mem(64 << 20);
  return o;
}

namespace {

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

// A pattern's longest match as Hyperscan analysed it, at most `cap`.
uint64_t ClampedWidth(const hs_expr_info_t* info, uint64_t cap) {
  return info->max_width == UINT_MAX ? cap
                                     : std::min<uint64_t>(info->max_width, cap);
}

// Tries exact, then prefilter. Returns false when Hyperscan takes neither.
bool ProbeHyperscan(const std::string& pattern, uint64_t cap, unsigned* flags,
                    uint64_t* max_width) {
  for (unsigned f : {0u, unsigned(HS_FLAG_PREFILTER)}) {
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_expression_info(pattern.c_str(), f, &info, &err) == HS_SUCCESS) {
      *flags = f;
      *max_width = ClampedWidth(info, cap);
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

// What Hyperscan compiles for a rule: its pattern, else its trigger, one
// expression per top-level alternative (Hyperscan keys each expression on
// one literal set; see TopLevelAlternatives). A file-format rule's trigger
// stays whole: its database is looked up by one pattern per rule.
std::vector<std::string> HsExpressions(const Rule& r) {
  if (r.trigger.empty()) return {r.pattern};
  std::vector<std::string> alts;
  if (r.paths.empty()) alts = TopLevelAlternatives(r.trigger);
  if (alts.empty()) alts.push_back(r.trigger);
  return alts;
}

// The longest match of `pattern` (at most `cap`): Hyperscan's analysis,
// exact or prefiltered, else the cap.
uint64_t PatternWidth(const std::string& pattern, uint64_t cap) {
  for (unsigned f : {0u, unsigned(HS_FLAG_PREFILTER)}) {
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_expression_info(pattern.c_str(), f, &info, &err) == HS_SUCCESS) {
      uint64_t w = ClampedWidth(info, cap);
      free(info);
      return w;
    }
    if (err) hs_free_compile_error(err);
  }
  return cap;
}

// Letters and digits of `s`, lower-cased: `Share-Password` -> sharepassword.
std::string Folded(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c)) out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

bool EchoesKey(std::string_view secret, std::string_view key) {
  std::string v = Folded(secret);
  return v.size() >= 4 && v == Folded(key);
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

Matcher::Impl::~Impl() {
  if (profile) {
    std::vector<uint32_t> order(compiled.size());
    for (uint32_t i = 0; i < order.size(); i++) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return profile[a].nanos > profile[b].nanos;
    });
    std::fprintf(stderr, "%-40s %10s %10s %8s %10s %10s %7s %s\n",
                 "rule (phase 2)", "ends", "clusters", "matches", "cpu ms",
                 "reverse ms", "window", "prefilter");
    for (uint32_t i : order) {
      const RuleProfile& p = profile[i];
      if (p.ends == 0) continue;
      std::fprintf(stderr, "%-40s %10lu %10lu %8lu %10.1f %10.1f %7lu %s\n",
                   rules[i].id.c_str(), (unsigned long)p.ends.load(),
                   (unsigned long)p.clusters.load(),
                   (unsigned long)p.matches.load(), p.nanos.load() / 1e6,
                   p.reverse_nanos.load() / 1e6,
                   (unsigned long)compiled[i]->window,
                   compiled[i]->prefilter ? "yes" : "no");
    }
  }
  if (block_db) hs_free_database(block_db);
  if (stream_db) hs_free_database(stream_db);
  if (stream_main_db) hs_free_database(stream_main_db);
  if (scoped_db) hs_free_database(scoped_db);
  for (size_t k = 0; scoped_rule_dbs && k < scoped_patterns.size(); ++k) {
    if (scoped_rule_dbs[k].db) hs_free_database(scoped_rule_dbs[k].db);
  }
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
  std::map<std::string, CompiledFilter*> shared;
  for (const auto& [name, f] : set.filters()) {
    auto cf =
        std::make_unique<CompiledFilter>(f.allow, f.stopwords, f.when_key);
    cf->lowers = f.lowers;
    cf->needs_key = f.needs_key;
    shared[name] = cf.get();
    impl->shared_filters.push_back(std::move(cf));
  }
  for (const auto& [name, f] : set.filters()) {
    for (const auto& o : f.overrides) {
      auto it = shared.find(o);
      if (it == shared.end()) {
        return Status::Config("filter " + name +
                              ": overrides unknown filter `" + o + "`");
      }
      shared[name]->overrides.push_back(it->second);
    }
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
    } else if (r.trigger.empty()) {
      cr->re2_only = !ProbeHyperscan(r.pattern, cap, &flags, &width);
    } else {
      // Hyperscan looks for the trigger; the window must still hold the
      // longest match of the whole pattern before the trigger's end. Each
      // expression of a split trigger gets the flags any of them needs.
      for (const std::string& e : HsExpressions(r)) {
        uint64_t trigger_width = cap;
        unsigned f = 0;
        cr->re2_only = !ProbeHyperscan(e, cap, &f, &trigger_width);
        if (cr->re2_only) break;
        flags |= f;
      }
      width = PatternWidth(r.pattern, cap);
    }
    cr->prefilter = flags & HS_FLAG_PREFILTER;
    cr->hs_flags = flags;
    cr->window = width;
    impl->max_window = std::max(impl->max_window, width);
    if (cr->re2_only) {
      impl->re2_only.push_back(i);
    } else {
      for (std::string& e : HsExpressions(r)) {
        (r.paths.empty() ? impl->main_patterns : impl->scoped_patterns)
            .push_back(impl->hs_patterns.size());
        impl->hs_patterns.push_back(std::move(e));
        impl->hs_flags.push_back(flags);
        impl->hs_ids.push_back(i);
      }
    }
    if (!r.paths.empty()) impl->scoped.push_back(i);
    for (const auto& glob : r.paths) {
      if (!impl->scoped_paths) {
        impl->scoped_paths =
            std::make_unique<RE2::Set>(RE2::Options(), RE2::UNANCHORED);
      }
      impl->scoped_path_components =
          std::max<size_t>(impl->scoped_path_components,
                           1 + std::count(glob.begin(), glob.end(), '/'));
      if (impl->scoped_paths->Add(PathGlobRegex(glob), nullptr) < 0) {
        return Status::Config(r.origin + ": rule " + r.id + ": paths: `" +
                              glob + "` is not a usable glob");
      }
      impl->scoped_path_rule.push_back(i);
      if (!impl->scoped_names) {
        impl->scoped_names =
            std::make_unique<RE2::Set>(RE2::Options(), RE2::ANCHOR_BOTH);
      }
      const std::string name = glob.substr(glob.rfind('/') + 1);
      if (impl->scoped_names->Add(PathGlobRegex(name), nullptr) < 0) {
        return Status::Config(r.origin + ": rule " + r.id + ": paths: `" +
                              glob + "` is not a usable glob");
      }
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

  if ((impl->scoped_paths && !impl->scoped_paths->Compile()) ||
      (impl->scoped_names && !impl->scoped_names->Compile())) {
    return Status::Config("cannot compile the rules' paths: globs");
  }
  if (std::getenv("KEYWARD_PROFILE_RULES")) {
    impl->profile =
        std::make_unique<Impl::RuleProfile[]>(impl->compiled.size());
  }
  impl->stream_cache_digest = digest + "|stream";
  impl->stream_main_cache_digest = digest + "|stream-main";
  impl->block_cache_digest = digest;
  impl->scoped_cache_digest = digest + "|scoped";
  impl->scoped_rule_dbs =
      std::make_unique<Impl::RuleDb[]>(impl->scoped_patterns.size());
  impl->scoped_pattern_of_rule.assign(impl->rules.size(), Impl::kNotScoped);
  for (size_t k = 0; k < impl->scoped_patterns.size(); ++k) {
    impl->scoped_pattern_of_rule[impl->hs_ids[impl->scoped_patterns[k]]] =
        static_cast<uint32_t>(k);
  }
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

bool Matcher::Impl::Validates(uint32_t index, std::string_view secret,
                              bool* checksum_verified,
                              bool* checksum_failed) const {
  *checksum_verified = false;
  *checksum_failed = false;
  for (const Validator* v : compiled[index]->validators) {
    switch (v->check(secret)) {
      case CheckResult::kFail:
        // A checksum that does not verify keeps the match, marked: a value
        // of the token's exact shape is reported (a mangled or stand-in
        // copy is still worth a look), but never as a minted token. A
        // failed decoding (not user:password) drops it.
        if (v->checksum) {
          *checksum_failed = true;
          break;
        }
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
                           const KeySource* key, bool* weak) const {
  const CompiledRule& cr = *compiled[index];
  const Rule& r = cr.rule;
  if (secret.empty()) return false;
  if (r.min_entropy > 0) {
    // The hex check of EntropyFloor only for a value under the rule's floor.
    double h = ShannonEntropy(secret);
    if (h < r.min_entropy && h < EntropyFloor(r.min_entropy, secret)) {
      return false;
    }
  }
  CharClasses cls = ClassesOf(secret);
  if ((cr.need_lower && !cls.lower) || (cr.need_upper && !cls.upper) ||
      (cr.need_digit && !cls.digit) || (cr.need_symbol && !cls.symbol) ||
      (cr.need_letter && !cls.lower && !cls.upper)) {
    return false;
  }
  if (r.min_classes > 0 && cls.count() < r.min_classes) {
    return false;
  }
  std::string folded;
  auto has_stopword = [&](const CompiledFilter* f) {
    if (f->stopwords().empty()) return false;
    if (folded.empty()) {
      folded.assign(secret);
      for (auto& c : folded) c = std::tolower(static_cast<unsigned char>(c));
    }
    return f->HasStopword(folded);
  };
  auto matches = [&](const CompiledFilter* f) {
    return has_stopword(f) || f->Allows(secret);
  };
  // A lowering filter (a demo value: password1, adminPassword) keeps the
  // value, marked weak, and the filters it overrides do not drop it. Only
  // a value that is a demo value as a whole (its `allow:` patterns) does
  // that: a stopword inside one (`ipsum` in `relationshipSummaries`, a
  // camelCase name) marks it weak and leaves it to the other filters.
  const CompiledFilter* lowering = nullptr;
  bool weak_word = false;
  for (const CompiledFilter* f : cr.filters) {
    if (!f->lowers) continue;
    if (f->Allows(secret)) {
      lowering = f;
      break;
    }
    if (has_stopword(f)) weak_word = true;
  }
  // The match's key, read when a keyed filter first needs it.
  bool key_read = false;
  re2::StringPiece key_text;
  for (const CompiledFilter* f : cr.filters) {
    if (f->lowers) continue;
    if (lowering &&
        std::find(lowering->overrides.begin(), lowering->overrides.end(), f) !=
            lowering->overrides.end()) {
      continue;
    }
    if (!matches(f)) continue;
    if (!f->keyed()) return false;
    // A keyed filter (bare digests) applies when there is no key or the
    // key names what the filter is about: under `client_secret` a 40-hex
    // value is the secret, under `sha1` a digest. One that `needs_key`
    // (non_secret_key: `next_page_token`) has nothing to judge without one.
    if (key != nullptr && !key_read) {
      key_read = true;
      key_text = key->rule->KeyGroup(key->text, key->start, key->end);
    }
    if (key == nullptr || key_text.data() == nullptr) {
      if (!f->needs_key) return false;
      continue;
    }
    if (f->AppliesToKey(std::string_view(key_text.data(), key_text.size()))) {
      return false;
    }
  }
  // A value that repeats its key (`share_password: share_password`,
  // `smtp_pass=smtp_pass`) names the slot; it does not fill it.
  if (key != nullptr) {
    if (!key_read) {
      key_read = true;
      key_text = key->rule->KeyGroup(key->text, key->start, key->end);
    }
    if (key_text.data() != nullptr &&
        EchoesKey(secret, std::string_view(key_text.data(), key_text.size()))) {
      return false;
    }
  }
  if (weak) *weak = lowering != nullptr || weak_word;
  // A demo value is word-like by nature: it was recognised, not guessed.
  if (lowering) return true;
  // Too word-like for a key: an identifier, a word, code (wordiness.h).
  if (r.max_chars_per_token > 0 &&
      CharsPerToken(secret) > r.max_chars_per_token) {
    return false;
  }
  return true;
}

}  // namespace keyward

// Internals of the Matcher shared by its translation units.
#ifndef KEYWARD_SCANNER_MATCHER_IMPL_H_
#define KEYWARD_SCANNER_MATCHER_IMPL_H_

#include <hs/hs.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <atomic>
#include <bitset>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "keyward/matcher.h"
#include "rules/validators.h"
#include "scanner/hs_cache.h"

namespace keyward {

// The longest window phase 2 looks back from a candidate end. Patterns whose
// maximum width is unbounded or larger are confirmed on this window only.
inline constexpr uint64_t kMaxWindow = 16 * 1024;

// Hyperscan sizes the hash of its literal matcher (FDR's "domain") by the
// number of literals in a database: 12 bits under 1,000 literals, 13 from
// 1,000 (src/fdr/fdr_engine_description.cpp, chooseEngine). At 12 bits the
// common bytes of code and prose collide with our short keywords far more
// often, and each collision costs a confirm and often a mispredicted
// branch. A database of at least kPadFromExpressions expressions (the
// always-on rules have ~550 and ~960 literals) therefore gets
// kPadLiterals literals of control bytes that text does not hold, which
// take it past 1,000 (bench/README.md, "literal padding"). They report
// kPadId, which the scan ignores.
inline constexpr size_t kPadFromExpressions = 256;
inline constexpr size_t kPadLiterals = 256;
inline constexpr unsigned kPadId = 0xFFFFFFFFu;
// Padding literal `i` (< kPadLiterals): the 8 bytes 01 02 03 04 and four of
// 01-08 (its base-8 digits), which no text holds.
std::string PadLiteralBytes(size_t i);
// The kPadLiterals padding literals as Hyperscan patterns (`\xNN` escapes).
const std::vector<std::string>& PadLiterals();

// The matcher's translation units name Matcher::Impl (private in the
// public header) as MatcherImpl.
struct MatcherInternals {
  using Impl = Matcher::Impl;
};
using MatcherImpl = MatcherInternals::Impl;

// RE2 options of every phase-2 pattern: Latin-1 (bytes, not UTF-8), quiet,
// with room for the DFAs of large counted repeats (scanner/matcher.cc).
RE2::Options Latin1Options();

// A compiled shared filter: allow regexes as one RE2::Set, and stop-words.
// The allow set is compiled on first use, so that a scan that never
// confirms a match (most pre-commit runs) never pays for it.
class CompiledFilter {
 public:
  CompiledFilter(std::vector<std::string> allow,
                 std::vector<std::string> stopwords, std::string when_key = {});
  // Compiles the allow patterns (once, lazily: a start compiles only the
  // filters it uses; later calls return the first outcome). The loader
  // already compiled each set (CheckFilterRegexes), so a set RE2 refuses is
  // a load error there.
  Status Compile() const;
  // Whether `secret` matches one of the allow patterns.
  bool Allows(std::string_view secret) const;
  // Whether the filter depends on the match's key (`when_key`): it then
  // applies only to a match with no key (unless `needs_key`) or a key that
  // `AppliesToKey`.
  bool keyed() const { return !when_key_.empty(); }
  bool AppliesToKey(std::string_view key) const;
  const std::vector<std::string>& stopwords() const { return stopwords_; }
  // Whether `text` contains one of the stop-words, in one pass over it:
  // the same as searching for each (Passes gives the lower-cased secret).
  bool HasStopword(std::string_view text) const;
  // Whether every allow pattern is anchored at the start ("^..."): RE2 then
  // stops at the first byte no pattern can take, so checking is cheap.
  bool start_anchored() const { return start_anchored_; }
  // `lowers:` and `overrides:` (keyward/rules.h, SecretFilter); overrides
  // are set by the matcher once every shared filter exists.
  bool lowers = false;
  // `needs_key:` (keyward/rules.h, SecretFilter): a keyed filter that keeps
  // a match with no key.
  bool needs_key = false;
  std::vector<const CompiledFilter*> overrides;

 private:
  static size_t PairHash(unsigned char a, unsigned char b) {
    return (a * 31u + b) % kPairBits;
  }
  static constexpr size_t kPairBits = 4096;

  std::vector<std::string> allow_patterns_;
  std::vector<std::string> stopwords_;
  std::string when_key_;
  // Stop-words by their first byte (one-byte words) or a hash of their first
  // two bytes (the others): a position whose bytes are in neither cannot
  // start one.
  bool start_anchored_ = false;
  bool empty_stopword_ = false;
  std::bitset<256> one_byte_;
  std::bitset<kPairBits> pairs_;
  std::vector<std::pair<uint32_t, uint32_t>> by_pair_;  // (hash, word), sorted
  mutable std::once_flag once_, key_once_;
  mutable std::unique_ptr<RE2::Set> allow_;  // null when empty
  mutable Status allow_status_;
  mutable std::unique_ptr<RE2> when_key_re_;
};

// Whether the secret at [s, e) of `text` is glued into base64 payload: a
// data URI, a PEM or MIME body, a digest in a lock file, a serialized blob.
// Base64's `+` and `/` end a `\b`-bounded match in the middle of the
// payload, so random payload holds a 40-character `YC...` Yandex secret or a
// 90-character `EAA...` Facebook token every few MB, and the base64 of fonts,
// images and libraries (long runs of `A`) thousands of them. Glued: the
// secret is base64 characters alone; the character that ends it on one side
// is `+` or `/` with payload beyond it; and its line holds at least 64
// payload characters beside it, or its run of payload ends in `=` padding
// (`sha512-...==`, go.sum's `h1:...=`), or the line is base64 alone (48 to
// 256 characters) beside another such line (a wrapped block). A token
// alone on its line, quoted, after `=`, or in a URL path (`/v1/TOKEN/me`) is
// not glued. Confirmation drops such matches of rules with a fixed prefix
// (`prefix:`), whose tokens stand alone in real text.
bool GluedIntoBase64(std::string_view text, size_t s, size_t e);

struct CompiledRule {
  Rule rule;
  uint64_t window = kMaxWindow;  // max match width, capped
  bool re2_only = false;         // Hyperscan could not take it
  bool prefilter = false;        // compiled with HS_FLAG_PREFILTER
  unsigned hs_flags = 0;
  // Shared filters and the inline one, those with start-anchored patterns
  // first (a secret must pass all of them; the cheap ones drop it sooner).
  std::vector<const CompiledFilter*> filters;
  std::unique_ptr<CompiledFilter> inline_filter;
  std::vector<uint32_t> supersedes;          // rule indices
  std::vector<const Validator*> validators;  // `validate:`, in order
  bool need_lower = false, need_upper = false, need_digit = false,
       need_letter = false, need_symbol = false;

  // RE2 is compiled on first use so that a staged scan touching few rules
  // starts fast.
  const RE2& re() const;
  // The pattern anchored at the end of the text: RE2 runs it backwards from
  // a candidate end, in time proportional to the match, to find its start.
  const RE2& re_end() const;
  int secret_group() const {
    re();
    return secret_group_;
  }
  int id_group() const {
    re();
    return id_group_;
  }
  // The (?P<key>...) group: the name the secret is assigned to (-1: none).
  int key_group() const {
    re();
    return key_group_;
  }
  bool secret_is_whole() const {
    re();
    return secret_is_whole_;
  }
  // The capture groups of a match of the pattern that spans exactly
  // [s, e) of `text` (the first n groups, group 0 = the span): from the
  // pattern's small tail alone when that is provably the same (see
  // TailGroups), else from the whole pattern. False only if the pattern does
  // not match [s, e). The key group may be left unset (null): it can sit in
  // the head, which the tail path does not run; KeyGroup reads it.
  bool MatchGroups(re2::StringPiece text, size_t s, size_t e,
                   re2::StringPiece* groups, int n) const;
  // The key group of the match [s, e) (null data when the rule has none or
  // it took no part), from the whole pattern.
  re2::StringPiece KeyGroup(re2::StringPiece text, size_t s, size_t e) const;
  // The tail path of MatchGroups alone: false (groups undefined) when the
  // rule has no head/tail split or the split point of this match is not
  // provably unique.
  bool TailGroups(re2::StringPiece text, size_t s, size_t e,
                  re2::StringPiece* groups, int n) const;
  bool has_tail_split() const { return split() != nullptr; }

 private:
  // The pattern cut as head + tail with all capture groups in the tail
  // (SplitBeforeGroups), when the tail's program is much smaller.
  struct Split {
    std::string head;
    int head_groups = 0;            // 1 when the key group is in the head
    std::unique_ptr<RE2> tail;      // same groups as the pattern
    std::unique_ptr<RE2> tail_end;  // "(?:tail)\z"
    // The head, leftmost-longest: compiled when first needed (most matches
    // do without it).
    const RE2& head_longest() const;
    mutable std::once_flag head_once;
    mutable std::unique_ptr<RE2> head_longest_;
  };
  const Split* split() const;

  mutable std::once_flag once_, end_once_, split_once_;
  mutable std::unique_ptr<RE2> re_, re_end_;
  mutable std::unique_ptr<Split> split_;
  mutable int secret_group_ = 1, id_group_ = -1, key_group_ = -1;
  mutable bool secret_is_whole_ = false;
};

// One candidate from phase 1: rule index and end offset (absolute).
struct Candidate {
  uint32_t rule;
  uint64_t end;
};

struct Matcher::Impl {
  std::vector<Rule> rules;  // same order as compiled
  std::vector<std::unique_ptr<CompiledRule>> compiled;
  std::vector<std::unique_ptr<CompiledFilter>> shared_filters;
  std::vector<uint32_t> re2_only;  // indices of rules Hyperscan can't take
  hs_database_t* block_db = nullptr;
  bool from_cache = false;
  // With a warm cache, Create reads only the per-rule metadata; the block
  // database is loaded on first block scan (EnsureBlockDb), so a stream-only
  // run (stdin) never deserializes it.
  std::once_flag block_once;
  bool block_deferred = false;
  std::string block_cache_digest;
  uint64_t max_window = 0;  // over all rules

  // Where compiled databases are cached ("" = no cache), the databases
  // compiled at build time (MatcherOptions::prebuilt) and the key of the
  // stream database's cache file.
  std::string cache_dir;
  std::string_view prebuilt;
  unsigned long long cpu_features = 0;  // compiled for (hs_platform_info)
  std::function<void()> on_compile;
  mutable std::atomic<int64_t> compile_nanos{0};
  std::string stream_cache_digest;

  // The stream database is compiled (or loaded from the cache) on first use.
  std::once_flag stream_once;
  hs_database_t* stream_db = nullptr;
  // The stream database without the file-format rules' patterns, for a
  // stream none of them applies to (stdin, a large log): those patterns
  // would only make candidates to drop, and they are the costly ones
  // (twice the time per byte with them). Compiled on first use too.
  std::once_flag stream_main_once;
  hs_database_t* stream_main_db = nullptr;
  std::string stream_main_cache_digest;
  // Every pattern Hyperscan takes (the stream database holds them all).
  std::vector<std::string> hs_patterns;
  std::vector<unsigned> hs_flags, hs_ids;
  // The block database holds the patterns of rules without `paths`; those
  // of file-format rules (Rule::paths) are in a small database of their own
  // that a block scan runs only for a file they apply to. Indices into
  // hs_patterns.
  std::vector<uint32_t> main_patterns, scoped_patterns;
  std::vector<uint32_t> scoped;  // indices of rules with paths
  std::once_flag scoped_once;
  hs_database_t* scoped_db = nullptr;
  std::string scoped_cache_digest;
  // And one database per file-format rule, for a file some of them apply
  // to: a .json file runs one pattern, not the line-shaped patterns of
  // .pgpass, .htpasswd and .env files (which cost Hyperscan the most: no
  // literal). scoped_db serves a scan where all apply (no path). By
  // position in scoped_patterns; cache key scoped_cache_digest + "|" + id.
  struct RuleDb {
    std::once_flag once;
    hs_database_t* db = nullptr;
  };
  std::unique_ptr<RuleDb[]> scoped_rule_dbs;
  // Rule index -> position in scoped_patterns (kNotScoped: none).
  static constexpr uint32_t kNotScoped = UINT32_MAX;
  std::vector<uint32_t> scoped_pattern_of_rule;
  // The database of scoped_patterns[k] alone (thread-safe, loaded once;
  // null when it cannot be compiled).
  hs_database_t* ScopedRuleDb(size_t k);

  // Phase-2 cost per rule, kept only when KEYWARD_PROFILE_RULES is set and
  // printed on stderr when the matcher is destroyed (for rule authors).
  // reverse_nanos: the part spent in the end-anchored probes, where RE2
  // builds the reverse DFA's states on first use (large counted repeats
  // make that cost milliseconds).
  struct RuleProfile {
    std::atomic<uint64_t> ends{0}, clusters{0}, matches{0}, nanos{0},
        reverse_nanos{0};
  };
  std::unique_ptr<RuleProfile[]> profile;

  ~Impl();

  // Loads the deferred block database (thread-safe, once). Should the cache
  // file have gone since Create, compiles it instead; should that fail,
  // block_db stays null and block scans run every rule through RE2.
  void EnsureBlockDb();

  // Phase 2 for one rule over the region [from, to) of `text` (to <= size):
  // a leftmost-first RE2 scan with `text` as context; accepted matches are
  // appended (filters applied, positions absolute = base + offset).
  // `anchored`: a match is known to start at `from`.
  void ConfirmRegion(uint32_t rule, std::string_view text, uint64_t from,
                     uint64_t to, uint64_t base, bool anchored,
                     std::vector<RuleMatch>* out) const;
  // Phase 2 for sorted candidates over `text` (absolute offset `base`).
  void Confirm(std::vector<Candidate>& cands, std::string_view text,
               uint64_t base, std::vector<RuleMatch>* out) const;
  // Where a match's key comes from when a keyed filter asks for it (read
  // at most once, and only then: most matches never need it).
  struct KeySource {
    const CompiledRule* rule;
    re2::StringPiece text;
    size_t start, end;  // the match, offsets in text
  };
  // Whether `secret` passes the rule's entropy, class and filter checks.
  // `key`: the match it comes from, for keyed filters; null: no key (every
  // filter applies).
  // `*weak`: a lowering filter matched (Finding::weak).
  bool Passes(uint32_t rule, std::string_view secret,
              const KeySource* key = nullptr, bool* weak = nullptr) const;
  // The rule's validators, after its filters: false when a decoding
  // fails; `*checksum_verified` when a checksum passed,
  // `*checksum_failed` when one did not (the match is kept).
  bool Validates(uint32_t rule, std::string_view secret,
                 bool* checksum_verified, bool* checksum_failed) const;
  // Compiles the Hyperscan patterns `which` (indices into hs_patterns) in
  // `mode`; on failure names the rule.
  Status CompileDatabase(unsigned mode, const std::vector<uint32_t>& which,
                         hs_database_t** db) const;
  // The database of `which` for `mode` from the cache (keyed by `digest`),
  // else compiled and cached. Null when it cannot be compiled: scans then
  // confirm those rules with RE2 alone (slow, but nothing is missed).
  hs_database_t* LoadOrCompile(unsigned mode, const std::string& digest,
                               const std::vector<uint32_t>& which) const;
  // Loads the scoped database (thread-safe, once).
  void EnsureScopedDb();
  // Every scoped rule's globs as one RE2::Set over the path (entry ->
  // rule index), so a file costs one match, not a glob per rule.
  std::unique_ptr<RE2::Set> scoped_paths;
  // The most path components a glob names (one more than its '/'s): the
  // set is matched on that many last components of a path, which is the
  // same answer (a glob matches a path's last components) for fewer bytes.
  size_t scoped_path_components = 1;
  std::vector<uint32_t> scoped_path_rule;
  // The globs' last components, over a file name
  // (AnyScopedRuleMayApplyToName).
  std::unique_ptr<RE2::Set> scoped_names;
  // The scoped rules that run on a file at `path`, sorted ("": all).
  void ScopedRulesFor(std::string_view path, std::vector<uint32_t>* out) const;
  // Whether rule `rule` runs, given ScopedRulesFor's `scoped_on`.
  bool Applies(uint32_t rule, const std::vector<uint32_t>& scoped_on) const {
    return rules[rule].paths.empty() ||
           std::binary_search(scoped_on.begin(), scoped_on.end(), rule);
  }
  // The cache entry for `digest`: from the prebuilt pack, else the on-disk
  // cache. False when neither has a valid one.
  bool LoadEntry(const std::string& digest, HsCacheEntry* out,
                 bool with_db) const;
  // Writes `db` to the cache with the per-rule metadata (best effort).
  void SaveToCache(const std::string& digest, hs_database_t* db) const;
};

// Drops matches that lose to others (generic vs specific, supersedes,
// duplicates of the same secret span) and sorts by secret start. `text`
// holds the bytes [base, base + text.size()) the matches lie in: a pair's
// identifier on another line than its secret stays, as a companion
// (RuleMatch::companion).
void ResolveOverlaps(const std::vector<std::unique_ptr<CompiledRule>>& rules,
                     std::string_view text, uint64_t base,
                     std::vector<RuleMatch>* matches);

// Tracks line numbers and line starts over a stream of bytes so that
// positions can be computed for matches in increasing offset order.
class LineTracker {
 public:
  // Advances over data[0, n) which starts at absolute offset `pos()`.
  void Advance(std::string_view data);
  uint64_t pos() const { return pos_; }
  int line() const { return line_; }
  uint64_t line_start() const { return line_start_; }
  // 1-based column of pos(), in code points: kept as the tracker moves, so
  // locating many matches on one line of megabytes (a minified bundle)
  // never counts from the line's start again.
  int column() const { return column_; }

 private:
  uint64_t pos_ = 0;
  int line_ = 1;
  uint64_t line_start_ = 0;
  int column_ = 1;
};

// Fills line/column fields of sorted matches. `text` starts at absolute
// offset `base`; `tracker` is positioned at or before base + 0 and is
// advanced (the caller keeps it across windows in stream mode).
void LocateMatches(std::string_view text, uint64_t base, LineTracker* tracker,
                   std::vector<RuleMatch>* matches);

}  // namespace keyward

#endif  // KEYWARD_SCANNER_MATCHER_IMPL_H_

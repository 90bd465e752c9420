// Matcher: the two-phase engine.
//
// Phase 1 runs every rule's pattern in one Hyperscan database (block mode for
// buffers, stream mode for chunked input). Patterns Hyperscan cannot take
// exactly are compiled with HS_FLAG_PREFILTER. The Hyperscan callback only
// records (rule, end offset). Phase 2 groups each rule's ends into clusters
// (ends within the rule's window of each other) and runs the rule's RE2 over
// the bytes from a window before a cluster's first end to its last end (or,
// for a few ends of an exact pattern, the end-anchored pattern backwards from
// each end to find where the match starts, then forwards over that span).
// This recovers the whole match, the secret group and its start; then the
// rule's filters (entropy, character classes, allow patterns, stop-words)
// decide. RE2 is the judge: results equal a plain RE2 scan
// (tests/scanner/matcher_test.cc compares them).
//
//   auto m = Matcher::Create(rules);          // compile once
//   auto scratch = (*m)->NewScratch();        // one per thread
//   std::vector<RuleMatch> out;
//   Status s = (*m)->Scan(data, scratch.get(), &out);
//
// Ownership: Create copies the RuleSet. A Scratch and a Stream refer to the
// Matcher that made them and must not outlive it; a Stream also uses its
// Scratch until it is destroyed.
// Thread safety: a Matcher is immutable after Create (its databases load
// lazily, once, under std::call_once) and shared by all threads; a Scratch
// (and a Stream on it) belongs to one thread at a time.
// Errors: Create returns a kConfig Status for a rule set Hyperscan or RE2
// refuses; Scan, Feed and Close return a kInternal Status when Hyperscan
// fails, never a partial result passed off as complete.
#ifndef KEYWARD_MATCHER_H_
#define KEYWARD_MATCHER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keyward/rules.h"
#include "keyward/status.h"

namespace keyward {

// A confirmed match. Offsets are absolute byte offsets in the scanned input.
struct RuleMatch {
  uint32_t rule = 0;                          // index into Matcher::rules()
  uint64_t start = 0, end = 0;                // the whole match
  uint64_t secret_start = 0, secret_end = 0;  // the secret group
  uint64_t id_start = 0, id_end = 0;          // identifier group, if any
  bool has_id = false;
  bool checksum_verified = false;  // a `validate:` checksum passed
  // A `validate:` checksum did not: the value has the token's shape but
  // was not minted as one (a stand-in, a mangled copy). Kept, at medium
  // confidence at most (scanner/confidence.h).
  bool checksum_failed = false;
  bool weak = false;  // a lowering filter matched (a demo value)
  // The identifier of a pair rule's match, on a line of its own: reported
  // as the pair (same rule, same secret and fingerprint, so one credential
  // and one ticket) at the identifier's place, where a reader or a labelled
  // corpus looks for the key ID. The secret group above is the identifier;
  // the pair's secret is [value_start, value_end).
  bool companion = false;
  uint64_t value_start = 0, value_end = 0;
  // Location of the secret: 1-based lines; 1-based columns in code points
  // (end_column is one past the last character).
  int line = 0, column = 0, end_line = 0, end_column = 0;
};

struct MatcherOptions {
  // Directory for the serialized Hyperscan database cache; empty: no cache.
  std::string cache_dir;
  // Databases compiled at build time for the built-in rules (a pack made by
  // rules/gen/dbgen.cc; the keyward binary links one in). An entry is used
  // when its key matches: same rules, Hyperscan version and CPU platform.
  // Must outlive the Matcher.
  std::string_view prebuilt;
  // Compile for this machine's CPU features capped at AVX2 (prebuilt packs
  // that must load on other machines); false: for this machine's.
  bool portable = false;
  // Called before a database is compiled (not loaded): a first run with
  // changed rules, or on a CPU the prebuilt databases were not built for.
  // May be called from a scanning thread. The CLI prints a progress line.
  std::function<void()> on_compile;
};

class Matcher {
 public:
  class Scratch;
  class Stream;

  // Compiles the rule set. The RuleSet is copied; the caller may drop it.
  static Result<std::unique_ptr<Matcher>> Create(
      const RuleSet& rules, const MatcherOptions& opts = {});
  ~Matcher();

  const std::vector<Rule>& rules() const;
  // Whether Create found the block database in the on-disk cache (it is
  // then loaded on the first block scan; stream-only runs never load it).
  bool loaded_from_cache() const;
  // Seconds spent compiling databases so far (0 when all were loaded).
  double compile_seconds() const;

  std::unique_ptr<Scratch> NewScratch() const;

  // Scans one whole buffer. Appends confirmed, filtered matches sorted by
  // secret start; overlapping matches are resolved (specific rules beat
  // generic ones, `supersedes` applies). `path` names the file the buffer
  // holds: file-format rules (Rule::paths) run only where they apply; an
  // empty path runs every rule. A Hyperscan failure (scratch allocation,
  // the scan itself) is an error and `out` is left as it was: a buffer that
  // could not be scanned is never reported as holding nothing.
  Status Scan(std::string_view data, Scratch* scratch,
              std::vector<RuleMatch>* out, std::string_view path = {}) const;
  // Whether a file-format rule applies to `path` (a scan of it then also
  // runs their database).
  bool AnyScopedRuleApplies(std::string_view path) const;
  // A `path` for Scan and OpenStream under which no file-format rule runs:
  // for content whose name is not known when it is scanned. A history scan
  // reads each blob before the tree walk has named it, then scans again
  // the blobs some tree names like a file format (git/history.cc). No real
  // path holds a NUL byte.
  static constexpr std::string_view kNoFileFormatRules{"\0", 1};
  // A `path` for Scan and OpenStream that knows only the file's name (a
  // path's last component): the file-format rules that run are those with
  // a glob whose last component matches `name` (a history scan names a
  // blob by its tree entry; the caller then drops what does not apply to
  // the blob's full path). FileNamed("") is kNoFileFormatRules.
  static std::string FileNamed(std::string_view name);
  // Whether a file-format rule may apply to a file named `name` (a path's
  // last component): each glob is matched by its last component, so this
  // holds for every name AnyScopedRuleApplies holds for at some path (and
  // for a few more: "git/credentials" counts for any "credentials").
  bool AnyScopedRuleMayApplyToName(std::string_view name) const;
  // Loads (compiles and caches) the database each file-format rule has of
  // its own, which Scan otherwise loads on first use: for the prebuilt pack
  // (scanner/gen/dbgen.cc). Their cache digests are the rule set's Digest()
  // + "|scoped|" + the rule's id.
  void LoadFileFormatDatabases() const;

  // Starts a stream for chunked input (stdin, very large files). The stream
  // keeps a bounded tail of earlier chunks so a secret straddling a chunk
  // boundary is still found. Memory: O(chunk size + longest rule window).
  // `path` as for Scan.
  std::unique_ptr<Stream> OpenStream(Scratch* scratch,
                                     std::string_view path = {}) const;

  // The reference implementation: a plain RE2 scan of every rule over the
  // whole buffer, with the same filters and overlap resolution. Slow; tests
  // compare Scan() against it.
  void ScanWithRe2Only(std::string_view data,
                       std::vector<RuleMatch>* out) const;

  // Rules Hyperscan could not compile even as a prefilter; they run through
  // RE2 alone over every buffer (correct, slower). Reported by `rules check`.
  std::vector<std::string> Re2OnlyRules() const;

 private:
  // Defined in scanner/matcher_impl.h; not part of the interface.
  struct Impl;
  friend struct MatcherInternals;
  explicit Matcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Per-thread scratch space (Hyperscan scratch and candidate buffers).
class Matcher::Scratch {
 public:
  virtual ~Scratch() = default;
};

class Matcher::Stream {
 public:
  virtual ~Stream() = default;
  // Feeds the next chunk. `on_match` receives confirmed matches with absolute
  // offsets and the bytes of the window that holds them: `window` starts at
  // absolute offset `window_base`. Matches are delivered in order.
  using MatchSink = std::function<void(
      const RuleMatch&, std::string_view window, uint64_t window_base)>;
  // A failed Hyperscan call is returned, and every later Feed or Close
  // returns it again: the stream cannot be trusted past that point.
  virtual Status Feed(std::string_view chunk, const MatchSink& on_match) = 0;
  // Ends the stream, flushing matches that end at the very end.
  virtual Status Close(const MatchSink& on_match) = 0;
};

// Result of checking the rule set's own examples.
struct ExampleFailure {
  std::string rule_id;
  std::string origin;
  std::string example;  // the example text (examples are fake by design)
  std::string reason;
};
// Every example must yield a finding of its own rule; every negative example
// must yield no finding of any rule.
std::vector<ExampleFailure> CheckExamples(const Matcher& matcher);

}  // namespace keyward

#endif  // KEYWARD_MATCHER_H_

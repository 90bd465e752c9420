// Rules: what a secret looks like, as data.
//
// Rules live in YAML files, one per provider family, under rules/ in the source
// tree. The built-in ones are loaded, validated and pre-parsed at build time
// (rules/gen/rulegen.cc) and compiled into the binary as data, so a start
// parses no YAML (see RuleSet::Builtin). A file is
//
//   rules:
//     - id: github.pat.classic    # stable, dotted, unique
//       name: GitHub personal access token (classic)
//       provider: GitHub
//       kind: api-key             # api-key, oauth-token, password, ...
//       severity: high            # low | medium | high | critical
//       confidence: high          # high | medium | low: the author's
//                                 # prior, where each finding's confidence
//                                 # starts (scanner/confidence.h; SARIF
//                                 # rule precision)
//       pattern: '\b(ghp_[A-Za-z0-9]{36})\b'
//                                 # RE2 syntax; the secret is the named
//                                 # group (?P<secret>..) or group 1
//       trigger: '(?:pw|pwd)=\S+' # optional: what Hyperscan looks for
//                                 # instead of the pattern, when the
//                                 # pattern's own literals are short and
//                                 # common (cost on every byte). Must
//                                 # match wherever the pattern does and
//                                 # end where it ends (a suffix of the
//                                 # pattern does: cut it at its rarest
//                                 # literal); RE2 then confirms the whole
//                                 # pattern before the trigger's end.
//                                 # `rules check` verifies it on every
//                                 # example. Its top-level alternatives
//                                 # ("a|b") compile as one Hyperscan
//                                 # expression each, so each is keyed on
//                                 # its own literals (`"re_`, ` re_`,
//                                 # rather than `re_` for all of them).
//                                 # A pattern with a bare line-start
//                                 # alternative (`(?:^|...)`) or optional
//                                 # words before its keyword needs one:
//                                 # Hyperscan then runs its engine from
//                                 # every line (one such rule made C scan
//                                 # at a third of its speed). Measure a
//                                 # new always-on rule with `bench/
//                                 # hs_cost.sh --native --loo IDS`.
//       prefix: ghp_              # literal prefix that redaction may show
//       min_entropy: 3.0          # Shannon bits/char of the secret
//       max_chars_per_token: 2.5  # the secret is dropped when more word-
//                                 # like: characters per BPE token above
//                                 # this (scanner/wordiness.h; random keys
//                                 # ~1.3-1.9, words and identifiers 3+)
//       filters: [placeholder]    # shared filters from filters.yaml
//       allow: ['(?i)example']    # the secret matching any is dropped
//       stopwords: [sample]       # secret containing any (any case) drops
//       require: [digit]          # classes that must all appear:
//                                 #   lower upper digit letter symbol
//       min_classes: 2            # at least N of lower/upper/digit/symbol
//       generic: false            # generic rules yield to specific ones
//       fallback: false           # yields to any other rule finding an
//                                 # overlapping secret (catch-all rules)
//       supersedes: [aws.access_key_id]  # findings of these rules inside
//                                 # this rule's match are dropped (pairs)
//       validate: [github_crc32]  # named checks run after the filters
//                                 # (rules/validators.h): github_crc32,
//                                 # npm_crc32, base64_userpass,
//                                 # basic_credentials, cisco_type7,
//                                 # jwt_not_example. A failed decoding
//                                 # drops the match; a failed checksum
//                                 # keeps it, "checksum failed"
//                                 # (confidence medium); a passed one
//                                 # makes it "checksum verified"
//                                 # (confidence high). Unknown names are
//                                 # a load error.
//       max_confidence: low       # cap on the findings' confidence, for
//                                 # values meant to be public (a status
//                                 # badge's token): shown only with
//                                 # --min-confidence at or below it
//       max_window: 131072        # longest match phase 2 confirms, in
//                                 # bytes (default 16 KiB; a longer match
//                                 # is cut). Private key blocks need more.
//       paths: ['.pgpass']        # file-format rules: the rule runs only
//                                 # on files whose path matches one of
//                                 # these globs (RulePathMatches), and on
//                                 # input with no path (examples); see
//                                 # below
//       examples: [...]           # each must produce a finding
//       negative_examples: [...]  # each must produce none (any rule)
//       references: [https://...]
//       revoke: How and where to revoke.
//       description: Optional longer text.
//       tags: [...]
//       verify:                   # optional live check (keyward/verify.h),
//                                 # run only with `scan --verify`
//         method: GET             # GET (default), POST or HEAD
//         url: 'https://api.github.com/user'   # https; literal host; the
//                                 # path and query may use the templates
//         headers: {Authorization: 'Bearer {{secret}}'}
//         body: '...'             # optional, templates allowed
//         basic_auth: {user: '{{id}}', password: '{{secret}}'}
//         aws_sigv4: {region: us-east-1, service: sts}  # sign with {{id}}
//                                 # as key id, {{secret}} as secret key
//         active: {status: [200], json: /ok, equals: true}
//         inactive: {status: [401, 403]}   # both required; the parts
//                                 # given must all hold; status any of the
//                                 # list; json: a JSON pointer that must
//                                 # exist; equals: the value there (true,
//                                 # false, a number, null, else a string)
//         account: {json: /login}  # optional: who the key belongs to
//         scope: {header: X-OAuth-Scopes}  # optional: what it may do
//                                 # (json: pointer, or header: name)
//       Templates: {{secret}} and {{id}} (the (?P<id>...) capture) only;
//       the request must use {{secret}}. Active is checked first; neither
//       active nor inactive is "unknown". Only read-only calls that change
//       no state and send no message belong here. Stored in Rule::verify as
//       JSON, parsed by ParseVerifySpec.
//
// A pattern may also carry a named group (?P<id>...) holding a non-secret
// identifier shown beside the secret (an AWS access key id next to its
// secret key, a Twilio account SID next to its auth token).
//
// filters.yaml holds shared filters:
//
//   filters:
//     - name: placeholder
//       allow: [...]        # same meaning as in a rule
//       stopwords: [...]
//       when_key: '(?i)sha|md5'  # optional: see below
//       needs_key: true     # optional, with when_key: a match with no key
//                           # is kept (the filter judges keys only)
//       lowers: true        # optional: a match keeps the value, marked
//                           # weak (low confidence outside config files)
//       overrides: [identifier]  # optional, with lowers: these filters do
//                           # not drop a value this one's `allow` matched
//                           # (a stopword inside a value only marks it weak)
//
// A pattern may name the key its secret is assigned to, (?P<key>...)
// (`client_secret` in `client_secret = "..."`). A filter with `when_key`
// applies only to matches with no key (unless `needs_key`) or whose key
// matches that regex: the
// hash filter drops a bare 40-hex value under `sha1:` or with no key, but
// under `oauth_token:` the value is the secret. A value's name decides
// before its shape.
//
// A rule with `paths:` describes a file format (a `.pgpass` line, a Gradle
// property, a Helm value): it runs only where that format lives. Such rules
// are matched by a second, small Hyperscan database that a scan runs only
// for a file whose name matches, so a pattern with no literal to lead it
// (host:port:db:user:password) costs nothing on the other files. A glob
// without '/' matches the file's base name; with '/', the path's last
// components (`.docker/config.json`); `*`, `?` and `[...]` as in fnmatch
// (never crossing '/'), case-insensitive.
//
// Thread safety: a RuleSet is immutable after loading and may be shared.
#ifndef KEYWARD_RULES_H_
#define KEYWARD_RULES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keyward/status.h"

namespace keyward {

enum class Severity { kLow = 0, kMedium = 1, kHigh = 2, kCritical = 3 };
const char* SeverityName(Severity s);
// Parses "low", "medium", "high", "critical". Returns false on anything else.
bool ParseSeverity(std::string_view text, Severity* out);

// A named, shared filter (from filters.yaml) or a rule's own inline filter.
struct SecretFilter {
  std::string name;
  std::vector<std::string> allow;      // regexes (RE2); a match drops
  std::vector<std::string> stopwords;  // lowercase substrings; a hit drops
  std::string when_key;  // regex (RE2); empty: applies whatever the key
  // With `when_key`: a match with no key is kept (the filter is about keys
  // alone, as non_secret_key is); without, such a match is filtered (a bare
  // 40-hex value with no name is a digest).
  bool needs_key = false;
  // A lowering filter keeps what it matches, marked weak (Finding::weak):
  // a demo value is a low-confidence finding in docs and tests and a real
  // one in a configuration file (scanner/confidence.h).
  bool lowers = false;
  // Filters that do not drop a value this (lowering) filter matched.
  std::vector<std::string> overrides;
};

struct Rule {
  std::string id;
  std::string name;
  std::string provider;
  std::string kind;
  Severity severity = Severity::kHigh;
  std::string confidence = "high";
  // The highest confidence a finding of the rule gets ("" no cap), whatever
  // its value and file say (values public by design: a status-badge token).
  std::string max_confidence;
  std::string pattern;
  std::string trigger;  // Hyperscan's pattern instead of `pattern` ("": same)
  std::string prefix;
  double min_entropy = 0.0;
  double max_chars_per_token = 0.0;  // 0: no limit
  std::vector<std::string> filters;  // names of shared filters
  SecretFilter inline_filter;        // the rule's own allow/stopwords
  std::vector<std::string> require;
  int min_classes = 0;
  bool generic = false;
  bool fallback = false;
  std::vector<std::string> supersedes;
  std::vector<std::string> validate;  // validator names (validators.h)
  std::vector<std::string> paths;     // file globs; empty: every file
  int max_window = 0;                 // bytes; 0: the default (16 KiB)
  std::vector<std::string> examples;
  std::vector<std::string> negative_examples;
  std::vector<std::string> references;
  std::string revoke;
  std::string description;
  std::vector<std::string> tags;
  // The `verify:` block as JSON ("" none); ParseVerifySpec (keyward/
  // verify.h) reads it. Validated when the rule is loaded.
  std::string verify;
  // A new field must also be emitted by rules/gen/rulegen.cc, read by
  // rules/builtin.cc and compared in tests/rules/builtin_rules_test.cc.

  // Where the rule was defined, for messages: "rules/github.yaml:12".
  std::string origin;
};

// A pattern may have at most this many capture groups (the matcher extracts
// the whole match and up to 15 groups); the loader rejects more.
inline constexpr int kMaxCaptureGroups = 15;

// How RuleSet::Builtin loads the rules compiled into the binary.
struct BuiltinOptions {
  // Compile every pattern and allow regex in RE2 (`rules check`, tests).
  // Default false: the build already checked them, a scan trusts them.
  bool check_regexes = false;
  // Fill Rule::examples and negative_examples (`rules check`, `rules show`,
  // tests). Default false: a scan does not need them.
  bool examples = false;
};

class RuleSet {
 public:
  // The rules compiled into the binary: the rules/*.yaml files as AddText
  // would load them (same rules, fields, origins and Digest), pre-parsed at
  // build time. Costs no parsing.
  static Result<RuleSet> Builtin(const BuiltinOptions& options = {});

  // Parses one YAML document. `origin` names it in messages (a path).
  // Later rules with an id already present replace the earlier one.
  // Errors name origin:line, the rule id and the reason; the set is unchanged
  // on error.
  Status AddText(std::string_view text, const std::string& origin);
  // A rule file, or every *.yaml / *.yml file in a directory (sorted).
  Status AddPath(const std::string& path);

  // Removes rules by id (configuration's disabled rules). Unknown ids are an
  // error naming them.
  Status Disable(const std::vector<std::string>& ids);

  // Checks cross-references: filters and superseded rules exist. Patterns
  // are checked as files are added (compiles in RE2, has a secret group);
  // examples by CheckExamples in matcher.h.
  Status Validate() const;

  const std::vector<Rule>& rules() const { return rules_; }
  const Rule* Find(std::string_view id) const;
  const std::map<std::string, SecretFilter>& filters() const {
    return filters_;
  }
  // Compiles every rule pattern and filter allow regex in RE2; the first
  // failure names origin, rule id and reason.
  Status CheckRegexes() const;

  // A stable hash of every rule and filter (for the compiled-database cache).
  std::string Digest() const;

 private:
  Status AddTextChecked(std::string_view text, const std::string& origin,
                        bool check_regexes);

  std::vector<Rule> rules_;
  std::map<std::string, SecretFilter> filters_;
};

// Whether a rule runs on the file at `path`: a rule without `paths` runs on
// every file; one with `paths` on a file whose path matches a glob (see
// above). An empty path (input with no file name) runs every rule.
bool RulePathMatches(const Rule& rule, std::string_view path);
// The RE2 regex equivalent to one `paths:` glob on a whole path.
std::string PathGlobRegex(const std::string& glob);

// Shannon entropy of `s` in bits per byte.
double ShannonEntropy(std::string_view s);

// Whether `s` is made of hex digits of one case only (digits alone count):
// the rendering of random bytes whose entropy is judged per length.
bool IsHexOfOneCase(std::string_view s);

// The entropy a rule's `min_entropy` asks of `secret`. Rules state one floor
// for every alphabet, but hex digits carry 4 bits at most: a random 32-hex
// key averages 3.6 bits and falls under 3.5 one time in five (40 hex: one in
// twenty). For a value of hex digits alone (one case) the floor is at most
// 3.0, which a random hex value of 32 digits misses once in 5,000.
double EntropyFloor(double min_entropy, std::string_view secret);

// The character classes a value uses (ASCII letters and digits; any other
// byte is a symbol).
struct CharClasses {
  bool lower = false, upper = false, digit = false, symbol = false;
  int count() const { return lower + upper + digit + symbol; }
};
CharClasses ClassesOf(std::string_view s);

}  // namespace keyward

#endif  // KEYWARD_RULES_H_

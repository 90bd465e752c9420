// RuleSet::Builtin: the pre-parsed built-in rules (rules/builtin_data.h) as a
// RuleSet. No YAML here; rulegen ran the YAML loader at build time.
#include "keyward/rules.h"
#include "rules/builtin_data.h"

namespace keyward {
namespace {

std::vector<std::string> ToStrings(builtin::Strings in) {
  return std::vector<std::string>(in.begin(), in.end());
}

SecretFilter ToFilter(const builtin::FilterData& d) {
  SecretFilter f;
  f.name = d.name;
  f.allow = ToStrings(d.allow);
  f.stopwords = ToStrings(d.stopwords);
  f.when_key = d.when_key;
  f.needs_key = d.needs_key;
  f.lowers = d.lowers;
  f.overrides = ToStrings(d.overrides);
  return f;
}

Rule ToRule(const builtin::RuleData& d, bool examples) {
  Rule r;
  r.id = d.id;
  r.name = d.name;
  r.provider = d.provider;
  r.kind = d.kind;
  r.severity = d.severity;
  r.confidence = d.confidence;
  r.max_confidence = d.max_confidence;
  r.pattern = d.pattern;
  r.trigger = d.trigger;
  r.prefix = d.prefix;
  r.min_entropy = d.min_entropy;
  r.max_chars_per_token = d.max_chars_per_token;
  r.filters = ToStrings(d.filters);
  r.inline_filter = ToFilter(d.inline_filter);
  r.require = ToStrings(d.require);
  r.min_classes = d.min_classes;
  r.generic = d.generic;
  r.fallback = d.fallback;
  r.supersedes = ToStrings(d.supersedes);
  r.validate = ToStrings(d.validate);
  r.paths = ToStrings(d.paths);
  r.max_window = d.max_window;
  if (examples) {
    r.examples = ToStrings(d.examples);
    r.negative_examples = ToStrings(d.negative_examples);
  }
  r.references = ToStrings(d.references);
  r.revoke = d.revoke;
  r.description = d.description;
  r.tags = ToStrings(d.tags);
  r.verify = d.verify;
  r.origin = d.origin;
  return r;
}

}  // namespace

Result<RuleSet> RuleSet::Builtin(const BuiltinOptions& options) {
  RuleSet set;
  set.rules_.reserve(builtin::Rules().size());
  for (const auto& d : builtin::Rules()) {
    set.rules_.push_back(ToRule(d, options.examples));
  }
  for (const auto& d : builtin::Filters()) {
    set.filters_.emplace(std::string(d.name), ToFilter(d));
  }
  // The build checked every regex (rulegen); `rules check` and the tests
  // check them again against the RE2 the binary runs with.
  if (options.check_regexes) {
    Status s = set.CheckRegexes();
    if (!s.ok()) return s;
  }
  return set;
}

}  // namespace keyward

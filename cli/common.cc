#include "cli/commands.h"
#include "scanner/hs_cache.h"

namespace keyward::cli {

Result<RuleSet> LoadRules(const std::vector<std::string>& extra,
                          const std::vector<std::string>& disabled,
                          const BuiltinOptions& builtin) {
  auto rules = RuleSet::Builtin(builtin);
  if (!rules.ok()) return rules.status();
  for (const auto& path : extra) {
    Status s = rules->AddPath(path);
    if (!s.ok()) return s;
  }
  Status s = rules->Disable(disabled);
  if (!s.ok()) return s;
  s = rules->Validate();
  if (!s.ok()) return s;
  return rules;
}

Result<std::unique_ptr<Matcher>> BuildMatcher(const RuleSet& rules,
                                              bool no_cache) {
  MatcherOptions opts;
  if (!no_cache) opts.cache_dir = DefaultCacheDir();
  return Matcher::Create(rules, opts);
}

}  // namespace keyward::cli

#include <iostream>
#include <mutex>

#include "base/visible_text.h"
#include "cli/commands.h"
#include "scanner/hs_cache.h"

namespace keyward::cli {

Status InstallFingerprintKey() {
  auto key = LoadFingerprintKey();
  if (!key.ok()) return key.status();
  SetFingerprintKey(std::move(key->key));
  if (key->created) {
    Warn("notice: created a per-user fingerprint key in " + key->origin +
         " (mode 0600). Fingerprints in reports, baselines, allowlists and "
         "tickets are keyed with it; give every machine and CI the same key "
         "(KEYWARD_FINGERPRINT_KEY) so they match everywhere (docs/ci.md, "
         "\"Fingerprint key\")");
  }
  return Status::OK();
}

Result<RuleSet> LoadRules(const std::vector<std::string>& extra,
                          const std::vector<std::string>& disabled,
                          const BuiltinOptions& builtin,
                          const std::vector<std::string>& disabled_where) {
  auto rules = RuleSet::Builtin(builtin);
  if (!rules.ok()) return rules.status();
  for (const auto& path : extra) {
    Status s = rules->AddPath(path);
    if (!s.ok()) return s;
  }
  for (size_t i = 0; i < disabled.size(); ++i) {
    if (rules->Find(disabled[i])) continue;
    std::string where =
        i < disabled_where.size() ? disabled_where[i] + ": " : "";
    return Status::Config(where + "disable_rules: unknown rule `" +
                          ShownName(disabled[i]) +
                          "` (see keyward rules list)");
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
  // The built-in rules' databases come compiled with the binary; changed
  // rules (--rules, disable_rules) or another CPU compile once, then the
  // cache serves them.
  opts.prebuilt = PrebuiltDatabases();
  opts.on_compile = [] {
    static std::once_flag once;
    std::call_once(once, [] {
      std::cerr << "keyward: compiling the rule database (the rules or this "
                   "CPU differ from the built-in ones; cached for later "
                   "runs)...\n";
    });
  };
  return Matcher::Create(rules, opts);
}

}  // namespace keyward::cli

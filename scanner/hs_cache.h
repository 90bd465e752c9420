// On-disk cache of the compiled Hyperscan block database (internal).
//
// A pre-commit hook must start in milliseconds; compiling every rule takes
// far longer. The cache file is keyed by a hash of the rule set and the
// Hyperscan version and platform, written atomically (temp + rename); a
// corrupt or mismatched file is ignored and rebuilt.
#ifndef KEYWARD_SCANNER_HS_CACHE_H_
#define KEYWARD_SCANNER_HS_CACHE_H_

#include <hs/hs.h>

#include <cstdint>
#include <string>
#include <vector>

namespace keyward {

struct HsCacheKey {
  std::string hex;  // file name stem
};

struct HsCacheRule {
  unsigned flags = 0;
  uint64_t width = 0;
  bool re2_only = false;
};

struct HsCacheEntry {
  hs_database_t* db = nullptr;  // owned by the caller after Load
  std::vector<HsCacheRule> rules;
};

HsCacheKey MakeHsCacheKey(const std::string& ruleset_digest);
// The default cache directory: $XDG_CACHE_HOME/keyward or ~/.cache/keyward.
std::string DefaultCacheDir();
// False when missing, corrupt or for a different rule count. Without
// `with_db` only the per-rule metadata is read (out->db stays null); the
// database itself is neither read nor checked.
bool LoadHsCache(const std::string& dir, const HsCacheKey& key,
                 size_t rule_count, HsCacheEntry* out, bool with_db = true);
// Best effort: failures are silent (the next run compiles again).
void SaveHsCache(const std::string& dir, const HsCacheKey& key,
                 const HsCacheEntry& entry);

}  // namespace keyward

#endif  // KEYWARD_SCANNER_HS_CACHE_H_

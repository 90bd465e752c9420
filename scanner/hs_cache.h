// Compiled Hyperscan databases kept between runs (internal): the on-disk
// cache, and the databases compiled into the binary at build time (the
// "prebuilt pack", rules/gen/dbgen.cc).
//
// A pre-commit hook must start in milliseconds; compiling every rule takes
// far longer. An entry is keyed by a hash of the rule set and the Hyperscan
// version and platform. A cache file is written atomically (temp + rename)
// and carries a SHA-256 of its contents: a corrupt, tampered or mismatched
// file is ignored and rebuilt.
#ifndef KEYWARD_SCANNER_HS_CACHE_H_
#define KEYWARD_SCANNER_HS_CACHE_H_

#include <hs/hs.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
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

// The CPU features (HS_CPU_FEATURES_*) Hyperscan compiles for here.
unsigned long long NativeCpuFeatures();
// The fallback variant of prebuilt packs: this machine's features capped at
// AVX2, so that a pack built on an AVX-512 machine still loads on the
// AVX2 machines most CI runners are.
unsigned long long PortableCpuFeatures();
// Keyed by the rule set's digest, the Hyperscan version and the CPU features
// the database is compiled for (the tune family only steers heuristics; a
// database tuned for another family loads and runs).
HsCacheKey MakeHsCacheKey(const std::string& ruleset_digest,
                          unsigned long long cpu_features);
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

// An entry as bytes (the cache file's contents), and back. ParseHsEntry
// checks the contents' digest (unless `check_digest` is false: an entry of
// the pack linked into the binary is as intact as the binary, and hashing
// its megabytes was a fifth of a pre-commit scan's time), then the rule
// count; false on any mismatch.
std::string SerializeHsEntry(const HsCacheEntry& entry);
bool ParseHsEntry(std::string_view bytes, size_t rule_count, HsCacheEntry* out,
                  bool with_db, bool check_digest = true);

// A prebuilt pack: entries (SerializeHsEntry bytes) by key, concatenated.
std::string PackHsEntries(
    const std::vector<std::pair<HsCacheKey, std::string>>& entries);
// The bytes of `key`'s entry in `pack`; empty when absent or the pack is
// malformed.
std::string_view FindPackedHsEntry(std::string_view pack,
                                   const HsCacheKey& key);

}  // namespace keyward

#endif  // KEYWARD_SCANNER_HS_CACHE_H_

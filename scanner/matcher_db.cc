// The matcher's Hyperscan databases: compiled, or loaded from the prebuilt
// pack or the on-disk cache (scanner/hs_cache.h), on first use.
#include <chrono>
#include <cstdio>

#include "scanner/hs_cache.h"
#include "scanner/matcher_impl.h"

namespace keyward {

std::string PadLiteralBytes(size_t i) {
  std::string p = "\x01\x02\x03\x04";
  for (size_t d = 0, v = i; d < 4; ++d, v /= 8) p += char(1 + v % 8);
  return p;
}

const std::vector<std::string>& PadLiterals() {
  static const std::vector<std::string> pads = [] {
    std::vector<std::string> out;
    for (size_t i = 0; i < kPadLiterals; ++i) {
      std::string p;
      for (unsigned char c : PadLiteralBytes(i)) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", c);
        p += hex;
      }
      out.push_back(std::move(p));
    }
    return out;
  }();
  return pads;
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
  if (which.size() >= kPadFromExpressions) {
    for (const std::string& pad : PadLiterals()) {
      ptrs.push_back(pad.c_str());
      flags.push_back(0);
      ids.push_back(kPadId);
    }
  }
  hs_platform_info_t plat;
  hs_populate_platform(&plat);
  plat.cpu_features = cpu_features;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(ptrs.data(), flags.data(), ids.data(), ptrs.size(), mode,
                       &plat, db, &err) == HS_SUCCESS) {
    return Status::OK();
  }
  std::string msg =
      err && err->expression >= 0 && ids[err->expression] != kPadId
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
      if (!packed.empty() && ParseHsEntry(packed, rules.size(), out, with_db,
                                          /*check_digest=*/false)) {
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

hs_database_t* Matcher::Impl::ScopedRuleDb(size_t k) {
  RuleDb& r = scoped_rule_dbs[k];
  std::call_once(r.once, [&] {
    r.db = LoadOrCompile(
        HS_MODE_BLOCK,
        scoped_cache_digest + "|" + rules[hs_ids[scoped_patterns[k]]].id,
        {scoped_patterns[k]});
  });
  return r.db;
}

void Matcher::LoadFileFormatDatabases() const {
  for (size_t k = 0; k < impl_->scoped_patterns.size(); ++k) {
    impl_->ScopedRuleDb(k);
  }
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

}  // namespace keyward

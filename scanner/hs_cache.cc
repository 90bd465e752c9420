#include "scanner/hs_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/crypto.h"
#include "keyward/atomic_file.h"
#include "keyward/finding.h"

namespace keyward {
namespace {

// Version 02 added the digest of the contents.
constexpr char kMagic[8] = {'K', 'W', 'H', 'S', 'D', 'B', '0', '2'};
constexpr char kPackMagic[8] = {'K', 'W', 'H', 'S', 'P', 'K', '0', '1'};
constexpr size_t kPackKey = 32;

void MakeDirs(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); i++) {
    if (i == dir.size() || dir[i] == '/') {
      mkdir(dir.substr(0, i).c_str(), 0700);
    }
  }
}

}  // namespace

unsigned long long NativeCpuFeatures() {
  hs_platform_info_t plat;
  if (hs_populate_platform(&plat) != HS_SUCCESS) return 0;
  return plat.cpu_features;
}

unsigned long long PortableCpuFeatures() {
  return NativeCpuFeatures() & HS_CPU_FEATURES_AVX2;
}

HsCacheKey MakeHsCacheKey(const std::string& ruleset_digest,
                          unsigned long long cpu_features) {
  // The layout: how the matcher builds databases from the same rules. Raised
  // when that changes, so that no database built otherwise is loaded (an
  // older binary must never meet the padding's ids). 2: literal padding
  // (scanner/matcher_impl.h, kPadLiterals).
  constexpr int kDatabaseLayout = 2;
  std::ostringstream k;
  k << ruleset_digest << '|' << hs_version() << "|features " << cpu_features
    << "|layout " << kDatabaseLayout;
  return {Sha256Hex(k.str()).substr(0, 32)};
}

std::string DefaultCacheDir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) {
    return std::string(x) + "/keyward";
  }
  if (const char* h = std::getenv("HOME"); h && *h) {
    return std::string(h) + "/.cache/keyward";
  }
  return "";
}

bool LoadHsCache(const std::string& dir, const HsCacheKey& key,
                 size_t rule_count, HsCacheEntry* out, bool with_db) {
  int fd = open((dir + "/" + key.hex + ".hsdb").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  // Read, never mapped: a mapped entry that another process truncates (a
  // user clearing the cache, a full disk) would kill the scan with SIGBUS.
  // An entry that is short or changes while read fails its digest and is
  // compiled again. Costs well under a millisecond for a ~1 MB entry.
  struct stat st;
  std::string data;
  bool ok =
      fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size < (off_t{1} << 31);
  if (ok) {
    data.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < data.size()) {
      ssize_t n = read(fd, data.data() + got, data.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    data.resize(got);
  }
  close(fd);
  if (!ok) return false;
  return ParseHsEntry(data, rule_count, out, with_db);
}

bool ParseHsEntry(std::string_view data, size_t rule_count, HsCacheEntry* out,
                  bool with_db, bool check_digest) {
  // Layout: magic, SHA-256 (hex) of what follows it, u64 rule count, per
  // rule {u32 flags, u64 width, u8 re2_only}, u64 db size, db bytes.
  constexpr size_t kDigest = 64;
  if (data.size() < sizeof kMagic + kDigest ||
      memcmp(data.data(), kMagic, sizeof kMagic) != 0) {
    return false;
  }
  std::string_view digest = data.substr(sizeof kMagic, kDigest);
  std::string_view body = data.substr(sizeof kMagic + kDigest);
  if (check_digest && Sha256Hex(body) != digest) {
    return false;  // corrupt or tampered
  }
  size_t pos = 0;
  auto take = [&](void* dst, size_t n) {
    if (pos + n > body.size()) return false;
    memcpy(dst, body.data() + pos, n);
    pos += n;
    return true;
  };
  uint64_t count = 0;
  if (!take(&count, 8) || count != rule_count) return false;
  std::vector<HsCacheRule> rules(count);
  for (auto& r : rules) {
    uint32_t flags;
    uint8_t re2_only;
    if (!take(&flags, 4) || !take(&r.width, 8) || !take(&re2_only, 1)) {
      return false;
    }
    r.flags = flags;
    r.re2_only = re2_only;
  }
  uint64_t size = 0;
  if (!take(&size, 8) || pos + size != body.size()) return false;
  hs_database_t* db = nullptr;
  if (with_db && size > 0 &&
      hs_deserialize_database(body.data() + pos, size, &db) != HS_SUCCESS) {
    return false;
  }
  out->db = db;
  out->rules = std::move(rules);
  return true;
}

std::string SerializeHsEntry(const HsCacheEntry& entry) {
  char* bytes = nullptr;
  size_t size = 0;
  if (entry.db &&
      hs_serialize_database(entry.db, &bytes, &size) != HS_SUCCESS) {
    return "";
  }
  std::string body;
  auto put = [&](const void* p, size_t n) {
    body.append(static_cast<const char*>(p), n);
  };
  uint64_t count = entry.rules.size();
  put(&count, 8);
  for (const auto& r : entry.rules) {
    uint32_t flags = r.flags;
    uint8_t re2_only = r.re2_only;
    put(&flags, 4);
    put(&r.width, 8);
    put(&re2_only, 1);
  }
  uint64_t sz = size;
  put(&sz, 8);
  if (bytes) {
    body.append(bytes, size);
    free(bytes);
  }
  return std::string(kMagic, sizeof kMagic) + Sha256Hex(body) + body;
}

void SaveHsCache(const std::string& dir, const HsCacheKey& key,
                 const HsCacheEntry& entry) {
  if (dir.empty()) return;
  std::string data = SerializeHsEntry(entry);
  if (data.empty()) return;
  MakeDirs(dir);
  // Temp + fsync + rename like every file keyward writes: a reader sees the
  // old entry or the new one, and a temporary left by a killed writer is
  // removed by a later write to the directory.
  (void)WriteFileAtomic(dir + "/" + key.hex + ".hsdb", data);
}

// Pack layout: magic, then per entry {32-byte key, u64 size, bytes}.
std::string PackHsEntries(
    const std::vector<std::pair<HsCacheKey, std::string>>& entries) {
  std::string pack(kPackMagic, sizeof kPackMagic);
  for (const auto& [key, bytes] : entries) {
    std::string k = key.hex;
    k.resize(kPackKey, ' ');
    pack += k;
    uint64_t size = bytes.size();
    pack.append(reinterpret_cast<const char*>(&size), 8);
    pack += bytes;
  }
  return pack;
}

std::string_view FindPackedHsEntry(std::string_view pack,
                                   const HsCacheKey& key) {
  if (pack.size() < sizeof kPackMagic ||
      memcmp(pack.data(), kPackMagic, sizeof kPackMagic) != 0) {
    return {};
  }
  size_t pos = sizeof kPackMagic;
  while (pos + kPackKey + 8 <= pack.size()) {
    std::string_view k = pack.substr(pos, kPackKey);
    uint64_t size = 0;
    memcpy(&size, pack.data() + pos + kPackKey, 8);
    pos += kPackKey + 8;
    if (size > pack.size() - pos) return {};
    if (k.substr(0, key.hex.size()) == key.hex &&
        k.find_first_not_of(' ', key.hex.size()) == std::string_view::npos) {
      return pack.substr(pos, size);
    }
    pos += size;
  }
  return {};
}

}  // namespace keyward

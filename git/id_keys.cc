#include "git/id_keys.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "git/pack_reader.h"

namespace keyward::git {
namespace {

uint64_t Key(const unsigned char* id) {
  uint64_t k;
  std::memcpy(&k, id, sizeof k);
  return __builtin_bswap64(k);  // ids sort as big-endian numbers
}

}  // namespace

IdKeys::IdKeys(const PackReader& packs) : packs_(packs) {
  keys_.resize(packs.object_count());
  packs.ForEachId(
      [&](uint32_t n, const git_oid& id) { keys_[n] = Key(id.id); });
  for (size_t p = 0; p < packs.pack_count(); ++p) {
    Pack pack;
    pack.first = packs.first_object(p);
    pack.last = packs.first_object(p + 1);
    const uint32_t count = pack.last - pack.first;
    // About 64 keys a bucket: bits = log2(count / 64), 0..20.
    int bits = count >= 128 ? std::bit_width(count / 64) - 1 : 0;
    bits = std::min(bits, 20);
    pack.shift = 64 - bits;
    pack.bucket = static_cast<uint32_t>(buckets_.size());
    const uint64_t buckets = uint64_t{1} << bits;
    uint32_t n = pack.first;
    for (uint64_t b = 0; b < buckets; ++b) {
      // The first key of bucket b or a later one (keys are sorted).
      while (n < pack.last && (bits == 0 ? 0 : keys_[n] >> pack.shift) < b) {
        ++n;
      }
      buckets_.push_back(n);
    }
    buckets_.push_back(pack.last);
    packs_at_.push_back(pack);
  }
}

uint32_t IdKeys::Find(const unsigned char* id) const {
  const uint64_t key = Key(id);
  for (const Pack& pack : packs_at_) {
    const uint64_t b = pack.shift == 64 ? 0 : key >> pack.shift;
    const uint64_t* begin = keys_.data() + buckets_[pack.bucket + b];
    const uint64_t* end = keys_.data() + buckets_[pack.bucket + b + 1];
    const uint64_t* at = std::lower_bound(begin, end, key);
    if (at == end || *at != key) continue;
    // Two ids of the pack with these first 8 bytes: the index decides. (A
    // pack's own ids are distinct; the packs before it hold neither.)
    if (at + 1 < keys_.data() + pack.last && at[1] == key) {
      return packs_.FindObject(id);
    }
    return static_cast<uint32_t>(at - keys_.data());
  }
  return PackReader::kNoObject;
}

}  // namespace keyward::git

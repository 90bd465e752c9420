// Object numbers of ids found by their first 8 bytes, from a table in
// memory: what loading the packed trees asks for every entry it reads.
//
// PackReader::FindObject searches the mapped pack indexes. Loading looks up
// every id the trees name, in no order, so every page of every index gets
// mapped (20 bytes an object: 200 MB for ten million objects, held while
// the plan is). IdKeys reads the indexes once, front to back, unmapping
// them as it goes, and keeps 8 bytes an object.
//
//   IdKeys keys(packs);                 // after PackReader::Open
//   uint32_t n = keys.Find(id.id);      // as packs.FindObject(id)
//
// Exact for every id a pack holds: ids whose first 8 bytes are equal are
// told apart by the index (PackReader::FindObject). An id no pack holds is
// kNoObject unless a pack holds an id with the same first 8 bytes: for a
// repository of n objects, a chance of n / 2^64 for each such id (one in
// two trillion for ten million objects). Such ids are the few a tree names
// outside the packs (loose objects, a partial clone's missing blobs).
#ifndef KEYWARD_GIT_ID_KEYS_H_
#define KEYWARD_GIT_ID_KEYS_H_

#include <cstdint>
#include <vector>

namespace keyward::git {

class PackReader;

class IdKeys {
 public:
  // `packs` must outlive this.
  explicit IdKeys(const PackReader& packs);

  // What packs.FindObject(id) gives (20 bytes), but for the chance above.
  uint32_t Find(const unsigned char* id) const;

 private:
  struct Pack {
    uint32_t first = 0, last = 0;  // its object numbers
    uint32_t bucket = 0;           // its first bucket in buckets_
    int shift = 64;                // a key's bucket is key >> shift
  };
  const PackReader& packs_;
  std::vector<uint64_t> keys_;  // by object number; sorted within a pack
  // Per pack, 2^bits + 1 object numbers: where each bucket of keys starts
  // (about 64 keys a bucket), so a search reads a few cache lines.
  std::vector<uint32_t> buckets_;
  std::vector<Pack> packs_at_;
};

}  // namespace keyward::git

#endif  // KEYWARD_GIT_ID_KEYS_H_

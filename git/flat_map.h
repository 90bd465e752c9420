// An open-addressing hash map from a small trivially copyable key (an object
// id, a pack offset) to a uint32_t index, for the hundreds of thousands of
// ids a full-history scan indexes: one allocation for the whole table instead
// of one node per entry, and a lookup touches one or two adjacent slots.
//
//   OidMap nodes;
//   nodes.Reserve(expected);
//   bool added = false;
//   uint32_t node = nodes.Insert(id, next_node, &added);  // existing or new
//   if (nodes.Find(id) == OidMap::kAbsent) ...
//
// Linear probing, a power-of-two capacity kept at most half full; entries are
// never erased. kAbsent itself cannot be stored as a value.
#ifndef KEYWARD_GIT_FLAT_MAP_H_
#define KEYWARD_GIT_FLAT_MAP_H_

#include <git2.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <vector>

#include "git/repo.h"

namespace keyward::git {

// Hashes give any 64 bits of the key (OidHash: 8 bytes of the id); FlatMap
// mixes them (object ids are already uniform, pack offsets are not).
struct OffsetBits {
  uint64_t operator()(uint64_t offset) const { return offset; }
};

// What FlatMap and FlatIndex share: a power-of-two capacity at least twice
// the entries, and Fibonacci hashing (the top bits of the product depend on
// all of the key's bits).
namespace flat_table {
inline size_t CapacityFor(size_t entries) {
  return std::bit_ceil(std::max<size_t>(16, 2 * entries));
}
inline int ShiftFor(size_t capacity) { return 64 - std::countr_zero(capacity); }
inline size_t Home(uint64_t bits, int shift) {
  return static_cast<size_t>((bits * 0x9E3779B97F4A7C15ull) >> shift);
}
}  // namespace flat_table

template <typename Key, typename Bits>
class FlatMap {
 public:
  static constexpr uint32_t kAbsent = UINT32_MAX;

  // Makes room for `n` entries without growing again.
  void Reserve(size_t n) {
    size_t want = flat_table::CapacityFor(n);
    if (want > slots_.size()) Rehash(want);
  }

  // The value stored for `key`; if there is none, stores `value` first.
  // `*inserted` (optional) says which.
  uint32_t Insert(const Key& key, uint32_t value, bool* inserted = nullptr) {
    assert(value != kAbsent);
    if (2 * (size_ + 1) > slots_.size()) {
      Rehash(std::max<size_t>(16, 2 * slots_.size()));
    }
    Slot* s = &slots_[Probe(key)];
    bool fresh = s->value == kAbsent;
    if (fresh) {
      s->key = key;
      s->value = value;
      ++size_;
    }
    if (inserted) *inserted = fresh;
    return s->value;
  }

  // The value stored for `key`, or kAbsent.
  uint32_t Find(const Key& key) const {
    if (slots_.empty()) return kAbsent;
    return slots_[Probe(key)].value;
  }

  size_t size() const { return size_; }

 private:
  struct Slot {
    Key key;
    uint32_t value = kAbsent;
  };

  size_t Home(const Key& key) const {
    return flat_table::Home(Bits()(key), shift_);
  }
  // The slot holding `key`, or the empty slot where it belongs.
  size_t Probe(const Key& key) const {
    size_t mask = slots_.size() - 1;
    for (size_t i = Home(key);; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.value == kAbsent || std::memcmp(&s.key, &key, sizeof(Key)) == 0) {
        return i;
      }
    }
  }
  void Rehash(size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot());
    shift_ = flat_table::ShiftFor(capacity);
    for (const Slot& s : old) {
      if (s.value != kAbsent) slots_[Probe(s.key)] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
  int shift_ = 64;
};

// FlatMap for keys the caller already holds in a vector, the value being
// the key's place there: a slot is that 4-byte place (not a key and a
// value), and lookups compare against `keys`, which every call is given.
//
//   std::vector<git_oid> ids;
//   OidIndex index;
//   bool added = false;
//   uint32_t i = index.Insert(id, ids, &added);  // if added: i == ids.size()
//   if (added) ids.push_back(id);
template <typename Key, typename Bits>
class FlatIndex {
 public:
  static constexpr uint32_t kAbsent = UINT32_MAX;

  // Makes room for `n` keys without growing again.
  void Reserve(size_t n, const std::vector<Key>& keys) {
    size_t want = flat_table::CapacityFor(n);
    if (want > slots_.size()) Rehash(want, keys);
  }

  // The place of `key` in `keys`; if it has none, keys.size(), recorded as
  // the place the caller must append it to. `*inserted` says which.
  uint32_t Insert(const Key& key, const std::vector<Key>& keys,
                  bool* inserted) {
    if (2 * (keys.size() + 1) > slots_.size()) {
      Rehash(std::max<size_t>(16, 2 * slots_.size()), keys);
    }
    uint32_t& slot = slots_[Probe(key, keys)];
    *inserted = slot == kAbsent;
    if (*inserted) slot = static_cast<uint32_t>(keys.size());
    return slot;
  }

  // The place of `key` in `keys`, or kAbsent.
  uint32_t Find(const Key& key, const std::vector<Key>& keys) const {
    return slots_.empty() ? kAbsent : slots_[Probe(key, keys)];
  }

 private:
  size_t Probe(const Key& key, const std::vector<Key>& keys) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = flat_table::Home(Bits()(key), shift_);;
         i = (i + 1) & mask) {
      uint32_t at = slots_[i];
      if (at == kAbsent || std::memcmp(&keys[at], &key, sizeof(Key)) == 0) {
        return i;
      }
    }
  }
  void Rehash(size_t capacity, const std::vector<Key>& keys) {
    slots_.assign(capacity, kAbsent);
    shift_ = flat_table::ShiftFor(capacity);
    for (uint32_t at = 0; at < keys.size(); ++at) {
      slots_[Probe(keys[at], keys)] = at;
    }
  }

  std::vector<uint32_t> slots_;
  int shift_ = 64;
};

using OidMap = FlatMap<git_oid, OidHash>;
using OidIndex = FlatIndex<git_oid, OidHash>;
using OffsetMap = FlatMap<uint64_t, OffsetBits>;

// Empties `c` and gives its storage back. (`c = {}` does not: for a vector
// or a string it assigns an empty initializer list and keeps the capacity.)
template <typename Container>
void FreeStorage(Container& c) {
  Container().swap(c);
}

}  // namespace keyward::git

#endif  // KEYWARD_GIT_FLAT_MAP_H_

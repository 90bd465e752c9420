// The entries of every packed tree of a history, as object numbers, kept
// from PackedTrees::Load through the walk to provenance.
//
// A tree version repeats almost every entry of the version it was
// deltified against, so most trees are not stored whole. A keyframe holds
// its entries: its subtrees' numbers, then its blobs'. A patched tree holds
// the edits that make its subtrees and its blobs from one keyframe's:
//
//   [keyframe's object number, subtree edits, blob edits, edit...]
//   edit: [kept, dropped, added, `added` numbers]
//
// An edit keeps the keyframe group's next `kept` entries, skips `dropped`
// and adds its numbers; after the last edit the rest of the group is kept.
// A changed file is one edit of four numbers. Reading a tree costs its
// entries and edits, never a chain: the edits of a tree deltified against
// a patched tree are made from the keyframe's entries that tree's delta
// kept. (PackedTrees::Load makes the patches; a tree becomes a keyframe
// again when its patch would not be less than half its entries.)
#ifndef KEYWARD_GIT_TREE_STORE_H_
#define KEYWARD_GIT_TREE_STORE_H_

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "git/numbers.h"

namespace keyward::git {

class TreeStore {
 public:
  // A tree: where its entries are, or why it cannot be read: slice
  // TreeRun::kUnreadable, `begin` the index of the problem. A keyframe's
  // subtrees are [begin, mid) of its slice, its blobs [mid, end); a
  // patched tree's slice has kPatched set, and its patch is [begin, end).
  using Record = TreeRun;
  static constexpr uint32_t kPatched = uint32_t{1} << 31;
  static bool Patched(const Record& r) {
    return r.slice != TreeRun::kUnreadable && (r.slice & kPatched) != 0;
  }

  enum Lookup { kAbsent, kUnreadable, kFound };
  // One tree's child ids as object numbers (PackedTrees::id).
  struct Entries {
    std::vector<uint32_t> trees, blobs;
    std::string_view problem;  // kUnreadable: why
  };
  // The entries of record `t`, reusing `out`'s storage (kAbsent when `t`
  // is not below size()).
  Lookup Get(uint32_t t, Entries* out) const;

  size_t size() const { return records_.size(); }
  const Record& record(uint32_t t) const { return records_[t]; }
  // Which record is object number `number`, or kNoTree: a bit per object
  // number says whether it is a tree's, and the bits set before it which
  // record (asked for every subtree entry the walk reads: a search of the
  // records took ~13% of a tree-heavy history's CPU).
  static constexpr uint32_t kNoTree = UINT32_MAX;
  uint32_t TreeOf(uint32_t number) const {
    const size_t word = number >> 6;
    if (word >= tree_bits_.size()) return kNoTree;
    const uint64_t bits = tree_bits_[word];
    const uint64_t bit = uint64_t{1} << (number & 63);
    if ((bits & bit) == 0) return kNoTree;
    return rank_[word] + static_cast<uint32_t>(std::popcount(bits & (bit - 1)));
  }

  // Calls `f(position)` for each object number record `r` (not
  // unreadable) holds in `slice`: all of a keyframe's, a patch's added ones
  // (its keyframe's number is a packed tree's). The layout is read here
  // only, and in Get.
  template <typename F>
  static void ForEachId(const NumberSlice& slice, const Record& r, F f) {
    if (!Patched(r)) {
      for (uint32_t i = r.begin; i < r.end; ++i) f(i);
      return;
    }
    uint32_t at = r.begin + 1;
    const uint32_t edits = slice.Get(at) + slice.Get(at + 1);
    at += 2;
    for (uint32_t e = 0; e < edits; ++e) {
      const uint32_t added = slice.Get(at + 2);
      at += 3;
      for (uint32_t k = 0; k < added; ++k) f(at++);
    }
  }

  // Counts for tests and benchmarks: records stored whole and patched, the
  // numbers all slices hold, and those of them stored in 4 bytes.
  size_t keyframes() const;
  size_t patched() const;
  size_t numbers() const;
  size_t wide_numbers() const;

 private:
  friend class PackedTrees;
  // One per tree, by object number (TreeOf: a binary search).
  std::vector<Record> records_;
  // Keyframes' numbers and patches, in slices filled by the decoding
  // threads: 3 bytes each in a slice whose numbers all fit, else 4.
  std::vector<NumberSlice> slices_;
  std::vector<std::string> problems_;
  // TreeOf's: a bit per object number below the largest record's, and per
  // 64 of them the records before.
  std::vector<uint64_t> tree_bits_;
  std::vector<uint32_t> rank_;
  // Makes them, once the records are sorted by number and distinct.
  void IndexRecords();
};

}  // namespace keyward::git

#endif  // KEYWARD_GIT_TREE_STORE_H_

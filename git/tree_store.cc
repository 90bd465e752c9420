#include "git/tree_store.h"

#include <algorithm>

namespace keyward::git {
namespace {

// Only a bug in making a patch gives one that does not fit its keyframe:
// said as the reason the tree is skipped rather than read past an end.
constexpr std::string_view kBadPatch =
    "its stored entries do not fit their keyframe (keyward bug)";

}  // namespace

TreeStore::Lookup TreeStore::Get(uint32_t t, Entries* out) const {
  out->trees.clear();
  out->blobs.clear();
  out->problem = {};
  if (t >= records_.size()) return kAbsent;
  const Record& r = records_[t];
  if (r.slice == TreeRun::kUnreadable) {
    out->problem = problems_[r.begin];
    return kUnreadable;
  }
  if (!Patched(r)) {
    NumberRun trees = slices_[r.slice].Run(r.begin, r.mid);
    NumberRun blobs = slices_[r.slice].Run(r.mid, r.end);
    out->trees.assign(trees.begin(), trees.end());
    out->blobs.assign(blobs.begin(), blobs.end());
    return kFound;
  }
  const NumberSlice& patch = slices_[r.slice & ~kPatched];
  uint32_t at = r.begin;
  auto next = [&](uint32_t* v) {
    if (at >= r.end) return false;
    *v = patch.Get(at++);
    return true;
  };
  auto bad = [&] {
    out->trees.clear();
    out->blobs.clear();
    out->problem = kBadPatch;
    return kUnreadable;
  };
  uint32_t key_number = 0, tree_pieces = 0, blob_pieces = 0;
  if (!next(&key_number) || !next(&tree_pieces) || !next(&blob_pieces)) {
    return bad();
  }
  const uint32_t k = TreeOf(key_number);
  if (k == kNoTree || records_[k].slice == TreeRun::kUnreadable ||
      Patched(records_[k])) {
    return bad();
  }
  const Record& key = records_[k];
  const NumberSlice& from = slices_[key.slice];
  auto fill = [&](uint32_t pieces, uint32_t begin, uint32_t end,
                  std::vector<uint32_t>* into) {
    for (uint32_t p = 0; p < pieces; ++p) {
      uint32_t head = 0;
      if (!next(&head)) return false;
      const uint32_t count = head >> 1;
      if (head & 1) {
        uint32_t start = 0;
        if (!next(&start) || start > end - begin ||
            count > end - begin - start) {
          return false;
        }
        NumberRun run = from.Run(begin + start, begin + start + count);
        into->insert(into->end(), run.begin(), run.end());
      } else {
        if (count > r.end - at) return false;
        NumberRun run = patch.Run(at, at + count);
        into->insert(into->end(), run.begin(), run.end());
        at += count;
      }
    }
    return true;
  };
  if (!fill(tree_pieces, key.begin, key.mid, &out->trees) ||
      !fill(blob_pieces, key.mid, key.end, &out->blobs) || at != r.end) {
    return bad();
  }
  return kFound;
}

void TreeStore::IndexRecords() {
  tree_bits_.assign(records_.empty() ? 0 : records_.back().number / 64 + 1, 0);
  for (const Record& r : records_) {
    tree_bits_[r.number >> 6] |= uint64_t{1} << (r.number & 63);
  }
  rank_.resize(tree_bits_.size());
  uint32_t before = 0;
  for (size_t w = 0; w < tree_bits_.size(); ++w) {
    rank_[w] = before;
    before += static_cast<uint32_t>(std::popcount(tree_bits_[w]));
  }
}

size_t TreeStore::keyframes() const {
  return std::count_if(records_.begin(), records_.end(), [](const Record& r) {
    return r.slice != TreeRun::kUnreadable && !Patched(r);
  });
}

size_t TreeStore::patched() const {
  return std::count_if(records_.begin(), records_.end(), Patched);
}

size_t TreeStore::numbers() const {
  size_t n = 0;
  for (const NumberSlice& s : slices_) n += s.size();
  return n;
}

size_t TreeStore::wide_numbers() const {
  size_t n = 0;
  for (const NumberSlice& s : slices_) n += s.width() == 4 ? s.size() : 0;
  return n;
}

}  // namespace keyward::git

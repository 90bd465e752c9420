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
  uint32_t key_number = 0, tree_edits = 0, blob_edits = 0;
  if (!next(&key_number) || !next(&tree_edits) || !next(&blob_edits)) {
    return bad();
  }
  const uint32_t k = TreeOf(key_number);
  if (k == kNoTree || records_[k].slice == TreeRun::kUnreadable ||
      Patched(records_[k])) {
    return bad();
  }
  const Record& key = records_[k];
  const NumberSlice& from = slices_[key.slice];
  auto fill = [&](uint32_t edits, uint32_t begin, uint32_t end,
                  std::vector<uint32_t>* into) {
    const uint32_t size = end - begin;
    uint32_t cursor = 0;  // in the keyframe's group
    auto keep = [&](uint32_t n) {
      NumberRun run = from.Run(begin + cursor, begin + cursor + n);
      into->insert(into->end(), run.begin(), run.end());
      cursor += n;
    };
    for (uint32_t e = 0; e < edits; ++e) {
      uint32_t kept = 0, dropped = 0, added = 0;
      if (!next(&kept) || !next(&dropped) || !next(&added) ||
          kept > size - cursor || dropped > size - cursor - kept ||
          added > r.end - at) {
        return false;
      }
      keep(kept);
      cursor += dropped;
      NumberRun run = patch.Run(at, at + added);
      into->insert(into->end(), run.begin(), run.end());
      at += added;
    }
    keep(size - cursor);
    return true;
  };
  if (!fill(tree_edits, key.begin, key.mid, &out->trees) ||
      !fill(blob_edits, key.mid, key.end, &out->blobs) || at != r.end) {
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

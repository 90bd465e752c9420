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

uint32_t TreeStore::TreeOf(uint32_t i) const {
  // Object numbers are places in id-sorted indexes, so the trees' numbers
  // spread evenly over each pack's range: a few guesses from i's share of
  // the range narrow a million records to a handful (a plain bisection
  // missed the cache some 15 times per call), then bisection.
  size_t lo = 0, hi = records_.size();
  for (int probes = 0; probes < 3 && hi - lo > 16; ++probes) {
    const uint32_t first = records_[lo].number, last = records_[hi - 1].number;
    if (i < first || i > last) return kNoTree;
    if (first == last) break;
    size_t mid = lo + static_cast<size_t>(uint64_t{i - first} * (hi - 1 - lo) /
                                          (last - first));
    const uint32_t at = records_[mid].number;
    if (at == i) return static_cast<uint32_t>(mid);
    if (at < i) lo = mid + 1;
    if (at > i) hi = mid;
  }
  auto it = std::lower_bound(
      records_.begin() + lo, records_.begin() + hi, i,
      [](const Record& r, uint32_t number) { return r.number < number; });
  return it != records_.begin() + hi && it->number == i
             ? static_cast<uint32_t>(it - records_.begin())
             : kNoTree;
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

#include "git/pack_reader.h"

#include <sys/resource.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>
#include <limits>
#include <new>
#include <utility>

#include "git/mapped_guard.h"
#include "git/pack_reader_internal.h"

namespace keyward::git {
namespace {

// Pack bytes read between two drops of the mapped pages: like libgit2's
// mapped-window limit (repo.cc), it keeps RSS independent of pack size.
constexpr uint64_t kMappedBudget = uint64_t{16} << 20;
// Sorts `keys` by their bits from `low` up (PlanAll's entries: offset above
// index position, by offset): an LSD radix sort, 11 bits a pass, skipping
// the digits no two keys differ in (three passes for a pack under 8 GiB).
// A comparison sort of a big pack's entries costs more than reading their
// headers.
void RadixSort(std::vector<uint64_t>* keys, int low) {
  if (keys->size() < 2) return;
  constexpr int kBits = 11;
  constexpr uint64_t kMask = (uint64_t{1} << kBits) - 1;
  uint64_t varying = 0;
  for (uint64_t k : *keys) varying |= k ^ keys->front();
  std::vector<uint64_t> other(keys->size());
  size_t count[kMask + 1];
  for (int shift = low; shift < 64; shift += kBits) {
    if (((varying >> shift) & kMask) == 0) continue;
    std::fill(std::begin(count), std::end(count), 0);
    for (uint64_t k : *keys) ++count[(k >> shift) & kMask];
    size_t sum = 0;
    for (size_t& c : count) sum += std::exchange(c, sum);
    for (uint64_t k : *keys) other[count[(k >> shift) & kMask]++] = k;
    keys->swap(other);
  }
}

}  // namespace

PackReader::PackReader() = default;

void PackReader::Touched(uint64_t bytes) const {
  if (fits_budget_) return;
  uint64_t before = touched_.fetch_add(bytes, std::memory_order_relaxed);
  if (before < kMappedBudget && before + bytes >= kMappedBudget) {
    // The indexes too: the CRC-32s the decoders check (4 bytes an object)
    // are read in no order. Loading the trees finds ids with IdKeys, not
    // through the indexes, so little of them is mapped again.
    DropPages();
    touched_.store(0, std::memory_order_relaxed);
  }
}
void PackReader::DropPages() const {
  for (const auto& p : packs_) {
    p->pack_file.DropPages();
    p->idx_file.DropPages();
  }
}

PackReader::~PackReader() = default;

namespace {

// How many packs stay open for pread (PackDecoder::ReadEntry): an eighth of
// the process's descriptor limit, at most 256. A repository of more packs
// than that (never repacked) reads the others through their mappings, as
// all were before, instead of running out of descriptors.
size_t MaxOpenPacks() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  return static_cast<size_t>(std::min<rlim_t>(lim.rlim_cur / 8, 256));
}

}  // namespace

std::unique_ptr<PackReader> PackReader::Open(const std::string& objects_dir) {
  std::unique_ptr<PackReader> reader(new PackReader());
  const size_t max_open = MaxOpenPacks();
  size_t open = 0;
  std::error_code ec;
  std::vector<std::filesystem::path> idx_paths;
  for (std::filesystem::directory_iterator it(objects_dir + "/pack", ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".idx") idx_paths.push_back(it->path());
  }
  std::sort(idx_paths.begin(), idx_paths.end());
  for (const auto& idx_path : idx_paths) {
    auto pack = std::make_unique<Pack>();
    std::filesystem::path pack_path = idx_path;
    pack_path.replace_extension(".pack");
    auto idx_file = MappedFile::Open(idx_path.string());
    auto pack_file =
        MappedFile::Open(pack_path.string(), /*keep_open=*/open < max_open);
    if (!idx_file.ok() || !pack_file.ok()) continue;
    pack->path = pack_path.string();
    pack->idx_file = std::move(*idx_file);
    pack->pack_file = std::move(*pack_file);
    std::string_view idx = pack->idx_file.bytes();
    // Parse reads the header and fanout (the first page): fault it in under
    // ReadMapped, so an index that shrank since it was mapped is left out.
    volatile char first = 0;
    const size_t head = std::min<size_t>(idx.size(), 8 + 1024);
    if (!ReadMapped([&] { first = idx[head - 1]; })) continue;
    auto index = PackIndex::Parse(idx);
    if (!index.ok()) continue;
    pack->index = *index;
    pack->bytes = pack->pack_file.bytes();
    // The index ends with the checksum of the pack it describes.
    bool usable = false;
    bool read = ReadMapped([&] {
      usable = CheckPackHeader(pack->bytes, pack->index.count()).ok() &&
               idx.substr(idx.size() - 2 * kSha1Size, kSha1Size) ==
                   pack->bytes.substr(pack->bytes.size() - kSha1Size);
    });
    if (!read || !usable) continue;
    // What a plan's node can name (pack_reader_internal.h).
    if (pack->bytes.size() > Node::kMaxPackBytes) continue;
    if (pack->pack_file.fd() >= 0) ++open;
    reader->packs_.push_back(std::move(pack));
  }
  // The biggest pack first (a clone's, beside the small ones fetches add):
  // PlanAll then checks the others' ids against it with one index lookup.
  std::stable_sort(reader->packs_.begin(), reader->packs_.end(),
                   [](const auto& a, const auto& b) {
                     return a->index.count() > b->index.count();
                   });
  if (reader->packs_.size() > Node::kMaxPacks) {
    reader->packs_.resize(Node::kMaxPacks);  // the smallest are left out
  }
  reader->left_out_ = idx_paths.size() - reader->packs_.size();
  uint64_t mapped = 0;
  for (const auto& p : reader->packs_) {
    mapped += p->pack_file.bytes().size();
  }
  reader->fits_budget_ = mapped <= kMappedBudget;
  for (const auto& p : reader->packs_) {
    reader->pack_first_.push_back(reader->pack_first_.back() +
                                  p->index.count());
  }
  return reader;
}

uint32_t PackReader::NodeAt(uint32_t pack, uint64_t offset,
                            std::vector<PendingBase>* pending, uint64_t touched,
                            int64_t index_pos) {
  Pack& p = *packs_[pack];
  uint32_t known = SortedNodeAt(p, offset);
  if (known == kNone) {
    bool inserted = false;
    known =
        p.nodes.Insert(offset, static_cast<uint32_t>(nodes_.size()), &inserted);
    if (inserted) return NewNode(pack, offset, pending, touched, index_pos);
  }
  Node& node = nodes_[known];
  if (index_pos >= 0 && !node.has_crc) {
    node.has_crc = true;
    node.pos = static_cast<uint32_t>(index_pos);
  }
  return known;
}

uint32_t PackReader::NewNode(uint32_t pack, uint64_t offset,
                             std::vector<PendingBase>* pending,
                             uint64_t touched, int64_t index_pos) {
  static_assert(sizeof(Node) == 24, "the plan's cost per object");
  const Pack& p = *packs_[pack];
  uint32_t n = static_cast<uint32_t>(nodes_.size());
  Node node;
  node.offset = offset;
  node.pack = pack;
  bool parsed = false;
  EntryHeader header{};
  if (!ReadMapped(
          [&] { parsed = ParseEntryHeader(p.bytes, offset, &header).ok(); })) {
    p.shrank.store(true, std::memory_order_relaxed);
  }
  node.ok = parsed && header.size <= Node::kMaxSize;
  if (node.ok) node.type = header.type;
  if (index_pos >= 0) {
    node.has_crc = true;
    node.pos = static_cast<uint32_t>(index_pos);
  }
  Touched(touched);
  nodes_.push_back(node);
  if (node.ok && IsDelta(node.type)) {
    pending->push_back({n, header.type, header.base_offset, header.base_id});
  }
  return n;
}

void PackReader::Plan(const std::vector<git_oid>& wanted,
                      std::vector<size_t>* fallback) {
  wanted_ = wanted;
  std::vector<PendingBase> pending;
  for (size_t i = 0; i < wanted.size(); ++i) {
    uint32_t n = kNone;
    for (uint32_t p = 0; p < packs_.size() && n == kNone; ++p) {
      int64_t pos = packs_[p]->index.Find(wanted[i].id);
      if (pos < 0) continue;
      int64_t offset = packs_[p]->index.offset(static_cast<uint32_t>(pos));
      if (offset < 0) break;
      n = NodeAt(p, static_cast<uint64_t>(offset), &pending, kFaultAround, pos);
    }
    if (n == kNone || nodes_[n].is_wanted) {
      fallback->push_back(i);
      continue;
    }
    nodes_[n].is_wanted = true;
    plan_wanted_.resize(nodes_.size(), kNotWanted);
    plan_wanted_[n] = static_cast<uint32_t>(i);
    ResolveBases(&pending);
  }
  for (auto& pack : packs_) pack->nodes = OffsetMap();  // planning only
  Link();
  // Wanted blobs not under a blob root (bad headers, bases out of the pack,
  // non-blob bases, loops) are left to the caller.
  std::vector<bool> reached(nodes_.size(), false);
  const std::vector<uint32_t>& blob_roots = RootsOf(PackType::kBlob);
  std::vector<uint32_t> stack(blob_roots.begin(), blob_roots.end());
  while (!stack.empty()) {
    uint32_t n = stack.back();
    stack.pop_back();
    reached[n] = true;
    for (uint32_t c = nodes_[n].first_child; c != kNone;
         c = nodes_[c].next_sibling) {
      stack.push_back(c);
    }
  }
  for (uint32_t n = 0; n < nodes_.size(); ++n) {
    if (nodes_[n].is_wanted && !reached[n]) {
      fallback->push_back(WantedOf(n));
    }
  }
  std::sort(fallback->begin(), fallback->end());
}

void PackReader::ResolveBases(std::vector<PendingBase>* pending) {
  // Iteratively: a chain may be long, and a corrupt pack may even loop.
  while (!pending->empty()) {
    const PendingBase h = pending->back();
    pending->pop_back();
    const uint32_t m = h.node;
    uint32_t pack = nodes_[m].pack;
    int64_t base_offset = -1, base_pos = -1;  // pos: in the index
    if (h.type == PackType::kOfsDelta) {
      base_offset = static_cast<int64_t>(h.base_offset);
    } else {
      const PackIndex& index = packs_[pack]->index;
      base_pos = index.Find(h.base_id);
      if (base_pos >= 0) {
        base_offset = index.offset(static_cast<uint32_t>(base_pos));
      }
    }
    if (base_offset < 0) {
      nodes_[m].ok = false;  // base outside this pack: libgit2's job
      continue;
    }
    uint32_t base = NodeAt(pack, static_cast<uint64_t>(base_offset), pending,
                           kFaultAround, base_pos);
    nodes_[m].base = base;
  }
}

uint32_t PackReader::SortedNodeAt(const Pack& p, uint64_t offset) const {
  auto begin = nodes_.begin() + p.sorted_first;
  auto end = nodes_.begin() + p.sorted_last;
  auto it = std::lower_bound(
      begin, end, offset,
      [](const Node& node, uint64_t o) { return node.offset < o; });
  if (it == end || it->offset != offset) return kNone;
  return static_cast<uint32_t>(it - nodes_.begin());
}

void PackReader::PlanAll() {
  planned_all_ = true;
  // One node per distinct entry offset, made in pack order (so that headers
  // are read front to back, and the pages they fault in are counted once):
  // a pack's nodes are then sorted by offset, and a delta's base is found by
  // binary search among them, with no table of offsets. An OFS_DELTA's base
  // precedes it; the few bases not found so (a REF_DELTA's later base, an
  // offset that is no index entry) are resolved after the pack's entries.
  nodes_.reserve(nodes_.size() + object_count());  // growing copies them all
  std::vector<PendingBase> pending, later;
  for (uint32_t p = 0; p < packs_.size(); ++p) {
    Pack& pack = *packs_[p];
    const PackIndex& index = pack.index;
    // Each entry as one number, its offset above its position: 8 bytes an
    // object, and as many again while they are sorted (pairs took 32).
    // Open leaves out packs of 1 TiB or more (offsets under 2^40), so every
    // offset fits beside the position of a pack of under 2^24 objects; in a
    // bigger one, an entry whose offset does not fit (which only a pack
    // near 1 TiB has) is not planned: libgit2 reads it.
    const int pos_bits = std::bit_width(index.count());
    const uint64_t pos_mask = (uint64_t{1} << pos_bits) - 1;
    std::vector<uint64_t> entries;
    entries.reserve(index.count());
    for (uint32_t pos = 0; pos < index.count(); ++pos) {
      int64_t offset = index.offset(pos);
      if (offset >= 0 &&
          (static_cast<uint64_t>(offset) >> (64 - pos_bits)) == 0) {
        entries.push_back(static_cast<uint64_t>(offset) << pos_bits | pos);
      }
    }
    RadixSort(&entries, pos_bits);
    pack.sorted_first = pack.sorted_last = static_cast<uint32_t>(nodes_.size());
    uint64_t previous = 0;
    for (uint64_t entry : entries) {
      const uint64_t offset = entry >> pos_bits;
      const uint32_t pos = static_cast<uint32_t>(entry & pos_mask);
      // Two ids, one offset (a damaged index): the first one is planned.
      if (nodes_.size() > pack.sorted_first && nodes_.back().offset == offset) {
        continue;
      }
      uint64_t touched = std::min(offset - previous, kFaultAround);
      previous = offset;
      uint32_t n = NewNode(p, offset, &pending, touched, pos);
      pack.sorted_last = static_cast<uint32_t>(nodes_.size());
      // With several packs, the first pack holding an id decodes it (packs
      // are biggest first, so most ids are found in the first index).
      bool earlier = false;
      for (uint32_t q = 0; q < p && !earlier; ++q) {
        earlier = packs_[q]->index.Find(index.id(pos)) >= 0;
      }
      nodes_[n].is_wanted = !earlier;  // its number: pack_first_[p] + pos
      for (const PendingBase& h : pending) {
        uint64_t base_offset = h.base_offset;
        if (h.type == PackType::kRefDelta) {
          int64_t base_pos = index.Find(h.base_id);
          int64_t o =
              base_pos < 0 ? -1 : index.offset(static_cast<uint32_t>(base_pos));
          base_offset = o < 0 ? UINT64_MAX : static_cast<uint64_t>(o);
        }
        uint32_t base =
            base_offset < offset ? SortedNodeAt(pack, base_offset) : kNone;
        if (base == kNone) {
          later.push_back(h);
        } else {
          nodes_[h.node].base = base;
        }
      }
      pending.clear();
    }
    FreeStorage(entries);
    pack.entries_first = pack.sorted_first;
    pack.entries_last = pack.sorted_last;
    ResolveBases(&later);
    pack.nodes = OffsetMap();
    pack.sorted_first = pack.sorted_last = 0;
  }
  // Nodes no wanted object needs (ids an earlier pack holds, and their
  // bases) are not decoded: they are left out of the forest.
  std::vector<bool> needed(nodes_.size(), false);
  for (uint32_t n = 0; n < nodes_.size(); ++n) {
    if (!nodes_[n].is_wanted) continue;
    for (uint32_t m = n; m != kNone && !needed[m];) {
      needed[m] = true;
      const Node& node = nodes_[m];
      m = node.ok && IsDelta(node.type) ? node.base : kNone;
    }
  }
  for (uint32_t n = 0; n < nodes_.size(); ++n) {
    if (!needed[n]) nodes_[n].ok = false;
  }
  Link();
  if (!fits_budget_) DropPages();  // the offsets read: not needed again
}

void PackReader::Link() {
  auto in_pack_order = [this](uint32_t a, uint32_t b) {
    if (nodes_[a].pack != nodes_[b].pack) {
      return nodes_[a].pack < nodes_[b].pack;
    }
    return nodes_[a].offset < nodes_[b].offset;
  };
  // PlanAll creates nodes in pack order already (a base precedes its deltas):
  // then node n is n-th in that order, and no table of the order is made
  // (4 bytes an object).
  bool sorted = true;
  for (uint32_t n = 1; n < nodes_.size() && sorted; ++n) {
    sorted = !in_pack_order(n, n - 1);
  }
  std::vector<uint32_t> order;
  if (!sorted) {
    order.resize(nodes_.size());
    for (uint32_t n = 0; n < nodes_.size(); ++n) order[n] = n;
    std::sort(order.begin(), order.end(), in_pack_order);
  }
  auto at = [&](size_t i) {
    return sorted ? static_cast<uint32_t>(i) : order[i];
  };
  auto linkable = [](const Node& n) {
    return n.ok && IsDelta(n.type) && n.base != kNone;
  };
  std::vector<bool> has_children(nodes_.size(), false);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& node = nodes_[at(i)];
    if (linkable(node)) has_children[node.base] = true;
  }
  // Children lists: leaves first, then children with subtrees, each in pack
  // order. The decoder drops a leaf's content right after scanning it and
  // drops the parent before descending into its last child, so only chains
  // with pending siblings stay in memory.
  for (bool leaves : {false, true}) {
    for (size_t i = nodes_.size(); i-- > 0;) {
      const uint32_t n = at(i);
      Node& node = nodes_[n];
      if (!linkable(node) || !has_children[n] != leaves) continue;
      node.next_sibling = nodes_[node.base].first_child;
      nodes_[node.base].first_child = n;
    }
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const uint32_t n = at(i);
    const Node& node = nodes_[n];
    if (node.ok && !IsDelta(node.type)) {
      roots_[static_cast<size_t>(node.type) & 7].push_back(n);
    }
  }
  OrderByWork(&roots_[static_cast<size_t>(PackType::kBlob)]);
}

uint64_t PackReader::EntrySize(uint32_t n) const {
  const Node& node = nodes_[n];
  const Pack& p = *packs_[node.pack];
  uint64_t size = 0;
  size_t header = 0;
  Touched(kFaultAround);
  ReadMapped([&] {
    std::string_view entry = p.bytes.substr(node.offset);
    if (!ParseEntrySize(entry.substr(0, kMaxEntryHeader), node.type, &size,
                        &header)) {
      size = 0;
    }
  });
  return size;
}

void PackReader::OrderByWork(std::vector<uint32_t>* roots) const {
  // Workers take trees in this order: the biggest first, so that the last
  // trees to start are small and no core waits long for the others (an
  // aggressive repack puts every version of a file in one tree, and pack
  // order may leave the biggest for last). A tree's work is estimated as its
  // root's size (packed, after PlanAll) times its object count: versions of
  // one file are about the same size, and the other sizes are not known
  // before inflating.
  //
  // Sorted as one number a tree, 8 bytes (pairs and a stable sort's buffer
  // took 32: 320 MB for ten million blobs): the work, rounded to 32 bits
  // that keep its order, above the tree's place, which keeps equal work in
  // place; largest first.
  std::vector<uint64_t> work;
  work.reserve(roots->size());
  std::vector<uint32_t> stack;
  for (uint32_t root : *roots) {
    uint64_t count = 0;
    stack.assign(1, root);
    while (!stack.empty()) {
      uint32_t n = stack.back();
      stack.pop_back();
      ++count;
      for (uint32_t c = nodes_[n].first_child; c != kNone;
           c = nodes_[c].next_sibling) {
        stack.push_back(c);
      }
    }
    // After PlanAll the root's packed bytes (the plan keeps no inflated
    // size; reading each root's header again would map the whole pack);
    // else its header's size.
    const uint64_t end = EntryEnd(root);
    const uint64_t size =
        end > nodes_[root].offset ? end - nodes_[root].offset : EntrySize(root);
    const uint64_t w = std::max<uint64_t>(size, 1) * count;
    // 7 bits of magnitude (1..64), then the 25 bits after the leading one.
    const int width = std::bit_width(w);
    const uint64_t mantissa =
        width > 26 ? (w >> (width - 26)) : (w << (26 - width));
    const uint64_t rounded =
        uint64_t(width) << 25 | (mantissa & ((uint64_t{1} << 25) - 1));
    work.push_back((~rounded & 0xffffffffu) << 32 | work.size());
  }
  std::sort(work.begin(), work.end());
  std::vector<uint32_t> order(work.size());
  for (size_t i = 0; i < work.size(); ++i) {
    order[i] = (*roots)[work[i] & 0xffffffffu];
  }
  FreeStorage(work);
  roots->swap(order);
}

void PackReader::ForEachObjectType(
    const std::function<void(uint32_t, PackType)>& f) const {
  // Down each delta tree from its root (Link's children lists): a node is
  // in a tree exactly when its chain of bases resolves to that root. A chain
  // that loops (a corrupt pack) reaches no root, so it is never visited.
  std::vector<uint32_t> stack;
  for (size_t type = 0; type < 8; ++type) {
    for (uint32_t root : roots_[type]) {
      stack.push_back(root);
      while (!stack.empty()) {
        uint32_t n = stack.back();
        stack.pop_back();
        if (nodes_[n].is_wanted) f(WantedOf(n), nodes_[root].type);
        for (uint32_t c = nodes_[n].first_child; c != kNone;
             c = nodes_[c].next_sibling) {
          stack.push_back(c);
        }
      }
    }
  }
}

void PackReader::ReleasePlan() {
  DropPages();  // the CRCs the decoders read
  FreeStorage(nodes_);
  FreeStorage(plan_wanted_);
  for (auto& roots : roots_) FreeStorage(roots);
}

uint32_t PackReader::FindObject(const unsigned char* id) const {
  for (uint32_t p = 0; p < packs_.size(); ++p) {
    int64_t pos = packs_[p]->index.Find(id);
    if (pos >= 0) return pack_first_[p] + static_cast<uint32_t>(pos);
  }
  return kNoObject;
}

const git_oid& PackReader::object_id(uint32_t number) const {
  // Few packs: a linear search beats a binary one.
  uint32_t p = 0;
  while (number >= pack_first_[p + 1]) ++p;
  // git_oid is the 20 raw bytes (SHA-1 repositories; the index checks it).
  static_assert(sizeof(git_oid) == kSha1Size && alignof(git_oid) == 1);
  return *reinterpret_cast<const git_oid*>(
      packs_[p]->index.id(number - pack_first_[p]));
}

void PackReader::ForEachId(
    const std::function<void(uint32_t, const git_oid&)>& f) const {
  // 16 MiB of ids between drops (the kernel maps 64 KiB around each fault).
  constexpr uint32_t kIdsPerDrop = (uint32_t{16} << 20) / kSha1Size;
  for (uint32_t p = 0; p < packs_.size(); ++p) {
    const Pack& pack = *packs_[p];
    for (uint32_t pos = 0; pos < pack.index.count(); ++pos) {
      f(pack_first_[p] + pos,
        *reinterpret_cast<const git_oid*>(pack.index.id(pos)));
      if ((pos + 1) % kIdsPerDrop == 0) pack.idx_file.DropPages();
    }
    pack.idx_file.DropPages();
  }
}

}  // namespace keyward::git

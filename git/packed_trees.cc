#include "git/packed_trees.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#include "git/id_keys.h"
#include "git/pack_reader.h"

namespace keyward::git {
namespace {

constexpr uint16_t kTypeBits = 0170000;
constexpr uint16_t kTreeMode = 0040000;
constexpr uint16_t kGitlinkMode = 0160000;

// What one decoding thread parsed, with ids local to it (no locking while
// decoding); Load merges the shards once every thread is done.
struct Shard {
  Shard(const PackReader* reader, const IdKeys* keys,
        const std::function<bool(std::string_view)>* named)
      : reader(reader),
        keys(keys),
        objects(static_cast<uint32_t>(reader->object_count())),
        named(named) {}
  const PackReader* reader;
  const IdKeys* keys;  // Load's, or null
  uint32_t objects;
  const std::function<bool(std::string_view)>* named;  // Load's, or null
  std::vector<NamedBlob> named_blobs;                  // may repeat
  // Ids in no pack, numbered here from `objects` on (renumbered when the
  // shards are merged).
  OidMap extra_index;  // id -> index into extras
  std::vector<git_oid> extras;
  // The trees read, their slices numbered in `slices` (made global when
  // the shards are merged). In chunks, so that the merge copies them into
  // the one sorted list a chunk at a time, freeing each: one list grown
  // whole would be held twice while the last shard's is copied (23 MB of a
  // 200,000-commit history's 493 MB peak). A chunk is over glibc's mmap
  // threshold (history.cc), so freeing it returns its pages.
  static constexpr size_t kChunkRecords = size_t{1} << 16;
  std::vector<std::vector<PackedTrees::Record>> trees;
  // Entries of the trees, in slices that never grow past their first
  // capacity (a growing vector would copy megabytes into fresh pages): a
  // tree whose numbers all fit 3 bytes goes to the current narrow slice,
  // any other to the current wide one.
  std::vector<NumberSlice> slices;
  size_t narrow_slice = SIZE_MAX, wide_slice = SIZE_MAX;
  static constexpr size_t kSliceEntries = size_t{1} << 18;
  std::vector<size_t> failed;      // not decodable: left to libgit2
  std::vector<size_t> mismatched;  // entries not matching the index's CRC
  std::vector<size_t> lost;        // their pack shrank while it was read
  std::vector<std::pair<size_t, std::string>> malformed;
  // The split entries of delivered trees that may still be a base (the
  // decoder's current delta chain), each with the keyframe its entries'
  // `src` point into, and spare vectors for them.
  struct Live {
    size_t wanted;
    uint32_t key;
    uint32_t key_size[2];  // the keyframe's subtrees and blobs
    std::vector<EntryAt> entries;
  };
  std::vector<Live> live;
  std::vector<std::vector<EntryAt>> spare;
  std::vector<uint32_t> words;  // Add's: one tree's numbers

  // Trees arrive along delta chains, so most entries name the ids the tree
  // before named: a direct-mapped cache of recent ids answers ~all of them
  // without a hash-map lookup (2.7M entries, 71k ids on the bench history).
  struct Recent {
    unsigned char id[kSha1Size];
    uint32_t index = kNoIndex;
  };
  static constexpr uint32_t kNoIndex = ~uint32_t{0};
  std::vector<Recent> recent = std::vector<Recent>(size_t{1} << 12);

  uint32_t Intern(const unsigned char* raw) {
    uint64_t bits;
    std::memcpy(&bits, raw, sizeof(bits));  // ids are uniformly distributed
    Recent& slot = recent[bits & (recent.size() - 1)];
    if (slot.index != kNoIndex && std::memcmp(slot.id, raw, kSha1Size) == 0) {
      return slot.index;
    }
    uint32_t i = keys ? keys->Find(raw) : reader->FindObject(raw);
    if (i == PackReader::kNoObject) {
      git_oid oid;
      git_oid_fromraw(&oid, raw);
      bool fresh = false;
      i = objects +
          extra_index.Insert(oid, static_cast<uint32_t>(extras.size()), &fresh);
      if (fresh) extras.push_back(oid);
    }
    std::memcpy(slot.id, raw, kSha1Size);
    slot.index = i;
    return i;
  }

  void Add(size_t wanted, std::string_view content,
           const PackDecoder::Derivation& from) {
    const Live* base = nullptr;
    for (auto l = live.rbegin(); l != live.rend() && base == nullptr; ++l) {
      if (l->wanted == from.base) base = &*l;
    }
    std::vector<EntryAt> split;
    if (!spare.empty()) {
      split = std::move(spare.back());
      spare.pop_back();
    }
    Status s = SplitTree(
        content, from.delta, base ? &base->entries : nullptr,
        [this](const TreeEntry& e) {
          if (named && e.kind == TreeEntry::kBlob && (*named)(e.name)) {
            NamedBlob& b = named_blobs.emplace_back();
            git_oid_fromraw(&b.id, e.id);
            b.name = e.name;
          }
          return Intern(e.id);
        },
        &split);
    if (!s.ok()) {
      malformed.emplace_back(wanted, s.message());
      spare.push_back(std::move(split));
      return;
    }
    const size_t count = split.size() - 1;  // the last is the end mark
    uint32_t tree_count = 0, blob_count = 0;
    for (size_t i = 0; i < count; ++i) {
      if (split[i].kind == TreeEntry::kTree) ++tree_count;
      if (split[i].kind == TreeEntry::kBlob) ++blob_count;
    }
    PackedTrees::Record t;
    t.number = static_cast<uint32_t>(wanted);  // after PlanAll, its number
    uint32_t key = t.number;
    uint32_t key_size[2] = {tree_count, blob_count};
    const bool patched =
        base != nullptr && Patch(split, tree_count + blob_count, *base);
    if (patched) {
      key = base->key;
      key_size[0] = base->key_size[0];
      key_size[1] = base->key_size[1];
    } else {
      // A keyframe: its subtrees' numbers, then its blobs'; each entry's
      // `src` is its place among them, for the trees made from it.
      words.clear();
      uint32_t place[2] = {0, 0};
      for (TreeEntry::Kind kind : {TreeEntry::kTree, TreeEntry::kBlob}) {
        for (size_t i = 0; i < count; ++i) {
          if (split[i].kind != kind) continue;
          split[i].src = place[kind == TreeEntry::kBlob]++;
          words.push_back(split[i].id);
        }
      }
    }
    uint32_t largest = 0;
    for (uint32_t w : words) largest = std::max(largest, w);
    const uint32_t width = largest <= narrow_max ? 3 : 4;
    size_t& current = width == 3 ? narrow_slice : wide_slice;
    if (current == SIZE_MAX ||
        slices[current].size() + words.size() > slices[current].capacity()) {
      current = slices.size();
      slices.emplace_back(width).reserve(std::max(kSliceEntries, words.size()));
    }
    NumberSlice& entries = slices[current];
    const auto at = static_cast<uint32_t>(entries.Grow(words.size()));
    for (size_t i = 0; i < words.size(); ++i) entries.Set(at + i, words[i]);
    t.slice =
        static_cast<uint32_t>(current) | (patched ? TreeStore::kPatched : 0);
    t.begin = at;
    t.mid = patched ? at : at + tree_count;
    t.end = at + static_cast<uint32_t>(words.size());
    if (trees.empty() || trees.back().size() == kChunkRecords) {
      trees.emplace_back().reserve(kChunkRecords);
    }
    trees.back().push_back(t);
    live.push_back({wanted, key, {key_size[0], key_size[1]}, std::move(split)});
  }

  // Makes `words` the patch (tree_store.h) of a tree whose split entries
  // (but the end mark), `entries` of them not gitlinks, point into the
  // keyframe of `base` by their `src` where a delta took them from it.
  // False, with `words` unspecified, when the patch would not be less than
  // half the entries (the tree is then a keyframe), or when the entries
  // taken from the keyframe are not in its order (git's sorted trees never
  // do that).
  bool Patch(const std::vector<EntryAt>& split, uint32_t entries,
             const Live& base) {
    const size_t limit = entries / 2;
    words.clear();
    words.push_back(base.key);
    words.push_back(0);  // the subtrees' edits
    words.push_back(0);  // the blobs'
    for (TreeEntry::Kind kind : {TreeEntry::kTree, TreeEntry::kBlob}) {
      const int g = kind == TreeEntry::kBlob;
      uint32_t edits = 0, cursor = 0, kept = 0;
      size_t head = SIZE_MAX;  // the open edit's first word
      auto open = [&] {
        if (head != SIZE_MAX) return;
        head = words.size();
        words.insert(words.end(), {kept, 0, 0});
        kept = 0;
        ++edits;
      };
      for (size_t i = 0; i + 1 < split.size(); ++i) {
        if (split[i].kind != kind) continue;
        const uint32_t src = split[i].src;
        if (src == EntryAt::kNoSource) {
          open();
          words.push_back(split[i].id);
          ++words[head + 2];
        } else {
          if (src < cursor || src >= base.key_size[g]) return false;
          if (src > cursor) {
            open();
            words[head + 1] += src - cursor;
          }
          head = SIZE_MAX;
          ++kept;
          cursor = src + 1;
        }
        if (words.size() >= limit) return false;
      }
      if (cursor < base.key_size[g]) {
        open();
        words[head + 1] += base.key_size[g] - cursor;
      }
      words[1 + g] = edits;
    }
    return words.size() < limit;
  }

  // Tree `wanted` is no delta's base any more.
  void Release(size_t wanted) {
    for (auto l = live.rbegin(); l != live.rend(); ++l) {
      if (l->wanted != wanted) continue;
      spare.push_back(std::move(l->entries));
      live.erase(std::next(l).base());
      return;
    }
  }
};

}  // namespace

Status ParseTreeEntry(std::string_view rest, TreeEntry* out) {
  // The checks follow libgit2's tree parser (its mode is git__strntol32 in
  // base 8: an optional sign, at least one digit, 0..0xffff; then exactly
  // one space, and the name may start with another), so that a tree parses
  // here exactly when git_tree_lookup accepts it, with the same entry types.
  const char* begin = rest.data();
  const char* p = begin;
  const char* end = p + rest.size();
  if (p == end || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\v' ||
      *p == '\f' || *p == '\r') {
    return Status::Corruption("bad tree entry mode");
  }
  bool negative = *p == '-';
  if (*p == '-' || *p == '+') ++p;
  uint32_t mode = 0;
  const char* digits = p;
  for (; p < end && *p >= '0' && *p <= '7'; ++p) {
    mode = std::min<uint32_t>((mode << 3) + (*p - '0'), 0x10000);
  }
  if (p == digits || mode > 0xffff || (negative && mode != 0)) {
    return Status::Corruption("bad tree entry mode");
  }
  if (p == end || *p++ != ' ') {
    return Status::Corruption("tree entry mode without a space");
  }
  const void* nul = std::memchr(p, 0, static_cast<size_t>(end - p));
  if (nul == nullptr) return Status::Corruption("tree entry truncated");
  size_t name_len = static_cast<size_t>(static_cast<const char*>(nul) - p);
  if (name_len == 0 || name_len > std::numeric_limits<uint16_t>::max()) {
    return Status::Corruption("bad tree entry name");
  }
  out->name = std::string_view(p, name_len);
  p += name_len + 1;
  if (static_cast<size_t>(end - p) < kSha1Size) {
    return Status::Corruption("tree entry id truncated");
  }
  uint32_t type = mode & kTypeBits;
  out->kind = type == kGitlinkMode ? TreeEntry::kGitlink
              : type == kTreeMode  ? TreeEntry::kTree
                                   : TreeEntry::kBlob;
  out->id = reinterpret_cast<const unsigned char*>(p);
  out->size = static_cast<size_t>(p + kSha1Size - begin);
  return Status::OK();
}

Status SplitTree(std::string_view content, std::string_view delta,
                 const std::vector<EntryAt>* base,
                 const std::function<uint32_t(const TreeEntry&)>& number,
                 std::vector<EntryAt>* out) {
  out->clear();
  uint64_t pos = 0;
  auto parse = [&]() {
    TreeEntry e;
    Status s = ParseTreeEntry(content.substr(pos), &e);
    if (!s.ok()) return s;
    out->push_back({pos, e.kind == TreeEntry::kGitlink ? 0 : number(e),
                    EntryAt::kNoSource, e.kind});
    pos += e.size;
    return Status::OK();
  };
  uint64_t source = 0, target = 0;
  size_t at = 0;
  if (base != nullptr && !base->empty() &&
      ReadDeltaSizes(delta, &source, &target, &at).ok() &&
      target == content.size() && source == base->back().offset) {
    const std::vector<EntryAt>& b = *base;
    auto by_offset = [](const EntryAt& e, uint64_t o) { return e.offset < o; };
    uint64_t written = 0;  // where in `content` the instruction starts
    size_t next = 0;       // the base entry a run of copied entries reaches
    DeltaOp op;
    while (at < delta.size() && pos < content.size()) {
      if (!ReadDeltaOp(delta, &at, &op).ok()) break;  // parse the rest
      uint64_t op_end = written + op.size;
      while (pos < op_end) {
        if (op.copy) {
          uint64_t from = op.offset + (pos - written);
          if (next >= b.size() || b[next].offset != from) {
            next = static_cast<size_t>(
                std::lower_bound(b.begin(), b.end(), from, by_offset) -
                b.begin());
          }
          if (next + 1 < b.size() && b[next].offset == from &&
              b[next + 1].offset <= op.offset + op.size) {
            out->push_back({pos, b[next].id, b[next].src, b[next].kind});
            pos += b[next + 1].offset - from;
            ++next;
            continue;
          }
        }
        Status s = parse();  // may run on past this instruction
        if (!s.ok()) return s;
      }
      written = op_end;
    }
  }
  while (pos < content.size()) {
    Status s = parse();
    if (!s.ok()) return s;
  }
  out->push_back({content.size(), 0, EntryAt::kNoSource, TreeEntry::kBlob});
  return Status::OK();
}

std::unique_ptr<PackedTrees> PackedTrees::Load(
    const PackReader& packs, int threads,
    const std::function<bool(std::string_view)>& named, const IdKeys* keys) {
  const PackReader* reader = &packs;
  const size_t delta_trees = reader->tree_count(PackType::kTree);
  // Trees are checked like blobs (each entry against the index's CRC-32),
  // although libgit2 does not verify what it reads (strict hashing is off):
  // the reader parses pack indexes and offsets by hand, and a damaged one
  // that still inflates to another well-formed tree would silently drop that
  // tree's files from the scan.
  size_t n =
      std::max<size_t>(1, std::min<size_t>(std::max(threads, 1), delta_trees));
  std::vector<Shard> shards;
  shards.reserve(n);
  for (size_t i = 0; i < n; ++i)
    shards.emplace_back(reader, keys, named ? &named : nullptr);
  std::atomic<size_t> next{0};
  auto work = [&](size_t slot) {
    Shard& shard = shards[slot];
    PackDecoder decoder(*reader);
    auto visit = [&shard](size_t i, std::string_view content,
                          const PackDecoder::Derivation& from) {
      shard.Add(i, content, from);
    };
    auto release = [&shard](size_t i) { shard.Release(i); };
    for (;;) {
      size_t t = next.fetch_add(1, std::memory_order_relaxed);
      if (t >= delta_trees) break;
      decoder.DecodeTree(PackType::kTree, t, visit, release, &shard.failed,
                         &shard.mismatched);
    }
    shard.lost = decoder.lost();
  };
  RunWorkers(static_cast<int>(n), work);

  std::unique_ptr<PackedTrees> out(new PackedTrees(reader));
  const uint32_t objects = out->objects_;
  size_t extras = 0;
  for (const Shard& shard : shards) extras += shard.extras.size();
  out->extra_index_.Reserve(extras);
  // Room for every record at once (each shard's trees, then any problem),
  // so the records never grow by copying; each shard's list goes as soon
  // as it is copied.
  size_t records = 0;
  for (const Shard& shard : shards) {
    for (const auto& chunk : shard.trees) records += chunk.size();
    records +=
        shard.mismatched.size() + shard.lost.size() + shard.malformed.size();
  }
  TreeStore& store = out->store_;
  store.records_.reserve(records);
  std::vector<std::pair<size_t, std::string>> problems;
  for (Shard& shard : shards) {
    // Each shard's entries stay where they are; ids in no pack are
    // renumbered in place (the first shard's numbering of them becomes the
    // global one unchanged).
    uint32_t first_slice = static_cast<uint32_t>(store.slices_.size());
    bool identity = out->extras_.empty();
    std::vector<uint32_t> to_global(identity ? 0 : shard.extras.size());
    for (size_t i = 0; i < shard.extras.size(); ++i) {
      bool fresh = false;
      uint32_t g = out->extra_index_.Insert(
          shard.extras[i], static_cast<uint32_t>(out->extras_.size()), &fresh);
      if (fresh) out->extras_.push_back(shard.extras[i]);
      if (!identity) to_global[i] = g;
    }
    shard.extra_index = OidMap();
    FreeStorage(shard.extras);
    if (!identity) {
      auto renumber = [&](NumberSlice& slice, uint32_t i) {
        uint32_t e = slice.Get(i);
        if (e < objects) return;
        e = objects + to_global[e - objects];
        if (!slice.Fits(e)) slice.Widen();
        slice.Set(i, e);
      };
      for (const std::vector<Record>& chunk : shard.trees) {
        for (const Record& t : chunk) {
          NumberSlice& slice = shard.slices[t.slice & ~TreeStore::kPatched];
          TreeStore::ForEachId(slice, t,
                               [&](uint32_t at) { renumber(slice, at); });
        }
      }
    }
    for (NumberSlice& slice : shard.slices) {
      store.slices_.push_back(std::move(slice));
    }
    for (std::vector<Record>& chunk : shard.trees) {
      for (Record t : chunk) {
        t.slice = ((t.slice & ~TreeStore::kPatched) + first_slice) |
                  (t.slice & TreeStore::kPatched);
        store.records_.push_back(t);
      }
      FreeStorage(chunk);
    }
    FreeStorage(shard.trees);
    for (size_t i : shard.mismatched) {
      problems.emplace_back(i, kEntryChecksumMismatch);
    }
    for (size_t i : shard.lost) problems.emplace_back(i, kPackShrank);
    for (auto& m : shard.malformed) problems.push_back(std::move(m));
    out->named_blobs_.insert(out->named_blobs_.end(), shard.named_blobs.begin(),
                             shard.named_blobs.end());
  }
  SortUnique(&out->named_blobs_);
  for (auto& [i, what] : problems) {
    Record r;
    r.number = static_cast<uint32_t>(i);
    r.slice = TreeRun::kUnreadable;
    r.begin = static_cast<uint32_t>(store.problems_.size());
    store.problems_.push_back(std::move(what));
    store.records_.push_back(r);
  }
  // By object number. A tree both read and reported keeps the record it was
  // read into, else its first problem.
  std::vector<Record>& r = store.records_;
  auto rank = [](const Record& x) {
    return x.slice != TreeRun::kUnreadable ? uint64_t{0}
                                           : uint64_t{x.begin} + 1;
  };
  std::sort(r.begin(), r.end(), [&rank](const Record& a, const Record& b) {
    return a.number != b.number ? a.number < b.number : rank(a) < rank(b);
  });
  r.erase(std::unique(r.begin(), r.end(),
                      [](const Record& a, const Record& b) {
                        return a.number == b.number;
                      }),
          r.end());
  store.IndexRecords();
  return out;
}

uint32_t PackedTrees::Number(const git_oid& id, const IdKeys* keys) const {
  uint32_t n = keys ? keys->Find(id.id) : reader_->FindObject(id);
  if (n != PackReader::kNoObject) return n;
  n = extra_index_.Find(id);
  return n == OidMap::kAbsent ? kNoId : objects_ + n;
}

PackedTrees::Lookup PackedTrees::Find(const git_oid& tree, Entries* out) const {
  uint32_t n = reader_->FindObject(tree);
  uint32_t record = n == PackReader::kNoObject ? kNoTree : TreeOf(n);
  return Get(record, out);  // kAbsent past the records
}

}  // namespace keyward::git

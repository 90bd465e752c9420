#include "git/packed_trees.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>

#include "git/pack_reader.h"

namespace keyward::git {
namespace {

constexpr uint16_t kTypeBits = 0170000;
constexpr uint16_t kTreeMode = 0040000;
constexpr uint16_t kGitlinkMode = 0160000;

// What one decoding thread parsed, with ids local to it (no locking while
// decoding); Load merges the shards once every thread is done.
struct Shard {
  struct Tree {
    size_t wanted;  // PackReader's index of the tree
    uint32_t begin, mid, end;
  };
  OidMap index;  // id -> index into ids
  std::vector<git_oid> ids;
  std::vector<Tree> trees;
  std::vector<uint32_t> entries;
  std::vector<size_t> failed;      // not decodable: left to libgit2
  std::vector<size_t> mismatched;  // entries not matching the index's CRC
  std::vector<std::pair<size_t, std::string>> malformed;
  // Scratch for ParseTree.
  std::vector<const unsigned char*> tree_ids, blob_ids;

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
    git_oid oid;
    git_oid_fromraw(&oid, raw);
    bool fresh = false;
    uint32_t i = index.Insert(oid, static_cast<uint32_t>(ids.size()), &fresh);
    if (fresh) ids.push_back(oid);
    std::memcpy(slot.id, raw, kSha1Size);
    slot.index = i;
    return i;
  }

  void Add(size_t wanted, std::string_view content) {
    tree_ids.clear();
    blob_ids.clear();
    Status s = ParseTree(content, &tree_ids, &blob_ids);
    if (!s.ok()) {
      malformed.emplace_back(wanted, s.message());
      return;
    }
    Tree t{wanted, static_cast<uint32_t>(entries.size()), 0, 0};
    for (const unsigned char* id : tree_ids) entries.push_back(Intern(id));
    t.mid = static_cast<uint32_t>(entries.size());
    for (const unsigned char* id : blob_ids) entries.push_back(Intern(id));
    t.end = static_cast<uint32_t>(entries.size());
    trees.push_back(t);
  }
};

}  // namespace

Status ParseTree(std::string_view content,
                 std::vector<const unsigned char*>* trees,
                 std::vector<const unsigned char*>* blobs) {
  // The checks follow libgit2's tree parser (its mode is git__strntol32 in
  // base 8: an optional sign, at least one digit, 0..0xffff; then exactly
  // one space, and the name may start with another), so that a tree parses
  // here exactly when git_tree_lookup accepts it, with the same entry types.
  const char* p = content.data();
  const char* end = p + content.size();
  while (p < end) {
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\v' || *p == '\f' ||
        *p == '\r') {
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
    p += name_len + 1;
    if (static_cast<size_t>(end - p) < kSha1Size) {
      return Status::Corruption("tree entry id truncated");
    }
    const auto* id = reinterpret_cast<const unsigned char*>(p);
    p += kSha1Size;
    uint32_t type = mode & kTypeBits;
    if (type == kGitlinkMode) continue;  // a submodule's commit
    (type == kTreeMode ? trees : blobs)->push_back(id);
  }
  return Status::OK();
}

std::unique_ptr<PackedTrees> PackedTrees::Load(const PackReader& packs,
                                               int threads) {
  const PackReader* reader = &packs;
  const size_t delta_trees = reader->tree_count(PackType::kTree);
  // Trees are checked like blobs (each entry against the index's CRC-32),
  // although libgit2 does not verify what it reads (strict hashing is off):
  // the reader parses pack indexes and offsets by hand, and a damaged one
  // that still inflates to another well-formed tree would silently drop that
  // tree's files from the scan.
  size_t n =
      std::max<size_t>(1, std::min<size_t>(std::max(threads, 1), delta_trees));
  std::vector<Shard> shards(n);
  std::atomic<size_t> next{0};
  auto work = [&](size_t slot) {
    Shard& shard = shards[slot];
    PackDecoder decoder(*reader);
    auto visit = [&shard](size_t i, std::string_view content) {
      shard.Add(i, content);
    };
    for (;;) {
      size_t t = next.fetch_add(1, std::memory_order_relaxed);
      if (t >= delta_trees) break;
      decoder.DecodeTree(PackType::kTree, t, visit, &shard.failed,
                         &shard.mismatched);
    }
  };
  RunWorkers(static_cast<int>(n), work);

  std::unique_ptr<PackedTrees> out(new PackedTrees());
  OidMap global;  // id -> index into ids_
  size_t ids = 0, trees = 0;
  for (const Shard& shard : shards) {
    ids += shard.ids.size();
    trees +=
        shard.trees.size() + shard.mismatched.size() + shard.malformed.size();
  }
  global.Reserve(ids);
  out->ids_.reserve(ids);
  out->trees_.Reserve(trees);
  std::vector<std::pair<size_t, std::string>> problems;
  for (Shard& shard : shards) {
    // Each shard's entries stay where they are, renumbered in place; the
    // first shard's numbering becomes the global one unchanged.
    uint32_t slice = static_cast<uint32_t>(out->entries_.size());
    bool identity = out->ids_.empty();
    std::vector<uint32_t> to_global(identity ? 0 : shard.ids.size());
    for (size_t i = 0; i < shard.ids.size(); ++i) {
      bool fresh = false;
      uint32_t g = global.Insert(
          shard.ids[i], static_cast<uint32_t>(out->ids_.size()), &fresh);
      if (fresh) out->ids_.push_back(shard.ids[i]);
      if (!identity) to_global[i] = g;
    }
    shard.index = OidMap();
    shard.ids = {};
    if (!identity) {
      for (uint32_t& e : shard.entries) e = to_global[e];
    }
    out->entries_.push_back(std::move(shard.entries));
    for (const Shard::Tree& t : shard.trees) {
      Record r;
      r.slice = slice;
      r.begin = t.begin;
      r.mid = t.mid;
      r.end = t.end;
      out->trees_.Insert(reader->wanted_id(t.wanted),
                         static_cast<uint32_t>(out->records_.size()));
      out->records_.push_back(r);
    }
    for (size_t i : shard.mismatched) {
      problems.emplace_back(i, kEntryChecksumMismatch);
    }
    for (auto& m : shard.malformed) problems.push_back(std::move(m));
  }
  for (auto& [i, what] : problems) {
    Record r;
    r.problem = static_cast<uint32_t>(out->problems_.size());
    out->problems_.push_back(std::move(what));
    out->trees_.Insert(reader->wanted_id(i),
                       static_cast<uint32_t>(out->records_.size()));
    out->records_.push_back(r);
  }
  return out;
}

PackedTrees::Lookup PackedTrees::Find(const git_oid& tree, Entries* out) const {
  uint32_t record = trees_.Find(tree);
  if (record == OidMap::kAbsent) return kAbsent;
  const Record& r = records_[record];
  if (r.problem != kNoProblem) {
    out->problem = problems_[r.problem];
    return kUnreadable;
  }
  const uint32_t* entries = entries_[r.slice].data();
  out->trees = entries + r.begin;
  out->tree_count = r.mid - r.begin;
  out->blobs = entries + r.mid;
  out->blob_count = r.end - r.mid;
  return kFound;
}

}  // namespace keyward::git

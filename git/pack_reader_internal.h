// What PackReader (planning, pack_reader.cc) and PackDecoder (decoding,
// pack_decoder.cc) share: the opened packs and the nodes of the delta
// forest. Internal to those two files.
#ifndef KEYWARD_GIT_PACK_READER_INTERNAL_H_
#define KEYWARD_GIT_PACK_READER_INTERNAL_H_

#include <atomic>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "git/flat_map.h"
#include "git/pack_format.h"
#include "git/pack_reader.h"

namespace keyward::git {

inline constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
inline constexpr uint32_t kNotWanted = std::numeric_limits<uint32_t>::max();
// What reading one entry may map besides its bytes: the kernel maps up to
// 16 cached pages around a faulting one ("fault-around").
inline constexpr uint64_t kFaultAround = uint64_t{64} << 10;

inline bool IsDelta(PackType t) {
  return t == PackType::kOfsDelta || t == PackType::kRefDelta;
}

struct PackReader::Pack {
  std::string path;  // of the .pack file
  // The index is mapped, not copied: its pages are the page cache's, shared
  // with libgit2's mapping of the same file and given back to it whenever
  // the pack's pages are dropped (Touched). The header and fanout are read
  // under ReadMapped when the pack is opened; later lookups are not guarded,
  // so an index truncated in place while the scan runs ends the process
  // with exit status 2 (mapped_guard.h), as libgit2's reads of it would.
  // git never does that: it writes a new index and renames it over the old,
  // which leaves this mapping whole.
  MappedFile idx_file;
  MappedFile pack_file;
  PackIndex index;
  std::string_view bytes;  // the whole pack
  // While planning: PlanAll's nodes of this pack's index entries, in offset
  // order, are nodes_[sorted_first, sorted_last) (found by binary search);
  // any other node of the pack is in `nodes` (entry offset -> node). Freed
  // after planning.
  uint32_t sorted_first = 0, sorted_last = 0;
  OffsetMap nodes;
  // After PlanAll: nodes_[entries_first, entries_last) are this pack's
  // index entries in offset order, so each one's packed bytes end where the
  // next one starts (EntryEnd).
  uint32_t entries_first = 0, entries_last = 0;
  // Set by the first read that faulted on the mapping: the file is shorter
  // than when it was opened, and libgit2 cannot read it either.
  mutable std::atomic<bool> shrank{false};
};

// One per planned pack entry: 24 bytes (the plan's cost per object), so
// only what decoding needs, packed; a delta's base reference lives in
// PendingBase until it is resolved. The entry's sizes are not kept: the
// decoder reads its header again (ParseEntrySize) when it inflates it.
struct PackReader::Node {
  // What the packed fields hold. Open leaves out packs beyond them (their
  // objects are read through libgit2); an entry whose header claims a larger
  // size is not planned (as for a malformed header).
  static constexpr uint64_t kMaxPackBytes = uint64_t{1} << 40;  // 1 TiB
  static constexpr uint32_t kMaxPacks = 1u << 16;
  static constexpr uint64_t kMaxSize = (uint64_t{1} << 48) - 1;
  uint64_t offset : 40 = 0;
  uint64_t pack : 16 = 0;
  PackType type : 3 = PackType{};
  bool ok : 1 = false;  // header parsed and, for a delta, its base resolved
  bool has_crc : 1 = false;
  bool is_wanted : 1 = false;  // see WantedOf
  uint32_t base = kNone;
  uint32_t first_child = kNone;
  uint32_t next_sibling = kNone;
  // Found through the index (not as a delta's base offset): the entry's
  // position there (its CRC-32 is checked when it is decoded).
  uint32_t pos = 0;
};

inline uint64_t PackReader::EntryEnd(uint32_t n) const {
  const Pack& p = *packs_[nodes_[n].pack];
  if (n < p.entries_first || n >= p.entries_last) return 0;
  return n + 1 < p.entries_last ? uint64_t{nodes_[n + 1].offset}
                                : p.bytes.size() - kSha1Size;
}

inline uint32_t PackReader::WantedOf(uint32_t n) const {
  const Node& node = nodes_[n];
  if (!node.is_wanted) return kNotWanted;
  return planned_all_ ? pack_first_[node.pack] + node.pos : plan_wanted_[n];
}

// A delta whose base is still to be found.
struct PackReader::PendingBase {
  uint32_t node;
  PackType type;
  uint64_t base_offset;          // kOfsDelta
  const unsigned char* base_id;  // kRefDelta (inside the pack mapping)
};

}  // namespace keyward::git

#endif  // KEYWARD_GIT_PACK_READER_INTERNAL_H_

// Reads many blobs (or every tree) straight from a repository's pack files,
// decoding every delta chain once instead of once per object.
//
// A per-object read (git_odb_read) re-walks the object's delta chain and
// re-inflates its bases each time. PackReader instead builds the delta forest
// of the wanted blobs (wanted blobs plus their transitive bases): every root
// is a whole object, every child a delta against its parent, and each tree is
// decoded once, depth first, inflating each entry once.
//
//   auto reader = PackReader::Open(objects_dir);    // mmaps usable packs
//   std::vector<size_t> fallback;
//   reader->Plan(ids, &fallback);                   // ids it cannot decode
//   // per worker thread:
//   PackDecoder decoder(*reader);
//   for (size_t t = next++; t < reader->tree_count(); t = next++)
//     decoder.DecodeTree(t, visit, &failed);        // visit(index, content)
//
// Whatever the reader cannot do is left to the caller (fallback and failed
// indices): loose objects, packs it does not understand (idx v1, SHA-256),
// bases outside the pack, non-blob objects, corrupt entries.
//
// PlanAll(PackType::kTree) instead plans every tree of the usable packs
// (reachable or not), in pack order; `wanted_id(index)` names what a visit
// delivers. A tree it cannot decode is simply not delivered.
#ifndef KEYWARD_GIT_PACK_READER_H_
#define KEYWARD_GIT_PACK_READER_H_

#include <git2.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "git/pack_format.h"

namespace keyward::git {

// Why an object the pack reader reports as mismatched is skipped.
inline constexpr char kEntryChecksumMismatch[] =
    "its packed entry does not match the pack index's checksum";
// Why an object of a pack that shrank while it was read is unreadable.
inline constexpr char kPackShrank[] = "its pack file shrank while it was read";

class PackReader {
 public:
  // Maps every pack in `objects_dir`/pack whose index PackIndex accepts,
  // the biggest first (an id several packs hold is read from the first).
  // Never fails: packs it cannot use are left out (Plan reports their
  // objects as fallback). Packs and their indexes stay mapped (read-only,
  // shared with the page cache) for the reader's lifetime; pages read are
  // unmapped again every 16 MiB or so of reading, so RSS does not grow with
  // pack size. Every read of a pack is guarded (ReadMapped,
  // mapped_guard.h): a pack another process truncates is not a SIGBUS.
  static std::unique_ptr<PackReader> Open(const std::string& objects_dir);
  ~PackReader();

  size_t pack_count() const { return packs_.size(); }
  // Indexes in `objects_dir`/pack that Open left out (unusable, unreadable,
  // beyond the limits): their objects are libgit2's to read.
  size_t packs_left_out() const { return left_out_; }

  // Plans the decoding of `wanted` (blob ids). Appends to `fallback` the
  // indices of ids it cannot decode: not in a usable pack, a duplicate id, a
  // malformed header on the chain, a base outside the pack or a chain whose
  // root is not a blob. Call once, before any PackDecoder runs.
  void Plan(const std::vector<git_oid>& wanted, std::vector<size_t>* fallback);

  // Plans every object in the usable packs, each distinct id once, all of
  // them wanted: one plan serves the passes over trees and over blobs (each
  // decodes the delta trees of its type, tree_count(type)). Objects whose
  // chain cannot be resolved in its pack (malformed header, base elsewhere)
  // are left out. Call once instead of Plan. A wanted index is then the
  // object's number (FindObject): no table of ids is made. Cost: one node
  // (24 bytes) per pack entry, besides the indexes (28 bytes per entry).
  void PlanAll();

  // The id of wanted object `index` (Plan's argument, or after PlanAll an
  // object number).
  const git_oid& wanted_id(size_t index) const {
    return planned_all_ ? object_id(static_cast<uint32_t>(index))
                        : wanted_[index];
  }
  size_t wanted_count() const {
    return planned_all_ ? object_count() : wanted_.size();
  }

  // Unmaps the pages of every pack and index read so far (MappedFile):
  // they stay in the page cache, and a later read maps them again. E.g.
  // once the trees are loaded, which looked up every id they name.
  void DropPages() const;

  // Frees the plan (no tree left to decode; ids and object numbers stay).
  // Call when no PackDecoder of this reader runs any more.
  void ReleasePlan();

  // Objects are numbered by their place in the usable packs' indexes (the
  // first pack's entries, then the second's...). An id several packs hold
  // has the number of the first pack holding it (the one PlanAll decodes).
  static constexpr uint32_t kNoObject = UINT32_MAX;
  size_t object_count() const { return pack_first_.back(); }
  // The number of pack `p`'s first object (p <= pack_count(): the last is
  // object_count()).
  uint32_t first_object(size_t p) const { return pack_first_[p]; }
  // The number of `id` (20 bytes), or kNoObject: a lookup in the indexes
  // (no table of its own).
  uint32_t FindObject(const unsigned char* id) const;
  uint32_t FindObject(const git_oid& id) const { return FindObject(id.id); }
  const git_oid& object_id(uint32_t number) const;
  // Calls `f(number, id)` for every object number, in order, reading each
  // index front to back and unmapping what it read every few MiB: RSS stays
  // bounded, where object_id in any other order maps the whole index (20
  // bytes an object) within a few thousand calls.
  void ForEachId(const std::function<void(uint32_t, const git_oid&)>& f) const;

  // After PlanAll: calls `f(number, type)` for every planned object whose
  // delta chain resolves inside its pack, with its object number (the id is
  // object_id(number)) and the type of the chain's root (the object's own
  // type), each delta tree in turn. Nothing is inflated; each plan node is
  // visited once, whatever the depth of the chains.
  void ForEachObjectType(
      const std::function<void(uint32_t, PackType)>& f) const;

  // Independent delta trees whose root (so every object in them) is of
  // `type`; each decodes alone. Trees of other objects are in pack order;
  // blob trees are biggest first (estimated: root size times object count),
  // so that workers taking them in turn finish together. After Plan, only
  // kBlob has any.
  size_t tree_count(PackType type) const { return RootsOf(type).size(); }

 private:
  friend class PackDecoder;
  struct Pack;
  struct Node;
  struct PendingBase;
  PackReader();
  // The node of the entry at `offset`, added if new. `index_pos`, when the
  // entry was found through the pack's index, is its position there (for the
  // CRC-32 check).
  uint32_t NodeAt(uint32_t pack, uint64_t offset,
                  std::vector<PendingBase>* pending, uint64_t touched,
                  int64_t index_pos = -1);
  // Where the packed bytes of node `n` end at the latest (the next entry's
  // offset, after PlanAll), or 0 when not known (pack_reader_internal.h).
  uint64_t EntryEnd(uint32_t n) const;
  // The inflated size node `n`'s header gives (the object's, or a delta's),
  // read through the mapping; 0 if it cannot be read.
  uint64_t EntrySize(uint32_t n) const;
  // The wanted index of node `n`, or kNotWanted (pack_reader_internal.h).
  uint32_t WantedOf(uint32_t n) const;
  // Adds the node of the entry at `offset` (NodeAt's arguments).
  uint32_t NewNode(uint32_t pack, uint64_t offset,
                   std::vector<PendingBase>* pending, uint64_t touched,
                   int64_t index_pos);
  // The node at `offset` among p's nodes_[sorted_first, sorted_last), or
  // kNone.
  uint32_t SortedNodeAt(const Pack& p, uint64_t offset) const;
  // Resolves the bases of the deltas in `pending` (and of those created on
  // the way).
  void ResolveBases(std::vector<PendingBase>* pending);
  void Link();
  // Sorts delta-tree roots by their estimated decoding work, biggest first.
  void OrderByWork(std::vector<uint32_t>* roots) const;
  const std::vector<uint32_t>& RootsOf(PackType type) const {
    return roots_[static_cast<size_t>(type) & 7];
  }
  // Counts pack bytes a decoder has read; every kMappedBudget bytes, drops
  // the packs' pages from the process so RSS does not grow with pack size.
  // Packs that fit the budget together stay mapped.
  void Touched(uint64_t bytes) const;

  std::vector<std::unique_ptr<Pack>> packs_;
  std::vector<Node> nodes_;
  std::vector<uint32_t> roots_[8];  // by PackType: delta-tree roots
  std::vector<git_oid> wanted_;     // Plan's argument (PlanAll: none)
  bool planned_all_ = false;
  std::vector<uint32_t> plan_wanted_;  // Plan: by node, its wanted index
  // Object numbers of each pack's first entry, and the total at the end.
  std::vector<uint32_t> pack_first_{0};
  size_t left_out_ = 0;
  mutable std::atomic<uint64_t> touched_{0};
  // Whether the packs together fit the budget: then mapping all
  // of them never needs dropping.
  bool fits_budget_ = true;
};

// Decodes trees of one PackReader. One per thread; the reader must outlive
// it. Distinct decoders may decode concurrently (the reader is read-only
// after Plan).
class PackDecoder {
 public:
  // Bases the decoder may hold while it decodes a tree, in bytes (besides
  // the object being decoded and its base): beyond it, the bases nearest the
  // root are dropped and decoded again from their chain when their next
  // child is due. Memory per decoder is then this budget plus the two
  // largest objects of a chain, whatever the pack's delta depth.
  static constexpr size_t kDefaultHeldBudget = size_t{32} << 20;
  explicit PackDecoder(const PackReader& reader,
                       size_t held_budget = kDefaultHeldBudget);
  ~PackDecoder();

  // `index` is into the `wanted` vector given to Plan; `content` is valid
  // only during the call.
  using Visit = std::function<void(size_t index, std::string_view content)>;

  // Decodes delta tree `t` (< tree_count(type)) of objects of `type`, calling
  // `visit` for every wanted object in it, parents before children. The pack
  // format is parsed by hand here, so every entry found through the index (each
  // wanted object, each REF_DELTA base) is checked against the index's CRC-32
  // of its packed bytes, header included: a damaged offset or entry that still
  // inflates cleanly must not yield another object's bytes (a delta's OFS base
  // is named inside those checked bytes, and the Adler-32 of the zlib stream
  // checks the data of entries not found through the index). When an
  // entry cannot be decoded (corrupt zlib stream or delta), the wanted objects
  // of its subtree are appended to `failed` (libgit2 may still read them, or
  // names the problem); a wanted object whose entry does not match its CRC-32
  // goes to `mismatched` (the index points at the wrong bytes: libgit2 would
  // read the same), and its subtree goes on. Memory: the contents along the
  // current chain that still have children to decode, up to the held budget
  // (the rest is decoded again when needed).
  void DecodeTree(PackType type, size_t t, const Visit& visit,
                  std::vector<size_t>* failed, std::vector<size_t>* mismatched);

  // How an object DecodeTree delivers was made: by applying `delta` (its
  // inflated instructions, valid during the visit) to wanted object `base`,
  // delivered earlier in the same call. A chain's root, or an object whose
  // base is not wanted, has base kNoBase and no delta.
  struct Derivation {
    static constexpr size_t kNoBase = SIZE_MAX;
    size_t base = kNoBase;
    std::string_view delta;
  };
  using DerivedVisit = std::function<void(
      size_t index, std::string_view content, const Derivation& from)>;
  // DecodeTree for a visitor that builds on what it made of an object's base
  // (PackedTrees reuses the parsed entries a delta copies). `release(index)`
  // says a delivered object will be no later object's base; it is called
  // once for each delivered object.
  void DecodeTree(PackType type, size_t t, const DerivedVisit& visit,
                  const std::function<void(size_t index)>& release,
                  std::vector<size_t>* failed, std::vector<size_t>* mismatched);

  // Wanted objects (indices, as for `failed`) whose pack file shrank while
  // it was read, across all DecodeTree calls: unreadable, and not for
  // libgit2 either (its own mapping of that pack would fault).
  const std::vector<size_t>& lost() const { return lost_; }

  // Counters since construction. Entries decoded again after their content
  // was dropped for the held budget count in entries_decoded too.
  uint64_t entries_decoded() const { return entries_; }
  uint64_t bytes_decoded() const { return bytes_; }
  uint64_t bases_evicted() const { return evicted_; }
  uint64_t entries_rebuilt() const { return rebuilt_; }
  // Entries read with pread (ReadEntry) rather than through the mapping.
  uint64_t entries_read() const { return entries_read_; }

 private:
  struct Buffer {
    std::unique_ptr<char[]> data;
    size_t capacity = 0;
    size_t size = 0;
    std::string_view view() const { return {data.get(), size}; }
  };
  // A node of the chain being decoded: its content (no data once evicted)
  // and the next child to decode from it.
  struct Frame {
    uint32_t node;
    Buffer content;
    uint32_t next_child;
    bool delivered;  // to the visitor, so released when dropped
  };
  // Drops the contents nearest the root while the stack holds more than the
  // budget; never the top's.
  void Evict(std::vector<Frame>* stack);
  // Decodes the top's content again, from the nearest base the stack still
  // holds (or the root). False if that fails (the pack changed).
  bool Rebuild(std::vector<Frame>& stack);
  // Fills `out` with the content of node `n`; `parent` is its base's
  // content (unused for a root). `*matches_index`: the entry's packed bytes
  // have the CRC-32 the index gives (true when it was not found through it).
  Status Decode(uint32_t n, const Buffer* parent, Buffer* out,
                bool* matches_index);
  // Checks an entry's inflated `size` against its `packed` bytes (after
  // the header) and what may be held, and makes room for it in `inflated`.
  Status Prepare(uint64_t size, uint64_t packed, bool whole, Buffer* inflated);
  // Inflates entry `n` (the size its header gives, into `inflated`) from its
  // packed bytes read with pread, when its extent is known (PlanAll, EntryEnd)
  // and small: random reads through the mapping cost a fault that maps 16
  // pages, and their unmapping later, per entry (~8% of a scan's CPU on a
  // large pack). True only when it inflated and the entry has the index's
  // CRC-32; anything else (a short read, an error, a mismatch) is left to
  // the mapped path, which decides as it always did.
  // `whole`: the entry is an object (not a delta), held whole. Sets
  // `*header` to the entry's header length.
  bool ReadEntry(uint32_t n, bool whole, Buffer* inflated, size_t* header,
                 size_t* consumed);
  bool Reserve(Buffer* b, size_t size);
  Buffer Take(size_t size);
  void Give(Buffer b);
  void FailSubtree(uint32_t n, std::vector<size_t>* failed) const;
  // Whether the pack of node `n` shrank while it was read.
  bool Shrank(uint32_t n) const;

  const PackReader& reader_;
  Inflater inflater_;
  Buffer delta_;               // the current inflated delta
  Buffer packed_;              // ReadEntry's packed bytes
  std::vector<Buffer> spare_;  // recycled content buffers
  size_t spare_bytes_ = 0;     // their capacity together
  size_t held_budget_;
  std::vector<size_t> lost_;
  uint64_t entries_ = 0;
  uint64_t bytes_ = 0;
  uint64_t evicted_ = 0;
  uint64_t rebuilt_ = 0;
  uint64_t entries_read_ = 0;
};

}  // namespace keyward::git

#endif  // KEYWARD_GIT_PACK_READER_H_

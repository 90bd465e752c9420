// Every tree of a repository's packs, decoded once and parsed into child ids,
// so that a full-history enumeration walks trees in memory instead of one
// git_tree_lookup (one delta-chain resolution) per distinct tree.
//
//   auto trees = PackedTrees::Load(packs, threads);  // packs: PlanAll done
//   PackedTrees::Entries e;
//   switch (trees->Find(tree_id, &e)) {
//     case PackedTrees::kFound: ...  // e.blobs, e.trees: ids, see id()
//     case PackedTrees::kUnreadable: ...  // e.problem says why: warn, skip
//     case PackedTrees::kAbsent: ...  // not packed (or not decodable): libgit2
//   }
//
// Raw tree contents are never held together: each tree is split as the pack
// reader delivers it, into numbers (numbers.h); a tree made from a delta
// takes the entries the delta copies from its base's split (SplitTree), so
// along a delta chain only changed entries are parsed, and it is stored as
// a patch of a keyframe (tree_store.h). Immutable after Load, safe to share
// between threads. Borrows the PackReader, which must outlive it (but not
// the TreeStore taken from it).
#ifndef KEYWARD_GIT_PACKED_TREES_H_
#define KEYWARD_GIT_PACKED_TREES_H_

#include <git2.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "git/flat_map.h"
#include "git/id_keys.h"
#include "git/numbers.h"
#include "git/pack_reader.h"
#include "git/repo.h"
#include "git/tree_store.h"
#include "keyward/status.h"

namespace keyward::git {

// One entry of a raw tree object: `<octal mode> SP <name> NUL <20-byte
// id>`. Like libgit2, a mode whose type bits are 040000 is a tree, 0160000 a
// submodule commit (a gitlink), anything else a blob.
struct TreeEntry {
  enum Kind : uint8_t { kTree, kBlob, kGitlink };
  Kind kind = kBlob;
  const unsigned char* id = nullptr;  // the 20-byte id, inside the tree
  size_t size = 0;                    // bytes of the whole entry
  std::string_view name;              // inside the tree
};
// Reads the entry at the start of `rest`. A malformed entry (bad mode,
// empty name, missing NUL, truncated id) is an error: exactly the entries
// git_tree_lookup rejects.
Status ParseTreeEntry(std::string_view rest, TreeEntry* out);

// An entry of a split tree: where it starts, its kind and the id number the
// caller gave it; `src`, where the caller keeps it (an entry taken from a
// base keeps the base entry's; a parsed one has kNoSource).
struct EntryAt {
  static constexpr uint32_t kNoSource = UINT32_MAX;
  uint64_t offset = 0;
  uint32_t id = 0;
  uint32_t src = kNoSource;
  TreeEntry::Kind kind = TreeEntry::kBlob;
};

// Splits raw tree `content` into `out`: one EntryAt per entry, numbering
// each id but a gitlink's with `number(entry)`, then {content size} as an
// end mark. A malformed entry is an error and leaves `out` unspecified.
//
// When `content` is `delta` applied to a tree already split into `*base`, an
// entry the delta copies whole, starting at an entry of the base, is that
// entry byte for byte: it is taken from the base (with its `src`), neither
// parsed nor numbered again. Along a chain of tree deltas most entries are
// copied.
Status SplitTree(std::string_view content, std::string_view delta,
                 const std::vector<EntryAt>* base,
                 const std::function<uint32_t(const TreeEntry&)>& number,
                 std::vector<EntryAt>* out);

class PackedTrees {
 public:
  // Decodes every tree `packs` holds (planned with PackReader::PlanAll) with
  // `threads` workers. A tree whose packed entry does
  // not match the index's CRC-32 or does not parse is unreadable (Find says
  // why; the caller warns when it reaches one, so unreachable ones stay
  // silent). Trees the reader cannot decode at all (corrupt zlib or delta data,
  // unusable packs) are absent: libgit2 may still read them.
  //
  // `named`, when set, is asked (from the decoding threads) about the name
  // of every blob entry; named_blobs() then lists the blobs some tree names
  // so that it said yes, with those names. An entry a tree delta copies from
  // its base is the base's entry, asked about when the base was parsed.
  //
  // `keys`, when given, finds the ids the trees name instead of the pack
  // indexes (id_keys.h: less memory, but an id no pack holds may be taken
  // for one that shares its first 8 bytes).
  static std::unique_ptr<PackedTrees> Load(
      const PackReader& packs, int threads,
      const std::function<bool(std::string_view)>& named = {},
      const IdKeys* keys = nullptr);
  // Sorted, distinct (see Load).
  const std::vector<NamedBlob>& named_blobs() const { return named_blobs_; }

  using Record = TreeStore::Record;
  using Lookup = TreeStore::Lookup;
  static constexpr Lookup kAbsent = TreeStore::kAbsent;
  static constexpr Lookup kUnreadable = TreeStore::kUnreadable;
  static constexpr Lookup kFound = TreeStore::kFound;
  // Child ids of one tree, as indices for id().
  using Entries = TreeStore::Entries;
  Lookup Find(const git_oid& tree, Entries* out) const;
  // Find for tree `t` (< tree_count(), as TreeOf numbers them).
  Lookup Get(uint32_t t, Entries* out) const { return store_.Get(t, out); }

  // Ids are numbered by the pack reader's object numbers (FindObject), and
  // ids no pack holds (a loose blob a packed tree names) after them: no
  // table of ids is made for what the indexes already hold.
  static constexpr uint32_t kNoId = UINT32_MAX;
  const git_oid& id(uint32_t i) const {
    return i < objects_ ? reader_->object_id(i) : extras_[i - objects_];
  }
  size_t id_count() const { return objects_ + extras_.size(); }
  // The number of `id` if a pack holds it or a parsed tree names it, else
  // kNoId; found with `keys` when given (as Load).
  uint32_t Number(const git_oid& id, const IdKeys* keys = nullptr) const;
  size_t tree_count() const { return store_.size(); }
  // Which of the tree_count() trees id `i` is, or kNoTree.
  static constexpr uint32_t kNoTree = TreeStore::kNoTree;
  uint32_t TreeOf(uint32_t i) const { return store_.TreeOf(i); }
  const Record& record(uint32_t t) const { return store_.record(t); }
  const TreeStore& store() const { return store_; }
  // Hands over the trees' records and entries (a walk's tree graph keeps
  // them as its nodes); nothing is found here after it. The ids stay.
  TreeStore TakeStore() { return std::exchange(store_, TreeStore()); }

 private:
  explicit PackedTrees(const PackReader* reader)
      : reader_(reader), objects_(reader->object_count()) {}
  const PackReader* reader_;
  uint32_t objects_;  // the reader's object count
  TreeStore store_;
  OidMap extra_index_;           // id -> index into extras_
  std::vector<git_oid> extras_;  // named by a parsed tree, in no pack
  std::vector<NamedBlob> named_blobs_;
};

}  // namespace keyward::git

#endif  // KEYWARD_GIT_PACKED_TREES_H_

// One revision walk (oldest first) plus one walk over the distinct trees: a
// tree id seen before is never expanded again, so the cost is proportional
// to the number of distinct trees and blobs, not commits times files.
//
// Trees come from the packs first (PackedTrees: every packed tree decoded
// once, each delta chain once, on the worker threads); the walk over them is
// in memory. Only trees the packs do not have (loose objects, unusable packs,
// entries the reader cannot decode) are read through git_tree_lookup.
#include "git/enumerate.h"

#include <git2/sys/odb_backend.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <unordered_set>

#include "git/commit_walk.h"
#include "git/flat_map.h"
#include "git/pack_reader.h"
#include "git/packed_trees.h"
#include "git/repo.h"

namespace keyward::git {
namespace {

using OidSet = std::unordered_set<git_oid, OidHash, OidEq>;
constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

class BlobEnumerator {
 public:
  // `packed` (may be null) must outlive this.
  BlobEnumerator(git_repository* repo,
                 std::function<void(const std::string&)> warn, TreeGraph* graph,
                 PackedTrees* packed, size_t* unreadable,
                 const std::function<bool(std::string_view)>& named)
      : repo_(repo),
        warn_(std::move(warn)),
        graph_(graph),
        packed_(packed),
        unreadable_(unreadable),
        named_(named) {
    if (packed_) {
      ids_ = packed_->id_count();
      packed_nodes_ = static_cast<uint32_t>(packed_->tree_count());
      // Room for every packed blob up front: growing by doubling would hold
      // the old and the new array at once.
      refs_.reserve(ids_);
      blob_of_id_.assign(packed_->id_count(), kNone);
      reached_.assign(packed_nodes_, false);
    }
  }

  // Adds every blob of `root` (and its subtrees) not seen before, and the
  // trees not seen before to the graph; returns the root's node. Blobs of a
  // tree are numbered before any of its subtrees is expanded; subtrees are
  // expanded last entry first (a stack). Both sources of trees keep that
  // order. `number`: the root's PackedTrees number, or kNoId.
  uint32_t WalkTree(const git_oid& root, uint32_t number) {
    bool fresh = false;
    uint32_t root_node = NodeOf(root, number, &fresh);
    if (!fresh) return root_node;
    std::vector<uint32_t> stack{root_node};
    while (!stack.empty()) {
      uint32_t node = stack.back();
      stack.pop_back();
      if (node < packed_nodes_) {
        // A packed tree: its record is its node, and its entries (object
        // numbers) stay as they are; the graph maps them to edges as the
        // walk numbers them here (TreeGraph::Edges). Its blobs are
        // numbered before its subtrees get nodes, each in entry order.
        if (packed_->Get(node, &entries_) == PackedTrees::kUnreadable) {
          Unreadable(packed_->id(packed_->record(node).number),
                     entries_.problem);
          continue;
        }
        for (uint32_t b : entries_.blobs) PackedBlob(b);
        for (uint32_t t : entries_.trees) SubtreeNode(t, &stack);
        continue;
      }
      TreeGraph::Node run;
      run.slice = TreeGraph::kOwnSlice;
      const git_oid id = read_ids_[node - packed_nodes_];  // read_ids_ grows
      if (ReadTree(id, &stack, &run)) {
        graph_->read[node - packed_nodes_] = run;
      }
    }
    return root_node;
  }

  // The node of packed subtree id `t`, pushed onto `stack` when new.
  uint32_t SubtreeNode(uint32_t t, std::vector<uint32_t>* stack) {
    bool fresh = false;
    uint32_t tree = packed_->TreeOf(t);
    uint32_t node;
    if (tree != PackedTrees::kNoTree) {
      node = Reach(tree, &fresh);
    } else {
      // Not only when fresh: the tree may have been read first as the
      // child of a tree libgit2 read, which numbers no entries.
      node = ReadNode(packed_->id(t), &fresh);
      graph_->read_of_number.Insert(t, node);
    }
    if (fresh) stack->push_back(node);
    return node;
  }

  bool SeenBlob(const git_oid& id) const {
    uint32_t n = packed_ ? packed_->Number(id) : PackedTrees::kNoId;
    if (n != PackedTrees::kNoId) return blob_of_id_[n] != kNone;
    return blobs_.Find(id) != OidMap::kAbsent;
  }
  // A blob no tree holds (listed last).
  void AddDangling(const git_oid& id) { AddOther(id); }
  // Packed blob `n` (an object number of `packs`, which the packed trees
  // were loaded from) unless a tree holds it: listed last, by its number
  // when the trees are numbered so (no copy of its id).
  void AddDangling(uint32_t n, const PackReader& packs) {
    if (packed_) {
      PackedBlob(n);  // a no-op for a blob the walk numbered
      return;
    }
    const git_oid& id = packs.object_id(n);
    if (!SeenBlob(id)) AddOther(id);
  }

  // The blobs, in order of first sight: each a PackedTrees id (< its
  // id_count(); 4 bytes, no copy of the id while the walk runs), or
  // id_count() + an index into `other`.
  std::vector<uint32_t> TakeRefs() { return std::move(refs_); }
  std::vector<git_oid> TakeOther() { return std::move(other_); }
  // Blobs of the trees read through libgit2 whose name `named` took (may
  // repeat).
  std::vector<NamedBlob> TakeNamed() { return std::move(named_blobs_); }
  // By PackedTrees id: the blob's index, or kNone (TreeGraph::blob_of_number).
  std::vector<uint32_t> TakeBlobOfId() { return std::move(blob_of_id_); }

 private:
  // A blob has one index: by its PackedTrees number when it has one (no
  // table of ids beyond the pack indexes), else through blobs_.
  uint32_t Blob(const git_oid& id) {
    uint32_t n = packed_ ? packed_->Number(id) : PackedTrees::kNoId;
    if (n != PackedTrees::kNoId) return PackedBlob(n);
    bool fresh = false;
    uint32_t i = blobs_.Insert(id, static_cast<uint32_t>(refs_.size()), &fresh);
    if (fresh) AddOther(id);
    return i;
  }
  uint32_t PackedBlob(uint32_t i) {
    uint32_t& cached = blob_of_id_[i];
    if (cached == kNone) {
      cached = static_cast<uint32_t>(refs_.size());
      refs_.push_back(i);
    }
    return cached;
  }
  void AddOther(const git_oid& id) {
    refs_.push_back(static_cast<uint32_t>(ids_ + other_.size()));
    other_.push_back(id);
  }

  void Unreadable(const git_oid& id, std::string_view why) {
    warn_("git tree " + OidHex(id) + ": " + std::string(why) +
          " (its files are skipped)");
    ++*unreadable_;
  }
  // The node of packed tree `t` (its record); `*fresh`: first reached now.
  uint32_t Reach(uint32_t t, bool* fresh) {
    *fresh = !reached_[t];
    reached_[t] = true;
    return t;
  }
  // The node of a tree the packs did not give, added if new.
  uint32_t ReadNode(const git_oid& id, bool* fresh) {
    uint32_t i = read_index_.Insert(id, read_ids_, fresh);
    if (*fresh) {
      read_ids_.push_back(id);
      graph_->read.emplace_back();
    }
    return packed_nodes_ + i;
  }
  // The node of tree `id` (numbered `n`, or kNoId): its packed record's,
  // else a read one.
  uint32_t NodeOf(const git_oid& id, uint32_t n, bool* fresh) {
    uint32_t tree = n != PackedTrees::kNoId && packed_ ? packed_->TreeOf(n)
                                                       : PackedTrees::kNoTree;
    return tree != PackedTrees::kNoTree ? Reach(tree, fresh)
                                        : ReadNode(id, fresh);
  }

  // Appends the entries of tree `id`, read through libgit2, to the graph's
  // own edges (its subtrees', then its blobs'), and says where in `*node`.
  bool ReadTree(const git_oid& id, std::vector<uint32_t>* stack,
                TreeGraph::Node* node) {
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo_, &id) != 0) {
      Unreadable(id, LastError());
      return false;
    }
    Tree tree(raw);
    size_t n = git_tree_entrycount(raw);
    NumberSlice& edges = graph_->own_edges;
    std::vector<uint32_t> blobs;
    node->begin = static_cast<uint32_t>(edges.size());
    for (size_t i = 0; i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(raw, i);
      const git_oid* child = git_tree_entry_id(e);
      git_object_t type = git_tree_entry_type(e);
      if (type == GIT_OBJECT_BLOB) {
        blobs.push_back(Blob(*child));
        if (named_ && named_(git_tree_entry_name(e))) {
          named_blobs_.push_back({*child, git_tree_entry_name(e)});
        }
      } else if (type == GIT_OBJECT_TREE) {
        bool fresh = false;
        uint32_t c = NodeOf(
            *child, packed_ ? packed_->Number(*child) : PackedTrees::kNoId,
            &fresh);
        edges.push_back(c);
        if (fresh) stack->push_back(c);
      }
    }
    node->mid = static_cast<uint32_t>(edges.size());
    for (uint32_t b : blobs) edges.push_back(b);
    node->end = static_cast<uint32_t>(edges.size());
    return true;
  }

  git_repository* repo_;
  std::function<void(const std::string&)> warn_;
  TreeGraph* graph_;
  PackedTrees* packed_;
  size_t* unreadable_;
  OidMap blobs_;    // blobs PackedTrees has no number for -> their index
  size_t ids_ = 0;  // packed_->id_count()
  std::vector<uint32_t> refs_;  // see TakeRefs
  std::vector<git_oid> other_;
  const std::function<bool(std::string_view)>& named_;
  std::vector<NamedBlob> named_blobs_;
  // Per PackedTrees id: its blob index, once known (saves hashing the same
  // id for every tree naming it; the graph's map of blob entries to edges).
  std::vector<uint32_t> blob_of_id_;
  PackedTrees::Entries entries_;  // WalkTree's scratch
  // Nodes [0, packed_nodes_) are the packed trees (PackedTrees' records);
  // reached_ says which the walk has met. Then the trees read through
  // libgit2: their ids, and an index of them.
  uint32_t packed_nodes_ = 0;
  std::vector<bool> reached_;
  std::vector<git_oid> read_ids_;
  OidIndex read_index_;
};

// Every object in the object database (--all-objects). Packed objects are
// kept by number, without a table of their ids: a history of millions of
// objects would hold tens of bytes per object for what the packs' plan and
// indexes already say.
struct AllObjects {
  std::vector<git_oid> commits;
  std::vector<bool> packed_blob;     // by object number (PackReader): a blob
  std::vector<git_oid> other_blobs;  // not in the plan: loose, unusable pack
};

AllObjects ListAllObjects(git_repository* repo, const PackReader& packs,
                          const std::function<void(const std::string&)>& warn) {
  AllObjects out;
  // Types of packed objects come from the pack headers (no object is
  // inflated); git_odb_read_header would resolve every delta chain.
  // Commits come in pack order (the plan's roots of each type but blobs
  // are), which the revision walk reads fastest: in id order its reads jump
  // across the pack. Blobs are listed by number.
  std::vector<bool> typed(packs.object_count(), false);
  std::vector<uint32_t> commits;
  out.packed_blob.assign(packs.object_count(), false);
  packs.ForEachObjectType([&](uint32_t n, PackType type) {
    typed[n] = true;
    if (type == PackType::kCommit) commits.push_back(n);
    if (type == PackType::kBlob) out.packed_blob[n] = true;
  });
  // The commits' ids, read in number order (ForEachId): a few thousand
  // object_id calls in any other order map all of every index (the kernel
  // maps 64 KiB around each page read).
  std::vector<uint64_t> wanted;  // number above place in `commits`
  wanted.reserve(commits.size());
  for (size_t i = 0; i < commits.size(); ++i) {
    wanted.push_back(uint64_t{commits[i]} << 32 | i);
  }
  std::sort(wanted.begin(), wanted.end());
  out.commits.resize(commits.size());
  size_t next = 0;
  packs.ForEachId([&](uint32_t n, const git_oid& id) {
    while (next < wanted.size() && (wanted[next] >> 32) == n) {
      out.commits[wanted[next++] & 0xffffffffu] = id;
    }
  });
  // What the plan does not type: loose objects, packs the reader left out,
  // alternates, entries it could not plan. Listing a pack, libgit2 sorts
  // its ids by offset (16 bytes an object) and maps its index: when the
  // reader took every pack and there are no alternates, only the loose
  // objects are listed.
  const std::string objects_dir = ObjectsDir(repo);
  std::error_code ec;
  const bool whole =
      packs.packs_left_out() > 0 ||
      std::filesystem::exists(objects_dir + "/info/alternates", ec) || ec;
  git_odb* raw = nullptr;
  if (git_repository_odb(&raw, repo) != 0) {
    warn("cannot open the object database: " + LastError());
    return out;
  }
  Odb odb(raw);  // reads the headers
  Odb listed;    // what is listed: the whole database, or the loose objects
  if (whole) {
    git_odb* again = nullptr;
    if (git_repository_odb(&again, repo) == 0) listed.reset(again);
  } else {
    git_odb* fresh = nullptr;
    git_odb_backend* loose = nullptr;
    if (git_odb_new(&fresh) == 0) listed.reset(fresh);
    if (listed &&
        (git_odb_backend_loose(&loose, objects_dir.c_str(), -1, 0, 0, 0) != 0 ||
         git_odb_add_backend(fresh, loose, 1) != 0)) {
      if (loose) loose->free(loose);
      listed.reset();
    }
  }
  if (!listed) {
    warn("cannot list the object database: " + LastError());
    return out;
  }
  struct Rest {
    const PackReader* packs;
    const std::vector<bool>* typed;
    std::vector<git_oid> ids;
    void Add(const git_oid& id) {
      uint32_t n = packs->FindObject(id);
      if (n == PackReader::kNoObject || !(*typed)[n]) ids.push_back(id);
    }
  } rest{&packs, &typed, {}};
  // Packed objects the plan could not type (a chain that does not resolve);
  // another pack's copy of a typed id is not one.
  for (uint32_t n = 0; n < typed.size(); ++n) {
    if (!typed[n]) rest.Add(packs.object_id(n));
  }
  git_odb_foreach(
      listed.get(),
      [](const git_oid* id, void* payload) {
        static_cast<Rest*>(payload)->Add(*id);
        return 0;
      },
      &rest);
  listed.reset();
  OidSet seen;  // an object may be both loose and packed
  for (const git_oid& id : rest.ids) {
    if (!seen.insert(id).second) continue;
    size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    if (git_odb_read_header(&size, &type, raw, &id) != 0) {
      // Keep it as a blob candidate: reading it later names it in a warning.
      out.other_blobs.push_back(id);
      continue;
    }
    if (type == GIT_OBJECT_COMMIT) out.commits.push_back(id);
    if (type == GIT_OBJECT_BLOB) out.other_blobs.push_back(id);
  }
  // Listing may have mapped the indexes, the reader's (FindObject) and
  // libgit2's (the whole database listed, headers read; 28 bytes an object
  // each): neither is needed again before the commit walk and the tree
  // loading map what they read.
  odb.reset();
  ReleaseLibgit2Packs(repo);
  packs.DropPages();
  return out;
}

}  // namespace

Status Enumerate(git_repository* repo, const EnumerateOptions& options,
                 const std::function<void(const std::string&)>& warn,
                 Enumeration* out) {
  std::unique_ptr<PackReader> own_packs;
  const PackReader* planned = nullptr;
  auto packs = [&]() -> const PackReader& {
    if (planned == nullptr && options.packs) planned = options.packs();
    if (planned == nullptr) {
      own_packs = PackReader::Open(ObjectsDir(repo));
      own_packs->PlanAll();
      planned = own_packs.get();
    }
    return *planned;
  };
  // Parents before children, so the first commit that holds a blob is the
  // one that introduced it. Their trees are read now, while libgit2's
  // packs are open for the walk; then those go (ReleaseLibgit2Packs) before
  // the trees' walk, which reads from our own packs.
  auto add_commits = [&](const std::vector<git_oid>& ids) {
    for (const git_oid& id : ids) {
      git_commit* commit_raw = nullptr;
      if (git_commit_lookup(&commit_raw, repo, &id) != 0) {
        warn("git commit " + OidHex(id) + ": " + LastError() + " (skipped)");
        ++out->unreadable;
        continue;
      }
      Commit commit(commit_raw);
      out->commits.push_back(CommitRef{id, *git_commit_tree_id(commit_raw)});
    }
    ReleaseLibgit2Packs(repo);
  };
  // The refs' history is walked first, while the packs are still being
  // planned: the walk maps libgit2's pack indexes (28 bytes an object),
  // which should not be held beside the plan. --all-objects then lists
  // every object with the plan, and the commits no ref reaches (amended,
  // reset, a deleted branch's) are walked after them, from those commits
  // alone (the refs' history is not read again), so parents still come
  // before children.
  add_commits(ListCommits(repo, {}, warn, &out->unreadable));
  if (options.commits_walked) options.commits_walked();
  AllObjects all;
  if (options.all_objects) {
    all = ListAllObjects(repo, packs(), warn);
    std::vector<git_oid> listed;
    listed.reserve(out->commits.size());
    for (const CommitRef& c : out->commits) listed.push_back(c.commit);
    std::sort(listed.begin(), listed.end(), OidLess());
    std::erase_if(all.commits, [&](const git_oid& id) {
      return std::binary_search(listed.begin(), listed.end(), id, OidLess());
    });
    if (!all.commits.empty()) {
      add_commits(
          ListCommitsBeyond(repo, all.commits, listed, warn, &out->unreadable));
    }
    FreeStorage(listed);
  }
  std::unique_ptr<PackedTrees> packed;
  std::vector<uint32_t> root_numbers(out->commits.size(), PackedTrees::kNoId);
  if (options.packed_trees) {
    // Loading finds every id the trees name, in no order: through the
    // mapped pack indexes that maps all of them (20 bytes an object, held
    // beside the plan), through IdKeys 8 bytes an object, freed after it.
    auto keys = std::make_unique<IdKeys>(packs());
    packed =
        PackedTrees::Load(packs(), options.threads, options.named, keys.get());
    // The commits' trees by number, looked up now: the walk finds the rest
    // by number. (Through the indexes, a few hundred lookups map most of
    // them: each maps 64 KB around every page its search reads.)
    for (size_t c = 0; c < out->commits.size(); ++c) {
      root_numbers[c] = packed->Number(out->commits[c].tree, keys.get());
    }
    keys.reset();
    packs().DropPages();
  }
  if (options.trees_loaded) options.trees_loaded();
  auto enumerator = std::make_unique<BlobEnumerator>(
      repo, warn, &out->trees, packed.get(), &out->unreadable, options.named);
  out->trees.roots.reserve(out->commits.size());
  for (size_t c = 0; c < out->commits.size(); ++c) {
    out->trees.roots.push_back(
        enumerator->WalkTree(out->commits[c].tree, root_numbers[c]));
  }
  FreeStorage(root_numbers);
  // Dangling blobs no commit holds (e.g. staged then reset).
  for (uint32_t n = 0; n < all.packed_blob.size(); ++n) {
    if (all.packed_blob[n]) enumerator->AddDangling(n, packs());
  }
  FreeStorage(all.packed_blob);
  for (const git_oid& b : all.other_blobs) {
    if (!enumerator->SeenBlob(b)) enumerator->AddDangling(b);
  }
  FreeStorage(all.other_blobs);
  // The ids of the blobs, made only now: what the walk needed is freed
  // first, and so is the packs' plan once no one decodes with it.
  std::vector<uint32_t> refs = enumerator->TakeRefs();
  std::vector<git_oid> other = enumerator->TakeOther();
  std::vector<NamedBlob> named = enumerator->TakeNamed();
  out->trees.blob_of_number = enumerator->TakeBlobOfId();
  enumerator.reset();
  if (packed) {
    named.insert(named.end(), packed->named_blobs().begin(),
                 packed->named_blobs().end());
  }
  SortUnique(&named);
  const uint32_t ids = packed ? static_cast<uint32_t>(packed->id_count()) : 0;
  const uint32_t objects =
      packed ? static_cast<uint32_t>(packs().object_count()) : 0;
  // The walk's nodes of packed trees are their records, and their edges
  // their entries: kept, not copied.
  if (packed) out->trees.packed = packed->TakeStore();
  if (options.before_blob_ids) options.before_blob_ids();
  if (own_packs) own_packs->ReleasePlan();
  out->blobs.resize(refs.size());
  for (size_t i = 0; i < refs.size(); ++i) {
    uint32_t r = refs[i];
    if (r >= objects) out->blobs[i] = r < ids ? packed->id(r) : other[r - ids];
    refs[i] = r < objects ? r : PackReader::kNoObject;
  }
  // The packed blobs' ids in number order, each index read once front to
  // back: in the walk's order they would map all of every index again.
  if (objects > 0) {
    const std::vector<uint32_t>& blob_of = out->trees.blob_of_number;
    packs().ForEachId([&](uint32_t n, const git_oid& id) {
      if (blob_of[n] != kNone) out->blobs[blob_of[n]] = id;
    });
  }
  if (packed) out->blob_objects = std::move(refs);
  if (!named.empty()) {
    for (size_t i = 0; i < out->blobs.size(); ++i) {
      auto it = std::lower_bound(named.begin(), named.end(), out->blobs[i],
                                 [](const NamedBlob& b, const git_oid& id) {
                                   return git_oid_cmp(&b.id, &id) < 0;
                                 });
      if (it == named.end() || !git_oid_equal(&it->id, &out->blobs[i])) {
        continue;
      }
      out->named_blobs.push_back(static_cast<uint32_t>(i));
      auto next = it + 1;
      bool several = next != named.end() && git_oid_equal(&next->id, &it->id);
      out->named_as.push_back(several ? std::string() : std::move(it->name));
    }
  }
  return Status::OK();
}

}  // namespace keyward::git

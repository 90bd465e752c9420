// Trees read from the packs (PackedTrees, SplitTree) against libgit2: the
// enumeration built from packed trees must equal the one built with
// git_tree_lookup, and SplitTree must accept exactly the trees libgit2 does.
#include "git/packed_trees.h"

#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "git/enumerate.h"
#include "git/pack_reader.h"
#include "git/repo.h"
#include "support/git_fixture.h"

namespace keyward::test {
namespace {

class PackedTreesTest : public GitFixture {
 protected:
  std::string ObjectsDir() { return dir_.path() + "/.git/objects"; }

  git::Enumeration Enumerate(bool packed, int threads) {
    git::Enumeration e;
    auto repo = git::OpenRepo(dir_.path());
    EXPECT_TRUE(repo.ok());
    if (!repo.ok()) return e;
    git::EnumerateOptions o;
    o.packed_trees = packed;
    o.threads = threads;
    Status s = git::Enumerate(
        repo->get(), o,
        [this](const std::string& w) { warnings_.push_back(w); }, &e);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return e;
  }

  static void ExpectSameEnumeration(const git::Enumeration& a,
                                    const git::Enumeration& b) {
    ASSERT_EQ(a.commits.size(), b.commits.size());
    for (size_t i = 0; i < a.commits.size(); ++i) {
      EXPECT_EQ(git::OidHex(a.commits[i].commit),
                git::OidHex(b.commits[i].commit));
      EXPECT_EQ(git::OidHex(a.commits[i].tree), git::OidHex(b.commits[i].tree));
    }
    ASSERT_EQ(a.blobs.size(), b.blobs.size());
    for (size_t i = 0; i < a.blobs.size(); ++i) {
      EXPECT_EQ(git::OidHex(a.blobs[i]), git::OidHex(b.blobs[i])) << i;
    }
    // The graphs number their nodes differently (the packed one by object
    // number, the other as met): the same trees from every commit's root,
    // node for node, with the same edges.
    const git::TreeGraph &ga = a.trees, &gb = b.trees;
    ASSERT_EQ(ga.roots.size(), a.commits.size());
    ASSERT_EQ(gb.roots.size(), b.commits.size());
    auto edges = [](std::vector<uint32_t> v) { return v; };
    std::map<uint32_t, uint32_t> a_to_b, b_to_a;
    std::vector<std::pair<uint32_t, uint32_t>> todo;
    for (size_t c = 0; c < ga.roots.size(); ++c) {
      todo.emplace_back(ga.roots[c], gb.roots[c]);
    }
    while (!todo.empty()) {
      auto [x, y] = todo.back();
      todo.pop_back();
      ASSERT_LT(x, ga.node_count());
      ASSERT_LT(y, gb.node_count());
      auto [at, fresh] = a_to_b.emplace(x, y);
      ASSERT_EQ(at->second, y) << x;
      ASSERT_EQ(b_to_a.emplace(y, x).first->second, x) << y;
      if (!fresh) continue;
      EXPECT_EQ(edges(ga.BlobEdges(x)), edges(gb.BlobEdges(y))) << x;
      std::vector<uint32_t> tx = edges(ga.TreeEdges(x)),
                            ty = edges(gb.TreeEdges(y));
      ASSERT_EQ(tx.size(), ty.size()) << x;
      for (size_t i = 0; i < tx.size(); ++i) todo.emplace_back(tx[i], ty[i]);
    }
    EXPECT_EQ(a_to_b.size(), b_to_a.size());
  }
  // Trees the walk reached, from every root.
  static size_t Reached(const git::TreeGraph& g) {
    std::set<uint32_t> seen;
    std::vector<uint32_t> todo(g.roots.begin(), g.roots.end());
    while (!todo.empty()) {
      uint32_t n = todo.back();
      todo.pop_back();
      if (!seen.insert(n).second) continue;
      for (uint32_t c : g.TreeEdges(n)) todo.push_back(c);
    }
    return seen.size();
  }

  // A history with nested directories edited a little in every commit (so
  // repack -f deltifies many tree versions), renames, deletions and a
  // submodule entry; one directory of 40 files and 4 subdirectories, one of
  // each edited in every commit (its versions are stored as patches).
  void BuildHistory(int from, int commits) {
    for (int c = from; c < from + commits; ++c) {
      for (int w = c == 0 ? 0 : c % 40; w < (c == 0 ? 40 : c % 40 + 1); ++w) {
        Write("wide/w" + std::to_string(w) + ".txt",
              "wide " + std::to_string(c) + "\n");
      }
      Write("wide/s" + std::to_string(c % 4) + "/x.txt",
            "sub " + std::to_string(c) + "\n");
      for (int d = 0; d < 4; ++d) {
        std::string dir = "src/m" + std::to_string(d) + "/deep/er/";
        for (int f = 0; f < 6; ++f) {
          Write(dir + "f" + std::to_string(f) + ".txt",
                "module " + std::to_string(d) + " file " + std::to_string(f) +
                    " version " + std::to_string(f == c % 6 ? c : 0) + "\n");
        }
      }
      Write("top" + std::to_string(c % 5) + ".txt",
            "edit " + std::to_string(c) + "\n");
      if (c % 7 == 3) {
        Git({"add", "-A"});
        Git({"mv", "src/m1/deep", "src/m1/moved" + std::to_string(c)});
      }
      if (c % 9 == 4) std::filesystem::remove_all(dir_.path() + "/src/m2");
      CommitAll("commit " + std::to_string(c));
    }
  }
  void AddSubmoduleEntry() {
    // A gitlink (mode 160000) to a commit this repository does not have.
    Git({"update-index", "--add", "--cacheinfo",
         "160000,1234567890123456789012345678901234567890,vendor/lib"});
    Git({"commit", "-q", "-m", "submodule"});
    ++day_;
  }
  size_t LooseObjects() {
    size_t n = 0;
    for (const auto& d : std::filesystem::directory_iterator(ObjectsDir())) {
      std::string name = d.path().filename().string();
      if (name.size() != 2 || name == "pa" || name == "in") continue;
      for (const auto& f : std::filesystem::directory_iterator(d.path())) {
        (void)f;
        ++n;
      }
    }
    return n;
  }
};

TEST_F(PackedTreesTest, GraphFromPacksEqualsGraphFromLibgit2) {
  Init();
  BuildHistory(0, 30);
  AddSubmoduleEntry();
  BuildHistory(30, 10);
  Git({"repack", "-adfq", "--window=50", "--depth=50"});
  size_t loose = LooseObjects();
  // Loose trees (and a second, smaller pack) on top of the big pack.
  BuildHistory(40, 4);
  Git({"repack", "-dq"});
  BuildHistory(44, 5);
  ASSERT_GT(LooseObjects(), loose + 10);

  auto packs = git::PackReader::Open(ObjectsDir());
  packs->PlanAll();
  auto packed = git::PackedTrees::Load(*packs, 2);
  EXPECT_GT(packed->tree_count(), 100u);
  auto repo = git::OpenRepo(dir_.path());
  ASSERT_TRUE(repo.ok());
  // TreeOf finds every packed tree by its object number (each its own
  // record), and nothing else; so does Get.
  std::set<uint32_t> records;
  packs->ForEachObjectType([&](uint32_t n, git::PackType type) {
    const git_oid& id = packs->object_id(n);
    uint32_t t = packed->TreeOf(n);
    if (type != git::PackType::kTree) {
      EXPECT_EQ(t, git::PackedTrees::kNoTree) << git::OidHex(id);
      return;
    }
    ASSERT_NE(t, git::PackedTrees::kNoTree) << git::OidHex(id);
    EXPECT_TRUE(records.insert(t).second);
    git::PackedTrees::Entries by_id, by_number;
    ASSERT_EQ(packed->Find(id, &by_id), git::PackedTrees::kFound);
    ASSERT_EQ(packed->Get(t, &by_number), git::PackedTrees::kFound);
    EXPECT_EQ(by_id.trees, by_number.trees);
    EXPECT_EQ(by_id.blobs, by_number.blobs);
    // The entries, whether the tree is stored whole or as a patch, are
    // libgit2's: subtrees then blobs, each in tree order.
    git_tree* raw = nullptr;
    ASSERT_EQ(git_tree_lookup(&raw, repo->get(), &id), 0);
    std::vector<uint32_t> want_trees, want_blobs;
    for (size_t i = 0; i < git_tree_entrycount(raw); ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(raw, i);
      git_object_t type = git_tree_entry_type(e);
      if (type != GIT_OBJECT_TREE && type != GIT_OBJECT_BLOB) continue;
      (type == GIT_OBJECT_TREE ? want_trees : want_blobs)
          .push_back(packed->Number(*git_tree_entry_id(e)));
    }
    git_tree_free(raw);
    EXPECT_EQ(by_id.trees, want_trees) << git::OidHex(id);
    EXPECT_EQ(by_id.blobs, want_blobs) << git::OidHex(id);
  });
  // The versions of wide/ are patches of a keyframe, holding fewer than
  // half as many numbers as they have entries; smaller trees are whole.
  const git::TreeStore& store = packed->store();
  EXPECT_EQ(store.keyframes() + store.patched(), packed->tree_count());
  EXPECT_GT(store.patched(), 20u);
  EXPECT_GT(store.keyframes(), store.patched());
  size_t patch_numbers = 0, patched_entries = 0;
  for (uint32_t t = 0; t < packed->tree_count(); ++t) {
    if (!git::TreeStore::Patched(store.record(t))) continue;
    git::PackedTrees::Entries e;
    ASSERT_EQ(packed->Get(t, &e), git::PackedTrees::kFound);
    patched_entries += e.trees.size() + e.blobs.size();
    patch_numbers += store.record(t).end - store.record(t).begin;
  }
  EXPECT_LT(patch_numbers * 2, patched_entries);
  EXPECT_EQ(records.size(), packed->tree_count());
  EXPECT_EQ(packed->TreeOf(static_cast<uint32_t>(packs->object_count())),
            git::PackedTrees::kNoTree);
  std::string big_idx;  // the repack -adf one
  for (const auto& e :
       std::filesystem::directory_iterator(ObjectsDir() + "/pack")) {
    if (e.path().extension() == ".idx" &&
        (big_idx.empty() || std::filesystem::file_size(e.path()) >
                                std::filesystem::file_size(big_idx))) {
      big_idx = e.path().string();
    }
  }
  std::string deltas = Git({"verify-pack", "-v", big_idx}).out;
  // Deltified trees: "<id> tree <size> <packed> <offset> <depth> <base>".
  size_t tree_deltas = 0;
  std::istringstream lines(deltas);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream f(line);
    std::vector<std::string> w;
    for (std::string s; f >> s;) w.push_back(s);
    tree_deltas += w.size() == 7 && w[1] == "tree";
  }
  EXPECT_GT(tree_deltas, 50u);

  git::Enumeration reference = Enumerate(false, 1);
  EXPECT_GT(Reached(reference.trees), 100u);
  // Without packs every tree is read through libgit2, each once.
  EXPECT_EQ(reference.trees.read.size(), Reached(reference.trees));
  EXPECT_EQ(reference.trees.packed.size(), 0u);
  EXPECT_GT(reference.blobs.size(), 100u);
  auto own_nodes = [](const git::Enumeration& e) {
    size_t own = 0;
    for (uint32_t i = 0; i < e.trees.node_count(); ++i) {
      own += e.trees.node(i).slice == git::TreeGraph::kOwnSlice;
    }
    return own;
  };
  for (int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    git::Enumeration e = Enumerate(true, threads);
    ExpectSameEnumeration(reference, e);
    // A packed tree's edges are its PackedTrees entries, taken over by the
    // graph (not copied): only the loose trees' edges are the graph's own.
    EXPECT_GT(own_nodes(e), 10u);
    EXPECT_LT(own_nodes(e), e.trees.node_count() / 2);
    // A packed tree's node is its record: one per packed tree, whether
    // reached or not; the loose trees are read.
    EXPECT_EQ(e.trees.packed.size(), packed->tree_count());
    EXPECT_GT(e.trees.read.size(), 10u);
    EXPECT_EQ(Reached(e.trees), Reached(reference.trees));
    EXPECT_GT(e.trees.packed.numbers(), 0u);
    // A few hundred objects: 3 bytes each.
    EXPECT_EQ(e.trees.packed.wide_numbers(), 0u);
  }
  {
    // Numbers past a (lowered) 3-byte limit: trees and patches naming them
    // are stored 4 bytes a number, the others 3. The graph is the same.
    git::ScopedNarrowMax low(60);
    git::Enumeration e = Enumerate(true, 2);
    ExpectSameEnumeration(reference, e);
    EXPECT_GT(e.trees.packed.wide_numbers(), 0u);
    EXPECT_LT(e.trees.packed.wide_numbers(), e.trees.packed.numbers());
  }
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(PackedTreesTest, CorruptPackedTreeIsNamedAndTheRestIsScanned) {
  Init();
  Write("a/good.txt", "t=" + FakeGithubToken(21) + "\n");
  Write("b/bad.txt", "t=" + FakeGithubToken(22) + "\n");
  CommitAll("two dirs");
  Git({"repack", "-adfq"});
  std::string bad = Rev("HEAD:b");
  std::string pack, idx;
  for (const auto& e :
       std::filesystem::directory_iterator(ObjectsDir() + "/pack")) {
    if (e.path().extension() == ".pack") pack = e.path().string();
    if (e.path().extension() == ".idx") idx = e.path().string();
  }
  ASSERT_FALSE(pack.empty());
  // "<id> <type> <size> <size in pack> <offset>"
  std::istringstream lines(Git({"verify-pack", "-v", idx}).out);
  uint64_t packed_size = 0, offset = 0;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream f(line);
    std::string id, type;
    uint64_t size = 0;
    if (f >> id >> type >> size >> packed_size >> offset && id == bad) break;
    packed_size = 0;
  }
  ASSERT_GT(packed_size, 8u);
  chmod(pack.c_str(), 0644);
  {
    std::fstream f(pack, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(offset + packed_size / 2));
    f.write("\xff\x00\xff\x00", 4);
  }

  ScanResult r = History();
  EXPECT_EQ(Secrets(r), (std::vector<std::string>{FakeGithubToken(21)}));
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("git tree " + bad), std::string::npos)
      << warnings_[0];
}

// SplitTree accepts exactly what libgit2's tree parser accepts, with the
// same child types: checked on literal (unvalidated) loose tree objects.
TEST_F(PackedTreesTest, SplitTreeAgreesWithLibgit2) {
  Init();
  const std::string id(20, '\x11');
  const std::vector<std::string> contents = {
      "",
      "100644 a.txt" + std::string(1, '\0') + id,
      "40000 dir" + std::string(1, '\0') + id + "100755 x" +
          std::string(1, '\0') + id,
      "160000 sub" + std::string(1, '\0') + id,
      "120000 link" + std::string(1, '\0') + id,
      "040000 old" + std::string(1, '\0') + id,
      "100664 odd" + std::string(1, '\0') + id,
      "1777777 wraps" + std::string(1, '\0') + id,
      " a" + std::string(1, '\0') + id,
      "100644  a" + std::string(1, '\0') + id,
      "10064x a" + std::string(1, '\0') + id,
      "100644 " + std::string(1, '\0') + id,
      "100644 noid" + std::string(1, '\0') + id.substr(0, 19),
      "100644 nonul",
      "100644",
      "+100644 plus" + std::string(1, '\0') + id,
      "-0 minus" + std::string(1, '\0') + id,
      "-1 negative" + std::string(1, '\0') + id,
      "0100644 zero" + std::string(1, '\0') + id,
      "177777 max" + std::string(1, '\0') + id,
      "200000 over" + std::string(1, '\0') + id,
      "1000000000000000000000000 huge" + std::string(1, '\0') + id,
      "\t100644 tab" + std::string(1, '\0') + id,
  };
  auto repo = git::OpenRepo(dir_.path());
  ASSERT_TRUE(repo.ok());
  int accepted = 0, rejected = 0;
  for (const std::string& content : contents) {
    SCOPED_TRACE(::testing::PrintToString(content));
    std::string hex =
        Git({"hash-object", "-t", "tree", "--literally", "-w", "--stdin"},
            content)
            .out.substr(0, 40);
    git_oid oid;
    ASSERT_EQ(git_oid_fromstr(&oid, hex.c_str()), 0);
    std::vector<const unsigned char*> ids, trees, blobs;
    std::vector<git::EntryAt> split;
    bool ours = git::SplitTree(
                    content, "", nullptr,
                    [&ids](const git::TreeEntry& e) {
                      ids.push_back(e.id);
                      return static_cast<uint32_t>(ids.size() - 1);
                    },
                    &split)
                    .ok();
    for (size_t i = 0; ours && i + 1 < split.size(); ++i) {
      if (split[i].kind == git::TreeEntry::kTree)
        trees.push_back(ids[split[i].id]);
      if (split[i].kind == git::TreeEntry::kBlob)
        blobs.push_back(ids[split[i].id]);
    }
    git_tree* raw = nullptr;
    bool theirs = git_tree_lookup(&raw, repo->get(), &oid) == 0;
    EXPECT_EQ(ours, theirs);
    if (!theirs) {
      ++rejected;
      continue;
    }
    ++accepted;
    git::Tree tree(raw);
    size_t t = 0, b = 0;
    for (size_t i = 0; i < git_tree_entrycount(raw); ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(raw, i);
      git_object_t type = git_tree_entry_type(e);
      if (type == GIT_OBJECT_TREE) {
        ASSERT_LT(t, trees.size());
        EXPECT_EQ(std::memcmp(trees[t++], git_tree_entry_id(e)->id, 20), 0);
      } else if (type == GIT_OBJECT_BLOB) {
        ASSERT_LT(b, blobs.size());
        EXPECT_EQ(std::memcmp(blobs[b++], git_tree_entry_id(e)->id, 20), 0);
      }
    }
    EXPECT_EQ(t, trees.size());
    EXPECT_EQ(b, blobs.size());
  }
  EXPECT_GT(accepted, 4);
  EXPECT_GT(rejected, 4);
}

}  // namespace
}  // namespace keyward::test

// Object numbers (PackReader::FindObject): a full-history scan names every
// packed object by its place in the pack indexes instead of holding tables
// of ids. Checked against git's own listing, with the same objects in several
// packs and loose objects.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "git/blob_scan.h"
#include "git/enumerate.h"
#include "git/id_keys.h"
#include "git/pack_reader.h"
#include "git/repo.h"
#include "support/git_fixture.h"

namespace keyward::test {
namespace {

using git::PackReader;

class ObjectNumbersTest : public GitFixture {
 protected:
  std::string ObjectsDir() { return dir_.path() + "/.git/objects"; }

  void Edit(int from, int commits) {
    for (int c = from; c < from + commits; ++c) {
      for (int f = 0; f < 3; ++f) {
        std::ostringstream text;
        for (int line = 0; line < 60; ++line) {
          text << "file " << f << " line " << line << " version "
               << (line % 7 == c % 7 ? c : line / 7) << "\n";
        }
        Write("d" + std::to_string(f) + "/f.txt", text.str());
      }
      Write("new" + std::to_string(c) + ".txt", "added " + std::to_string(c));
      CommitAll("edit " + std::to_string(c));
    }
  }

  // Ids in any pack (`git show-index` of every index), and how many entries
  // the indexes have together.
  std::set<std::string> PackedIds(size_t* entries) {
    std::set<std::string> ids;
    *entries = 0;
    for (const auto& e :
         std::filesystem::directory_iterator(ObjectsDir() + "/pack")) {
      if (e.path().extension() != ".idx") continue;
      std::ifstream idx(e.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(idx)), {});
      std::istringstream lines(Git({"show-index"}, bytes).out);
      std::string offset, id;
      while (lines >> offset >> id) {
        ids.insert(id);
        ++*entries;
        lines.ignore(1 << 10, '\n');  // the CRC-32 column
      }
    }
    return ids;
  }

  std::vector<std::string> AllIds() {
    std::istringstream in(
        Git({"cat-file", "--batch-all-objects", "--batch-check=%(objectname)"})
            .out);
    std::vector<std::string> ids;
    for (std::string id; in >> id;) ids.push_back(id);
    return ids;
  }
};

TEST_F(ObjectNumbersTest, EveryPackedObjectHasOneNumberAndLooseOnesNone) {
  Init();
  Edit(0, 12);
  Git({"repack", "-adq"});
  Edit(12, 4);
  Git({"repack", "-q"});  // the new objects only
  Edit(16, 4);
  Git({"repack", "-aq"});  // everything again, the old packs kept
  Edit(20, 3);             // loose objects
  size_t entries = 0;
  std::set<std::string> packed = PackedIds(&entries);
  std::vector<std::string> all = AllIds();
  ASSERT_GT(all.size(), packed.size());  // some are loose only
  ASSERT_GT(entries, packed.size());     // some are in several packs

  auto reader = PackReader::Open(ObjectsDir());
  ASSERT_EQ(reader->pack_count(), 3u);
  reader->PlanAll();
  EXPECT_EQ(reader->object_count(), entries);
  EXPECT_EQ(reader->wanted_count(), entries);
  std::set<uint32_t> numbers;
  // IdKeys (the tree loading's lookups) gives every id the same number, the
  // loose ones none; so does it for ids nothing holds.
  git::IdKeys keys(*reader);
  for (const std::string& hex : all) {
    git_oid id;
    ASSERT_EQ(git_oid_fromstr(&id, hex.c_str()), 0);
    uint32_t n = reader->FindObject(id);
    EXPECT_EQ(keys.Find(id.id), n) << hex;
    git_oid absent = id;
    absent.id[0] ^= 0x5a;  // another first byte, another bucket
    absent.id[19] ^= 1;
    if (packed.count(git::OidHex(absent)) == 0) {
      EXPECT_EQ(keys.Find(absent.id), PackReader::kNoObject) << hex;
    }
    if (packed.count(hex) == 0) {
      EXPECT_EQ(n, PackReader::kNoObject) << hex;
      continue;
    }
    ASSERT_LT(n, reader->object_count()) << hex;
    EXPECT_EQ(git::OidHex(reader->object_id(n)), hex);
    EXPECT_TRUE(numbers.insert(n).second) << hex;  // one number per id
  }
  EXPECT_EQ(numbers.size(), packed.size());
  // Every packed object's type, once (PlanAll plans each id once).
  std::multiset<std::string> typed;
  reader->ForEachObjectType([&](uint32_t n, git::PackType) {
    const git_oid& id = reader->object_id(n);
    EXPECT_EQ(reader->FindObject(id), n) << git::OidHex(id);
    typed.insert(git::OidHex(id));
  });
  EXPECT_EQ(typed.size(), packed.size());
  EXPECT_EQ(std::set<std::string>(typed.begin(), typed.end()), packed);

  // The enumeration's blob numbers are those numbers (kNoObject for the
  // loose blobs), and its blobs are those libgit2 alone lists.
  auto repo = git::OpenRepo(dir_.path());
  ASSERT_TRUE(repo.ok());
  auto warn = [this](const std::string& w) { warnings_.push_back(w); };
  git::Enumeration fast, reference;
  bool released = false;
  git::EnumerateOptions o;
  o.threads = 2;
  o.before_blob_ids = [&] { released = true; };
  // Blobs named f.txt (every version of d0/f.txt .. d2/f.txt) or new1*.
  o.named = [](std::string_view name) {
    return name == "f.txt" || name.starts_with("new1");
  };
  ASSERT_TRUE(git::Enumerate(repo->get(), o, warn, &fast).ok());
  EXPECT_TRUE(released);
  o.packed_trees = false;
  ASSERT_TRUE(git::Enumerate(repo->get(), o, warn, &reference).ok());
  ASSERT_EQ(fast.blobs.size(), reference.blobs.size());
  ASSERT_EQ(fast.blob_objects.size(), fast.blobs.size());
  EXPECT_TRUE(reference.blob_objects.empty());
  size_t loose = 0;
  for (size_t i = 0; i < fast.blobs.size(); ++i) {
    EXPECT_EQ(git::OidHex(fast.blobs[i]), git::OidHex(reference.blobs[i]));
    EXPECT_EQ(fast.blob_objects[i], reader->FindObject(fast.blobs[i])) << i;
    loose += fast.blob_objects[i] == PackReader::kNoObject;
  }
  EXPECT_GE(loose, 3u);  // new20.txt .. new22.txt
  EXPECT_TRUE(warnings_.empty());
  // The named blobs: from packed trees (most of them deltas, whose entries
  // are copied from their bases) as from libgit2's, as git lists them.
  EXPECT_EQ(fast.named_blobs, reference.named_blobs);
  std::set<std::string> want_named;
  std::istringstream listed(Git({"rev-list", "--all", "--objects"}).out);
  for (std::string line; std::getline(listed, line);) {
    size_t sp = line.find(' ');
    if (sp == std::string::npos) continue;
    std::string path = line.substr(sp + 1);
    std::string name = path.substr(path.rfind('/') + 1);
    if (name == "f.txt" || name.starts_with("new1")) {
      want_named.insert(line.substr(0, sp));
    }
  }
  std::set<std::string> got_named;
  for (uint32_t i : fast.named_blobs) {
    got_named.insert(git::OidHex(fast.blobs[i]));
  }
  EXPECT_EQ(got_named, want_named);
  EXPECT_EQ(want_named.size(), 3u * 23 + 11);  // f.txt versions, new1*

  // The blob pass's slots: from the numbers, or looked up, the same.
  git::PackedBlobScan pass;
  pass.outcomes.assign(reader->wanted_count(), {});
  for (uint32_t n : numbers)
    pass.outcomes[n].kind = git::PackedBlobScan::kScanned;
  git::PackedBlobScan looked_up = pass;
  std::vector<uint32_t> objects = fast.blob_objects;
  git::MatchPackedBlobs(*reader, fast.blobs, &objects, &pass);
  git::MatchPackedBlobs(*reader, fast.blobs, nullptr, &looked_up);
  EXPECT_EQ(pass.slot_of_blob, looked_up.slot_of_blob);
  EXPECT_EQ(pass.slot_of_blob, fast.blob_objects);
  // The plan can go; ids and numbers stay.
  reader->ReleasePlan();
  EXPECT_EQ(reader->tree_count(git::PackType::kBlob), 0u);
  EXPECT_EQ(git::OidHex(reader->object_id(*numbers.begin())).size(), 40u);
}

// The indexes are mapped, not copied: a repack that deletes the packs and
// their indexes (as `git gc` does) while the reader is open leaves what it
// mapped readable, and ids keep their numbers.
// A packed blob's outcome is 4 bytes; a size that does not fit its 29 bits
// is kept aside, so the scan's byte count is still exact.
TEST(PackedBlobScanTest, SizesBeyondTheOutcomeBitsAreKeptAside) {
  git::PackedBlobScan pass;
  pass.outcomes.assign(3, {});
  const uint32_t fits = git::PackedBlobScan::kLargeBytes - 1;
  pass.outcomes[0] = {git::PackedBlobScan::kScanned, fits};
  pass.outcomes[1] = {git::PackedBlobScan::kScanned,
                      git::PackedBlobScan::kLargeBytes};
  pass.large_bytes[1] = uint64_t{5} << 32;
  EXPECT_EQ(pass.Bytes(0), fits);
  EXPECT_EQ(pass.Bytes(1), uint64_t{5} << 32);
  EXPECT_EQ(pass.Bytes(2), 0u);
  EXPECT_EQ(pass.outcomes[1].kind, git::PackedBlobScan::kScanned);
}

TEST_F(ObjectNumbersTest, MappedIndexesOutliveARepackThatDeletesThem) {
  Init();
  Edit(0, 6);
  Git({"repack", "-adq"});
  Edit(6, 3);
  Git({"repack", "-q"});
  size_t entries = 0;
  std::set<std::string> packed = PackedIds(&entries);
  auto reader = PackReader::Open(ObjectsDir());
  ASSERT_EQ(reader->pack_count(), 2u);
  reader->PlanAll();
  std::set<std::filesystem::path> before;
  for (const auto& e :
       std::filesystem::directory_iterator(ObjectsDir() + "/pack")) {
    before.insert(e.path());
  }
  Git({"repack", "-adfq", "--depth=5"});  // new packs; the old ones deleted
  for (const auto& path : before) EXPECT_FALSE(std::filesystem::exists(path));

  std::set<uint32_t> numbers;
  for (const std::string& hex : packed) {
    git_oid id;
    ASSERT_EQ(git_oid_fromstr(&id, hex.c_str()), 0);
    uint32_t n = reader->FindObject(id);
    ASSERT_LT(n, reader->object_count()) << hex;
    EXPECT_EQ(git::OidHex(reader->object_id(n)), hex);
    numbers.insert(n);
  }
  EXPECT_EQ(numbers.size(), packed.size());
  git_oid absent;
  ASSERT_EQ(git_oid_fromstr(&absent, std::string(40, 'e').c_str()), 0);
  EXPECT_EQ(reader->FindObject(absent), PackReader::kNoObject);
  // Every planned blob still decodes from the deleted packs.
  git::PackDecoder decoder(*reader);
  size_t blobs = 0;
  std::vector<size_t> failed, mismatched;
  for (size_t t = 0; t < reader->tree_count(git::PackType::kBlob); ++t) {
    decoder.DecodeTree(
        git::PackType::kBlob, t,
        [&](size_t, std::string_view content) { blobs += !content.empty(); },
        &failed, &mismatched);
  }
  EXPECT_GT(blobs, 20u);
  EXPECT_TRUE(failed.empty());
  EXPECT_TRUE(mismatched.empty());
}

}  // namespace
}  // namespace keyward::test

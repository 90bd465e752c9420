// PackReader against real repositories built with the git CLI: every blob it
// decodes must be byte-identical to what libgit2's git_odb_read returns, and
// whatever it cannot decode must be handed back, not lost.
#include "git/pack_reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "git/pack_format.h"
#include "git/repo.h"
#include "support/git_fixture.h"

namespace keyward::test {
namespace {

using git::PackDecoder;
using git::PackReader;
using git::PackType;

// One entry of a pack as the test sees it (independent of PackReader).
struct PackEntry {
  std::string id;
  uint64_t offset;
  uint64_t end;  // next entry's offset, or the trailer
  git::EntryHeader header;
};

class PackReaderTest : public GitFixture {
 protected:
  std::string ObjectsDir() { return dir_.path() + "/.git/objects"; }

  // Several files, each edited a little in every commit, so that repack
  // finds long delta chains. `from` keeps contents distinct across calls.
  void EditHistory(int from, int commits) {
    for (int c = from; c < from + commits; ++c) {
      for (int f = 0; f < 3; ++f) {
        std::ostringstream text;
        for (int line = 0; line < 120; ++line) {
          int version = line % 10 == c % 10 ? c : line / 10;
          text << "file " << f << " line " << line << " version " << version
               << " lorem ipsum dolor sit amet\n";
        }
        Write("dir" + std::to_string(f) + "/file.txt", text.str());
      }
      CommitAll("edit " + std::to_string(c));
    }
  }

  std::vector<std::string> BlobHexIds() {
    std::string out = Git({"cat-file", "--batch-all-objects",
                           "--batch-check=%(objectname) %(objecttype)"})
                          .out;
    std::vector<std::string> ids;
    std::istringstream in(out);
    std::string id, type;
    while (in >> id >> type) {
      if (type == "blob") ids.push_back(id);
    }
    return ids;
  }
  std::vector<git_oid> BlobIds() {
    std::vector<git_oid> ids;
    for (const std::string& hex : BlobHexIds()) {
      git_oid oid;
      EXPECT_EQ(git_oid_fromstr(&oid, hex.c_str()), 0);
      ids.push_back(oid);
    }
    return ids;
  }

  std::vector<std::string> PackPaths() {
    std::vector<std::string> packs;
    for (const auto& e :
         std::filesystem::directory_iterator(ObjectsDir() + "/pack")) {
      if (e.path().extension() == ".pack") packs.push_back(e.path().string());
    }
    std::sort(packs.begin(), packs.end());
    return packs;
  }

  // Every entry of one pack, parsed with the format functions alone.
  std::vector<PackEntry> Entries(const std::string& pack_path) {
    std::string idx_path = pack_path.substr(0, pack_path.size() - 5) + ".idx";
    std::string idx = ReadFile(idx_path);
    std::string pack = ReadFile(pack_path);
    auto index = git::PackIndex::Parse(idx);
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    std::vector<PackEntry> entries;
    if (!index.ok()) return entries;
    for (uint32_t pos = 0; pos < index->count(); ++pos) {
      PackEntry e;
      git_oid oid;
      git_oid_fromraw(&oid, index->id(pos));
      e.id = git::OidHex(oid);
      e.offset = static_cast<uint64_t>(index->offset(pos));
      Status s = git::ParseEntryHeader(pack, e.offset, &e.header);
      EXPECT_TRUE(s.ok()) << s.ToString();
      entries.push_back(e);
    }
    std::sort(entries.begin(), entries.end(),
              [](const PackEntry& a, const PackEntry& b) {
                return a.offset < b.offset;
              });
    for (size_t i = 0; i < entries.size(); ++i) {
      entries[i].end = i + 1 < entries.size() ? entries[i + 1].offset
                                              : pack.size() - git::kSha1Size;
    }
    return entries;
  }
  int CountType(PackType type) {
    int n = 0;
    for (const std::string& p : PackPaths()) {
      for (const PackEntry& e : Entries(p)) n += e.header.type == type;
    }
    return n;
  }

  struct Decoded {
    std::map<size_t, std::string> blobs;  // wanted index -> content
    std::vector<size_t> fallback, failed;
    size_t packs = 0, trees = 0;
  };
  Decoded DecodeAll(const std::vector<git_oid>& ids) {
    Decoded d;
    auto reader = PackReader::Open(ObjectsDir());
    d.packs = reader->pack_count();
    reader->Plan(ids, &d.fallback);
    d.trees = reader->tree_count(PackType::kBlob);
    PackDecoder decoder(*reader);
    for (size_t t = 0; t < reader->tree_count(PackType::kBlob); ++t) {
      decoder.DecodeTree(
          PackType::kBlob, t,
          [&](size_t i, std::string_view content) {
            EXPECT_TRUE(d.blobs.emplace(i, std::string(content)).second)
                << "blob " << i << " visited twice";
          },
          &d.failed, &d.failed);  // either way: not delivered
    }
    return d;
  }

  // Every packed blob (PlanAll: every entry is found through the index and
  // checked by its CRC-32), by hex id.
  std::map<std::string, std::string> DecodeEveryPackedBlob() {
    std::map<std::string, std::string> out;
    auto reader = PackReader::Open(ObjectsDir());
    reader->PlanAll();
    PackDecoder decoder(*reader);
    std::vector<size_t> failed;
    for (size_t t = 0; t < reader->tree_count(PackType::kBlob); ++t) {
      decoder.DecodeTree(
          PackType::kBlob, t,
          [&](size_t i, std::string_view content) {
            out.emplace(git::OidHex(reader->wanted_id(i)),
                        std::string(content));
          },
          &failed, &failed);
    }
    return out;
  }

  std::string OdbRead(const git_oid& id) {
    auto repo = git::OpenRepoAt(dir_.path() + "/.git");
    EXPECT_TRUE(repo.ok());
    git_odb* odb = nullptr;
    EXPECT_EQ(git_repository_odb(&odb, repo->get()), 0);
    git::Odb odb_holder(odb);
    git_odb_object* obj = nullptr;
    EXPECT_EQ(git_odb_read(&obj, odb, &id), 0) << git::LastError();
    if (obj == nullptr) return "<unreadable>";
    git::OdbObject holder(obj);
    return std::string(static_cast<const char*>(git_odb_object_data(obj)),
                       git_odb_object_size(obj));
  }

  // Every id is decoded by the pack reader or handed back, exactly once;
  // decoded contents equal libgit2's. Returns how many were decoded.
  size_t ExpectSameAsOdb(const std::vector<git_oid>& ids, const Decoded& d) {
    std::set<size_t> seen;
    for (const auto& [i, content] : d.blobs) {
      EXPECT_TRUE(seen.insert(i).second);
      EXPECT_EQ(content, OdbRead(ids[i])) << git::OidHex(ids[i]);
    }
    for (size_t i : d.fallback) EXPECT_TRUE(seen.insert(i).second) << i;
    EXPECT_TRUE(d.failed.empty());
    EXPECT_EQ(seen.size(), ids.size());
    return d.blobs.size();
  }
};

// The same objects in several packs (`repack -a` without -d keeps the old
// pack; a clone's big pack sorts anywhere among fetched ones): PlanAll
// delivers each id once, with libgit2's content, whatever the pack order.
TEST_F(PackReaderTest, ObjectsInSeveralPacksAreDeliveredOnce) {
  Init();
  EditHistory(0, 20);
  Git({"repack", "-adq"});
  EditHistory(20, 5);
  Git({"repack", "-q"});  // the new objects only
  EditHistory(25, 5);
  Git({"repack", "-aq"});  // everything again, the old packs kept
  ASSERT_EQ(PackPaths().size(), 3u);

  auto reader = PackReader::Open(ObjectsDir());
  reader->PlanAll();
  PackDecoder decoder(*reader);
  std::map<std::string, int> deliveries;
  std::vector<size_t> failed;
  for (PackType type : {PackType::kBlob, PackType::kTree}) {
    for (size_t t = 0; t < reader->tree_count(type); ++t) {
      decoder.DecodeTree(
          type, t,
          [&](size_t i, std::string_view content) {
            std::string id = git::OidHex(reader->wanted_id(i));
            ++deliveries[id];
            EXPECT_EQ(content, OdbRead(reader->wanted_id(i))) << id;
          },
          &failed, &failed);
    }
  }
  EXPECT_TRUE(failed.empty());
  std::vector<git_oid> blobs = BlobIds();
  ASSERT_GT(blobs.size(), 20u);
  for (const git_oid& b : blobs) {
    EXPECT_EQ(deliveries[git::OidHex(b)], 1) << git::OidHex(b);
  }
  for (const auto& [id, n] : deliveries) EXPECT_EQ(n, 1) << id;
}

TEST_F(PackReaderTest, DeltaChainsTwoPacksAndLooseObjectsMatchLibgit2) {
  Init();
  EditHistory(0, 40);
  Git({"repack", "-adfq", "--depth=50", "--window=50"});
  EditHistory(40, 10);
  Git({"repack", "-dq"});  // a second pack with the new objects only
  EditHistory(50, 3);      // and some loose objects
  ASSERT_EQ(PackPaths().size(), 2u);
  ASSERT_GT(CountType(PackType::kOfsDelta), 50);

  std::vector<git_oid> ids = BlobIds();
  Decoded d = DecodeAll(ids);
  EXPECT_EQ(d.packs, 2u);
  EXPECT_GT(d.trees, 0u);
  EXPECT_GT(ExpectSameAsOdb(ids, d), ids.size() / 2);
  // The loose blobs are left to libgit2.
  EXPECT_GE(d.fallback.size(), 3u);
}

// PlanAll(kTree): every packed tree delivered once, byte-identical to
// libgit2's read; loose trees and blobs are not delivered. (Deltified trees:
// PackedTreesTest.GraphFromPacksEqualsGraphFromLibgit2.)
TEST_F(PackReaderTest, PlanAllTreesDeliversEveryPackedTreeOnce) {
  Init();
  EditHistory(0, 30);
  Git({"repack", "-adfq", "--depth=50", "--window=50"});
  EditHistory(30, 3);  // loose trees
  std::set<std::string> packed_trees;
  for (const std::string& p : PackPaths()) {
    for (const PackEntry& e : Entries(p)) {
      std::string type = Git({"cat-file", "-t", e.id}).out;
      if (type == "tree\n") packed_trees.insert(e.id);
    }
  }
  ASSERT_GT(packed_trees.size(), 30u);

  auto reader = PackReader::Open(ObjectsDir());
  reader->PlanAll();
  PackDecoder decoder(*reader);
  std::map<std::string, std::string> got;
  std::vector<size_t> failed;
  for (size_t t = 0; t < reader->tree_count(PackType::kTree); ++t) {
    decoder.DecodeTree(
        PackType::kTree, t,
        [&](size_t i, std::string_view content) {
          std::string id = git::OidHex(reader->wanted_id(i));
          EXPECT_TRUE(got.emplace(id, std::string(content)).second) << id;
        },
        &failed, &failed);
  }
  EXPECT_TRUE(failed.empty());
  std::set<std::string> delivered;
  for (const auto& [id, content] : got) {
    delivered.insert(id);
    git_oid oid;
    ASSERT_EQ(git_oid_fromstr(&oid, id.c_str()), 0);
    EXPECT_EQ(content, OdbRead(oid)) << id;
  }
  EXPECT_EQ(delivered, packed_trees);
}

TEST_F(PackReaderTest, RefDeltasMatchLibgit2) {
  Init();
  EditHistory(0, 30);
  Git({"-c", "repack.useDeltaBaseOffset=false", "repack", "-adfq",
       "--depth=50"});
  ASSERT_GT(CountType(PackType::kRefDelta), 20);
  ASSERT_EQ(CountType(PackType::kOfsDelta), 0);

  std::vector<git_oid> ids = BlobIds();
  Decoded d = DecodeAll(ids);
  EXPECT_EQ(ExpectSameAsOdb(ids, d), ids.size());
}

TEST_F(PackReaderTest, DuplicateAndUnknownIdsAreHandedBack) {
  Init();
  EditHistory(0, 5);
  Git({"repack", "-adfq"});
  std::vector<git_oid> ids = BlobIds();
  ids.push_back(ids[0]);
  git_oid missing;
  ASSERT_EQ(
      git_oid_fromstr(&missing, "0123456789abcdef0123456789abcdef01234567"), 0);
  ids.push_back(missing);
  Decoded d = DecodeAll(ids);
  EXPECT_EQ(d.fallback, (std::vector<size_t>{ids.size() - 2, ids.size() - 1}));
  EXPECT_EQ(d.blobs.size(), ids.size() - 2);
}

TEST_F(PackReaderTest, OnlyWantedBlobsAreVisited) {
  Init();
  EditHistory(0, 20);
  Git({"repack", "-adfq", "--depth=50"});
  std::vector<git_oid> all = BlobIds();
  std::vector<git_oid> some;
  for (size_t i = 0; i < all.size(); i += 7) some.push_back(all[i]);
  Decoded d = DecodeAll(some);
  EXPECT_EQ(ExpectSameAsOdb(some, d), some.size());
}

// A delta entry whose zlib data is damaged after packing: the scan names the
// object in a warning, counts it unreadable and still finds everything else.
TEST_F(PackReaderTest, CorruptDeltaEntryIsNamedAndTheRestIsScanned) {
  Init();
  const std::string token = FakeGithubToken(41);
  Write("keys/app.env", "GITHUB_TOKEN=" + token + "\n");
  EditHistory(0, 20);
  Git({"repack", "-adfq", "--depth=50"});
  std::vector<std::string> packs = PackPaths();
  ASSERT_EQ(packs.size(), 1u);
  std::vector<std::string> blob_ids = BlobHexIds();
  std::set<std::string> blobs(blob_ids.begin(), blob_ids.end());

  // The first blob delta with enough data to damage its middle.
  const PackEntry* victim = nullptr;
  std::vector<PackEntry> entries = Entries(packs[0]);
  for (const PackEntry& e : entries) {
    if (e.header.type == PackType::kOfsDelta && blobs.count(e.id) &&
        e.end - e.header.data >= 16) {
      victim = &e;
      break;
    }
  }
  ASSERT_NE(victim, nullptr);
  chmod(packs[0].c_str(), 0644);
  {
    std::fstream f(packs[0], std::ios::in | std::ios::out | std::ios::binary);
    uint64_t at = victim->header.data + (victim->end - victim->header.data) / 2;
    f.seekp(static_cast<std::streamoff>(at));
    f.write("\xde\xad\xbe\xef", 4);
  }

  ScanResult r = History();
  EXPECT_EQ(Secrets(r), (std::vector<std::string>{token}));
  EXPECT_GE(r.stats.unreadable, 1u);
  EXPECT_EQ(r.stats.files + r.stats.unreadable, blobs.size());
  ASSERT_FALSE(warnings_.empty());
  bool named = false;
  for (const std::string& w : warnings_) {
    named = named || w.find(victim->id) != std::string::npos;
  }
  EXPECT_TRUE(named) << "no warning names " << victim->id;
}

// An index that points a blob's id at another blob's entry: the content
// decodes fine but the entry does not have the CRC-32 the index records for
// the id. Both ids are warned about as
// unreadable (libgit2, which no longer re-hashes what it reads, would scan
// the wrong bytes) and the rest is scanned.
TEST_F(PackReaderTest, EntryNotMatchingItsIndexChecksumIsNamed) {
  Init();
  const std::string token = FakeGithubToken(42);
  Write("a.txt", "first file\n");
  Write("b.txt", "other file\n");
  Write("c.txt", "t=" + token + "\n");
  CommitAll("three files");
  Git({"repack", "-adfq"});
  std::string a = Rev("HEAD:a.txt"), b = Rev("HEAD:b.txt");
  std::vector<std::string> packs = PackPaths();
  ASSERT_EQ(packs.size(), 1u);
  std::string idx_path = packs[0].substr(0, packs[0].size() - 5) + ".idx";
  std::string idx = ReadFile(idx_path);
  auto index = git::PackIndex::Parse(idx);
  ASSERT_TRUE(index.ok());
  git_oid oa, ob;
  ASSERT_EQ(git_oid_fromstr(&oa, a.c_str()), 0);
  ASSERT_EQ(git_oid_fromstr(&ob, b.c_str()), 0);
  int64_t pa = index->Find(oa.id), pb = index->Find(ob.id);
  ASSERT_GE(pa, 0);
  ASSERT_GE(pb, 0);
  size_t table = 8 + 1024 + size_t{index->count()} * 24;
  for (int k = 0; k < 4; ++k) {
    std::swap(idx[table + pa * 4 + k], idx[table + pb * 4 + k]);
  }
  chmod(idx_path.c_str(), 0644);
  std::ofstream(idx_path, std::ios::binary | std::ios::trunc) << idx;

  ScanResult r = History();
  EXPECT_EQ(Secrets(r), (std::vector<std::string>{token}));
  EXPECT_EQ(r.stats.unreadable, 2u);
  std::string all;
  for (const std::string& w : warnings_) all += w + "\n";
  EXPECT_NE(all.find(a), std::string::npos) << all;
  EXPECT_NE(all.find(b), std::string::npos) << all;
}

// Damage one byte at a time anywhere in a pack: the reader never crashes or
// hangs, and what it does deliver is exactly the original content (the rest
// is handed back for libgit2 to report), whether it plans the wanted ids
// (OFS bases found by offset, checked by zlib) or every entry (each checked
// by its index CRC-32 and zlib's sum left out).
TEST_F(PackReaderTest, RandomByteDamageNeverYieldsWrongContent) {
  Init();
  EditHistory(0, 12);
  Git({"-c", "repack.useDeltaBaseOffset=false", "repack", "-adfq",
       "--depth=50"});
  EditHistory(12, 6);
  Git({"repack", "-dq"});  // one REF_DELTA pack, one OFS_DELTA pack
  std::vector<git_oid> ids = BlobIds();
  std::map<size_t, std::string> original = DecodeAll(ids).blobs;
  ASSERT_EQ(original.size(), ids.size());
  std::map<std::string, std::string> by_id;
  for (const auto& [i, content] : original)
    by_id[git::OidHex(ids[i])] = content;
  ASSERT_EQ(DecodeEveryPackedBlob(), by_id);

  std::mt19937 rng(7);
  int handed_back = 0;
  for (const std::string& pack : PackPaths()) {
    chmod(pack.c_str(), 0644);
    std::string bytes = ReadFile(pack);
    std::uniform_int_distribution<size_t> where(12, bytes.size() - 21);
    for (int round = 0; round < 150; ++round) {
      size_t at = where(rng);
      char flip = static_cast<char>(1 + rng() % 255);
      std::string damaged = bytes;
      damaged[at] ^= flip;
      std::ofstream(pack, std::ios::binary | std::ios::trunc) << damaged;
      Decoded d = DecodeAll(ids);
      for (const auto& [i, content] : d.blobs) {
        ASSERT_EQ(content, original[i]) << "byte " << at << " of " << pack;
      }
      EXPECT_EQ(d.blobs.size() + d.fallback.size() + d.failed.size(),
                ids.size());
      for (const auto& [id, content] : DecodeEveryPackedBlob()) {
        ASSERT_EQ(content, by_id[id]) << "byte " << at << " of " << pack;
      }
      handed_back += ids.size() - d.blobs.size();
    }
    std::ofstream(pack, std::ios::binary | std::ios::trunc) << bytes;
  }
  EXPECT_GT(handed_back, 0);
}

// Scanning through the pack reader finds the same as before: secrets in
// old versions that only exist as deltas.
TEST_F(PackReaderTest, SecretsInDeltifiedVersionsAreFound) {
  Init();
  std::vector<std::string> tokens;
  for (int c = 0; c < 6; ++c) {
    EditHistory(c * 5, 5);
    tokens.push_back(FakeGithubToken(50 + c));
    Write("dir0/file.txt", ReadFile(dir_.path() + "/dir0/file.txt") +
                               "token=" + tokens.back() + "\n");
    CommitAll("leak " + std::to_string(c));
  }
  Git({"repack", "-adfq", "--depth=50"});
  ASSERT_GT(CountType(PackType::kOfsDelta), 20);
  ScanResult r = History();
  std::vector<std::string> found = Secrets(r);
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  std::sort(tokens.begin(), tokens.end());
  EXPECT_EQ(found, tokens);
  EXPECT_TRUE(warnings_.empty());
  EXPECT_EQ(r.stats.unreadable, 0u);
}

}  // namespace
}  // namespace keyward::test

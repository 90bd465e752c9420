// The pack reader on the layouts real repositories have (a fresh pack, an
// aggressive repack with long delta chains, several packs, loose objects):
// every blob is delivered once with libgit2's content whatever the memory
// budget for bases, and a history scan finds the same on every layout.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <sstream>
#include <tuple>

#include "git/pack_reader.h"
#include "git/repo.h"
#include "support/git_fixture.h"

namespace keyward::test {
namespace {

using git::PackDecoder;
using git::PackReader;
using git::PackType;

class PackLayoutsTest : public GitFixture {
 protected:
  std::string ObjectsDir() { return dir_.path() + "/.git/objects"; }

  // `files` files edited a little in every commit (long delta chains after
  // an aggressive repack); file f has `lines * (f + 1)` lines, so the files
  // differ in size. A token is added to file 0 every 7th commit. Versions
  // are numbered from `from` (another call makes other contents).
  std::vector<std::string> EditHistory(int commits, int files, int lines,
                                       int from = 0) {
    std::vector<std::string> tokens;
    for (int c = from; c < from + commits; ++c) {
      for (int f = 0; f < files; ++f) {
        std::ostringstream text;
        for (int line = 0; line < lines * (f + 1); ++line) {
          int version = line % 9 == c % 9 ? c : line / 9;
          // Words of each file its own (no deltas across files).
          uint64_t x = (f + 1) * 1000003u + line * 7919u + version;
          for (int w = 0; w < 6; ++w) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            text << std::hex << (x >> 40) << ' ';
          }
          text << std::dec << "\n";
        }
        if (f == 0) {
          for (const std::string& t : tokens) text << "token=" << t << "\n";
          if (c % 7 == 3) {
            tokens.push_back(FakeGithubToken(300 + c));
            text << "token=" << tokens.back() << "\n";
          }
        }
        Write("dir" + std::to_string(f) + "/file.txt", text.str());
      }
      CommitAll("edit " + std::to_string(c));
    }
    return tokens;
  }

  // Every packed blob by hex id, decoded with `budget` bytes of held bases.
  // Each blob must be delivered once. `*evicted`: bases dropped for it.
  std::map<std::string, std::string> DecodeAll(size_t budget,
                                               uint64_t* evicted = nullptr,
                                               uint64_t* rebuilt = nullptr) {
    std::map<std::string, std::string> out;
    auto reader = PackReader::Open(ObjectsDir());
    reader->PlanAll();
    PackDecoder decoder(*reader, budget);
    std::vector<size_t> failed, mismatched;
    for (size_t t = 0; t < reader->tree_count(PackType::kBlob); ++t) {
      decoder.DecodeTree(
          PackType::kBlob, t,
          [&](size_t i, std::string_view content) {
            std::string id = git::OidHex(reader->wanted_id(i));
            EXPECT_TRUE(out.emplace(id, std::string(content)).second)
                << "blob " << id << " delivered twice";
          },
          &failed, &mismatched);
    }
    EXPECT_TRUE(failed.empty());
    EXPECT_TRUE(mismatched.empty());
    if (evicted) *evicted = decoder.bases_evicted();
    if (rebuilt) *rebuilt = decoder.entries_rebuilt();
    return out;
  }

  // What git itself says every blob holds.
  std::map<std::string, std::string> GitBlobs() {
    std::map<std::string, std::string> out;
    std::istringstream ids(Git({"cat-file", "--batch-all-objects",
                                "--batch-check=%(objectname) %(objecttype)"})
                               .out);
    std::string id, type;
    while (ids >> id >> type) {
      if (type == "blob") out[id] = Git({"cat-file", "blob", id}).out;
    }
    return out;
  }

  // Findings as comparable rows: secret, path, line, commit, blob.
  static std::vector<
      std::tuple<std::string, std::string, int, std::string, std::string>>
  Rows(const ScanResult& r) {
    std::vector<
        std::tuple<std::string, std::string, int, std::string, std::string>>
        rows;
    for (const Finding& f : r.findings) {
      rows.emplace_back(f.secret, f.path, f.line,
                        f.git ? f.git->commit : std::string(),
                        f.git ? f.git->blob : std::string());
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }
};

// A budget of zero keeps no base beyond the one being decoded from: every
// base with more than one subtree below it is dropped and decoded again
// from its chain. Same contents as with the default budget, and as git's.
TEST_F(PackLayoutsTest, BasesDroppedForTheBudgetAreDecodedAgainIdentically) {
  Init();
  EditHistory(40, 3, 60);
  Git({"repack", "-adfq", "--depth=50", "--window=250"});
  uint64_t evicted = 0, rebuilt = 0;
  std::map<std::string, std::string> unbounded =
      DecodeAll(PackDecoder::kDefaultHeldBudget);
  std::map<std::string, std::string> bounded = DecodeAll(0, &evicted, &rebuilt);
  EXPECT_GT(evicted, 0u);
  EXPECT_GT(rebuilt, 0u);
  std::map<std::string, std::string> git_blobs = GitBlobs();
  ASSERT_GT(git_blobs.size(), 100u);
  EXPECT_TRUE(bounded == git_blobs);
  EXPECT_TRUE(unbounded == git_blobs);
}

// Workers take blob delta trees in order: the one with the most work (the
// big file's versions) comes first, whatever its place among the packs
// (here in the smaller pack, which the reader reads last).
TEST_F(PackLayoutsTest, BiggestBlobTreeIsDecodedFirst) {
  Init();
  EditHistory(12, 1, 200);  // dir0/file.txt: 12 versions, one delta tree
  Git({"repack", "-adq"});
  for (int c = 0; c < 40; ++c) {  // many small files, no deltas
    Write("small/" + std::to_string(c) + ".txt",
          "small file " + std::to_string(c * 7919) + "\n");
    CommitAll("small " + std::to_string(c));
  }
  Git({"repack", "-q"});  // the new objects: the bigger pack
  auto reader = PackReader::Open(ObjectsDir());
  reader->PlanAll();
  ASSERT_EQ(reader->pack_count(), 2u);
  ASSERT_GT(reader->tree_count(PackType::kBlob), 40u);
  PackDecoder decoder(*reader);
  std::vector<size_t> failed, mismatched;
  size_t first_tree_blobs = 0, most = 0;
  for (size_t t = 0; t < reader->tree_count(PackType::kBlob); ++t) {
    size_t count = 0;
    decoder.DecodeTree(
        PackType::kBlob, t, [&](size_t, std::string_view) { ++count; }, &failed,
        &mismatched);
    if (t == 0) first_tree_blobs = count;
    most = std::max(most, count);
  }
  EXPECT_EQ(first_tree_blobs, most);
  EXPECT_GE(first_tree_blobs, 10u);
}

// The same history as loose objects, one fresh pack, an aggressive repack
// and several packs: the scan finds the same secrets at the same places,
// and scans the same blobs.
TEST_F(PackLayoutsTest, EveryLayoutFindsWhatLooseObjectsFind) {
  Init();
  std::vector<std::string> tokens = EditHistory(30, 3, 40);
  ScanResult loose = History();
  auto expected = Rows(loose);
  std::vector<std::string> found = Secrets(loose);
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  std::sort(tokens.begin(), tokens.end());
  ASSERT_EQ(found, tokens);

  Git({"repack", "-adq"});
  ScanResult fresh = History();
  EXPECT_EQ(Rows(fresh), expected);
  EXPECT_EQ(fresh.stats.files, loose.stats.files);
  EXPECT_EQ(fresh.stats.bytes, loose.stats.bytes);

  Git({"repack", "-adfq", "--depth=50", "--window=250"});
  ScanResult aggressive = History();
  EXPECT_EQ(Rows(aggressive), expected);
  EXPECT_EQ(aggressive.stats.files, loose.stats.files);
  EXPECT_EQ(aggressive.stats.bytes, loose.stats.bytes);

  // More history in a second pack and as loose objects.
  EditHistory(10, 3, 40, 100);
  Git({"repack", "-q"});
  EditHistory(3, 3, 40, 200);
  ScanResult several = History();
  auto rows = Rows(several);
  for (const auto& row : expected) {
    EXPECT_TRUE(std::binary_search(rows.begin(), rows.end(), row));
  }
  EXPECT_GT(several.stats.files, loose.stats.files);
  EXPECT_TRUE(warnings_.empty());
}

}  // namespace
}  // namespace keyward::test

// PackDecoder::ReadEntry: after PlanAll an entry's packed bytes end where
// the next entry starts, so the decoder reads them with pread instead of
// faulting them in through the mapping. Whatever that read cannot settle
// (a short read, a damaged entry) goes through the mapped path, which
// decides as before: same contents, same lost/failed/mismatched objects.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "git/pack_format.h"
#include "git/pack_reader.h"
#include "git/repo.h"
#include "support/git_fixture.h"

namespace keyward::test {
namespace {

using git::PackDecoder;
using git::PackReader;
using git::PackType;

class PackReadEntryTest : public GitFixture {
 protected:
  // Versions of a few files (delta chains) plus incompressible blobs that
  // make the pack span many pages.
  void MakeHistory() {
    Init();
    std::mt19937 rng(17);
    for (int v = 0; v < 6; ++v) {
      for (int f = 0; f < 8; ++f) {
        std::string text;
        for (int line = 0; line < 200; ++line) {
          text += "line " + std::to_string(line) + " of file " +
                  std::to_string(f) +
                  (line % 37 == v ? " edited " + std::to_string(v) : "") + "\n";
        }
        Write("src/f" + std::to_string(f) + ".txt", text);
      }
      std::string noise;
      for (int k = 0; k < 12 << 10; ++k)
        noise += "0123456789abcdef"[rng() % 16];
      Write("noise" + std::to_string(v) + ".txt", noise);
      CommitAll("version " + std::to_string(v));
    }
    Git({"repack", "-a", "-d", "-f", "-q"});
  }
  std::string PackPath() {
    for (const auto& e : std::filesystem::directory_iterator(
             dir_.path() + "/.git/objects/pack")) {
      if (e.path().extension() == ".pack") return e.path().string();
    }
    return "";
  }
  std::map<std::string, std::string> GitBlobs() {
    std::map<std::string, std::string> out;
    std::istringstream in(Git({"cat-file", "--batch-all-objects",
                               "--batch-check=%(objectname) %(objecttype)"})
                              .out);
    std::string hex, type;
    while (in >> hex >> type) {
      if (type == "blob") out[hex] = Git({"cat-file", "blob", hex}).out;
    }
    return out;
  }
  struct Decoded {
    std::map<std::string, std::string> blobs;  // hex id -> content
    std::set<std::string> lost, failed, mismatched;
    uint64_t decoded = 0, read = 0;
  };
  // Plans every blob of the packs: `ids` empty, PlanAll, else Plan(ids).
  static void PlanBlobs(PackReader* reader, const std::vector<git_oid>& ids) {
    std::vector<size_t> fallback;
    if (ids.empty()) {
      reader->PlanAll();
    } else {
      reader->Plan(ids, &fallback);
    }
  }
  static Decoded Decode(PackReader* reader) {
    auto hex = [&](size_t i) { return git::OidHex(reader->wanted_id(i)); };
    Decoded d;
    PackDecoder decoder(*reader);
    std::vector<size_t> failed, mismatched;
    for (size_t t = 0; t < reader->tree_count(PackType::kBlob); ++t) {
      decoder.DecodeTree(
          PackType::kBlob, t,
          [&](size_t i, std::string_view content) {
            d.blobs[hex(i)] = std::string(content);
          },
          &failed, &mismatched);
    }
    for (size_t i : failed) d.failed.insert(hex(i));
    for (size_t i : mismatched) d.mismatched.insert(hex(i));
    for (size_t i : decoder.lost()) d.lost.insert(hex(i));
    d.decoded = decoder.entries_decoded();
    d.read = decoder.entries_read();
    return d;
  }
  static std::vector<git_oid> Ids(const std::map<std::string, std::string>& m) {
    std::vector<git_oid> ids;
    for (const auto& [hex, content] : m) {
      git_oid oid;
      EXPECT_EQ(git_oid_fromstr(&oid, hex.c_str()), 0);
      ids.push_back(oid);
    }
    return ids;
  }
  std::string ObjectsDir() { return dir_.path() + "/.git/objects"; }
};

TEST_F(PackReadEntryTest, PlanAllReadsEveryEntryWithPreadAndPlanNone) {
  MakeHistory();
  auto expected = GitBlobs();
  ASSERT_GT(expected.size(), 40u);

  auto all_reader = PackReader::Open(ObjectsDir());
  PlanBlobs(all_reader.get(), {});
  Decoded all = Decode(all_reader.get());
  EXPECT_EQ(all.blobs, expected);
  EXPECT_GE(all.decoded, expected.size());
  EXPECT_EQ(all.read, all.decoded);  // every entry through pread
  EXPECT_TRUE(all.failed.empty() && all.mismatched.empty() && all.lost.empty());

  // Plan (a subset of ids) knows no entry's extent: the mapped path.
  auto some_reader = PackReader::Open(ObjectsDir());
  PlanBlobs(some_reader.get(), Ids(expected));
  Decoded some = Decode(some_reader.get());
  EXPECT_EQ(some.blobs, expected);
  EXPECT_EQ(some.read, 0u);
}

// A pack truncated after PlanAll: the short pread goes to the mapped path,
// which reports the objects past the new end lost, as before; those before
// it are delivered whole.
TEST_F(PackReadEntryTest, PackTruncatedAfterPlanAllLosesObjectsWithoutACrash) {
  MakeHistory();
  auto expected = GitBlobs();
  auto reader = PackReader::Open(ObjectsDir());
  PlanBlobs(reader.get(), {});
  std::string pack = PackPath();
  ASSERT_EQ(truncate(pack.c_str(), std::filesystem::file_size(pack) / 2), 0);
  Decoded d = Decode(reader.get());
  EXPECT_GT(d.blobs.size(), 0u);
  EXPECT_GT(d.lost.size(), 0u);
  for (const auto& [hex, content] : d.blobs) {
    EXPECT_EQ(content, expected[hex]) << "blob " << hex;
    EXPECT_EQ(d.lost.count(hex), 0u);
  }
  EXPECT_EQ(
      d.blobs.size() + d.lost.size() + d.failed.size() + d.mismatched.size(),
      expected.size());
}

// A byte damaged in place inside entries after the packs were planned: the
// pread path rejects them (CRC or inflate), and the mapped path gives the
// verdicts it gives without the pread path (Plan never uses it).
TEST_F(PackReadEntryTest, DamagedEntriesGetTheMappedPathsVerdict) {
  MakeHistory();
  auto expected = GitBlobs();
  auto all_reader = PackReader::Open(ObjectsDir());
  auto some_reader = PackReader::Open(ObjectsDir());
  PlanBlobs(all_reader.get(), {});
  PlanBlobs(some_reader.get(), Ids(expected));
  std::string pack = PackPath();
  const auto size = std::filesystem::file_size(pack);
  int fd = ::open(pack.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  for (uint64_t at : {size / 3, size / 2, size * 3 / 4}) {
    char c = '\x5a';
    ASSERT_EQ(::pwrite(fd, &c, 1, static_cast<off_t>(at)), 1);
  }
  ::close(fd);
  Decoded all = Decode(all_reader.get());
  Decoded some = Decode(some_reader.get());
  EXPECT_GT(all.failed.size() + all.mismatched.size(), 0u);
  EXPECT_EQ(all.failed, some.failed);
  EXPECT_EQ(all.mismatched, some.mismatched);
  EXPECT_EQ(all.blobs, some.blobs);
  EXPECT_GT(all.read, 0u);
  EXPECT_EQ(some.read, 0u);
}

// A repository of more packs than the descriptor budget allows to keep
// open (never repacked): the packs past it are read through their mappings,
// and every object is still scanned.
TEST_F(PackReadEntryTest, PacksBeyondTheDescriptorLimitAreStillRead) {
  Init();
  for (int i = 0; i < 150; i++) {
    Write("f" + std::to_string(i) + ".txt", "file " + std::to_string(i) + "\n");
  }
  Write("z/app.env", "T=" + FakeGithubToken(61) + "\n");
  CommitAll("many files");
  // One pack for the commit and its trees, then one pack per blob.
  std::string blobs, others = Rev("HEAD") + "\n";
  std::istringstream all(Git({"rev-list", "--objects", "HEAD"}).out);
  for (std::string line; std::getline(all, line);) {
    std::string id = line.substr(0, 40);
    if (Git({"cat-file", "-t", id}).out == "blob\n") {
      Git({"pack-objects", "-q", ".git/objects/pack/pack"}, id + "\n");
    } else if (id != Rev("HEAD")) {
      others += id + "\n";
    }
  }
  Git({"pack-objects", "-q", ".git/objects/pack/pack"}, others);
  Git({"prune-packed"});
  size_t packs = 0;
  for (const auto& e : std::filesystem::directory_iterator(
           dir_.path() + "/.git/objects/pack")) {
    packs += e.path().extension() == ".pack";
  }
  ASSERT_GE(packs, 150u);
  // 64 descriptors: far fewer than the packs.
  RunResult r = RunProgram({"prlimit", "--nofile=64:64", KEYWARD_BINARY, "scan",
                            "--git", "--format", "json", dir_.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("\"path\": \"z/app.env\""), std::string::npos) << r.err;
}

}  // namespace
}  // namespace keyward::test

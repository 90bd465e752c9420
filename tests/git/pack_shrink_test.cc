// A pack file that another process truncates while keyward reads it: the
// mapping faults (SIGBUS) past the new end. The reads are guarded
// (git/mapped_guard.h): the objects it can no longer read are reported lost
// (unreadable), the others are still delivered whole, and nothing crashes.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "git/mapped_guard.h"
#include "git/pack_format.h"
#include "git/pack_reader.h"
#include "git/repo.h"
#include "support/git_fixture.h"

namespace keyward::test {
namespace {

using git::PackDecoder;
using git::PackReader;
using git::PackType;

// A read past the end of a mapped file that shrank returns false from
// ReadMapped instead of killing the process; reads before the end and reads
// after a fault still work.
TEST(MappedGuardTest, ReadPastTheNewEndOfAShrunkFileIsReported) {
  TempDir dir;
  std::string path = dir.Write("data.bin", std::string(64 << 10, 'x'));
  auto file = git::MappedFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  std::string_view bytes = file->bytes();
  ASSERT_EQ(truncate(path.c_str(), 4096), 0);
  volatile char got = 0;
  EXPECT_TRUE(git::ReadMapped([&] { got = bytes[100]; }));
  EXPECT_EQ(got, 'x');
  for (int round = 0; round < 3; ++round) {  // the handler stays usable
    EXPECT_FALSE(git::ReadMapped([&] { got = bytes[40 << 10]; }));
  }
  // Nested: the inner fault returns to the inner guard only.
  bool inner = true;
  EXPECT_TRUE(git::ReadMapped(
      [&] { inner = git::ReadMapped([&] { got = bytes[50 << 10]; }); }));
  EXPECT_FALSE(inner);
}

class PackShrinkTest : public GitFixture {
 protected:
  // Incompressible blobs of 16 KiB: the pack spans many pages.
  void WriteBlobs(int count) {
    Init();
    std::mt19937 rng(7);
    for (int i = 0; i < count; ++i) {
      std::string text;
      for (int k = 0; k < 16 << 10; ++k) text += "abcdefghijklmnop"[rng() % 16];
      contents_[i] = text;
      Write("f" + std::to_string(i) + ".txt", text);
    }
    CommitAll("blobs");
    Git({"repack", "-a", "-d", "-q"});
  }
  std::string PackPath() {
    for (const auto& e : std::filesystem::directory_iterator(
             dir_.path() + "/.git/objects/pack")) {
      if (e.path().extension() == ".pack") return e.path().string();
    }
    return "";
  }
  std::map<int, std::string> contents_;
};

// Regression (issue 14): a pack truncated after it was opened and planned,
// before its entries were inflated, raised SIGBUS. Its objects past the new
// end are lost (unreadable, not for libgit2 either); the ones before it are
// delivered with their content.
TEST_F(PackShrinkTest, PackTruncatedWhileDecodingLosesObjectsWithoutACrash) {
  WriteBlobs(40);
  std::set<std::string> expected;
  for (const auto& [i, text] : contents_) expected.insert(text);
  std::vector<git_oid> ids;
  std::string out = Git({"cat-file", "--batch-all-objects",
                         "--batch-check=%(objectname) %(objecttype)"})
                        .out;
  std::istringstream in(out);
  std::string hex, type;
  while (in >> hex >> type) {
    if (type != "blob") continue;
    git_oid oid;
    ASSERT_EQ(git_oid_fromstr(&oid, hex.c_str()), 0);
    ids.push_back(oid);
  }
  ASSERT_EQ(ids.size(), contents_.size());

  auto reader = PackReader::Open(dir_.path() + "/.git/objects");
  ASSERT_EQ(reader->pack_count(), 1u);
  std::vector<size_t> fallback;
  reader->Plan(ids, &fallback);
  EXPECT_TRUE(fallback.empty());
  // Keep the first quarter of the pack (whole pages): entries there decode.
  std::string pack = PackPath();
  ASSERT_EQ(truncate(pack.c_str(), 160 << 10), 0);

  PackDecoder decoder(*reader);
  std::vector<size_t> failed, mismatched;
  std::set<size_t> seen;
  for (size_t t = 0; t < reader->tree_count(PackType::kBlob); ++t) {
    decoder.DecodeTree(
        PackType::kBlob, t,
        [&](size_t i, std::string_view content) {
          EXPECT_TRUE(seen.insert(i).second);
          EXPECT_EQ(expected.count(std::string(content)), 1u)
              << "blob " << i << " delivered with wrong content";
        },
        &failed, &mismatched);
  }
  EXPECT_GT(seen.size(), 0u);
  EXPECT_GT(decoder.lost().size(), 0u);
  EXPECT_TRUE(mismatched.empty());
  for (size_t i : decoder.lost()) EXPECT_TRUE(seen.insert(i).second);
  for (size_t i : failed) EXPECT_TRUE(seen.insert(i).second);
  EXPECT_EQ(seen.size(), ids.size());
}

}  // namespace
}  // namespace keyward::test

// Archive bombs and limits: a zip expanding to 10 GB of zeros, archives
// nested 20 deep, an archive over the expansion budget: each ends with a
// warning naming the file and entry, inside the limits, and the rest of the
// scan goes on (scanner/scan_archive.cc, source/archive_reader.h).
#include <string>
#include <vector>

#include "archive_fixture.h"

namespace keyward::test {
namespace {

using F = ArchiveFormat;
using Z = ArchiveFilter;

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST_F(ArchiveScanTest, TenGigabyteZipBombStopsAtTheRatioLimit) {
  TempDir dir;
  std::string bomb = ZipBomb("zeros.bin", 10ull << 30);
  ASSERT_LT(bomb.size(), 16u << 20);
  dir.Write("bomb.zip", bomb);
  dir.Write("ok.zip", MakeArchive(F::kZip, {{"a.env", Text(3, 2, 1)}}));
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 1u);  // the other archive as usual
  EXPECT_EQ(r.findings[0].path, dir.path() + "/ok.zip!a.env");
  EXPECT_EQ(r.stats.archive_limited, 1u);
  EXPECT_LT(r.stats.decompressed_bytes, 8u << 20);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_TRUE(Contains(warnings_[0], dir.path() + "/bomb.zip!zeros.bin: "
                                                  "decompression stopped"))
      << warnings_[0];
  EXPECT_TRUE(Contains(warnings_[0], "bomb")) << warnings_[0];
}

// The same bomb inside a tar, read as a stream: stopped too.
TEST_F(ArchiveScanTest, ZipBombInsideATarStops) {
  TempDir dir;
  std::string zip = ZipBomb("zeros.bin", 10ull << 30);
  dir.Write("bomb.tar", MakeArchive(F::kTar, {{"deep/bomb.zip", zip}}));
  ScanResult r = Scan({dir.path()});
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.stats.archive_limited, 1u);
  EXPECT_LT(r.stats.decompressed_bytes, 32u << 20);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_TRUE(Contains(warnings_[0], "bomb.tar!deep/bomb.zip!zeros.bin: "))
      << warnings_[0];
}

// Twenty zips one inside the other, each with a token of its own: the
// first archive_max_depth levels are scanned, the next is not opened.
TEST_F(ArchiveScanTest, TwentyDeepNestingStopsAtTheDepthLimit) {
  TempDir dir;
  std::string zip;
  for (int level = 20; level >= 1; level--) {
    ArchiveEntries entries = {
        {"level" + std::to_string(level) + ".txt", Text(1, 1, level)}};
    if (!zip.empty()) entries.push_back({"next.zip", zip});
    zip = MakeArchive(F::kZip, entries);
  }
  dir.Write("nested.zip", zip);
  ScanResult r = Scan({dir.path()});
  ScanOptions defaults;
  ASSERT_EQ(r.findings.size(), size_t(defaults.archive_max_depth));
  std::string path = dir.path() + "/nested.zip";
  for (int level = 1; level <= defaults.archive_max_depth; level++) {
    EXPECT_EQ(r.findings[level - 1].path,
              path + "!level" + std::to_string(level) + ".txt");
    path += "!next.zip";
  }
  EXPECT_EQ(r.stats.archives, size_t(defaults.archive_max_depth));
  EXPECT_EQ(r.stats.archive_limited, 1u);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_TRUE(Contains(warnings_[0], path + ": not opened: archives nested "
                                            "deeper than 6"))
      << warnings_[0];
}

TEST_F(ArchiveScanTest, MaxDepthIsConfigurable) {
  TempDir dir;
  std::string jar = MakeArchive(F::kZip, {{"x.properties", Text(1, 1, 2)}});
  dir.Write("a.zip", MakeArchive(F::kZip, {{"a.env", Text(1, 1, 1)},
                                           {"lib/b.jar", jar}}));
  ScanOptions o;
  o.archive_max_depth = 1;
  ScanResult r = Scan({dir.path()}, o);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/a.zip!a.env");
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_TRUE(Contains(warnings_[0], "a.zip!lib/b.jar: not opened"));
}

// The budget is per top-level file, shared by its entries: once spent,
// the rest of the archive is not scanned, and the next file starts afresh.
TEST_F(ArchiveScanTest, ExpansionBudgetStopsTheArchive) {
  TempDir dir;
  ArchiveEntries entries;
  for (int i = 0; i < 6; i++) {
    entries.push_back({"part" + std::to_string(i) + ".log",
                       Text(60000, 2, 10 + i)});  // ~1.3 MB each
  }
  dir.Write("big.tar.gz", MakeArchive(F::kTar, entries, Z::kGzip));
  dir.Write("small.zip", MakeArchive(F::kZip, {{"s.env", Text(2, 2, 1)}}));
  ScanOptions o;
  o.decompress_max_bytes = 3 << 20;
  ScanResult r = Scan({dir.path()}, o);
  // part0 and part1 fit; the third stops inside the budget.
  ASSERT_EQ(r.findings.size(), 4u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/big.tar.gz!part0.log");
  EXPECT_EQ(r.findings[1].path, dir.path() + "/big.tar.gz!part1.log");
  EXPECT_EQ(r.findings[2].path, dir.path() + "/big.tar.gz!part2.log");
  EXPECT_EQ(r.findings[3].path, dir.path() + "/small.zip!s.env");
  EXPECT_GE(r.stats.archive_limited + r.stats.decompress_limited, 1u);
  ASSERT_GE(warnings_.size(), 1u);
  EXPECT_TRUE(Contains(warnings_[0], dir.path() + "/big.tar.gz"))
      << warnings_[0];
  EXPECT_TRUE(Contains(warnings_[0], "3145728")) << warnings_[0];
}

}  // namespace
}  // namespace keyward::test

// Directory scans of archives and compressed files: each entry scanned as a
// file at `archive!entry`, with lines and columns in the entry
// (scanner/scan_archive.cc), in every format libarchive reads, built here
// with libarchive's writer.
#include <string>
#include <vector>

#include "archive_fixture.h"

namespace keyward::test {
namespace {

using F = ArchiveFormat;
using Z = ArchiveFilter;

TEST_F(ArchiveScanTest, ZipEntriesAreFilesAtArchivePaths) {
  TempDir dir;
  dir.Write(
      "release.zip",
      MakeArchive(F::kZip, {{"README.md", "nothing here\n"},
                            {"app/config/.env", Text(5, 3, 1)},
                            {"bin/tool", std::string("\0x", 2) + Token(2)}}));
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/release.zip!app/config/.env");
  EXPECT_EQ(r.findings[0].line, 3);
  EXPECT_EQ(r.findings[0].column, 5);
  EXPECT_EQ(r.findings[0].secret, Token(1));
  EXPECT_EQ(r.stats.archives, 1u);
  EXPECT_EQ(r.stats.archive_entries, 3u);
  EXPECT_EQ(r.stats.files, 2u);           // the text entries
  EXPECT_EQ(r.stats.skipped_binary, 1u);  // bin/tool
  EXPECT_TRUE(warnings_.empty());
}

// jar, war, apk, whl, nupkg... are zips; a zip without a suffix too.
TEST_F(ArchiveScanTest, ZipKindsAreRecognisedByMagicBytes) {
  TempDir dir;
  const std::vector<std::string> names = {"app.jar",   "app.war", "app.ear",
                                          "app.apk",   "app.aab", "pkg.whl",
                                          "pkg.nupkg", "release"};
  for (size_t i = 0; i < names.size(); i++) {
    dir.Write(
        names[i],
        MakeArchive(F::kZip, {{"conf/app.properties", Text(4, 2, int(i))}}));
  }
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), names.size());
  for (const Finding& f : r.findings) {
    EXPECT_NE(f.path.find("!conf/app.properties"), std::string::npos) << f.path;
    EXPECT_EQ(f.line, 2);
  }
  EXPECT_EQ(r.stats.archives, names.size());
}

TEST_F(ArchiveScanTest, TarsPlainAndCompressedAnd7z) {
  TempDir dir;
  struct Case {
    const char* name;
    F format;
    Z filter;
  };
  const std::vector<Case> cases = {
      {"a.tar", F::kTar, Z::kNone},     {"b.tar.gz", F::kTar, Z::kGzip},
      {"c.tgz", F::kTar, Z::kGzip},     {"d.tar.bz2", F::kTar, Z::kBzip2},
      {"e.tar.xz", F::kTar, Z::kXz},    {"f.tar.zst", F::kTar, Z::kZstd},
      {"g.7z", F::kSevenZip, Z::kNone}, {"h.zip", F::kZip, Z::kNone}};
  for (size_t i = 0; i < cases.size(); i++) {
    dir.Write(cases[i].name,
              MakeArchive(cases[i].format,
                          {{"docs/a.txt", "x\n"},
                           {"etc/app.conf", Text(9, int(i) + 1, int(i))}},
                          cases[i].filter));
  }
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), cases.size());
  for (size_t i = 0; i < cases.size(); i++) {
    const Finding& f = r.findings[i];  // sorted by path
    EXPECT_EQ(f.path, dir.path() + "/" + cases[i].name + "!etc/app.conf");
    EXPECT_EQ(f.line, int(i) + 1) << f.path;
    EXPECT_EQ(f.column, 5) << f.path;
    EXPECT_EQ(f.secret, Token(int(i)));
  }
  EXPECT_EQ(r.stats.archives, cases.size());
  EXPECT_EQ(r.stats.archive_entries, 2 * cases.size());
  EXPECT_TRUE(warnings_.empty()) << warnings_[0];
}

TEST_F(ArchiveScanTest, NestedArchivesGetNestedPaths) {
  TempDir dir;
  std::string jar =
      MakeArchive(F::kZip, {{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"},
                            {"META-INF/x.properties", Text(6, 6, 7)}});
  std::string tgz =
      MakeArchive(F::kTar, {{"deep/y.yaml", Text(2, 1, 8)}}, Z::kGzip);
  dir.Write("a.zip", MakeArchive(F::kZip, {{"lib/b.jar", jar},
                                           {"vendor/c.tar.gz", tgz}}));
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].path,
            dir.path() + "/a.zip!lib/b.jar!META-INF/x.properties");
  EXPECT_EQ(r.findings[0].line, 6);
  EXPECT_EQ(r.findings[1].path,
            dir.path() + "/a.zip!vendor/c.tar.gz!deep/y.yaml");
  EXPECT_EQ(r.findings[1].line, 1);
  EXPECT_EQ(r.stats.archives, 3u);
}

// Entries and nested archives larger than what is read whole stream in
// chunks; lines still count across them.
TEST_F(ArchiveScanTest, LargeEntriesStreamWithLinesAcrossChunks) {
  TempDir dir;
  std::string big = Text(300000, 250000, 9);  // ~7 MB
  std::string inner = MakeArchive(F::kZip, {{"big.log", big}});
  ASSERT_GT(inner.size(), 0u);
  dir.Write("outer.tar.zst",
            MakeArchive(F::kTar, {{"logs/big.log", big}, {"in.zip", inner}},
                        Z::kZstd));
  ScanOptions o;
  o.chunk_size = 64 << 10;
  ScanResult r = Scan({dir.path()}, o);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/outer.tar.zst!in.zip!big.log");
  EXPECT_EQ(r.findings[1].path, dir.path() + "/outer.tar.zst!logs/big.log");
  for (const Finding& f : r.findings) {
    EXPECT_EQ(f.line, 250000);
    EXPECT_EQ(f.column, 5);
  }
}

TEST_F(ArchiveScanTest, CompressedLogsAreDecompressedByMagicBytes) {
  TempDir dir;
  const std::vector<std::pair<std::string, Z>> files = {
      {"app.log.1.bz2", Z::kBzip2},
      {"app.log.2.xz", Z::kXz},
      {"app.log.3.zst", Z::kZstd},
      {"app.log.4", Z::kZstd}};  // no suffix: by magic bytes
  for (size_t i = 0; i < files.size(); i++) {
    dir.Write(files[i].first,
              MakeArchive(F::kRaw, {{"x", Text(40000, 30000 + int(i), int(i))}},
                          files[i].second));
  }
  ScanOptions o;
  o.chunk_size = 64 << 10;
  ScanResult r = Scan({dir.path()}, o);
  ASSERT_EQ(r.findings.size(), files.size());
  for (size_t i = 0; i < files.size(); i++) {
    EXPECT_EQ(r.findings[i].path, dir.path() + "/" + files[i].first);
    EXPECT_EQ(r.findings[i].line, 30000 + int(i));
    EXPECT_EQ(r.findings[i].column, 5);
  }
  EXPECT_EQ(r.stats.decompressed, files.size());
  uint64_t total = 0;
  for (size_t i = 0; i < files.size(); i++) {
    total += Text(40000, 30000 + int(i), int(i)).size();
  }
  EXPECT_EQ(r.stats.decompressed_bytes, total);
  EXPECT_EQ(r.stats.archives, 0u);
}

TEST_F(ArchiveScanTest, WithoutArchivesTheyAreBinary) {
  TempDir dir;
  dir.Write("r.zip", MakeArchive(F::kZip, {{"a.env", Text(1, 1, 1)}}));
  dir.Write("r.tar.gz",
            MakeArchive(F::kTar, {{"a.env", Text(1, 1, 2)}}, Z::kGzip));
  ScanOptions o;
  o.archives = false;
  ScanResult r = Scan({dir.path()}, o);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.stats.skipped_binary, 2u);  // the zip; the tar's headers
  EXPECT_EQ(r.stats.archives, 0u);
}

// A truncated archive: what could be read is scanned, the file is
// reported unreadable.
TEST_F(ArchiveScanTest, TruncatedArchiveKeepsEarlierEntries) {
  TempDir dir;
  std::string tar = MakeArchive(F::kTar, {{"first.env", Text(3, 2, 1)},
                                          {"second.log", Text(90000, 5, 2)}});
  dir.Write("cut.tar", tar.substr(0, tar.size() / 2));
  ScanResult r = Scan({dir.path()});
  ASSERT_GE(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/cut.tar!first.env");
  EXPECT_EQ(r.stats.unreadable, 1u);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("cut.tar"), std::string::npos) << warnings_[0];
}

}  // namespace
}  // namespace keyward::test

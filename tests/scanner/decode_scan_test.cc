// Directory scans of what files encode: gzip files decompressed in a
// bounded stream (source/gzip_reader.h) and source maps scanned as their
// embedded sources (source/source_map.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/scan.h"
#include "support/gzip.h"
#include "support/run.h"
#include "token_scan_fixture.h"

namespace keyward {
namespace {

using test::Gzip;
using test::Token;

using DecodeScanTest = test::TokenScanTest;

// `lines` lines of log text with Token(i) on each line number in `at`.
std::string Log(int lines, const std::vector<int>& at) {
  std::string out;
  for (int i = 1; i <= lines; i++) {
    bool planted = false;
    for (int a : at) planted = planted || a == i;
    if (planted) {
      out += "2026-01-01 auth key=" + Token(i) + " ok\n";
    } else {
      out += "2026-01-01 GET /health 200 " + std::to_string(i * 7919) + "\n";
    }
  }
  return out;
}

TEST_F(DecodeScanTest, GzipFindingsCarryTheFilePathAndDecompressedLines) {
  test::TempDir dir;
  dir.Write("logs/app.log.gz", Gzip(Log(20000, {1, 9000, 20000})));
  ScanOptions o;
  o.chunk_size = 64 << 10;  // several chunks: lines count across them
  ScanResult r = Scan({dir.path()}, o);
  ASSERT_EQ(r.findings.size(), 3u);
  for (const Finding& f : r.findings) {
    EXPECT_EQ(f.path, dir.path() + "/logs/app.log.gz");
  }
  EXPECT_EQ(r.findings[0].line, 1);
  EXPECT_EQ(r.findings[1].line, 9000);
  EXPECT_EQ(r.findings[2].line, 20000);
  EXPECT_EQ(r.findings[1].column, 21);
  EXPECT_EQ(r.findings[2].secret, Token(20000));
  EXPECT_EQ(r.stats.decompressed, 1u);
  EXPECT_EQ(r.stats.decompressed_bytes, Log(20000, {1, 9000, 20000}).size());
  EXPECT_EQ(r.stats.skipped_binary, 0u);
  EXPECT_TRUE(warnings_.empty());
}

// Detected by the magic bytes: a rotated log without `.gz` is decompressed,
// a text file named `.gz` is scanned as text.
TEST_F(DecodeScanTest, GzipIsDetectedByMagicBytesNotName) {
  test::TempDir dir;
  dir.Write("app.log.1", Gzip(Log(10, {4})));
  dir.Write("notes.gz", Log(10, {6}));
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/app.log.1");
  EXPECT_EQ(r.findings[0].line, 4);
  EXPECT_EQ(r.findings[1].path, dir.path() + "/notes.gz");
  EXPECT_EQ(r.findings[1].line, 6);
  EXPECT_EQ(r.stats.decompressed, 1u);
}

// `cat a.gz b.gz` is one text, as gzip -d reads it.
TEST_F(DecodeScanTest, ConcatenatedMembersAreOneText) {
  test::TempDir dir;
  dir.Write("both.log.gz", Gzip(Log(5, {})) + Gzip(Log(5, {3})));
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].line, 8);
}

TEST_F(DecodeScanTest, WithoutDecompressGzipIsBinary) {
  test::TempDir dir;
  dir.Write("logs/app.log.gz", Gzip(Log(10, {2})));
  ScanOptions o;
  o.decompress = false;
  ScanResult r = Scan({dir.path()}, o);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.stats.skipped_binary, 1u);
  EXPECT_EQ(r.stats.decompressed, 0u);
}

// 1 GiB of zeros in about 1 MB: stopped by the ratio limit after a few
// MiB, with a warning naming the file, never decompressed whole.
TEST_F(DecodeScanTest, GzipBombStopsWithAWarningInsideTheBudget) {
  test::TempDir dir;
  std::string bomb = test::GzipBomb(1ull << 30);
  ASSERT_LT(bomb.size(), 2u << 20);
  dir.Write("bomb.gz", bomb);
  dir.Write("ok.log.gz", Gzip(Log(10, {7})));
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 1u);  // the other file is scanned as usual
  EXPECT_EQ(r.findings[0].line, 7);
  EXPECT_EQ(r.stats.decompress_limited, 1u);
  EXPECT_LT(r.stats.decompressed_bytes, 8u << 20);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find(dir.path() + "/bomb.gz: decompression stopped"),
            std::string::npos)
      << warnings_[0];
  EXPECT_NE(warnings_[0].find("gzip bomb"), std::string::npos);
}

// Text past the per-file byte budget is not scanned; what came before is.
TEST_F(DecodeScanTest, ByteBudgetStopsDecompressionAndKeepsEarlierFindings) {
  test::TempDir dir;
  std::string log = Log(100000, {10, 99990});  // ~3.5 MB
  dir.Write("big.log.gz", Gzip(log));
  ScanOptions o;
  o.decompress_max_bytes = 1 << 20;
  ScanResult r = Scan({dir.path()}, o);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].line, 10);
  EXPECT_EQ(r.stats.decompress_limited, 1u);
  EXPECT_EQ(r.stats.decompressed_bytes, 1u << 20);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(
      warnings_[0].find("big.log.gz: decompression stopped after 1048576"),
      std::string::npos)
      << warnings_[0];
}

TEST_F(DecodeScanTest, TruncatedGzipIsReportedAndEarlierTextScanned) {
  test::TempDir dir;
  std::string gz = Gzip(Log(3000, {2}), 1);
  dir.Write("cut.log.gz", gz.substr(0, gz.size() / 2));
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].line, 2);
  EXPECT_EQ(r.stats.unreadable, 1u);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("cut.log.gz: truncated gzip data"),
            std::string::npos)
      << warnings_[0];
}

// A map with two embedded sources, the token in the second at line 3, its
// `t` written as a JSON escape: found once, in the original source.
const char kMap[] = R"({"version":3,"file":"app.js",
"sources":["src/main.ts","src/config.ts"],
"sourcesContent":["export const a = 1;\n","// config\nexport const x = 2;\nconst key = \"\u0074)";

std::string Map() {
  return std::string(kMap) + Token(1).substr(1) +
         "\\\";\\n\"],\"names\":[],\"mappings\":\"AAAA\"}";
}

TEST_F(DecodeScanTest, SourceMapSourcesAreScannedAtTheirOwnLines) {
  test::TempDir dir;
  dir.Write("dist/app.js.map", Map());
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/dist/app.js.map!src/config.ts");
  EXPECT_EQ(r.findings[0].line, 3);
  EXPECT_EQ(r.findings[0].column, 14);
  EXPECT_EQ(r.findings[0].secret, Token(1));
  EXPECT_EQ(r.stats.source_maps, 1u);
  EXPECT_EQ(r.stats.files, 2u);  // the two sources, not the map's text
}

TEST_F(DecodeScanTest, WithoutSourceMapsTheMapIsText) {
  test::TempDir dir;
  std::string map = Map();
  // The escape hides the token from a text scan: plant a plain one too.
  map.insert(map.find("\"names\""), "\"x\":\"" + Token(2) + "\",");
  dir.Write("app.js.map", map);
  ScanOptions o;
  o.source_maps = false;
  o.decode = false;  // else the escaped token is found as json-escape text
  ScanResult r = Scan({dir.path()}, o);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/app.js.map");
  EXPECT_EQ(r.findings[0].secret, Token(2));
  EXPECT_EQ(r.stats.source_maps, 0u);
}

// Not JSON, or JSON without sourcesContent: the text is scanned.
TEST_F(DecodeScanTest, MapsWithoutEmbeddedSourcesAreScannedAsText) {
  test::TempDir dir;
  dir.Write("a.map", "key " + Token(3) + "\n");
  dir.Write("b.js.map", "{\"version\":3,\"sources\":[\"a.ts\"],\"k\":\"" +
                            Token(4) + "\"}");
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/a.map");
  EXPECT_EQ(r.findings[1].path, dir.path() + "/b.js.map");
  EXPECT_EQ(r.stats.source_maps, 0u);
}

// Hostile maps: nesting that would overflow a recursive parser's stack is
// refused before parsing, and the text is scanned as it is.
TEST_F(DecodeScanTest, DeeplyNestedMapIsScannedAsText) {
  test::TempDir dir;
  dir.Write("deep.js.map", std::string(300000, '[') + "\"" + Token(5) + "\"" +
                               std::string(300000, ']'));
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/deep.js.map");
  EXPECT_EQ(r.stats.source_maps, 0u);
}

}  // namespace
}  // namespace keyward

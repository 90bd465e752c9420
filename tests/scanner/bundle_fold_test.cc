// A secret in a built bundle that the bundle's source map also embeds is
// reported once, at the original source, with the bundle as a related
// location (scanner/bundle_fold.h).
#include "scanner/bundle_fold.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/scan.h"
#include "support/run.h"
#include "token_scan_fixture.h"

namespace keyward {
namespace {

using test::Token;

using BundleFoldTest = test::TokenScanTest;

// A one-line bundle holding Token(i) at column 29, ending in `comment`.
std::string Bundle(int i, const std::string& comment) {
  return "(()=>{var e={};e.k=\"x\",e.t=\"" + Token(i) +
         "\";console.log(e)})();\n" + comment;
}

// A map embedding src/config.ts with Token(i) at line 3, column 21.
std::string Map(int i) {
  return "{\"version\":3,\"sources\":[\"src/index.ts\",\"src/config.ts\"],"
         "\"sourcesContent\":[\"import './config';\\n\",\"// config\\n\\n"
         "export const key = '" +
         Token(i) + "';\\n\"],\"mappings\":\"AAAA\"}";
}

TEST_F(BundleFoldTest, BundleFindingFoldsIntoTheSourceTheMapNames) {
  test::TempDir dir;
  dir.Write("dist/app.js", Bundle(1, "//# sourceMappingURL=app.js.map\n"));
  dir.Write("dist/app.js.map", Map(1));
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.path, dir.path() + "/dist/app.js.map!src/config.ts");
  EXPECT_EQ(f.line, 3);
  EXPECT_EQ(f.column, 21);
  ASSERT_EQ(f.related.size(), 1u);
  EXPECT_EQ(f.related[0].path, dir.path() + "/dist/app.js");
  EXPECT_EQ(f.related[0].line, 1);
  EXPECT_EQ(f.related[0].column, 29);
  EXPECT_EQ(f.related[0].end_column, 29 + 28);
  EXPECT_EQ(f.related[0].role, "bundle");
  EXPECT_EQ(r.stats.findings, 1u);
  EXPECT_EQ(r.stats.bundle_findings_folded, 1u);
}

// The comment names a map in another directory; CSS comments count too.
TEST_F(BundleFoldTest, MapNamedByARelativeUrlElsewhere) {
  test::TempDir dir;
  dir.Write("site/js/app.min.js",
            Bundle(2, "//# sourceMappingURL=../maps/app.min.js.map?v=3\n"));
  dir.Write("site/maps/app.min.js.map", Map(2));
  dir.Write("site/css/site.css",
            "a{b:\"" + Token(3) + "\"}\n/*# sourceMappingURL=site.map */\n");
  dir.Write("site/css/site.map", Map(3));
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].path,
            dir.path() + "/site/css/site.map!src/config.ts");
  ASSERT_EQ(r.findings[0].related.size(), 1u);
  EXPECT_EQ(r.findings[0].related[0].path, dir.path() + "/site/css/site.css");
  EXPECT_EQ(r.findings[1].path,
            dir.path() + "/site/maps/app.min.js.map!src/config.ts");
  ASSERT_EQ(r.findings[1].related.size(), 1u);
  EXPECT_EQ(r.findings[1].related[0].path, dir.path() + "/site/js/app.min.js");
}

// No comment (stripped by a build step): `<bundle>.map` beside it covers it.
TEST_F(BundleFoldTest, SiblingMapCoversABundleWithoutComment) {
  test::TempDir dir;
  dir.Write("app.js", Bundle(4, ""));
  dir.Write("app.js.map", Map(4));
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].related.size(), 1u);
}

// What no covering map holds stays where it is: another map's source, a
// different secret, a map the scan did not read.
TEST_F(BundleFoldTest, UncoveredFindingsStay) {
  test::TempDir dir;
  dir.Write("a/app.js", Bundle(5, "//# sourceMappingURL=app.js.map\n"));
  dir.Write("a/other.js.map", Map(5));   // not named, not beside
  dir.Write("b/app.js", Bundle(6, ""));  // b/app.js.map holds Token(7)
  dir.Write("b/app.js.map", Map(7));
  dir.Write("c/app.js",
            Bundle(8, "//# sourceMappingURL=https://cdn/app.js.map\n"));
  ScanResult r =
      Scan({dir.path() + "/a", dir.path() + "/b", dir.path() + "/c"});
  EXPECT_EQ(r.findings.size(), 5u);
  EXPECT_EQ(r.stats.bundle_findings_folded, 0u);
  for (const Finding& f : r.findings) EXPECT_TRUE(f.related.empty());
}

TEST_F(BundleFoldTest, WithoutSourceMapsNothingFolds) {
  test::TempDir dir;
  dir.Write("dist/app.js", Bundle(9, "//# sourceMappingURL=app.js.map\n"));
  dir.Write("dist/app.js.map", Map(9));
  ScanOptions o;
  o.source_maps = false;
  ScanResult r = Scan({dir.path()}, o);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/dist/app.js");
  EXPECT_EQ(r.findings[1].path, dir.path() + "/dist/app.js.map");
}

TEST(SourceMapOfTest, ResolvesAgainstTheBundleDirectory) {
  EXPECT_EQ(SourceMapOf("x;\n//# sourceMappingURL=app.js.map\n", "dist/app.js"),
            "dist/app.js.map");
  EXPECT_EQ(SourceMapOf("x;\n//@ sourceMappingURL=../m/a.map", "./d/a.js"),
            "m/a.map");
  EXPECT_EQ(SourceMapOf("a{}\n/*# sourceMappingURL=s.css.map */", "s.css"),
            "s.css.map");
  EXPECT_EQ(SourceMapOf("x\n//# sourceMappingURL=a.map", "r.zip!js/a.js"),
            "r.zip!js/a.map");
  EXPECT_EQ(SourceMapOf("x\n//# sourceMappingURL=a.map", "r.zip!a.js"),
            "r.zip!a.map");
}

TEST(SourceMapOfTest, NamesNoFileForInlineRemoteOrMissing) {
  EXPECT_EQ(
      SourceMapOf("//# sourceMappingURL=data:application/json;base64,e30=",
                  "a.js"),
      "");
  EXPECT_EQ(SourceMapOf("//# sourceMappingURL=https://cdn.test/a.map", "a.js"),
            "");
  EXPECT_EQ(SourceMapOf("//# sourceMappingURL=/static/a.map", "a.js"), "");
  EXPECT_EQ(SourceMapOf("var sourceMappingURL=1;", "a.js"), "");
  EXPECT_EQ(SourceMapOf("", "a.js"), "");
  // Only the end of the file is read: a comment far before it is not one.
  EXPECT_EQ(SourceMapOf("//# sourceMappingURL=a.map\n" + std::string(8192, 'x'),
                        "a.js"),
            "");
}

}  // namespace
}  // namespace keyward

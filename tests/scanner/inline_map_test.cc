// Inline source maps: a bundle's last line `//# sourceMappingURL=data:
// application/json;base64,...` (or CSS's `/*# ... */`) is decoded and each
// embedded source scanned as `<bundle>!inline-map!<source>`, at its own
// lines; the comment's payload is not scanned again as a base64 string.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/scan.h"
#include "support/base64.h"
#include "support/run.h"
#include "token_scan_fixture.h"

namespace keyward {
namespace {

using test::Token;

using test::B64;

// A map whose second source holds Token(1) at line 3, column 14.
std::string MapJson() {
  return R"({"version":3,"sources":["src/main.ts","src/config.ts"],)"
         R"("sourcesContent":["export const a = 1;\n",)"
         R"("// config\nexport const x = 2;\nconst key = \")" +
         Token(1) + R"(\";\n"],"names":[],"mappings":"AAAA"})";
}

using InlineMapTest = test::TokenScanTest;

TEST_F(InlineMapTest, JsBase64MapSourcesAreScannedAtTheirLines) {
  for (const char* media :
       {"application/json;base64,", "application/json;charset=utf-8;base64,"}) {
    SCOPED_TRACE(media);
    std::string js = "var a=1;var k=\"" + Token(2) +
                     "\";\n//# sourceMappingURL=data:" + media +
                     B64(MapJson()) + "\n";
    ScanResult r = Scan("dist/app.js", js);
    ASSERT_EQ(r.findings.size(), 2u);
    EXPECT_EQ(r.findings[0].path, path_);  // the bundle's own token
    EXPECT_EQ(r.findings[0].secret, Token(2));
    EXPECT_EQ(r.findings[1].path, path_ + "!inline-map!src/config.ts");
    EXPECT_EQ(r.findings[1].line, 3);
    EXPECT_EQ(r.findings[1].column, 14);
    EXPECT_EQ(r.findings[1].encoding, "");
    EXPECT_EQ(r.stats.source_maps, 1u);
  }
}

TEST_F(InlineMapTest, CssMapAndNoSourceMaps) {
  std::string css =
      "a{color:red}\n/*# sourceMappingURL=data:application/"
      "json;base64," +
      B64(MapJson()) + " */\n";
  ScanResult r = Scan("dist/app.css", css);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, path_ + "!inline-map!src/config.ts");
  // Without source maps the payload is a base64 string like any other:
  // found in its decoded text, at the comment.
  ScanOptions o;
  o.source_maps = false;
  r = Scan("dist/b.css", css, o);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, path_);
  EXPECT_EQ(r.findings[0].encoding, "base64");
  EXPECT_EQ(r.findings[0].line, 2);
  EXPECT_EQ(r.stats.source_maps, 0u);
}

// Not at the end, not JSON, not decodable: the bundle is plain text.
TEST_F(InlineMapTest, OtherCommentsAreText) {
  std::string js = "//# sourceMappingURL=data:application/json;base64," +
                   B64(MapJson()) + "\nvar x=1;\n";
  EXPECT_EQ(Scan("a.js", js).stats.source_maps, 0u);
  js = "var x=1;\n//# sourceMappingURL=app.js.map\n";
  EXPECT_EQ(Scan("b.js", js).stats.source_maps, 0u);
  js = "var x=1;\n//# sourceMappingURL=data:application/json;base64,%%%\n";
  EXPECT_EQ(Scan("c.js", js).stats.source_maps, 0u);
}

}  // namespace
}  // namespace keyward

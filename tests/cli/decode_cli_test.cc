// End-to-end: gzip on stdin and in directories, source maps, and their off
// switches (--no-decompress, --no-source-maps, .keyward.yaml).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/fake_secrets.h"
#include "support/gzip.h"
#include "support/run.h"

namespace keyward {
namespace {

using test::FakeGithubToken;
using test::Gzip;
using test::RunKeyward;
using test::TempDir;

void ExpectNoSecret(const test::RunResult& r, const std::string& secret) {
  EXPECT_EQ(r.out.find(secret.substr(4, 20)), std::string::npos)
      << "secret in stdout";
  EXPECT_EQ(r.err.find(secret.substr(4, 20)), std::string::npos)
      << "secret in stderr";
}

TEST(DecodeCliTest, GzipOnStdinIsDecompressed) {
  std::string tok = FakeGithubToken(161);
  std::string log = "first line\nGITHUB_TOKEN=" + tok + "\nlast\n";
  auto r = RunKeyward({"scan", "--format", "json", "-"}, Gzip(log));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ExpectNoSecret(r, tok);
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 1u);
  EXPECT_EQ(doc["findings"][0]["path"], "-");
  EXPECT_EQ(doc["findings"][0]["line"], 2);
  EXPECT_EQ(doc["findings"][0]["column"], 14);
  // Streamed text output too (the path FindingStream takes).
  auto text = RunKeyward({"scan", "-"}, Gzip(log));
  EXPECT_EQ(text.exit_code, 1) << text.err;
  ExpectNoSecret(text, tok);
  // Off: the compressed bytes are scanned as they are.
  auto off = RunKeyward({"scan", "--no-decompress", "-"}, Gzip(log));
  EXPECT_EQ(off.exit_code, 0) << off.err;
}

TEST(DecodeCliTest, GzipBombOnStdinEndsWithAWarning) {
  auto r =
      RunKeyward({"scan", "--stats", "-"}, test::GzipBomb(1ull << 30, 'a'));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("standard input: decompression stopped"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("1 over budget"), std::string::npos) << r.err;
}

TEST(DecodeCliTest, DirectoryGzipAndSourceMapPaths) {
  TempDir dir;
  std::string t1 = FakeGithubToken(162), t2 = FakeGithubToken(163);
  dir.Write("logs/app.log.gz", Gzip("a\nb\nc\ntoken: " + t1 + "\n"));
  nlohmann::json map = {
      {"version", 3},
      {"sources", {"src/main.ts", "src/config.ts"}},
      {"sourcesContent",
       {"export {};\n", "// c\n\nexport const gh = \"" + t2 + "\";\n"}},
      {"mappings", "AAAA"}};
  dir.Write("dist/app.js.map", map.dump());
  auto r = RunKeyward({"scan", "--format", "json", "--stats", "."}, "", {},
                      dir.path());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ExpectNoSecret(r, t1);
  ExpectNoSecret(r, t2);
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 2u);
  EXPECT_EQ(doc["findings"][0]["path"], "dist/app.js.map!src/config.ts");
  EXPECT_EQ(doc["findings"][0]["line"], 3);
  EXPECT_EQ(doc["findings"][0]["column"], 20);
  EXPECT_EQ(doc["findings"][1]["path"], "logs/app.log.gz");
  EXPECT_EQ(doc["findings"][1]["line"], 4);
  EXPECT_NE(r.err.find("decompressed:    1 files"), std::string::npos);
  EXPECT_NE(r.err.find("source maps:     1"), std::string::npos);
  EXPECT_EQ(doc["stats"]["decompressed"], 1);
  EXPECT_EQ(doc["stats"]["decompressed_bytes"], 13 + 40 + 1);  // the text
  EXPECT_EQ(doc["stats"]["decompress_limited"], 0);
  EXPECT_EQ(doc["stats"]["source_maps"], 1);
  EXPECT_EQ(doc["stats"]["files"], 3);  // the log and the map's two sources

  // Off by flag: the map's JSON text is scanned (one escaped line), the
  // gzip file is binary.
  auto off = RunKeyward(
      {"scan", "--format", "json", "--no-decompress", "--no-source-maps", "."},
      "", {}, dir.path());
  ASSERT_EQ(off.exit_code, 1) << off.err;
  auto off_doc = nlohmann::json::parse(off.out);
  ASSERT_EQ(off_doc["findings"].size(), 1u);
  EXPECT_EQ(off_doc["findings"][0]["path"], "dist/app.js.map");
  EXPECT_EQ(off_doc["findings"][0]["line"], 1);

  // Off in .keyward.yaml.
  dir.Write(".keyward.yaml", "decompress: false\nsource_maps: false\n");
  auto cfg = RunKeyward({"scan", "--format", "json", "."}, "", {}, dir.path());
  ASSERT_EQ(cfg.exit_code, 1) << cfg.err;
  auto cfg_doc = nlohmann::json::parse(cfg.out);
  ASSERT_EQ(cfg_doc["findings"].size(), 1u);
  EXPECT_EQ(cfg_doc["findings"][0]["path"], "dist/app.js.map");

  dir.Write(".keyward.yaml", "decompress: maybe\n");
  auto bad = RunKeyward({"scan", "."}, "", {}, dir.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("`decompress` must be true or false"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace keyward

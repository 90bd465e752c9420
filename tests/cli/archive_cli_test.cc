// End-to-end: archives and compressed files in directories and on stdin,
// with their switches (--no-archives, --archive-max-depth, --max-expansion,
// .keyward.yaml) and --stats.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/archive_writer.h"
#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward::test {
namespace {

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::string Env(const std::string& token) {
  return "A=1\nB=2\nGITHUB_TOKEN=" + token + "\n";
}

TEST(ArchiveCliTest, ArchivesAndCompressedStreamsOnStdin) {
  const std::string tok = FakeGithubToken(1611);
  struct Case {
    std::string name, data, path;
  };
  const std::vector<Case> cases = {
      {"zip", MakeArchive(ArchiveFormat::kZip, {{"app/.env", Env(tok)}}),
       "-!app/.env"},
      {"tar.xz",
       MakeArchive(ArchiveFormat::kTar, {{"app/.env", Env(tok)}},
                   ArchiveFilter::kXz),
       "-!app/.env"},
      {"zst",
       MakeArchive(ArchiveFormat::kRaw, {{"x", Env(tok)}},
                   ArchiveFilter::kZstd),
       "-"},
      {"bz2",
       MakeArchive(ArchiveFormat::kRaw, {{"x", Env(tok)}},
                   ArchiveFilter::kBzip2),
       "-"}};
  for (const Case& c : cases) {
    auto r = RunKeyward({"scan", "--format", "jsonl", "-"}, c.data);
    ASSERT_EQ(r.exit_code, 1) << c.name << ": " << r.err;
    EXPECT_FALSE(Has(r.out, tok.substr(4, 20))) << "secret in stdout";
    auto j = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')));
    EXPECT_EQ(j["path"], c.path) << c.name;
    EXPECT_EQ(j["line"], 3) << c.name;
    EXPECT_EQ(j["column"], 14) << c.name;
  }
}

TEST(ArchiveCliTest, SwitchesConfigurationAndStats) {
  TempDir dir;
  const std::string tok = FakeGithubToken(1612), tok2 = FakeGithubToken(1613);
  std::string jar =
      MakeArchive(ArchiveFormat::kZip, {{"x.properties", Env(tok2)}});
  dir.Write("dist/release.zip",
            MakeArchive(ArchiveFormat::kZip,
                        {{"app/config/.env", Env(tok)}, {"lib/b.jar", jar}}));
  auto r = RunKeyward({"scan", "--format", "json", "--stats", "."}, "", {},
                      dir.path());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 2u);
  EXPECT_EQ(doc["findings"][0]["path"], "dist/release.zip!app/config/.env");
  EXPECT_EQ(doc["findings"][1]["path"],
            "dist/release.zip!lib/b.jar!x.properties");
  EXPECT_EQ(doc["stats"]["archives"], 2);
  EXPECT_EQ(doc["stats"]["archive_entries"], 3);
  EXPECT_EQ(doc["stats"]["archive_limited"], 0);
  EXPECT_TRUE(Has(r.err, "archives:        2 opened, 3 entries, 0 limits hit"))
      << r.err;

  auto shallow = RunKeyward(
      {"scan", "--archive-max-depth", "1", "--stats", "."}, "", {}, dir.path());
  EXPECT_EQ(shallow.exit_code, 1) << shallow.err;
  EXPECT_TRUE(Has(shallow.err, "dist/release.zip!lib/b.jar: not opened"))
      << shallow.err;
  EXPECT_TRUE(Has(shallow.err, "1 limits hit")) << shallow.err;

  auto off = RunKeyward({"scan", "--no-archives", "."}, "", {}, dir.path());
  EXPECT_EQ(off.exit_code, 0) << off.err;

  auto small =
      RunKeyward({"scan", "--max-expansion", "10", "."}, "", {}, dir.path());
  EXPECT_EQ(small.exit_code, 0) << small.err;
  EXPECT_TRUE(Has(small.err, "the budget of 10 bytes per file")) << small.err;

  dir.Write(".keyward.yaml", "archives: false\n");
  auto cfg = RunKeyward({"scan", "."}, "", {}, dir.path());
  EXPECT_EQ(cfg.exit_code, 0) << cfg.err;
  dir.Write(".keyward.yaml", "archive_max_depth: 1\nmax_expansion: 64K\n");
  auto cfg2 = RunKeyward({"scan", "."}, "", {}, dir.path());
  EXPECT_EQ(cfg2.exit_code, 1) << cfg2.err;
  EXPECT_TRUE(Has(cfg2.err, "lib/b.jar: not opened")) << cfg2.err;
  dir.Write(".keyward.yaml", "max_expansion: lots\n");
  auto bad = RunKeyward({"scan", "."}, "", {}, dir.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Has(bad.err, "`max_expansion` must be a size")) << bad.err;
}

}  // namespace
}  // namespace keyward::test

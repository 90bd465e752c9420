// End-to-end: repeatable options take one value per occurrence (the paths
// after them are paths), and bytes that are not UTF-8 never abort a writer.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward {
namespace {

using test::FakeGithubToken;
using test::ReadFile;
using test::RunKeyward;
using test::TempDir;

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

TEST(CliOptionsTest, RepeatedReportDoesNotSwallowThePath) {
  TempDir dir, out;
  dir.Write("a.env", "GITHUB_TOKEN=" + FakeGithubToken(31) + "\n");
  // The README's own line: two reports, then the path.
  auto r = RunKeyward({"scan", "--report", "sarif=" + out.path() + "/k.sarif",
                       "--report", "json=" + out.path() + "/out.json", "."},
                      "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto doc = nlohmann::json::parse(ReadFile(out.path() + "/out.json"));
  ASSERT_EQ(doc["findings"].size(), 1u);
  EXPECT_EQ(doc["findings"][0]["rule_id"], "github.pat.classic");
  EXPECT_TRUE(Exists(out.path() + "/k.sarif"));
}

TEST(CliOptionsTest, RulesOptionTakesOneFileThenPaths) {
  TempDir dir, rules;
  rules.Write("r.yaml", R"(rules:
  - id: local.widget
    name: Widget key
    provider: Local
    kind: api-key
    severity: high
    pattern: '\b(wdg_[a-z0-9]{20})\b'
    examples: ['wdg_k3j5h7g9f2d4s6a8p0o1']
)");
  dir.Write("leak.env", "WIDGET=wdg_q1w2e3r4t5y6u7i8o9p0\n");
  auto r = RunKeyward({"scan", "--rules", rules.path() + "/r.yaml", "leak.env",
                       "--format", "json"},
                      "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 1u) << r.out;
  EXPECT_EQ(doc["findings"][0]["rule_id"], "local.widget");
  EXPECT_EQ(doc["findings"][0]["path"], "leak.env");
}

TEST(CliOptionsTest, TicketsDirIsNotTheScannedTree) {
  TempDir dir, tickets;
  dir.Write("src/a.env", "GITHUB_TOKEN=" + FakeGithubToken(32) + "\n");
  auto r = RunKeyward({"scan", "--tickets", tickets.path(), "src"}, "", {},
                      dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // Ticket files went to the tickets directory, none into the scanned tree.
  EXPECT_TRUE(Exists(tickets.path() + "/index.json")) << r.err;
  EXPECT_FALSE(Exists(dir.path() + "/src/index.json"));
  EXPECT_FALSE(Exists(dir.path() + "/index.json"));
}

TEST(CliOptionsTest, NonUtf8FileNameDoesNotAbortJsonWriters) {
  TempDir dir, out;
  // "caf\xe9.env": Latin-1, not valid UTF-8.
  dir.Write(std::string("caf\xe9") + ".env",
            "GITHUB_TOKEN=" + FakeGithubToken(33) + "\n");
  for (const char* format : {"json", "jsonl", "sarif"}) {
    auto r = RunKeyward({"scan", "--format", format, "."}, "", {}, dir.path());
    EXPECT_EQ(r.exit_code, 1) << format << ": " << r.err;
    EXPECT_NE(r.out.find("caf"), std::string::npos) << format;
  }
  auto b = RunKeyward(
      {"scan", "--baseline-out", out.path() + "/baseline.json", "."}, "", {},
      dir.path());
  EXPECT_NE(b.exit_code, 134) << b.err;
  EXPECT_LT(b.exit_code, 2) << b.err;
  EXPECT_TRUE(Exists(out.path() + "/baseline.json"));
}

}  // namespace
}  // namespace keyward

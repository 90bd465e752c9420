// End-to-end: inputs and options that once aborted keyward (exit 134) or
// made its output lie. Each must be a clear error naming the file (exit 2)
// or be handled.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward {
namespace {

using test::FakeGithubToken;
using test::ReadFile;
using test::RunKeyward;
using test::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

// An error: exit 2, one "keyward: error:" line naming `what`.
void ExpectError(const test::RunResult& r, const std::string& what) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("keyward: error: ")) << r.err;
  EXPECT_THAT(r.err, HasSubstr(what)) << r.err;
}

TEST(HostileInputTest, EndlessRuleOrInventoryFileIsAnErrorNamingIt) {
  TempDir dir;
  dir.Write("a.txt", "nothing here\n");
  ExpectError(RunKeyward({"scan", "--rules", "/dev/zero", dir.path()}),
              "/dev/zero: larger than");
  ExpectError(RunKeyward({"scan", "--inventory", "/dev/zero", dir.path()}),
              "/dev/zero: larger than");
}

TEST(HostileInputTest, ChunkSizeAndThreadsTheMachineCannotHonourAreRefused) {
  TempDir dir;
  dir.Write("a.txt", "nothing here\n");
  for (const char* chunk : {"0", "99999999999999", "-1"}) {
    auto r = RunKeyward({"scan", "--chunk-size", chunk, "-"}, "x\n");
    EXPECT_EQ(r.exit_code, 2) << chunk << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("--chunk-size")) << r.err;
  }
  for (const char* threads : {"100000", "-3"}) {
    auto r = RunKeyward({"scan", "-j", threads, dir.path()});
    EXPECT_EQ(r.exit_code, 2) << threads << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("--threads")) << r.err;
  }
  // The limits themselves work.
  auto ok = RunKeyward({"scan", "--chunk-size", "1", "-j", "1", "-"},
                       "token " + FakeGithubToken(3) + "\n");
  EXPECT_EQ(ok.exit_code, 1) << ok.err;
}

TEST(HostileInputTest, WronglyTypedOrDeepJsonFilesAreErrorsNamingThem) {
  TempDir dir;
  std::string tok = FakeGithubToken(4);
  dir.Write("src/a.env", "GITHUB_TOKEN=" + tok + "\n");
  std::string base =
      dir.Write("base.json", R"({"version": "1", "entries": []})");
  ExpectError(RunKeyward({"scan", "--baseline", base, dir.path() + "/src"}),
              "base.json");
  std::string deep = std::string(300000, '[') + std::string(300000, ']');
  std::string inv =
      dir.Write("inv.json", "{\"schema_version\": 1, \"x\": " + deep + "}");
  ExpectError(RunKeyward({"scan", "--inventory", inv, dir.path() + "/src"}),
              "inv.json:1:");
  ExpectError(RunKeyward({"inventory", "list", "--inventory", inv}),
              "inv.json:1:");
  std::string report = dir.Write("report.json", "{\"findings\": " + deep + "}");
  ExpectError(
      RunKeyward({"tickets", "--from", report, "--out", dir.path() + "/t"}),
      "report.json:1:");
}

}  // namespace
}  // namespace keyward

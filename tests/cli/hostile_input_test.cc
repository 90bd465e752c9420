// End-to-end: inputs and options that once aborted keyward (exit 134) or
// made its output lie. Each must be a clear error naming the file (exit 2)
// or be handled.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

// Regression: a file name with ESC and a newline was written raw, so a
// crafted name could forge a finding line or a terminal escape.
TEST(HostileInputTest, ControlCharactersInFileNamesAreEscapedInTextOutput) {
  TempDir dir;
  std::string tok = FakeGithubToken(5);
  std::string name =
      "a\x1b[2Jb\nforged.txt:1:1  github.pat.classic  ghp_…zzzz\r.env";
  dir.Write(name, "GITHUB_TOKEN=" + tok + "\n");
  auto r = RunKeyward({"scan", "."}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(r.out.find('\r'), std::string::npos);
  EXPECT_THAT(r.out, HasSubstr("a\\x1b[2Jb\\nforged.txt:1:1  "
                               "github.pat.classic  ghp_…zzzz\\r.env:1:14  "
                               "github.pat.classic"));
  EXPECT_THAT(r.out, Not(HasSubstr(tok)));
}

TEST(HostileInputTest, ReportThatIsAlsoAnInputIsRefused) {
  TempDir dir;
  std::string tok = FakeGithubToken(6);
  std::string a = dir.Write("src/a.env", "GITHUB_TOKEN=" + tok + "\n");
  std::string old = dir.Write("src/old-report.txt", "last week's report\n");
  // The scanned file itself, named as the input: refused.
  auto self = RunKeyward({"scan", "-o", a, a});
  ExpectError(self, "report");
  EXPECT_EQ(ReadFile(a), "GITHUB_TOKEN=" + tok + "\n");
  // Last run's report inside a scanned directory is not an input: skipped
  // and replaced (running `scan -o report.json .` twice works).
  auto inside = RunKeyward({"scan", "--report", "json=" + old, dir.path()});
  EXPECT_EQ(inside.exit_code, 1) << inside.err;
  EXPECT_THAT(ReadFile(old), HasSubstr("\"findings\""));
  auto again = RunKeyward({"scan", "--report", "json=" + old, dir.path()});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  // A hard link to an input as the report: the atomic rename replaces the
  // link's entry, never the input's content, and the input is scanned.
  ASSERT_EQ(link(a.c_str(), (dir.path() + "/link.txt").c_str()), 0);
  auto linked =
      RunKeyward({"scan", "-o", dir.path() + "/link.txt", dir.path() + "/src"});
  EXPECT_EQ(linked.exit_code, 1) << linked.err;
  EXPECT_EQ(ReadFile(a), "GITHUB_TOKEN=" + tok + "\n");
  EXPECT_THAT(ReadFile(dir.path() + "/link.txt"), HasSubstr("src/a.env"));
  // Standard input redirected from the report file.
  auto piped = test::RunProgram(
      {"sh", "-c", std::string(KEYWARD_BINARY) + " scan -o \"$0\" - < \"$0\"",
       a});
  ExpectError(piped, "standard input");
  EXPECT_EQ(ReadFile(a), "GITHUB_TOKEN=" + tok + "\n");
  // A new report inside the scanned directory is not an input: written.
  auto fresh = RunKeyward(
      {"scan", "-o", dir.path() + "/src/new.txt", dir.path() + "/src"});
  EXPECT_EQ(fresh.exit_code, 1) << fresh.err;
  EXPECT_THAT(ReadFile(dir.path() + "/src/new.txt"), HasSubstr("src/a.env"));
}

// Regression: a report was truncated, then written; a full disk left a
// partial file in place of the old one. A file size limit stands in for the
// full disk (SIGXFSZ ignored, so write() fails with EFBIG).
TEST(HostileInputTest, ReportWriteThatFailsLeavesTheOldReport) {
  TempDir dir;
  std::string src;
  for (int i = 0; i < 40; i++) {
    src += "GITHUB_TOKEN_" + std::to_string(i) + "=" +
           FakeGithubToken(100 + i) + "\n";
  }
  dir.Write("src/a.env", src);
  std::string out = dir.Write("out/report.json", "the old report\n");
  auto r = test::RunProgram({"sh", "-c",
                             "trap '' XFSZ; ulimit -f 4; exec " +
                                 std::string(KEYWARD_BINARY) +
                                 " scan --format json -o \"$0\" \"$1\"",
                             out, dir.path() + "/src"});
  ExpectError(r, "report.json");
  EXPECT_EQ(ReadFile(out), "the old report\n");
  int entries = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(dir.path() + "/out")) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1) << "a temporary file was left behind";
  // Without the limit the report is replaced whole.
  auto ok =
      RunKeyward({"scan", "--format", "json", "-o", out, dir.path() + "/src"});
  EXPECT_EQ(ok.exit_code, 1) << ok.err;
  EXPECT_THAT(ReadFile(out), HasSubstr("\"findings\""));
}

}  // namespace
}  // namespace keyward

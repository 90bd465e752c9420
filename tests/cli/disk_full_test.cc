// A write that fails part-way (a full disk) for every file keyward writes:
// the run exits 2 naming the file, the previous version of the file is left
// whole, and no temporary file stays behind. The failure is made with a
// file-size limit (`ulimit -f`, SIGXFSZ ignored: write returns EFBIG), which
// needs no mount and so runs anywhere, as root or not.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward::test {
namespace {

// Files may grow to 4 KiB (8 blocks of 512 bytes in dash's `ulimit -f`).
RunResult RunWithSmallDisk(const std::vector<std::string>& args,
                           const std::string& cwd,
                           const std::string& input = "") {
  std::vector<std::string> argv = {
      "sh", "-c", "trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\"",
      KEYWARD_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, input, {}, cwd);
}

// A tree whose reports are well over 4 KiB: 80 distinct leaked tokens.
void WriteLeaks(const TempDir& dir) {
  std::string text;
  for (uint32_t i = 0; i < 80; ++i) {
    text += "GITHUB_TOKEN_" + std::to_string(i) + "=" +
            FakeGithubToken(900 + i) + "\n";
  }
  dir.Write("src/leaks.env", text);
}

// Names of files in `dir` (recursively) that look like temporaries.
std::vector<std::string> Temporaries(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.find(".tmp") != std::string::npos) found.push_back(name);
  }
  return found;
}

constexpr char kOld[] = "previous content, kept whole\n";

TEST(DiskFullTest, EveryReportFileKeepsItsPreviousVersion) {
  TempDir dir;
  WriteLeaks(dir);
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"out.json", {"scan", "--format", "json", "-o", "out.json", "src"}},
      {"out.sarif", {"scan", "--report", "sarif=out.sarif", "src"}},
      {"out.jsonl", {"scan", "--report", "jsonl=out.jsonl", "src"}},
      {"baseline.json", {"scan", "--baseline-out", "baseline.json", "src"}},
  };
  for (const auto& [file, args] : cases) {
    SCOPED_TRACE(file);
    dir.Write(file, kOld);
    RunResult r = RunWithSmallDisk(args, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
    EXPECT_EQ(ReadFile(dir.path() + "/" + file), kOld);
    EXPECT_TRUE(Temporaries(dir.path()).empty());
    // The same command with room to write succeeds (the limit is the cause).
    RunResult ok = RunKeyward(args, "", {}, dir.path());
    EXPECT_EQ(ok.exit_code, 1) << ok.err;
    EXPECT_GT(ReadFile(dir.path() + "/" + file).size(), 4096u);
  }
}

TEST(DiskFullTest, InventoryKeepsItsPreviousVersion) {
  TempDir dir;
  ASSERT_EQ(RunKeyward({"inventory", "init"}, "", {}, dir.path()).exit_code, 0);
  const std::string path = dir.path() + "/keyward-inventory.json";
  const std::string before = ReadFile(path);
  ASSERT_FALSE(before.empty());
  // A purpose long enough that the new inventory passes the limit.
  std::vector<std::string> add = {"inventory",
                                  "add",
                                  "--secret-stdin",
                                  "--name",
                                  "Disk test - production - Ops",
                                  "--owner",
                                  "ops",
                                  "--provider",
                                  "GitHub",
                                  "--type",
                                  "api-key",
                                  "--purpose",
                                  std::string(6000, 'p'),
                                  "--environment",
                                  "production",
                                  "--access",
                                  "read-only",
                                  "--systems",
                                  "disk-test"};
  RunResult r = RunWithSmallDisk(add, dir.path(), FakeGithubToken(42) + "\n");
  EXPECT_EQ(r.exit_code, 2) << r.err << r.out;
  EXPECT_NE(r.err.find("keyward-inventory.json"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(path), before);
  EXPECT_TRUE(Temporaries(dir.path()).empty());
  RunResult ok = RunKeyward(add, FakeGithubToken(42) + "\n", {}, dir.path());
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_GT(ReadFile(path).size(), 4096u);
}

TEST(DiskFullTest, TicketsFailWithExitTwoAndLeaveNoTemporaries) {
  TempDir dir;
  WriteLeaks(dir);
  RunResult r =
      RunWithSmallDisk({"scan", "--tickets", "tickets", "src"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("tickets"), std::string::npos) << r.err;
  if (std::filesystem::exists(dir.path() + "/tickets")) {
    EXPECT_TRUE(Temporaries(dir.path() + "/tickets").empty());
  }
  RunResult ok =
      RunKeyward({"scan", "--tickets", "tickets", "src"}, "", {}, dir.path());
  EXPECT_EQ(ok.exit_code, 1) << ok.err;
}

}  // namespace
}  // namespace keyward::test

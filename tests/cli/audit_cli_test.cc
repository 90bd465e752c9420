// `keyward audit` and `keyward merge` end to end, on local repositories
// (paths and file:// URLs only): shards merge to the bytes of a
// single-process audit, reruns skip current results, a killed shard leaves
// no partial result, bad targets files are named by line, history mode
// finds what the tree no longer has, and the store keeps triage.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "support/fake_secrets.h"
#include "support/git_commit.h"
#include "support/run.h"

namespace keyward::test {
namespace {

namespace fs = std::filesystem;

// The same directory tree, file by file (names relative to the root).
std::map<std::string, std::string> Tree(const std::string& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) {
      out[fs::relative(e.path(), root).string()] = ReadFile(e.path().string());
    }
  }
  return out;
}

class AuditCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Six repositories: four named by path, two by file:// URL; one clean.
    std::string targets = "# audit fixture\n";
    for (int i = 0; i < 6; ++i) {
      std::string name = "repos/r" + std::to_string(i);
      std::vector<std::pair<std::string, std::string>> files = {
          {"README.md", "# r" + std::to_string(i) + "\n"}};
      if (i != 5) {
        files.push_back(
            {"config/app.env", "GH_TOKEN=" + FakeGithubToken(300 + i) + "\n"});
      }
      if (i == 2) files.push_back({"b.py", "k = '" + FakeAwsKeyId(7) + "'\n"});
      Commit(dir_.path() + "/" + name, files);
      targets +=
          i < 4 ? name + "\n" : "file://" + dir_.path() + "/" + name + ".git\n";
    }
    dir_.Write("targets.txt", targets);
  }
  RunResult Keyward(const std::vector<std::string>& args) {
    return RunKeyward(args, "", {}, dir_.path());
  }
  std::string P(const std::string& rel) { return dir_.path() + "/" + rel; }
  TempDir dir_;
};

TEST_F(AuditCliTest, MergedShardsEqualSingleProcessRunByteForByte) {
  RunResult single =
      Keyward({"audit", "--targets", "targets.txt", "--out", "single",
               "--report", "json=single.json", "--report", "sarif=single.sarif",
               "--tickets", "single-tickets", "--no-store"});
  ASSERT_EQ(single.exit_code, 1) << single.err;
  for (int k = 0; k < 3; ++k) {
    RunResult shard = Keyward({"audit", "--targets", "targets.txt", "--shard",
                               std::to_string(k) + "/3", "--out", "sharded"});
    ASSERT_EQ(shard.exit_code, 0) << shard.err;  // merge judges findings
  }
  // One result per target, however the shards split them.
  size_t results = 0;
  for (const auto& e : fs::directory_iterator(P("sharded"))) {
    results += e.path().extension() == ".json";
  }
  EXPECT_EQ(results, 6u);
  RunResult merged = Keyward(
      {"merge", "--in", "sharded", "--report", "json=merged.json", "--report",
       "sarif=merged.sarif", "--tickets", "merged-tickets", "--no-store"});
  ASSERT_EQ(merged.exit_code, 1) << merged.err;
  EXPECT_EQ(ReadFile(P("single.json")), ReadFile(P("merged.json")));
  EXPECT_EQ(ReadFile(P("single.sarif")), ReadFile(P("merged.sarif")));
  EXPECT_EQ(Tree(P("single-tickets")), Tree(P("merged-tickets")));
  EXPECT_FALSE(Tree(P("merged-tickets")).empty());

  auto report = nlohmann::json::parse(ReadFile(P("merged.json")));
  EXPECT_EQ(report["targets"].size(), 6u);
  EXPECT_EQ(report["findings"].size(), 6u);  // 5 GitHub tokens, 1 AWS id
  bool url_target = false;
  for (const auto& f : report["findings"]) {
    std::string path = f["path"];
    // TARGET/path: the repository, then the path inside it.
    EXPECT_TRUE(path.ends_with("/config/app.env") ||
                path.ends_with("repos/r2/b.py"))
        << path;
    url_target = url_target || path.rfind("file://", 0) == 0;
    // Redacted: the token's body is never there.
    EXPECT_EQ(f["secret"].get<std::string>().size() < 16, true);
  }
  EXPECT_TRUE(url_target);
  auto sarif = nlohmann::json::parse(ReadFile(P("merged.sarif")));
  ASSERT_EQ(sarif["runs"].size(), 6u);
  EXPECT_EQ(sarif["runs"][0]["results"].size(), 1u);
  EXPECT_EQ(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
                 ["artifactLocation"]["uri"],
            "config/app.env");
  // No result file holds a secret value.
  for (const auto& e : fs::directory_iterator(P("sharded"))) {
    if (!e.is_regular_file()) continue;
    std::string text = ReadFile(e.path().string());
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(text.find(FakeGithubToken(300 + i).substr(4, 20)),
                std::string::npos);
    }
  }
}

TEST_F(AuditCliTest, RerunSkipsCurrentResultsAndRescansChangedOnes) {
  ASSERT_EQ(
      Keyward({"audit", "--targets", "targets.txt", "--out", "out"}).exit_code,
      0);
  RunResult again =
      Keyward({"audit", "--targets", "targets.txt", "--out", "out"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("(0 scanned, 6 current, 0 failed)"),
            std::string::npos)
      << again.err;
  Commit(P("repos/r1"), {{"more.txt", "x\n"}});
  Commit(P("repos/r4"), {{"more.txt", "x\n"}});  // a file:// target
  again = Keyward({"audit", "--targets", "targets.txt", "--out", "out"});
  EXPECT_NE(again.err.find("(2 scanned, 4 current, 0 failed)"),
            std::string::npos)
      << again.err;
  // Another mode is another result.
  again =
      Keyward({"audit", "--targets", "targets.txt", "--out", "out", "--git"});
  EXPECT_NE(again.err.find("(6 scanned, 0 current, 0 failed)"),
            std::string::npos)
      << again.err;
}

TEST_F(AuditCliTest, BadTargetsFileGivesExitTwoNamingFileAndLine) {
  dir_.Write("bad.txt", "repos/r0\n\n--upload-pack=touch pwned\n");
  RunResult r = Keyward({"audit", "--targets", "bad.txt", "--out", "out"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.txt:3: "), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(P("pwned")));
  r = Keyward({"audit", "--targets", "missing.txt", "--out", "out"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.txt"), std::string::npos) << r.err;
  r = Keyward(
      {"audit", "--targets", "targets.txt", "--out", "out", "--shard", "3/3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--shard"), std::string::npos) << r.err;
}

TEST_F(AuditCliTest, FailedTargetIsRecordedAndRetried) {
  dir_.Write("more.txt", "repos/r0\nrepos/missing\nfile://" + dir_.path() +
                             "/repos/none\n");
  RunResult r = Keyward({"audit", "--targets", "more.txt", "--out", "out"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("(1 scanned, 0 current, 2 failed)"), std::string::npos)
      << r.err;
  r = Keyward(
      {"merge", "--in", "out", "--report", "json=m.json", "--no-store"});
  EXPECT_EQ(r.exit_code, 2);
  auto report = nlohmann::json::parse(ReadFile(P("m.json")));
  EXPECT_EQ(report["findings"].size(), 1u);
  Commit(P("repos/missing"), {{"a.txt", "x\n"}});
  r = Keyward({"audit", "--targets", "more.txt", "--out", "out"});
  EXPECT_NE(r.err.find("(1 scanned, 1 current, 1 failed)"), std::string::npos)
      << r.err;
}

TEST_F(AuditCliTest, GitModeFindsWhatTheTreeNoLongerHas) {
  Commit(P("repos/r3"), {}, {"config/app.env"});
  Commit(P("repos/r4"), {}, {"config/app.env"});
  dir_.Write("two.txt", "repos/r3\nfile://" + P("repos/r4") + "\n");
  RunResult tree = Keyward({"audit", "--targets", "two.txt", "--out", "t",
                            "--report", "json=t.json", "--no-store"});
  EXPECT_EQ(tree.exit_code, 0) << tree.err;
  RunResult hist = Keyward({"audit", "--targets", "two.txt", "--out", "h",
                            "--git", "--report", "json=h.json", "--no-store"});
  ASSERT_EQ(hist.exit_code, 1) << hist.err;
  auto report = nlohmann::json::parse(ReadFile(P("h.json")));
  ASSERT_EQ(report["findings"].size(), 2u);
  EXPECT_EQ(report["targets"][0]["mode"], "git");
  // The clones are gone.
  EXPECT_FALSE(fs::exists(P("h/.work")) && !fs::is_empty(P("h/.work")));
}

// SIGKILL at random moments of a run over many targets: every result file
// there is whole, and a rerun completes the rest.
TEST_F(AuditCliTest, KilledShardLeavesNoPartialResult) {
  std::string many;
  for (int i = 0; i < 40; ++i) {
    std::string name = "many/m" + std::to_string(i);
    Commit(P(name), {{"a.env", "T=" + FakeGithubToken(500 + i) + "\n"}});
    many += name + "\n";
  }
  dir_.Write("many.txt", many);
  std::mt19937 rng(19);
  for (int round = 0; round < 6; ++round) {
    pid_t pid = fork();
    if (pid == 0) {
      int null = open("/dev/null", O_RDWR);
      dup2(null, 1);
      dup2(null, 2);
      if (chdir(dir_.path().c_str()) != 0) _exit(127);
      execl(KEYWARD_BINARY, KEYWARD_BINARY, "audit", "--targets", "many.txt",
            "--out", "out", "-j", "1", static_cast<char*>(nullptr));
      _exit(127);
    }
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::uniform_int_distribution<int>(20, 400)(rng)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!fs::exists(P("out"))) continue;
    for (const auto& e : fs::directory_iterator(P("out"))) {
      std::string name = e.path().filename().string();
      if (name[0] == '.') continue;  // temporaries, clones
      auto doc =
          nlohmann::json::parse(ReadFile(e.path().string()), nullptr, false);
      ASSERT_FALSE(doc.is_discarded()) << name << " is partial";
      EXPECT_EQ(doc["findings"].size(), 1u) << name;
    }
  }
  RunResult rest = Keyward({"audit", "--targets", "many.txt", "--out", "out"});
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  RunResult merged = Keyward(
      {"merge", "--in", "out", "--report", "json=m.json", "--no-store"});
  EXPECT_EQ(merged.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(ReadFile(P("m.json")))["findings"].size(),
            40u);
}

}  // namespace
}  // namespace keyward::test

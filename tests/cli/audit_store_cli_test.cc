// The findings store through the commands: triage recorded with `keyward
// triage` survives a rerun in which the secret moved to another file, the
// old location is resolved (not deleted), and two `keyward merge` processes
// writing one store at once lose nothing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/fake_secrets.h"
#include "support/git_commit.h"
#include "support/run.h"

namespace keyward::test {
namespace {

namespace fs = std::filesystem;

nlohmann::json List(const TempDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"findings", "list",     "--store",
                                   "s.db",     "--format", "json"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = RunKeyward(argv, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, false);
}

TEST(AuditStoreCliTest, TriageSurvivesRerunAndMoveToAnotherFile) {
  TempDir dir;
  const std::string token = FakeGithubToken(919);
  Commit(dir.path() + "/repos/api", {{"a.env", "GH=" + token + "\n"}});
  dir.Write("targets.txt", "repos/api\n");
  auto audit = [&] {
    return RunKeyward({"audit", "--targets", "targets.txt", "--out", "res",
                       "--report", "json=audit.json", "--store", "s.db"},
                      "", {}, dir.path());
  };
  RunResult first = audit();
  ASSERT_EQ(first.exit_code, 1) << first.err;
  nlohmann::json rows = List(dir, {"--state", "open"});
  ASSERT_EQ(rows.size(), 1u);
  const std::string fp = rows[0]["fingerprint"];
  EXPECT_EQ(rows[0]["path"], "a.env");
  RunResult triage =
      RunKeyward({"triage", fp, "--state", "test-credential", "--note",
                  "fixture key", "--by", "ada", "--store", "s.db"},
                 "", {}, dir.path());
  ASSERT_EQ(triage.exit_code, 0) << triage.err;
  EXPECT_EQ(RunKeyward({"triage", fp, "--state", "ignored", "--store", "s.db"},
                       "", {}, dir.path())
                .exit_code,
            2);
  // A rerun with nothing changed keeps it; then the key moves.
  ASSERT_EQ(audit().exit_code, 1);
  EXPECT_EQ(List(dir, {"--state", "test-credential"}).size(), 1u);
  Commit(dir.path() + "/repos/api", {{"deploy/prod.env", "K=" + token + "\n"}},
         {"a.env"});
  RunResult moved = audit();
  ASSERT_EQ(moved.exit_code, 1) << moved.err;
  rows = List(dir, {"--state", "test-credential"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["path"], "deploy/prod.env");
  EXPECT_EQ(rows[0]["note"], "fixture key");
  EXPECT_EQ(rows[0]["triaged_by"], "ada");
  EXPECT_TRUE(List(dir, {"--state", "open"}).empty());
  nlohmann::json resolved = List(dir, {"--state", "resolved"});
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0]["path"], "a.env");
  // A repository that cannot be audited keeps its findings unresolved.
  fs::rename(dir.path() + "/repos/api", dir.path() + "/repos/gone");
  EXPECT_EQ(audit().exit_code, 2);
  EXPECT_EQ(List(dir, {"--state", "test-credential"}).size(), 1u);
  EXPECT_EQ(List(dir, {"--state", "resolved"}).size(), 1u);
  // The store holds no secret value.
  std::string db =
      ReadFile(dir.path() + "/s.db") + (fs::exists(dir.path() + "/s.db-wal")
                                            ? ReadFile(dir.path() + "/s.db-wal")
                                            : "");
  EXPECT_EQ(db.find(token.substr(4, 24)), std::string::npos);
}

pid_t StartMerge(const std::string& cwd, const std::string& in) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 1);
    dup2(null, 2);
    if (chdir(cwd.c_str()) != 0) _exit(127);
    execl(KEYWARD_BINARY, KEYWARD_BINARY, "merge", "--in", in.c_str(),
          "--store", "s.db", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

TEST(AuditStoreCliTest, TwoMergeProcessesAtOnceLoseNothing) {
  TempDir dir;
  std::string a, b;
  for (int i = 0; i < 12; ++i) {
    std::string name = "repos/m" + std::to_string(i);
    Commit(dir.path() + "/" + name,
           {{"x.env", "GH=" + FakeGithubToken(700 + i) + "\n"}});
    (i % 2 ? a : b) += name + "\n";
  }
  dir.Write("a.txt", a);
  dir.Write("b.txt", b);
  for (const char* t : {"a", "b"}) {
    RunResult r = RunKeyward({"audit", "--targets", std::string(t) + ".txt",
                              "--out", std::string("res-") + t},
                             "", {}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  for (int round = 0; round < 3; ++round) {
    pid_t pa = StartMerge(dir.path(), "res-a");
    pid_t pb = StartMerge(dir.path(), "res-b");
    ASSERT_GT(pa, 0);
    ASSERT_GT(pb, 0);
    int sa = 0, sb = 0;
    waitpid(pa, &sa, 0);
    waitpid(pb, &sb, 0);
    EXPECT_TRUE(WIFEXITED(sa) && WEXITSTATUS(sa) == 1) << sa;
    EXPECT_TRUE(WIFEXITED(sb) && WEXITSTATUS(sb) == 1) << sb;
  }
  nlohmann::json rows = List(dir, {"--all"});
  EXPECT_EQ(rows.size(), 12u);
  for (const auto& r : rows) EXPECT_EQ(r["resolved_at"], "") << r["path"];
}

}  // namespace
}  // namespace keyward::test

// Range mode copies the base commit's rule files and baseline into
// $TMPDIR/keyward-base-<pid>-XXXXXX and removes the copy when it ends; a
// scan that is killed cannot, so the next range scan removes the copies of
// the user's scans whose process is gone (issue 14).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "support/git_fixture.h"

namespace keyward::test {
namespace {

namespace fs = std::filesystem;

class GitBaseCopyTest : public GitCliFixture {
 protected:
  // A repository whose base commit names a baseline: a range scan copies
  // it. (A baseline, not a rule file: extra rules would make every scan
  // here compile the whole rule set's databases, ~25 s, for a test about
  // the copy.) Returns the base commit.
  std::string RepoWithBaseline() {
    Init();
    Write(".keyward.yaml", "baseline: keyward-baseline.json\n");
    Write("README.md", "hello\n");
    RunResult out = Scan({"--baseline-out", "keyward-baseline.json", "."});
    EXPECT_EQ(out.exit_code, 0) << out.err;
    std::string base = CommitAll("base");
    Write("a.txt", "nothing\n");
    CommitAll("change");
    return base;
  }
  std::set<std::string> Names(const std::string& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
      out.insert(e.path().filename().string());
    }
    return out;
  }
  // What keyward left in `dir`: all of it but the files a sanitizer's
  // runtime writes into TMPDIR for a process killed under it
  // (ThreadSanitizer's `tsan.rodata.<pid>`), which are not keyward's.
  std::set<std::string> Leftovers(const std::string& dir) {
    std::set<std::string> out;
    for (const std::string& name : Names(dir)) {
      if (name.rfind("tsan.", 0) != 0) out.insert(name);
    }
    return out;
  }
  // The pid of a process that has exited (and been reaped).
  static pid_t DeadPid() {
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    waitpid(pid, nullptr, 0);
    return pid;
  }
};

TEST_F(GitBaseCopyTest, CopiesOfKilledScansAreRemovedByTheNextRangeScan) {
  std::string base = RepoWithBaseline();
  TempDir tmp;
  const std::string dead =
      "keyward-base-" + std::to_string(DeadPid()) + "-AbC123";
  const std::string live =
      "keyward-base-" + std::to_string(getpid()) + "-DeF456";
  tmp.Write(dead + "/0123456789ab/keyward-baseline.json", "{}\n");
  tmp.Write(live + "/0123456789ab/keyward-baseline.json", "{}\n");
  tmp.Write("keyward-base-notapid/x", "");
  tmp.Write("keyward-base-12x-y/x", "");
  tmp.Write("other-12-dir/x", "");

  RunResult r = Scan({"--range", base + "..HEAD"}, {"TMPDIR=" + tmp.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The dead scan's copy is gone; a live process's copy and anything not
  // named like a copy are kept; the scan removed its own.
  EXPECT_EQ(Names(tmp.path()),
            (std::set<std::string>{live, "keyward-base-notapid",
                                   "keyward-base-12x-y", "other-12-dir"}));
}

// End to end: range scans SIGKILLed at random points leave at most their own
// copies, and one more scan leaves none.
TEST_F(GitBaseCopyTest, KilledRangeScansLeaveNoCopyAfterTheNextOne) {
  std::string base = RepoWithBaseline();
  TempDir tmp;
  const std::vector<std::string> args = {KEYWARD_BINARY, "scan", "--range",
                                         base + "..HEAD"};
  const std::string tmpdir = "TMPDIR=" + tmp.path();
  const std::string cache = "XDG_CACHE_HOME=" + cache_->path();
  ASSERT_EQ(Scan({"--range", base + "..HEAD"}).exit_code, 0);  // warm cache
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::mt19937 rng(1405);
  std::uniform_int_distribution<int> delay_us(0, 60000);
  // Prepared before fork: the child only calls async-signal-safe functions.
  std::vector<char*> envp = {const_cast<char*>(tmpdir.c_str()),
                             const_cast<char*>(cache.c_str())};
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  envp.push_back(nullptr);
  size_t left_by_kills = 0;
  for (int round = 0; round < 12; ++round) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      if (chdir(dir_.path().c_str()) != 0) _exit(127);
      int null = open("/dev/null", O_RDWR);
      dup2(null, 1);
      dup2(null, 2);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    usleep(delay_us(rng));
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    left_by_kills = std::max(left_by_kills, Leftovers(tmp.path()).size());
  }
  RecordProperty("copies_left_by_kills", static_cast<int>(left_by_kills));
  RunResult r = Scan({"--range", base + "..HEAD"}, {tmpdir});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::set<std::string> left = Leftovers(tmp.path());
  EXPECT_TRUE(left.empty())
      << left.size() << " left, e.g. " << (left.empty() ? "" : *left.begin());
}

}  // namespace
}  // namespace keyward::test

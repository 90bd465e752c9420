// SIGKILL at random points of every file keyward writes, end to end: the
// real binary writing a JSON report, a baseline, the inventory and ticket
// files is killed after a random delay, many times over. Each target is then
// whole: byte for byte its previous version or the one an uninterrupted run
// writes (a report up to its timing). The temporaries killed writers leave
// (".NAME.tmp-PID-*") are removed by the next complete run once they are
// over a minute old (WriteFileAtomic); the test ages them instead of
// waiting. So is the lock file of a killed inventory or tickets writer.
// (tests/inventory/atomic_file_test.cc kills the library writer; this kills the
// whole command, start-up and all.)
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward::test {
namespace {

namespace fs = std::filesystem;

// Starts keyward with `args` (and `env` added to the environment), output
// discarded; returns its pid. Everything is prepared before fork: the child
// only calls async-signal-safe functions.
pid_t Start(const std::vector<std::string>& args,
            const std::vector<std::string>& env) {
  std::vector<std::string> argv = {KEYWARD_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv, cenv;
  for (const std::string& a : argv)
    cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  // First: getenv takes the first of duplicate names.
  for (const std::string& e : env) cenv.push_back(const_cast<char*>(e.c_str()));
  for (char** e = environ; *e != nullptr; ++e) cenv.push_back(*e);
  cenv.push_back(nullptr);
  pid_t pid = fork();
  if (pid != 0) return pid;
  int null = open("/dev/null", O_RDWR);
  dup2(null, 0);
  dup2(null, 1);
  dup2(null, 2);
  execve(cargv[0], cargv.data(), cenv.data());
  _exit(127);
}

// The content of every regular file under `dir` (or the file `dir`), by
// path; temporaries left out.
std::map<std::string, std::string> Snapshot(const std::string& target) {
  std::map<std::string, std::string> out;
  if (fs::is_regular_file(target)) {
    out[target] = ReadFile(target);
    return out;
  }
  if (!fs::is_directory(target)) return out;
  for (const auto& e : fs::recursive_directory_iterator(target)) {
    std::string name = e.path().filename().string();
    // Temporaries, and the lock file a killed writer leaves (flock is
    // released with the process; the next writer removes it).
    if (!e.is_regular_file() || name.find(".tmp-") != std::string::npos ||
        (name.size() > 5 && name.substr(name.size() - 5) == ".lock")) {
      continue;
    }
    out[e.path().string()] = ReadFile(e.path().string());
  }
  return out;
}

// Temporaries and lock files in `dir`.
std::vector<std::string> Temporaries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.find(".tmp-") != std::string::npos ||
        (name.size() > 5 && name.substr(name.size() - 5) == ".lock")) {
      out.push_back(name);
    }
  }
  return out;
}

void Restore(const std::string& target,
             const std::map<std::string, std::string>& files) {
  std::error_code ec;
  fs::remove_all(target, ec);
  for (const auto& [path, content] : files) {
    fs::create_directories(fs::path(path).parent_path());
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(std::fwrite(content.data(), 1, content.size(), f),
              content.size());
    std::fclose(f);
  }
}

// A report's timing differs between runs: compared without it.
std::string WithoutTiming(const std::string& path, const std::string& text) {
  if (path.size() < 5 || path.substr(path.size() - 5) != ".json") return text;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return "<torn JSON>";
  if (j.is_object() && j.contains("stats")) j["stats"].erase("seconds");
  return j.dump();
}

class KillWritersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {"XDG_CACHE_HOME=" + cache_.path()};
    // Many findings: the report, baseline and tickets take a while to write.
    std::string csv = "name,password\n";
    for (int i = 0; i < 1500; ++i) {
      std::string token = FakeGithubToken(5000 + i);
      dir_.Write("src/f" + std::to_string(i) + ".env",
                 "GITHUB_TOKEN=" + token + "\n");
      if (i < 5) {
        dir_.Write("old/f" + std::to_string(i) + ".env",
                   "GITHUB_TOKEN=" + token + "\n");
      }
      if (i < 60) {
        dir_.Write("some/f" + std::to_string(i) + ".env",
                   "GITHUB_TOKEN=" + token + "\n");
      }
      csv += "Key " + std::to_string(i) + "," + token + "\n";
    }
    csv_ = dir_.Write("export.csv", csv);
    out_ = dir_.path() + "/out";
    fs::create_directories(out_);
  }

  RunResult Run(const std::vector<std::string>& args) {
    return RunKeyward(args, "", env_);
  }

  // Kills `args` `rounds` times at random points, each time from the `old`
  // state of `target`; then checks what is left (see the file comment).
  void KillRepeatedly(const std::vector<std::string>& args,
                      const std::string& target, int rounds, uint32_t seed) {
    const auto old = Snapshot(target);
    auto started = std::chrono::steady_clock::now();
    RunResult whole = Run(args);
    ASSERT_LT(whole.exit_code, 2) << whole.err;
    auto took = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
    const auto fresh = Snapshot(target);
    ASSERT_FALSE(fresh.empty());
    ASSERT_NE(fresh, old);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<long> delay(0, took + took / 4);
    int saw_old = 0, saw_new = 0;
    for (int round = 0; round < rounds; ++round) {
      Restore(target, old);
      pid_t pid = Start(args, env_);
      ASSERT_GT(pid, 0);
      usleep(static_cast<useconds_t>(delay(rng)));
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      auto now = Snapshot(target);
      bool all_old = true, all_new = true;
      for (const auto& [path, content] : now) {
        auto o = old.find(path);
        auto n = fresh.find(path);
        bool is_old = o != old.end() && WithoutTiming(path, content) ==
                                            WithoutTiming(path, o->second);
        bool is_new = n != fresh.end() && WithoutTiming(path, content) ==
                                              WithoutTiming(path, n->second);
        EXPECT_TRUE(is_old || is_new)
            << "round " << round << ": " << path << " is torn ("
            << content.size() << " bytes)";
        all_old = all_old && is_old;
        all_new = all_new && is_new;
      }
      // A file of the old state is never lost (tickets are added, not
      // replaced by nothing).
      for (const auto& [path, content] : old) {
        EXPECT_TRUE(now.count(path)) << "round " << round << ": " << path;
      }
      saw_old += all_old;
      saw_new += all_new && now.size() == fresh.size();
    }
    // Temporaries the kills left: aged past the minute WriteFileAtomic
    // leaves a live writer, then removed by the next complete run.
    std::string dir = fs::is_directory(target)
                          ? target
                          : fs::path(target).parent_path().string();
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.path().filename().string().find(".tmp-") == std::string::npos) {
        continue;
      }
      fs::last_write_time(
          e.path(), fs::file_time_type::clock::now() - std::chrono::minutes(5));
    }
    ASSERT_LT(Run(args).exit_code, 2);
    EXPECT_TRUE(Temporaries(dir).empty())
        << Temporaries(dir).size() << " temporaries left, e.g. "
        << Temporaries(dir).front();
    // Both outcomes were seen: the kills did land before and after renames.
    RecordProperty("saw_old", saw_old);
    RecordProperty("saw_new", saw_new);
    EXPECT_GT(saw_old + saw_new, 0);
  }

  TempDir dir_, cache_;
  std::vector<std::string> env_;
  std::string csv_, out_;
};

TEST_F(KillWritersTest, JsonReportIsOldOrNewWhole) {
  std::string report = out_ + "/report.json";
  ASSERT_LT(
      Run({"scan", "--format", "json", "-o", report, dir_.path() + "/old"})
          .exit_code,
      2);
  KillRepeatedly(
      {"scan", "--format", "json", "-o", report, dir_.path() + "/src"}, report,
      15, 1401);
}

TEST_F(KillWritersTest, BaselineIsOldOrNewWhole) {
  std::string baseline = out_ + "/baseline.json";
  ASSERT_LT(
      Run({"scan", "--baseline-out", baseline, dir_.path() + "/old"}).exit_code,
      2);
  KillRepeatedly({"scan", "--baseline-out", baseline, dir_.path() + "/src"},
                 baseline, 15, 1402);
}

TEST_F(KillWritersTest, InventoryIsOldOrNewWhole) {
  std::string inventory = out_ + "/inventory.json";
  ASSERT_EQ(Run({"inventory", "--inventory", inventory, "init"}).exit_code, 0);
  KillRepeatedly(
      {"inventory", "--inventory", inventory, "import", csv_, "--owner", "ops"},
      inventory, 15, 1403);
}

TEST_F(KillWritersTest, TicketFilesAreOldOrNewWhole) {
  std::string old_report = dir_.path() + "/old-report.json";
  std::string report = dir_.path() + "/report.json";
  std::string tickets = out_ + "/tickets";
  ASSERT_LT(
      Run({"scan", "--format", "json", "-o", old_report, dir_.path() + "/old"})
          .exit_code,
      2);
  // Fewer tickets: each is a file or three, and rewritten by every run.
  ASSERT_LT(
      Run({"scan", "--format", "json", "-o", report, dir_.path() + "/some"})
          .exit_code,
      2);
  ASSERT_EQ(Run({"tickets", "--from", old_report, "--out", tickets, "--format",
                 "json,md,csv", "--today", "2026-01-02"})
                .exit_code,
            0);
  KillRepeatedly({"tickets", "--from", report, "--out", tickets, "--format",
                  "json,md,csv", "--today", "2026-01-03"},
                 tickets, 15, 1404);
}

}  // namespace
}  // namespace keyward::test

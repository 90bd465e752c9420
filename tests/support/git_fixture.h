// Test fixture for the git sources: builds real repositories with the git
// CLI in a TempDir and scans them through the library.
#ifndef KEYWARD_TESTS_SUPPORT_GIT_FIXTURE_H_
#define KEYWARD_TESTS_SUPPORT_GIT_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "keyward/git.h"
#include "keyward/matcher.h"
#include "keyward/rules.h"
#include "keyward/scan.h"
#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward::test {

class GitFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Only the GitHub family (and the shared filters): these tests are about
    // git plumbing, not about other rule files.
    RuleSet rules;
    for (const char* name : {"filters.yaml", "github.yaml"}) {
      Status s =
          rules.AddPath(std::string(KEYWARD_SOURCE_DIR) + "/rules/" + name);
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
    ASSERT_FALSE(rules.rules().empty());
    auto m = Matcher::Create(rules);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    matcher_ = m->release();
  }
  static void TearDownTestSuite() {
    delete matcher_;
    matcher_ = nullptr;
  }

  // Runs git in the repository with a fixed identity and a date that grows
  // by one day per commit (from 2024-01-10), so history order is
  // deterministic.
  RunResult Git(const std::vector<std::string>& args,
                const std::string& input = "") {
    std::vector<std::string> argv = {"git",
                                     "-C",
                                     dir_.path(),
                                     "-c",
                                     "user.name=Ada Tester",
                                     "-c",
                                     "user.email=ada@example.test",
                                     "-c",
                                     "init.defaultBranch=main",
                                     "-c",
                                     "commit.gpgsign=false",
                                     "-c",
                                     "core.autocrlf=false"};
    argv.insert(argv.end(), args.begin(), args.end());
    // 2024-01-10T12:00:00Z plus `day_` days, as git's raw "epoch zone".
    std::string date = std::to_string(1704888000 + 86400 * day_) + " +0000";
    RunResult r =
        RunProgram(argv, input,
                   {"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date,
                    "GIT_CONFIG_NOSYSTEM=1", "HOME=" + dir_.path()});
    EXPECT_EQ(r.exit_code, 0) << "git failed: " << r.err;
    return r;
  }
  void Init() { Git({"init", "-q"}); }
  void Write(const std::string& rel, const std::string& content) {
    dir_.Write(rel, content);
  }
  // Commits everything in the working tree; returns the commit id.
  std::string CommitAll(const std::string& message) {
    Git({"add", "-A"});
    Git({"commit", "-q", "--allow-empty", "-m", message});
    ++day_;
    return Rev("HEAD");
  }
  std::string Rev(const std::string& rev) {
    std::string out = Git({"rev-parse", rev}).out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  ScanOptions Options() {
    ScanOptions o;
    o.threads = 2;
    o.warn = [this](const std::string& w) { warnings_.push_back(w); };
    o.exclude = exclude_;
    o.decode = decode_;
    return o;
  }
  ScanResult History(bool all_objects = false,
                     size_t plan_after_walk_objects =
                         GitHistoryOptions().plan_after_walk_objects) {
    Scanner scanner(*matcher_, Options());
    GitHistoryOptions h;
    h.repo = dir_.path();
    h.all_objects = all_objects;
    h.plan_after_walk_objects = plan_after_walk_objects;
    ScanResult r;
    Status s = ScanGitHistory(scanner, h, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r;
  }
  ScanResult Staged() {
    Scanner scanner(*matcher_, Options());
    ScanResult r;
    Status s = ScanGitStaged(scanner, dir_.path(), &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r;
  }
  ScanResult Range(const std::string& base, const std::string& head) {
    Scanner scanner(*matcher_, Options());
    ScanResult r;
    Status s = ScanGitRange(scanner, dir_.path(), base, head, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r;
  }

  static std::vector<std::string> Secrets(const ScanResult& r) {
    std::vector<std::string> out;
    for (const auto& f : r.findings) out.push_back(f.secret);
    return out;
  }

  static Matcher* matcher_;
  TempDir dir_;
  int day_ = 0;
  std::vector<std::string> warnings_;
  std::vector<std::string> exclude_;  // ScanOptions::exclude
  bool decode_ = true;                // ScanOptions::decode
};

inline Matcher* GitFixture::matcher_ = nullptr;

// GitFixture for tests that run the keyward binary in the repository: one
// private rule-database cache for the suite, so tests never touch the
// user's cache and the full rule set is compiled once, not per test.
class GitCliFixture : public GitFixture {
 protected:
  static void SetUpTestSuite() {
    GitFixture::SetUpTestSuite();
    cache_ = new TempDir();
  }
  static void TearDownTestSuite() {
    delete cache_;
    cache_ = nullptr;
    GitFixture::TearDownTestSuite();
  }
  // `keyward scan args...` in the repository; `env` adds variables.
  RunResult Scan(std::vector<std::string> args,
                 std::vector<std::string> env = {}) {
    args.insert(args.begin(), "scan");
    env.push_back("XDG_CACHE_HOME=" + cache_->path());
    return RunKeyward(args, "", env, dir_.path());
  }
  static inline TempDir* cache_ = nullptr;
};

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_GIT_FIXTURE_H_

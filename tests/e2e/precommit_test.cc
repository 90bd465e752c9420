// Commits through real hooks: the plain git hook from `keyward install-hook`
// and Debian's pre-commit framework running this repository's
// .pre-commit-hooks.yaml. A commit adding a secret is blocked with a
// readable message; a clean commit passes. No network: the hook repository
// is a local clone.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward {
namespace {

using keyward::test::FakeGithubToken;
using keyward::test::ReadFile;
using keyward::test::RunKeyward;
using keyward::test::RunProgram;
using keyward::test::RunResult;
using keyward::test::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

class CommitHookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = dir_.path() + "/repo";
    Git({"init", "-q", repo_}, dir_.path());
    Git({"config", "user.email", "dev@example.org"});
    Git({"config", "user.name", "Dev"});
    Git({"config", "commit.gpgsign", "false"});
  }

  RunResult Git(const std::vector<std::string>& args, std::string cwd = "") {
    std::vector<std::string> argv = {"git"};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = RunProgram(argv, "", env_, cwd.empty() ? repo_ : cwd);
    return r;
  }

  // Stages `rel` with `content` and commits; returns git's result.
  RunResult Commit(const std::string& rel, const std::string& content) {
    dir_.Write("repo/" + rel, content);
    EXPECT_EQ(Git({"add", rel}).exit_code, 0);
    return Git({"commit", "-q", "-m", "change " + rel});
  }

  int CommitCount() {
    RunResult r = Git({"rev-list", "--count", "HEAD"});
    return r.exit_code == 0 ? std::atoi(r.out.c_str()) : 0;
  }

  TempDir dir_;
  std::string repo_;
  std::vector<std::string> env_;
};

TEST_F(CommitHookTest, InstalledHookBlocksASecretAndPassesCleanCommits) {
  ASSERT_EQ(RunKeyward({"install-hook"}, "", {}, repo_).exit_code, 0);
  RunResult clean = Commit("README.md", "# project\n");
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_EQ(CommitCount(), 1);

  std::string token = FakeGithubToken(21);
  RunResult leak = Commit("app.py", "TOKEN = '" + token + "'\n");
  EXPECT_NE(leak.exit_code, 0);
  EXPECT_THAT(leak.err, HasSubstr("app.py:1:"));
  EXPECT_THAT(leak.err, HasSubstr("github.pat.classic"));
  EXPECT_THAT(leak.err, HasSubstr("commit blocked"));
  EXPECT_THAT(leak.out + leak.err, Not(HasSubstr(token)));
  EXPECT_EQ(CommitCount(), 1);

  // The same line with an inline allow goes through.
  RunResult allowed =
      Commit("app.py", "TOKEN = '" + token + "'  # keyward:allow test\n");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_EQ(CommitCount(), 2);
}

TEST_F(CommitHookTest, HookHonoursTheRepositoryBaseline) {
  std::string token = FakeGithubToken(22);
  dir_.Write("repo/legacy.py", "KEY = '" + token + "'\n");
  // Adopt: baseline the existing secret, commit without the hook.
  auto r = RunKeyward(
      {"scan", "--baseline-out", ".keyward-baseline.json", "legacy.py"}, "", {},
      repo_);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  dir_.Write("repo/.keyward.yaml", "baseline: .keyward-baseline.json\n");
  ASSERT_EQ(RunKeyward({"install-hook"}, "", {}, repo_).exit_code, 0);
  Git({"add", "."});
  RunResult adopt = Git({"commit", "-q", "-m", "adopt keyward"});
  EXPECT_EQ(adopt.exit_code, 0) << adopt.err;
  EXPECT_EQ(CommitCount(), 1);
}

// The pre-commit framework, with the hook definition from this repository
// copied into a local hook repository (pre-commit clones it; no network).
TEST_F(CommitHookTest, PreCommitFrameworkRunsOurHookDefinition) {
  if (access("/usr/bin/pre-commit", X_OK) != 0) {
    GTEST_SKIP() << "Debian package pre-commit is not installed";
  }
  // `entry: keyward ...` resolves through PATH: put the built binary there.
  std::string bin = dir_.path() + "/bin";
  std::filesystem::create_directories(bin);
  std::filesystem::create_symlink(KEYWARD_BINARY, bin + "/keyward");
  const char* path = std::getenv("PATH");
  // A fresh HOME keeps the user's git and pre-commit settings out; the rule
  // database cache stays where it was so the hook does not recompile it.
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  std::string cache = xdg && *xdg ? xdg
                      : home      ? std::string(home) + "/.cache"
                                  : dir_.path() + "/cache";
  env_ = {"PATH=" + bin + ":" + (path ? path : "/usr/bin:/bin"),
          "PRE_COMMIT_HOME=" + dir_.path() + "/pre-commit-cache",
          "HOME=" + dir_.path(), "XDG_CACHE_HOME=" + cache,
          "PRE_COMMIT_COLOR=never"};

  std::string hooks_repo = dir_.path() + "/keyward-hooks";
  Git({"init", "-q", hooks_repo}, dir_.path());
  dir_.Write(
      "keyward-hooks/.pre-commit-hooks.yaml",
      ReadFile(std::string(KEYWARD_SOURCE_DIR) + "/.pre-commit-hooks.yaml"));
  Git({"add", "."}, hooks_repo);
  Git({"-c", "user.email=k@example.org", "-c", "user.name=k", "commit", "-q",
       "-m", "hooks"},
      hooks_repo);
  std::string rev = Git({"rev-parse", "HEAD"}, hooks_repo).out;
  rev.erase(rev.find_last_not_of("\n") + 1);

  dir_.Write("repo/.pre-commit-config.yaml",
             "repos:\n  - repo: " + hooks_repo + "\n    rev: " + rev +
                 "\n    hooks:\n      - id: keyward\n");
  RunResult install = RunProgram({"pre-commit", "install"}, "", env_, repo_);
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;

  RunResult clean = Commit(".pre-commit-config.yaml",
                           ReadFile(repo_ + "/.pre-commit-config.yaml"));
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_EQ(CommitCount(), 1);

  std::string token = FakeGithubToken(23);
  RunResult leak = Commit("deploy.sh", "export GH_TOKEN=" + token + "\n");
  EXPECT_NE(leak.exit_code, 0);
  std::string shown = leak.out + leak.err;
  EXPECT_THAT(shown, HasSubstr("keyward (block commits that add credentials)"));
  EXPECT_THAT(shown, HasSubstr("Failed"));
  EXPECT_THAT(shown, HasSubstr("deploy.sh:1:"));
  EXPECT_THAT(shown, Not(HasSubstr(token)));
  EXPECT_EQ(CommitCount(), 1);
  if (HasFailure()) std::cerr << shown;
}

}  // namespace
}  // namespace keyward

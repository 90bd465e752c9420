// Commits through real hooks: the plain git hook from `keyward install-hook`
// and Debian's pre-commit framework running this repository's
// .pre-commit-hooks.yaml. A commit adding a secret is blocked with a
// readable message; a clean commit passes. No network: the hook repository
// is a local clone.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

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
  // The allow hint names the fingerprint to put in .keyward.yaml.
  EXPECT_THAT(leak.err, HasSubstr("allow:\n    - fingerprint: hmac-sha256:"));
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

// The hook definitions from this repository's .pre-commit-hooks.yaml.
YAML::Node HookDefinition(const std::string& id) {
  YAML::Node hooks = YAML::LoadFile(std::string(KEYWARD_SOURCE_DIR) +
                                    "/.pre-commit-hooks.yaml");
  for (const auto& h : hooks) {
    if (h["id"].as<std::string>() == id) return h;
  }
  ADD_FAILURE() << "no hook id " << id;
  return {};
}

// Runs a hook's entry the way pre-commit does: the entry split on spaces,
// `keyward` the built binary, then the file names when pass_filenames.
RunResult RunHookEntry(const YAML::Node& hook,
                       const std::vector<std::string>& files,
                       const std::string& cwd) {
  std::vector<std::string> argv;
  std::istringstream words(hook["entry"].as<std::string>());
  for (std::string w; words >> w;) argv.push_back(w);
  EXPECT_EQ(argv.at(0), "keyward");
  argv.erase(argv.begin());
  if (hook["pass_filenames"].as<bool>(true)) {
    argv.insert(argv.end(), files.begin(), files.end());
  }
  return RunKeyward(argv, "", {}, cwd);
}

// The `keyward-files` hook scans the files it is given, whole: a secret
// already committed fails it, where the staged-only `keyward` hook passes.
TEST_F(CommitHookTest, FilesHookEntryScansTheFilesItIsGiven) {
  YAML::Node files_hook = HookDefinition("keyward-files");
  YAML::Node staged_hook = HookDefinition("keyward");
  ASSERT_TRUE(files_hook["pass_filenames"].as<bool>());
  ASSERT_FALSE(staged_hook["pass_filenames"].as<bool>());
  std::string token = FakeGithubToken(24);
  ASSERT_EQ(Commit("deploy.sh", "export GH_TOKEN=" + token + "\n").exit_code,
            0);
  ASSERT_EQ(Commit("README.md", "# project\n").exit_code, 0);

  RunResult leak = RunHookEntry(files_hook, {"README.md", "deploy.sh"}, repo_);
  EXPECT_EQ(leak.exit_code, 1) << leak.err;
  EXPECT_THAT(leak.out, HasSubstr("deploy.sh:1:"));
  EXPECT_THAT(leak.out + leak.err, Not(HasSubstr(token)));
  RunResult clean = RunHookEntry(files_hook, {"README.md"}, repo_);
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  // What the issue reported: the staged hook cannot see committed secrets.
  RunResult staged = RunHookEntry(staged_hook, {"deploy.sh"}, repo_);
  EXPECT_EQ(staged.exit_code, 0) << staged.out << staged.err;
}

// The pre-commit framework, with the hook definition from this repository
// copied into a local hook repository (pre-commit clones it; no network).
class PreCommitFrameworkTest : public CommitHookTest {
 protected:
  // Sets up PATH, a private pre-commit home and a hook repository holding
  // this repository's .pre-commit-hooks.yaml; writes a
  // .pre-commit-config.yaml using `hook_ids`. False when pre-commit is
  // missing.
  bool SetUpFramework(const std::vector<std::string>& hook_ids) {
    if (access("/usr/bin/pre-commit", X_OK) != 0) return false;
    // `entry: keyward ...` resolves through PATH: put the built binary there.
    std::string bin = dir_.path() + "/bin";
    std::filesystem::create_directories(bin);
    std::filesystem::create_symlink(KEYWARD_BINARY, bin + "/keyward");
    const char* path = std::getenv("PATH");
    // A fresh HOME keeps the user's git and pre-commit settings out; the
    // rule database cache stays where it was so the hook does not recompile.
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
    std::string config = "repos:\n  - repo: " + hooks_repo +
                         "\n    rev: " + rev + "\n    hooks:\n";
    for (const auto& id : hook_ids) config += "      - id: " + id + "\n";
    dir_.Write("repo/.pre-commit-config.yaml", config);
    return true;
  }
};

TEST_F(PreCommitFrameworkTest, RunsOurHookDefinition) {
  if (!SetUpFramework({"keyward"})) {
    GTEST_SKIP() << "Debian package pre-commit is not installed";
  }
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

// `pre-commit run --all-files`: the staged hook passes on a committed
// secret (it only sees the index), the files hook fails on it.
TEST_F(PreCommitFrameworkTest, AllFilesFindsACommittedSecretWithTheFilesHook) {
  if (!SetUpFramework({"keyward", "keyward-files"})) {
    GTEST_SKIP() << "Debian package pre-commit is not installed";
  }
  std::string token = FakeGithubToken(25);
  dir_.Write("repo/deploy.sh", "export GH_TOKEN=" + token + "\n");
  Git({"add", "."});
  ASSERT_EQ(Git({"commit", "-q", "-m", "leak"}).exit_code, 0);

  RunResult staged = RunProgram({"pre-commit", "run", "keyward", "--all-files"},
                                "", env_, repo_);
  EXPECT_EQ(staged.exit_code, 0) << staged.out << staged.err;
  RunResult files = RunProgram(
      {"pre-commit", "run", "keyward-files", "--all-files"}, "", env_, repo_);
  EXPECT_NE(files.exit_code, 0);
  EXPECT_THAT(files.out + files.err, HasSubstr("deploy.sh:1:"));
  EXPECT_THAT(files.out + files.err, Not(HasSubstr(token)));
}

}  // namespace
}  // namespace keyward

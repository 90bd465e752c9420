// Commits files into a repository at a path with the git CLI (a fixed
// identity, no system config): for CLI tests that need a few small
// repositories without the GitFixture machinery (support/git_fixture.h).
#ifndef KEYWARD_TESTS_SUPPORT_GIT_COMMIT_H_
#define KEYWARD_TESTS_SUPPORT_GIT_COMMIT_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "support/run.h"

namespace keyward::test {

// Creates the repository at `dir` if needed, writes `files` (path relative
// to `dir`, content), deletes `remove`, and commits it all as one commit.
inline void Commit(
    const std::string& dir,
    const std::vector<std::pair<std::string, std::string>>& files,
    const std::vector<std::string>& remove = {}) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  auto git = [&](std::vector<std::string> args) {
    args.insert(
        args.begin(),
        {"git", "-c", "user.name=Ada", "-c", "user.email=a@x.test", "-c",
         "init.defaultBranch=main", "-c", "commit.gpgsign=false"});
    RunResult r = RunProgram(args, "", {"GIT_CONFIG_NOSYSTEM=1"}, dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  };
  if (!fs::exists(dir + "/.git")) git({"init", "-q"});
  for (const auto& [rel, text] : files) {
    fs::create_directories(fs::path(dir + "/" + rel).parent_path());
    std::ofstream(dir + "/" + rel) << text;
  }
  for (const auto& rel : remove) fs::remove(dir + "/" + rel);
  git({"add", "-A"});
  git({"commit", "-q", "--allow-empty", "-m", "change"});
}

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_GIT_COMMIT_H_

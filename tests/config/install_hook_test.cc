// `keyward install-hook` through the real binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "support/run.h"

namespace keyward {
namespace {

using keyward::test::ReadFile;
using keyward::test::RunKeyward;
using keyward::test::RunProgram;
using keyward::test::TempDir;
using ::testing::HasSubstr;

void GitInit(const std::string& dir) {
  ASSERT_EQ(RunProgram({"git", "init", "-q", dir}).exit_code, 0);
}

bool Executable(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && (st.st_mode & S_IXUSR);
}

TEST(InstallHookTest, WritesAnExecutableHookAndIsIdempotent) {
  TempDir dir;
  GitInit(dir.path());
  auto r = RunKeyward({"install-hook"}, "", {}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string hook = dir.path() + "/.git/hooks/pre-commit";
  std::string script = ReadFile(hook);
  EXPECT_THAT(script, ::testing::StartsWith("#!/bin/sh\n"));
  EXPECT_THAT(script, HasSubstr("' scan --staged\n"));
  EXPECT_TRUE(Executable(hook));
  r = RunKeyward({"install-hook"}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("already up to date"));
  EXPECT_EQ(ReadFile(hook), script);
}

TEST(InstallHookTest, RefusesAForeignHookUnlessForced) {
  TempDir dir;
  GitInit(dir.path());
  std::string foreign = "#!/bin/sh\nmake lint\n";
  std::string hook = dir.Write(".git/hooks/pre-commit", foreign);
  auto r = RunKeyward({"install-hook"}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--force"));
  EXPECT_EQ(ReadFile(hook), foreign);  // untouched

  r = RunKeyward({"install-hook", "--force"}, "", {}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(ReadFile(hook), HasSubstr("scan --staged"));
  EXPECT_EQ(ReadFile(hook + ".keyward-backup"), foreign);
  EXPECT_TRUE(Executable(hook));
}

TEST(InstallHookTest, UpdatesItsOwnOlderHookWithoutForce) {
  TempDir dir;
  GitInit(dir.path());
  std::string hook = dir.Write(
      ".git/hooks/pre-commit",
      "#!/bin/sh\n# keyward pre-commit hook (old)\nexec keyward scan\n");
  auto r = RunKeyward({"install-hook"}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(ReadFile(hook), HasSubstr("scan --staged"));
  EXPECT_FALSE(std::filesystem::exists(hook + ".keyward-backup"));
}

TEST(InstallHookTest, HonoursCoreHooksPathAndSubdirectories) {
  TempDir dir;
  GitInit(dir.path());
  ASSERT_EQ(RunProgram({"git", "config", "core.hooksPath", "tools/hooks"}, "",
                       {}, dir.path())
                .exit_code,
            0);
  dir.Write("src/deep/x.txt", "x");
  auto r = RunKeyward({"install-hook"}, "", {}, dir.path() + "/src/deep");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Executable(dir.path() + "/tools/hooks/pre-commit"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/.git/hooks/pre-commit"));
}

TEST(InstallHookTest, OutsideARepositoryIsAnError) {
  TempDir dir;
  auto r =
      RunKeyward({"install-hook", "--repo", dir.path()}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("not in a git repository"));
}

}  // namespace
}  // namespace keyward

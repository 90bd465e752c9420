#include "keyward/atomic_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>

#include "support/run.h"

namespace keyward {
namespace {

using keyward::test::ReadFile;
using keyward::test::TempDir;

int CountEntries(const std::string& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator(dir)) {
    ++n;
  }
  return n;
}

TEST(AtomicFileTest, CreatesAndReplacesWithoutLeavingTempFiles) {
  TempDir dir;
  std::string path = dir.path() + "/inv.json";
  ASSERT_TRUE(WriteFileAtomic(path, "first\n").ok());
  EXPECT_EQ(ReadFile(path), "first\n");
  ASSERT_TRUE(WriteFileAtomic(path, "second, longer\n").ok());
  EXPECT_EQ(ReadFile(path), "second, longer\n");
  ASSERT_TRUE(WriteFileAtomic(path, "").ok());
  EXPECT_EQ(ReadFile(path), "");
  EXPECT_EQ(CountEntries(dir.path()), 1);
}

// Regression: a writer killed before its rename left `.NAME.tmp-*` files
// behind for good. The next write into the directory removes those whose
// process is gone and that are over a minute old, and nothing else.
TEST(AtomicFileTest, TempFilesOfKilledWritersAreRemovedByTheNextWrite) {
  TempDir dir;
  const std::string gone = "2147483646";  // above any pid_max: no such pid
  auto make = [&](const std::string& name, bool old) {
    std::string path = dir.Write(name, "partial");
    if (old) {
      std::filesystem::last_write_time(
          path, std::filesystem::file_time_type::clock::now() -
                    std::chrono::hours(1));
    }
    return name;
  };
  std::string stale = make(".f.json.tmp-" + gone + "-0-123", true);
  std::string stale_other = make(".notes.md.tmp-" + gone + "-4-9", true);
  std::string fresh = make(".f.json.tmp-" + gone + "-1-123", false);
  std::string live = make(".f.json.tmp-1-0-5", true);  // pid 1 is alive
  std::string unrelated = make("f.json.tmp-" + gone + "-0-1", true);
  std::string not_ours = make(".f.json.tmp-" + gone + "-x-1", true);
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/f.json", "new\n").ok());
  auto exists = [&](const std::string& name) {
    return std::filesystem::exists(dir.path() + "/" + name);
  };
  EXPECT_FALSE(exists(stale));
  EXPECT_FALSE(exists(stale_other));
  EXPECT_TRUE(exists(fresh));
  EXPECT_TRUE(exists(live));
  EXPECT_TRUE(exists(unrelated));
  EXPECT_TRUE(exists(not_ours));
  EXPECT_EQ(ReadFile(dir.path() + "/f.json"), "new\n");
}

TEST(AtomicFileTest, KeepsPermissionBitsOfExistingFile) {
  TempDir dir;
  std::string path = dir.path() + "/secret.json";
  ASSERT_TRUE(WriteFileAtomic(path, "a").ok());
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  ASSERT_TRUE(WriteFileAtomic(path, "b").ok());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(AtomicFileTest, WritesThroughSymlink) {
  TempDir dir;
  std::string real = dir.Write("real.json", "old");
  std::string link = dir.path() + "/link.json";
  std::filesystem::create_symlink(real, link);
  ASSERT_TRUE(WriteFileAtomic(link, "new").ok());
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_EQ(ReadFile(real), "new");
}

TEST(AtomicFileTest, MissingDirectoryIsAnErrorNamingTheFile) {
  TempDir dir;
  std::string path = dir.path() + "/no/such/dir/inv.json";
  Status s = WriteFileAtomic(path, "x");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kIoError);
  EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
}

TEST(AtomicFileTest, ReadFileToStringReportsMissingFile) {
  TempDir dir;
  auto r = ReadFileToString(dir.path() + "/absent");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  auto ok = ReadFileToString(dir.Write("f", std::string("a\0b", 3)));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), std::string("a\0b", 3));
}

// A writer SIGKILLed at arbitrary points leaves either the old or the new
// content, never a mixture or a truncated file.
TEST(AtomicFileTest, WriterKilledMidWriteLeavesOldOrNewFile) {
  TempDir dir;
  std::string path = dir.path() + "/big.json";
  const std::string a(3 << 20, 'a');
  const std::string b = std::string(2 << 20, 'b') + "end\n";
  ASSERT_TRUE(WriteFileAtomic(path, a).ok());
  std::mt19937 rng(12345);  // fixed seed: same kill points every run
  std::uniform_int_distribution<int> delay_us(0, 30000);
  int saw_a = 0, saw_b = 0;
  for (int round = 0; round < 25; ++round) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Killed mid-write on purpose; each result is irrelevant.
      for (int i = 0;; ++i) (void)WriteFileAtomic(path, i % 2 ? a : b);
    }
    usleep(delay_us(rng));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    std::string now = ReadFile(path);
    ASSERT_TRUE(now == a || now == b)
        << "round " << round << ": torn file of " << now.size() << " bytes";
    (now == a ? saw_a : saw_b)++;
  }
  EXPECT_EQ(saw_a + saw_b, 25);
}

TEST(FileLockTest, SecondLockTimesOutWithBusyNamingTheFile) {
  TempDir dir;
  std::string path = dir.path() + "/inv.json";
  FileLock first;
  ASSERT_TRUE(first.Acquire(path).ok());
  EXPECT_TRUE(first.held());
  EXPECT_EQ(first.lock_path(), path + ".lock");
  FileLock second;
  Status s = second.Acquire(path, std::chrono::milliseconds(50));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kBusy);
  EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
  EXPECT_FALSE(second.held());
  first.Release();
  EXPECT_TRUE(second.Acquire(path, std::chrono::milliseconds(50)).ok());
}

TEST(FileLockTest, MovedLockStaysHeldAndReleasesOnce) {
  TempDir dir;
  std::string path = dir.path() + "/f";
  FileLock a;
  ASSERT_TRUE(a.Acquire(path).ok());
  FileLock b = std::move(a);
  EXPECT_FALSE(a.held());
  EXPECT_TRUE(b.held());
  FileLock c;
  EXPECT_EQ(c.Acquire(path, std::chrono::milliseconds(20)).code(),
            Status::Code::kBusy);
  b = FileLock();
  EXPECT_TRUE(c.Acquire(path, std::chrono::milliseconds(20)).ok());
}

// Two processes doing 100 locked read-modify-write cycles each lose none.
TEST(FileLockTest, TwoProcessesIncrementingUnderLockLoseNothing) {
  TempDir dir;
  std::string path = dir.path() + "/counter";
  ASSERT_TRUE(WriteFileAtomic(path, "0").ok());
  auto worker = [&] {
    for (int i = 0; i < 100; ++i) {
      FileLock lock;
      if (!lock.Acquire(path).ok()) _exit(3);
      auto text = ReadFileToString(path);
      if (!text.ok()) _exit(4);
      int n = std::stoi(text.value());
      if (!WriteFileAtomic(path, std::to_string(n + 1)).ok()) _exit(5);
    }
    _exit(0);
  };
  pid_t p1 = fork();
  if (p1 == 0) worker();
  pid_t p2 = fork();
  if (p2 == 0) worker();
  int s1 = 0, s2 = 0;
  waitpid(p1, &s1, 0);
  waitpid(p2, &s2, 0);
  EXPECT_EQ(WEXITSTATUS(s1), 0);
  EXPECT_EQ(WEXITSTATUS(s2), 0);
  EXPECT_EQ(ReadFile(path), "200");
}

}  // namespace
}  // namespace keyward

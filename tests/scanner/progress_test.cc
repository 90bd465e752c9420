// Progress deltas: a stream (stdin, a large file) reports its bytes chunk by
// chunk and counts as one file, once, when it ends; not one file per chunk.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <mutex>
#include <string>

#include "keyward/matcher.h"
#include "keyward/rules.h"
#include "keyward/scan.h"
#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward {
namespace {

std::unique_ptr<Matcher> GithubMatcher() {
  RuleSet rules;
  for (const char* name : {"filters.yaml", "github.yaml"}) {
    Status s =
        rules.AddPath(std::string(KEYWARD_SOURCE_DIR) + "/rules/" + name);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  auto m = Matcher::Create(rules);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? std::move(*m) : nullptr;
}

struct Totals {
  std::mutex mu;
  uint64_t calls = 0, files = 0, bytes = 0, findings = 0;
  uint64_t file_calls_before_last_byte = 0;
};

ScanOptions CountingOptions(Totals* t, uint64_t chunk) {
  ScanOptions o;
  o.threads = 1;
  o.chunk_size = chunk;
  o.stream_threshold = chunk;  // files above one chunk stream too
  o.progress = [t](const ScanStats& d) {
    std::lock_guard<std::mutex> lock(t->mu);
    ++t->calls;
    t->files += d.files;
    t->bytes += d.bytes;
    t->findings += d.findings;
  };
  return o;
}

TEST(ProgressTest, StdinCountsBytesPerChunkAndOneFile) {
  auto matcher = GithubMatcher();
  ASSERT_NE(matcher, nullptr);
  std::string text(100000, 'x');
  text += "\ntoken=" + test::FakeGithubToken(51) + "\n";
  test::TempDir dir;
  std::string path = dir.Write("input.log", text);
  Totals t;
  Scanner scanner(*matcher, CountingOptions(&t, 4096));
  int fd = open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ScanResult result;
  ASSERT_TRUE(scanner.ScanFd(fd, "-", &result).ok());
  close(fd);
  EXPECT_GT(t.calls, 20u);  // one per 4 KiB chunk, and the end
  EXPECT_EQ(t.files, 1u);
  EXPECT_EQ(t.bytes, text.size());
  EXPECT_EQ(t.findings, 1u);
  EXPECT_EQ(result.stats.files, 1u);
}

TEST(ProgressTest, DirectoryScanCountsEachFileOnce) {
  auto matcher = GithubMatcher();
  ASSERT_NE(matcher, nullptr);
  test::TempDir dir;
  dir.Write("small.txt", "nothing here\n");
  dir.Write("big.txt", std::string(50000, 'y'));  // streamed in chunks
  Totals t;
  Scanner scanner(*matcher, CountingOptions(&t, 4096));
  ScanResult result;
  ASSERT_TRUE(scanner.ScanPaths({dir.path()}, &result).ok());
  EXPECT_EQ(t.files, 2u);
  EXPECT_EQ(t.bytes, 13u + 50000u);
  EXPECT_TRUE(result.errors.empty());
}

}  // namespace
}  // namespace keyward

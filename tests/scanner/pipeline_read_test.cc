// How the scan pipeline reads files: large files in full through read(2),
// files that shrink or are truncated while they are scanned without a crash.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/rules.h"
#include "keyward/scan.h"
#include "support/run.h"
#include "test_token.h"

namespace keyward {
namespace {

using test::Token;

class PipelineReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    matcher_ = test::TokenMatcher();
    ASSERT_NE(matcher_, nullptr);
  }
  ScanResult Scan(const std::vector<std::string>& paths, ScanOptions o = {}) {
    o.threads = 2;
    o.warn = [](const std::string&) {};
    Scanner scanner(*matcher_, o);
    ScanResult r;
    Status s = scanner.ScanPaths(paths, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r;
  }
  std::unique_ptr<Matcher> matcher_;
};

// Text of `lines` lines with a token on the first, the middle and the last.
std::string Text(int lines) {
  std::string out;
  for (int i = 0; i < lines; i++) {
    if (i == 0 || i == lines / 2 || i == lines - 1) {
      out += "key = " + Token(i) + "\n";
    } else {
      out += "an ordinary line of text without any secret in it at all\n";
    }
  }
  return out;
}

// Files of several MiB (once mapped rather than read) are read in full and
// every match is found with its line number.
TEST_F(PipelineReadTest, LargeFileIsReadInFull) {
  test::TempDir dir;
  const int kLines = 100000;  // ~5.8 MB
  std::string text = Text(kLines);
  ASSERT_GT(text.size(), 4u << 20);
  dir.Write("big.txt", text);
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(r.findings[0].line, 1);
  EXPECT_EQ(r.findings[1].line, kLines / 2 + 1);
  EXPECT_EQ(r.findings[2].line, kLines);
  EXPECT_EQ(r.findings[2].secret, Token(kLines - 1));
  EXPECT_EQ(r.stats.bytes, text.size());
  EXPECT_EQ(r.stats.unreadable, 0u);
}

// Regression: files >= 1 MiB were mmapped, and a file truncated by another
// process while it was scanned killed keyward with SIGBUS. A writer thread
// truncates and rewrites large files throughout several scans; the scans
// must finish, and count each file as scanned or unreadable.
TEST_F(PipelineReadTest, FilesTruncatedDuringTheScanDoNotCrash) {
  test::TempDir dir;
  std::string text = Text(60000);  // ~3.5 MB each
  std::vector<std::string> paths;
  for (int i = 0; i < 6; i++) {
    paths.push_back(dir.Write("f" + std::to_string(i) + ".txt", text));
  }
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    while (!stop.load()) {
      for (const auto& p : paths) {
        int fd = open(p.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) continue;
        (void)!ftruncate(fd, 4096);
        (void)!pwrite(fd, text.data(), text.size(), 0);
        close(fd);
      }
    }
  });
  for (int round = 0; round < 30; round++) {
    ScanResult r = Scan({dir.path()});
    EXPECT_EQ(r.stats.files + r.stats.skipped_binary + r.stats.unreadable,
              paths.size());
  }
  stop = true;
  writer.join();
  ScanResult r = Scan({dir.path()});  // settled: every token of every file
  EXPECT_EQ(r.findings.size(), 3 * paths.size());
}

}  // namespace
}  // namespace keyward

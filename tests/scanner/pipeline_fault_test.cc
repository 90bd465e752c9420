// Files that change while a directory scan reads them, made deterministic
// with the pipeline's test seams (ScanOptions::before_open, before_read):
// each fault happens exactly between the walk and the open, or between the
// open and the first read. The scan never crashes; a file it cannot open is
// counted unreadable and named in a warning (a warning, not an error: the
// CLI's exit code still says only whether secrets were found); a file it
// opened is scanned as far as it could be read, consistently.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/rules.h"
#include "keyward/scan.h"
#include "support/run.h"
#include "test_token.h"

namespace keyward {
namespace {

using test::Token;

// 1000 lines with a token on lines 1, 501 and 1000.
std::string Text() {
  std::string out;
  for (int i = 0; i < 1000; i++) {
    if (i == 0 || i == 500 || i == 999) {
      out += "key = " + Token(i) + "\n";
    } else {
      out += "an ordinary line of text without any secret in it at all\n";
    }
  }
  return out;
}

// Block mode reads a file in one piece; stream mode in chunks (a file over
// the stream threshold).
enum class Mode { kBlock, kStream };

class PipelineFaultTest : public ::testing::TestWithParam<Mode> {
 protected:
  void SetUp() override {
    matcher_ = test::TokenMatcher();
    ASSERT_NE(matcher_, nullptr);
    text_ = Text();
    victim_ = dir_.Write("victim.txt", text_);
    dir_.Write("other.txt", "key = " + Token(7) + "\n");
  }
  // Scans dir_ with the hooks applied to victim.txt (`other_before_open`
  // to the other file).
  ScanResult Scan(std::function<void()> before_open,
                  std::function<void()> before_read,
                  std::function<void()> other_before_open = nullptr,
                  int threads = 2) {
    ScanOptions o;
    o.threads = threads;
    o.warn = [this](const std::string& w) {
      std::lock_guard<std::mutex> lock(mu_);
      warnings_.push_back(w);
    };
    if (GetParam() == Mode::kStream) {
      o.stream_threshold = 1024;
      o.chunk_size = 4096;
    }
    o.before_open = [&](const std::string& path) {
      if (path == victim_ && before_open) before_open();
      if (path != victim_ && other_before_open) other_before_open();
    };
    o.before_read = [&](const std::string& path) {
      if (path == victim_ && before_read) before_read();
    };
    Scanner scanner(*matcher_, o);
    ScanResult r;
    Status s = scanner.ScanPaths({dir_.path()}, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_TRUE(r.errors.empty());  // what would make the CLI exit 2
    return r;
  }
  // Lines of the findings in victim.txt.
  std::vector<int> VictimLines(const ScanResult& r) {
    std::vector<int> lines;
    for (const Finding& f : r.findings) {
      if (f.path == victim_) lines.push_back(f.line);
    }
    return lines;
  }
  bool OtherFound(const ScanResult& r) {
    for (const Finding& f : r.findings) {
      if (f.path != victim_) return true;
    }
    return false;
  }

  std::unique_ptr<Matcher> matcher_;
  test::TempDir dir_;
  std::string text_, victim_;
  std::mutex mu_;
  std::vector<std::string> warnings_;
};

TEST_P(PipelineFaultTest, FileShrinkingAfterOpenIsScannedUpToItsNewEnd) {
  const size_t keep = text_.size() / 4;  // before the middle token
  ScanResult r = Scan(nullptr, [&] {
    ASSERT_EQ(truncate(victim_.c_str(), static_cast<off_t>(keep)), 0);
  });
  EXPECT_EQ(VictimLines(r), std::vector<int>{1});
  EXPECT_EQ(r.stats.files, 2u);
  EXPECT_EQ(r.stats.unreadable, 0u);
  EXPECT_EQ(r.stats.bytes, keep + Token(7).size() + 7);
  EXPECT_TRUE(OtherFound(r));
}

TEST_P(PipelineFaultTest, ShrunkFileAfterALargerOneShowsNoneOfItsBytes) {
  // One worker reads a_first.txt (the victim's text) into its buffer, then
  // the victim, cut to a quarter after its size was taken: the buffer
  // (reused, not cleared) still holds the first file's tokens past the cut.
  dir_.Write("a_first.txt", text_);
  const size_t keep = text_.size() / 4;
  ScanResult r = Scan(
      nullptr,
      [&] {
        ASSERT_EQ(truncate(victim_.c_str(), static_cast<off_t>(keep)), 0);
      },
      nullptr, /*threads=*/1);
  EXPECT_EQ(VictimLines(r), std::vector<int>{1});
  EXPECT_EQ(r.stats.files, 3u);
  EXPECT_EQ(r.stats.bytes, text_.size() + keep + Token(7).size() + 7);
}

TEST_P(PipelineFaultTest, FileGrowingAfterOpenIsScannedConsistently) {
  const std::string more = "late = " + Token(1000) + "\n";
  ScanResult r = Scan(nullptr, [&] {
    int fd = open(victim_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, more.data(), more.size()),
              static_cast<ssize_t>(more.size()));
    close(fd);
  });
  // Block mode reads the size it saw at open; stream mode reads to the end.
  std::vector<int> expected = {1, 501, 1000};
  size_t bytes = text_.size();
  if (GetParam() == Mode::kStream) {
    expected.push_back(1001);
    bytes += more.size();
  }
  EXPECT_EQ(VictimLines(r), expected);
  EXPECT_EQ(r.stats.unreadable, 0u);
  EXPECT_EQ(r.stats.bytes, bytes + Token(7).size() + 7);
}

TEST_P(PipelineFaultTest, FileVanishingAfterOpenIsScannedWhole) {
  ScanResult r = Scan(nullptr, [&] { ASSERT_EQ(unlink(victim_.c_str()), 0); });
  EXPECT_EQ(VictimLines(r), (std::vector<int>{1, 501, 1000}));
  EXPECT_EQ(r.stats.unreadable, 0u);
}

TEST_P(PipelineFaultTest, FileVanishingBeforeOpenIsCountedAndNamed) {
  ScanResult r = Scan([&] { ASSERT_EQ(unlink(victim_.c_str()), 0); }, nullptr);
  EXPECT_TRUE(VictimLines(r).empty());
  EXPECT_EQ(r.stats.unreadable, 1u);
  EXPECT_EQ(r.stats.files, 1u);
  EXPECT_TRUE(OtherFound(r));  // the rest of the scan goes on
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find(victim_ + ": No such file"), std::string::npos)
      << warnings_[0];
}

// Permissions taken away after the walk listed the file: it cannot be
// opened (as root, the worker thread's filesystem uid is switched to an
// ordinary user's for that open, as CI runs as root).
TEST_P(PipelineFaultTest, PermissionRemovedBeforeOpenIsCountedAndNamed) {
  const bool root = geteuid() == 0;
  auto as_root = [&] {
    if (root) setfsuid(0);
  };
  ScanResult r = Scan(
      [&] {
        ASSERT_EQ(chmod(victim_.c_str(), 0), 0);
        if (root) setfsuid(65534);
      },
      as_root, as_root);
  as_root();  // in case the worker ran on this thread (setfsuid is per thread)
  EXPECT_TRUE(OtherFound(r));
  EXPECT_TRUE(VictimLines(r).empty());
  EXPECT_EQ(r.stats.unreadable, 1u);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find(victim_ + ": Permission denied"),
            std::string::npos)
      << warnings_[0];
  chmod(victim_.c_str(), 0644);
}

TEST_P(PipelineFaultTest, PermissionRemovedAfterOpenDoesNotStopTheRead) {
  ScanResult r =
      Scan(nullptr, [&] { ASSERT_EQ(chmod(victim_.c_str(), 0), 0); });
  EXPECT_EQ(VictimLines(r), (std::vector<int>{1, 501, 1000}));
  EXPECT_EQ(r.stats.unreadable, 0u);
  chmod(victim_.c_str(), 0644);
}

INSTANTIATE_TEST_SUITE_P(Modes, PipelineFaultTest,
                         ::testing::Values(Mode::kBlock, Mode::kStream),
                         [](const auto& info) {
                           return info.param == Mode::kBlock ? "Block"
                                                             : "Stream";
                         });

}  // namespace
}  // namespace keyward

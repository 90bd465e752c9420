// Test fixture for archive scans: a directory scan with the token matcher
// (test_token.h), warnings collected.
#ifndef KEYWARD_TESTS_SCANNER_ARCHIVE_FIXTURE_H_
#define KEYWARD_TESTS_SCANNER_ARCHIVE_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "keyward/scan.h"
#include "support/archive_writer.h"
#include "support/run.h"
#include "test_token.h"

namespace keyward::test {

class ArchiveScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    matcher_ = TokenMatcher();
    ASSERT_NE(matcher_, nullptr);
  }
  ScanResult Scan(const std::vector<std::string>& paths, ScanOptions o = {}) {
    o.threads = 2;
    o.warn = [this](const std::string& w) { warnings_.push_back(w); };
    Scanner scanner(*matcher_, o);
    ScanResult r;
    Status s = scanner.ScanPaths(paths, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r;
  }
  // `lines` lines of text with "key=<Token(token)>" on line `at` (column 5).
  static std::string Text(int lines, int at, int token) {
    std::string out;
    for (int i = 1; i <= lines; i++) {
      out += i == at ? "key=" + Token(token) + "\n"
                     : "line " + std::to_string(i) + " of some text\n";
    }
    return out;
  }
  std::unique_ptr<Matcher> matcher_;
  std::vector<std::string> warnings_;
};

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SCANNER_ARCHIVE_FIXTURE_H_

// Test fixture for scans with the token matcher (test_token.h): paths, or
// one file written into a scratch directory, with the warnings collected.
#ifndef KEYWARD_TESTS_SCANNER_TOKEN_SCAN_FIXTURE_H_
#define KEYWARD_TESTS_SCANNER_TOKEN_SCAN_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "keyward/scan.h"
#include "support/run.h"
#include "test_token.h"

namespace keyward::test {

class TokenScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    matcher_ = TokenMatcher();
    ASSERT_NE(matcher_, nullptr);
  }
  // A directory scan of `paths` on two threads; the scan must succeed.
  ScanResult Scan(const std::vector<std::string>& paths, ScanOptions o = {}) {
    o.threads = 2;
    o.warn = [this](const std::string& w) { warnings_.push_back(w); };
    Scanner scanner(*matcher_, o);
    ScanResult r;
    Status s = scanner.ScanPaths(paths, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r;
  }
  // Writes `content` to `name` in the scratch directory (path_) and scans
  // that file alone.
  ScanResult Scan(const std::string& name, const std::string& content,
                  ScanOptions o = {}) {
    path_ = dir_.Write(name, content);
    return Scan(std::vector<std::string>{path_}, std::move(o));
  }
  // The warnings so far, one per line (for failure messages).
  std::string Warnings() const {
    std::string all;
    for (const auto& w : warnings_) all += w + "\n";
    return all;
  }

  std::unique_ptr<Matcher> matcher_;
  std::vector<std::string> warnings_;
  TempDir dir_;
  std::string path_;  // the file the two-argument Scan wrote
};

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SCANNER_TOKEN_SCAN_FIXTURE_H_

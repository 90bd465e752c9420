// Test fixture for archive scans: a directory scan with the token matcher
// (test_token.h), warnings collected.
#ifndef KEYWARD_TESTS_SCANNER_ARCHIVE_FIXTURE_H_
#define KEYWARD_TESTS_SCANNER_ARCHIVE_FIXTURE_H_

#include <gtest/gtest.h>

#include <string>

#include "support/archive_writer.h"
#include "token_scan_fixture.h"

namespace keyward::test {

class ArchiveScanTest : public TokenScanTest {
 protected:
  // `lines` lines of text with "key=<Token(token)>" on line `at` (column 5).
  static std::string Text(int lines, int at, int token) {
    std::string out;
    for (int i = 1; i <= lines; i++) {
      out += i == at ? "key=" + Token(token) + "\n"
                     : "line " + std::to_string(i) + " of some text\n";
    }
    return out;
  }
};

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SCANNER_ARCHIVE_FIXTURE_H_

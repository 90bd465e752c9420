// Minified bundles: a secret on a line of megabytes is reported at its line
// and column (code points), in block and stream mode, however many secrets
// share the line.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/scan.h"
#include "support/run.h"
#include "test_token.h"

namespace keyward {
namespace {

using test::Token;

struct Bundle {
  std::string text;
  std::vector<int> columns;  // of each token, in code points
};

// One 5 MB line of minified-looking code with a two-byte character every
// 1000 bytes and `n` tokens spread over it; then a short second line with
// one more token at column 7.
Bundle MakeBundle(int n) {
  Bundle b;
  const std::string chunk = "function(e){return e.a+\"\xc3\xa9\"};var t=1;";
  int column = 1;
  const size_t size = 5 << 20;
  const size_t every = size / n;
  int planted = 0;
  while (b.text.size() < size) {
    if (planted < n && b.text.size() >= planted * every) {
      std::string t = "k=\"" + Token(planted) + "\";";
      b.columns.push_back(column + 3);
      b.text += t;
      column += t.size();
      planted++;
    }
    b.text += chunk;
    column += chunk.size() - 1;  // é is two bytes, one code point
  }
  b.text += "\nvar x=" + Token(n) + ";\n";
  return b;
}

class MinifiedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    matcher_ = test::TokenMatcher();
    ASSERT_NE(matcher_, nullptr);
  }
  void Check(const Bundle& b, ScanOptions o) {
    o.threads = 1;
    o.warn = [](const std::string&) {};
    Scanner scanner(*matcher_, o);
    ScanResult r;
    ASSERT_TRUE(
        scanner.ScanPaths({dir_.Write("dist/app.min.js", b.text)}, &r).ok());
    ASSERT_EQ(r.findings.size(), b.columns.size() + 1);
    for (size_t i = 0; i < b.columns.size(); i++) {
      ASSERT_EQ(r.findings[i].line, 1) << i;
      ASSERT_EQ(r.findings[i].column, b.columns[i]) << i;
      ASSERT_EQ(r.findings[i].end_column, b.columns[i] + 28) << i;
    }
    EXPECT_EQ(r.findings.back().line, 2);
    EXPECT_EQ(r.findings.back().column, 7);
  }
  test::TempDir dir_;
  std::unique_ptr<Matcher> matcher_;
};

TEST_F(MinifiedTest, ColumnsOnAFiveMegabyteLine) { Check(MakeBundle(12), {}); }

TEST_F(MinifiedTest, ColumnsOnALineInStreamMode) {
  ScanOptions o;
  o.stream_threshold = 1 << 20;
  o.chunk_size = 256 << 10;  // the line spans 20 chunks
  Check(MakeBundle(12), o);
}

// Thousands of secrets on one line: each located without counting from
// the line's start again.
TEST_F(MinifiedTest, ManySecretsOnOneLine) { Check(MakeBundle(3000), {}); }

}  // namespace
}  // namespace keyward

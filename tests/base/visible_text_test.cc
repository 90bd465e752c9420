// Control characters from scanned input are printed as visible escapes.
#include "base/visible_text.h"

#include <gtest/gtest.h>

#include "keyward/tickets.h"

namespace keyward {
namespace {

TEST(VisibleTextTest, EscapesEveryControlCharacter) {
  EXPECT_EQ(VisibleText("a\x1b[31mb"), "a\\x1b[31mb");
  EXPECT_EQ(VisibleText("x\ny\rz\tw"), "x\\ny\\rz\\tw");
  EXPECT_EQ(VisibleText(std::string("\0\x01\x7f", 3)), "\\x00\\x01\\x7f");
  EXPECT_EQ(VisibleText("two\nlines", /*keep_newlines=*/true), "two\nlines");
  EXPECT_EQ(VisibleText("notes\r\n", true), "notes\\r\n");
  // C1 controls in UTF-8 (U+009B is CSI), and bytes that are not UTF-8
  // (a lone 0x9b is CSI to 8-bit terminals).
  EXPECT_EQ(VisibleText("\xc2\x9b"
                        "2J"),
            "\\u009b2J");
  EXPECT_EQ(VisibleText("caf\xe9 \x9b"), "caf\\xe9 \\x9b");
  EXPECT_EQ(VisibleText("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
  EXPECT_EQ(VisibleText("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");  // overlong
}

TEST(VisibleTextTest, KeepsPrintableTextAsItIs) {
  for (const char* s : {"src/app/config.py", "ghp_…abcd", "café/naïve.txt",
                        "日本語.txt", "emoji 🔑", "back\\slash", ""}) {
    EXPECT_EQ(VisibleText(s), s);
  }
}

// Regression: a file name with ESC and a newline reached ticket Markdown raw,
// so it could forge a line or a terminal escape.
TEST(VisibleTextTest, TicketMarkdownEscapesFileNamesAndAuthors) {
  Finding f;
  f.rule_id = "kwtest.token";
  f.rule_name = "Keyward test token";
  f.kind = "api-key";
  f.severity = Severity::kHigh;
  f.path = "src/\x1b]0;owned\x07x.py\n- [x] Revoked already";
  f.line = 3;
  f.secret = "kwtest_Zq8vN2pLx4Rt7Yb1Hc6Md9Wf3Ks5";
  f.redacted = Redact(f.secret, "kwtest_");
  f.fingerprint = SecretFingerprint(f.secret);
  f.git = GitProvenance{};
  f.git->commit = "0123456789abcdef0123456789abcdef01234567";
  f.git->author = "Mallory\r\n# Heading";
  TicketOptions o;
  o.today = "2026-03-01";
  auto tickets = BuildTickets({f}, {}, {}, o);
  ASSERT_EQ(tickets.size(), 1u);
  std::string md = TicketToMarkdown(tickets[0]);
  for (unsigned char c : md) {
    EXPECT_TRUE(c == '\n' || (c >= 0x20 && c != 0x7f)) << int(c);
  }
  EXPECT_NE(md.find("src/\\x1b]0;owned\\x07x.py\\n- [x] Revoked already"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("Mallory\\r\\n# Heading"), std::string::npos) << md;
  EXPECT_EQ(md.find("\n- [x] Revoked already"), std::string::npos);
  EXPECT_EQ(md.find("\n# Heading"), std::string::npos);
}

}  // namespace
}  // namespace keyward

#include "source/ignore.h"

#include <gtest/gtest.h>

namespace keyward {
namespace {

using Verdict = IgnoreList::Verdict;

IgnoreList ListOf(std::string_view text) {
  IgnoreList list;
  list.AddText(text);
  return list;
}

TEST(GlobMatchTest, StarAndQuestionStopAtSlash) {
  EXPECT_TRUE(GlobMatch("*.js", "app.js"));
  EXPECT_TRUE(GlobMatch("*.js", ".js"));
  EXPECT_FALSE(GlobMatch("*.js", "src/app.js"));
  EXPECT_TRUE(GlobMatch("src/*.js", "src/app.js"));
  EXPECT_FALSE(GlobMatch("src/*.js", "src/lib/app.js"));
  EXPECT_TRUE(GlobMatch("a?c", "abc"));
  EXPECT_FALSE(GlobMatch("a?c", "a/c"));
  EXPECT_FALSE(GlobMatch("a?c", "ac"));
  EXPECT_TRUE(GlobMatch("*a*b*", "xxaxxbxx"));
  EXPECT_FALSE(GlobMatch("*a*b*", "xxbxxaxx"));
  EXPECT_FALSE(GlobMatch("abc", "abcd"));
  EXPECT_FALSE(GlobMatch("abcd", "abc"));
}

TEST(GlobMatchTest, DoubleStarForms) {
  // Leading "**/": any depth, including none.
  EXPECT_TRUE(GlobMatch("**/foo", "foo"));
  EXPECT_TRUE(GlobMatch("**/foo", "a/foo"));
  EXPECT_TRUE(GlobMatch("**/foo", "a/b/foo"));
  EXPECT_FALSE(GlobMatch("**/foo", "a/xfoo"));
  EXPECT_TRUE(GlobMatch("**/foo/bar", "x/y/foo/bar"));
  // Trailing "/**": everything inside, not the directory itself.
  EXPECT_TRUE(GlobMatch("abc/**", "abc/x"));
  EXPECT_TRUE(GlobMatch("abc/**", "abc/x/y/z"));
  EXPECT_FALSE(GlobMatch("abc/**", "abc"));
  EXPECT_FALSE(GlobMatch("abc/**", "abcd/x"));
  // Middle "/**/": zero or more directories.
  EXPECT_TRUE(GlobMatch("a/**/b", "a/b"));
  EXPECT_TRUE(GlobMatch("a/**/b", "a/x/b"));
  EXPECT_TRUE(GlobMatch("a/**/b", "a/x/y/b"));
  EXPECT_FALSE(GlobMatch("a/**/b", "a/xb"));
  EXPECT_FALSE(GlobMatch("a/**/b", "b"));
  // "**" not alone in its component is an ordinary "*".
  EXPECT_TRUE(GlobMatch("a**b", "axxb"));
  EXPECT_FALSE(GlobMatch("a**b", "a/x/b"));
  EXPECT_TRUE(GlobMatch("**", "any/thing/at/all"));
}

TEST(GlobMatchTest, CharacterClasses) {
  EXPECT_TRUE(GlobMatch("file[0-9].txt", "file7.txt"));
  EXPECT_FALSE(GlobMatch("file[0-9].txt", "filex.txt"));
  EXPECT_TRUE(GlobMatch("[abc]", "b"));
  EXPECT_FALSE(GlobMatch("[abc]", "d"));
  EXPECT_TRUE(GlobMatch("[!abc]", "d"));
  EXPECT_FALSE(GlobMatch("[!abc]", "a"));
  EXPECT_TRUE(GlobMatch("[^abc]", "d"));
  EXPECT_FALSE(GlobMatch("[^abc]", "c"));
  EXPECT_TRUE(GlobMatch("[]x]", "]"));  // leading ']' is literal
  EXPECT_TRUE(GlobMatch("[]x]", "x"));
  EXPECT_TRUE(GlobMatch("[\\]]", "]"));
  EXPECT_TRUE(GlobMatch("[[:digit:]]x", "5x"));
  EXPECT_FALSE(GlobMatch("[[:digit:]]x", "ax"));
  EXPECT_TRUE(GlobMatch("[[:upper:]_]*", "_env"));
  EXPECT_FALSE(GlobMatch("a[/]b", "a/b"));  // classes never match '/'
  EXPECT_FALSE(GlobMatch("a[!x]b", "a/b"));
  // An unterminated class is a literal '['.
  EXPECT_TRUE(GlobMatch("a[b", "a[b"));
  EXPECT_FALSE(GlobMatch("a[b", "ab"));
}

TEST(GlobMatchTest, BackslashEscapes) {
  EXPECT_TRUE(GlobMatch("\\*.txt", "*.txt"));
  EXPECT_FALSE(GlobMatch("\\*.txt", "a.txt"));
  EXPECT_TRUE(GlobMatch("what\\?", "what?"));
  EXPECT_FALSE(GlobMatch("what\\?", "whatx"));
  EXPECT_TRUE(GlobMatch("\\[x]", "[x]"));
}

TEST(IgnoreListTest, CommentsBlankLinesAndEscapes) {
  IgnoreList list = ListOf("# a comment\n\n   \n\\#hash.txt\n\\!bang.txt\n");
  EXPECT_EQ(list.Match("# a comment", false), Verdict::kNone);
  EXPECT_EQ(list.Match("#hash.txt", false), Verdict::kIgnore);
  EXPECT_EQ(list.Match("hash.txt", false), Verdict::kNone);
  EXPECT_EQ(list.Match("!bang.txt", false), Verdict::kIgnore);
  EXPECT_EQ(list.Match("bang.txt", false), Verdict::kNone);
}

TEST(IgnoreListTest, EmptyListMatchesNothing) {
  IgnoreList list = ListOf("# only a comment\n\n/\n!\n");
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.Match("anything", false), Verdict::kNone);
}

TEST(IgnoreListTest, TrailingSpacesAndCrlf) {
  IgnoreList list = ListOf("trim.txt   \r\nkeep\\ \r\n");
  EXPECT_EQ(list.Match("trim.txt", false), Verdict::kIgnore);
  EXPECT_EQ(list.Match("keep ", false), Verdict::kIgnore);
  EXPECT_EQ(list.Match("keep", false), Verdict::kNone);
}

TEST(IgnoreListTest, UnanchoredMatchesAtAnyDepth) {
  IgnoreList list = ListOf("*.log\nnode_modules\n");
  EXPECT_EQ(list.Match("a.log", false), Verdict::kIgnore);
  EXPECT_EQ(list.Match("deep/er/a.log", false), Verdict::kIgnore);
  EXPECT_EQ(list.Match("x/node_modules", true), Verdict::kIgnore);
  EXPECT_EQ(list.Match("a.log.txt", false), Verdict::kNone);
  EXPECT_EQ(list.Match("node_modules_x", true), Verdict::kNone);
}

TEST(IgnoreListTest, LeadingOrMiddleSlashAnchors) {
  IgnoreList list = ListOf("/build\ndoc/frotz\n");
  EXPECT_EQ(list.Match("build", true), Verdict::kIgnore);
  EXPECT_EQ(list.Match("src/build", true), Verdict::kNone);
  EXPECT_EQ(list.Match("doc/frotz", true), Verdict::kIgnore);
  EXPECT_EQ(list.Match("a/doc/frotz", true), Verdict::kNone);
}

TEST(IgnoreListTest, TrailingSlashMatchesDirectoriesOnly) {
  IgnoreList list = ListOf("logs/\n");
  EXPECT_EQ(list.Match("logs", true), Verdict::kIgnore);
  EXPECT_EQ(list.Match("app/logs", true), Verdict::kIgnore);  // unanchored
  EXPECT_EQ(list.Match("logs", false), Verdict::kNone);
  IgnoreList anchored = ListOf("/out/\n");
  EXPECT_EQ(anchored.Match("out", true), Verdict::kIgnore);
  EXPECT_EQ(anchored.Match("x/out", true), Verdict::kNone);
}

TEST(IgnoreListTest, NegationAndLastMatchWins) {
  IgnoreList list = ListOf("*.env\n!example.env\n");
  EXPECT_EQ(list.Match("prod.env", false), Verdict::kIgnore);
  EXPECT_EQ(list.Match("example.env", false), Verdict::kInclude);
  EXPECT_EQ(list.Match("sub/example.env", false), Verdict::kInclude);
  // Order matters: a later broad pattern overrides an earlier negation.
  IgnoreList reversed = ListOf("!example.env\n*.env\n");
  EXPECT_EQ(reversed.Match("example.env", false), Verdict::kIgnore);
}

TEST(IgnoreListTest, DoubleStarPatterns) {
  IgnoreList list = ListOf("**/cache\nvendor/**\na/**/z.txt\n");
  EXPECT_EQ(list.Match("cache", true), Verdict::kIgnore);
  EXPECT_EQ(list.Match("x/y/cache", true), Verdict::kIgnore);
  EXPECT_EQ(list.Match("vendor/lib/x.go", false), Verdict::kIgnore);
  EXPECT_EQ(list.Match("vendor", true), Verdict::kNone);
  EXPECT_EQ(list.Match("a/z.txt", false), Verdict::kIgnore);
  EXPECT_EQ(list.Match("a/b/c/z.txt", false), Verdict::kIgnore);
  EXPECT_EQ(list.Match("b/a/z.txt", false), Verdict::kNone);
}

TEST(IgnoreListTest, AddLineEqualsAddText) {
  IgnoreList by_line;
  by_line.AddLine("*.tmp");
  by_line.AddLine("!keep.tmp");
  IgnoreList by_text = ListOf("*.tmp\n!keep.tmp");  // no final newline
  for (const char* path : {"a.tmp", "keep.tmp", "b.txt"}) {
    EXPECT_EQ(by_line.Match(path, false), by_text.Match(path, false)) << path;
  }
  EXPECT_EQ(by_text.Match("keep.tmp", false), Verdict::kInclude);
}

}  // namespace
}  // namespace keyward

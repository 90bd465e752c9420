// LineDiff: the dry-run diff of the inventory file (libgit2's patch code).
#include "report/inventory_render.h"

#include <gtest/gtest.h>

namespace keyward::inventory {
namespace {

TEST(LineDiffTest, EqualTextsGiveNothing) {
  EXPECT_EQ(LineDiff("a\nb\n", "a\nb\n"), "");
  EXPECT_EQ(LineDiff("", ""), "");
}

TEST(LineDiffTest, OneHunkWithTwoLinesOfContext) {
  std::string before = "1\n2\n3\n4\n5\n6\n7\n";
  std::string after = "1\n2\n3\nfour\n5\n6\n7\n";
  EXPECT_EQ(LineDiff(before, after),
            "@@ -2,5 +2,5 @@\n 2\n 3\n-4\n+four\n 5\n 6\n");
}

TEST(LineDiffTest, InsertionIntoAJsonList) {
  std::string before = "{\n  \"credentials\": [\n  ]\n}\n";
  std::string after =
      "{\n  \"credentials\": [\n    {\"id\": \"mailer\"}\n  ]\n}\n";
  EXPECT_EQ(LineDiff(before, after),
            "@@ -1,4 +1,5 @@\n {\n   \"credentials\": [\n"
            "+    {\"id\": \"mailer\"}\n   ]\n }\n");
}

TEST(LineDiffTest, FarApartChangesAreSeparateHunks) {
  std::string before, after;
  for (int i = 1; i <= 20; ++i) {
    before += std::to_string(i) + "\n";
    after += (i == 3    ? "three"
              : i == 17 ? "seventeen"
                        : std::to_string(i)) +
             std::string("\n");
  }
  std::string d = LineDiff(before, after);
  EXPECT_EQ(d,
            "@@ -1,5 +1,5 @@\n 1\n 2\n-3\n+three\n 4\n 5\n"
            "@@ -15,5 +15,5 @@\n 15\n 16\n-17\n+seventeen\n 18\n 19\n");
}

TEST(LineDiffTest, MissingFinalNewlineIsStillOneLinePerLine) {
  EXPECT_EQ(LineDiff("a\nb", "a\nc"), "@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
}

}  // namespace
}  // namespace keyward::inventory

#include "scanner/inline_allow.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace keyward {
namespace {

// Offset of `needle` in `text`, for readable InlineAllowed calls.
size_t At(std::string_view text, std::string_view needle) {
  size_t pos = text.find(needle);
  EXPECT_NE(pos, std::string_view::npos) << needle;
  return pos;
}

TEST(InlineAllowTest, OnlyTheMarkedLine) {
  std::string text =
      "a = SECRET_A  # keyward:allow test fixture\n"
      "b = SECRET_B\n"
      "c = SECRET_C\n";
  std::string why;
  EXPECT_TRUE(InlineAllowed(text, At(text, "SECRET_A"), &why));
  EXPECT_EQ(why, "inline: test fixture");
  EXPECT_FALSE(InlineAllowed(text, At(text, "SECRET_B"), &why));
  EXPECT_FALSE(InlineAllowed(text, At(text, "SECRET_C"), &why));
}

TEST(InlineAllowTest, MarkerOnThePreviousLineDoesNotCount) {
  std::string text = "// keyward:allow\nkey = SECRET\n";
  std::string why;
  EXPECT_FALSE(InlineAllowed(text, At(text, "SECRET"), &why));
}

TEST(InlineAllowTest, MarkerBeforeTheSecretAndAtFileEdges) {
  std::string why;
  std::string text = "/* keyward:allow */ SECRET";  // no trailing newline
  EXPECT_TRUE(InlineAllowed(text, At(text, "SECRET"), &why));
  EXPECT_EQ(why, "inline");
  text = "SECRET <!-- keyward:allow: demo page -->\r\nnext";
  EXPECT_TRUE(InlineAllowed(text, 0, &why));
  EXPECT_EQ(why, "inline: demo page");
}

TEST(InlineAllowTest, ReasonNeverIncludesTheSecretAfterTheMarker) {
  std::string text = "# keyward:allow sample password = hunter22\n";
  std::string why;
  EXPECT_TRUE(InlineAllowed(text, At(text, "hunter22"), &why));
  EXPECT_EQ(why, "inline: sample password =");
}

TEST(InlineAllowTest, SimilarWordsAreNotTheMarker) {
  std::string text = "k = SECRET # keyward:allowed keyward:allow_all\n";
  std::string why;
  EXPECT_FALSE(InlineAllowed(text, At(text, "SECRET"), &why));
}

TEST(InlineAllowTest, ReasonThatLooksLikeASecretIsDropped) {
  std::string text = "x = SECRET # keyward:allow ghp_x9F2kLq8Zt3VwR7Yb\n";
  std::string why;
  EXPECT_TRUE(InlineAllowed(text, At(text, "SECRET"), &why));
  EXPECT_EQ(why, "inline");
}

TEST(InlineAllowTest, MarkerFarAwayOnAHugeLineIsNotSearched) {
  std::string text = "SECRET" + std::string(10000, ' ') + "# keyward:allow\n";
  std::string why;
  EXPECT_FALSE(InlineAllowed(text, 0, &why));
  text = "SECRET" + std::string(100, ' ') + "# keyward:allow\n";
  EXPECT_TRUE(InlineAllowed(text, 0, &why));
}

}  // namespace
}  // namespace keyward

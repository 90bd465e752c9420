#include "git/numbers.h"

#include <gtest/gtest.h>

#include <vector>

namespace keyward {
namespace {

using git::NumberSlice;

std::vector<uint32_t> All(const NumberSlice& s) {
  git::NumberRun run = s.Run(0, s.size());
  return std::vector<uint32_t>(run.begin(), run.end());
}

TEST(NumberSliceTest, ThreeBytesHoldEveryNumberUpToTheLimit) {
  NumberSlice s(3);
  const std::vector<uint32_t> values = {
      0, 1, 255, 256, 65535, 65536, git::kNarrowMax - 1, git::kNarrowMax};
  for (uint32_t v : values) {
    ASSERT_TRUE(s.Fits(v)) << v;
    s.push_back(v);
  }
  EXPECT_FALSE(s.Fits(git::kNarrowMax + 1));
  EXPECT_EQ(s.size(), values.size());
  EXPECT_EQ(All(s), values);
  EXPECT_EQ(s.Run(2, 5)[1], 256u);
  EXPECT_EQ(s.Run(2, 5).size(), 3u);
}

TEST(NumberSliceTest, FourBytesHoldAnyNumber) {
  NumberSlice s(4);
  s.push_back(UINT32_MAX);
  s.push_back(git::kNarrowMax + 1);
  EXPECT_TRUE(s.Fits(UINT32_MAX));
  EXPECT_EQ(All(s), (std::vector<uint32_t>{UINT32_MAX, git::kNarrowMax + 1}));
}

TEST(NumberSliceTest, GrowAndSetWriteInPlace) {
  NumberSlice s(3);
  s.reserve(8);
  s.push_back(7);
  size_t at = s.Grow(3);
  EXPECT_EQ(at, 1u);
  EXPECT_EQ(All(s), (std::vector<uint32_t>{7, 0, 0, 0}));
  s.Set(2, 70000);
  s.Set(3, 9);
  EXPECT_EQ(All(s), (std::vector<uint32_t>{7, 0, 70000, 9}));
  EXPECT_EQ(s.Get(2), 70000u);
}

TEST(NumberSliceTest, WidenKeepsEveryNumberAndTakesLargerOnes) {
  NumberSlice s(3);
  for (uint32_t v : {5u, git::kNarrowMax, 123456u}) s.push_back(v);
  s.Widen();
  EXPECT_EQ(s.width(), 4u);
  EXPECT_EQ(All(s), (std::vector<uint32_t>{5, git::kNarrowMax, 123456}));
  s.Set(1, UINT32_MAX - 1);
  EXPECT_EQ(s.Get(1), UINT32_MAX - 1);
  EXPECT_EQ(s.Get(2), 123456u);
}

TEST(NumberSliceTest, ALoweredLimitNarrowsWhatFits) {
  NumberSlice s(3);
  {
    git::ScopedNarrowMax low(60);
    EXPECT_TRUE(s.Fits(60));
    EXPECT_FALSE(s.Fits(61));
  }
  EXPECT_TRUE(s.Fits(61));
}

}  // namespace
}  // namespace keyward

// GzipReader on its own: reads of any size, corrupt and trailing data.
#include "source/gzip_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "support/gzip.h"

namespace keyward {
namespace {

// A ByteReader over a string, `step` bytes per Read at most.
class StringReader : public ByteReader {
 public:
  StringReader(std::string data, size_t step)
      : data_(std::move(data)), step_(step) {}
  long Read(char* out, size_t n) override {
    size_t k = std::min({n, step_, data_.size() - pos_});
    data_.copy(out, k, pos_);
    pos_ += k;
    return static_cast<long>(k);
  }
  std::string error() const override { return "none"; }

 private:
  std::string data_;
  size_t step_;
  size_t pos_ = 0;
};

// Everything `gz` yields, `step` bytes per Read; false on an error.
bool ReadAll(GzipReader& gz, size_t step, std::string* out) {
  std::string buf(step, '\0');
  for (;;) {
    long n = gz.Read(buf.data(), buf.size());
    if (n < 0) return false;
    if (n == 0) return true;
    out->append(buf.data(), n);
  }
}

std::string Text() {
  std::string t;
  for (int i = 0; i < 50000; i++) t += "line " + std::to_string(i) + "\n";
  return t;
}

TEST(GzipReaderTest, AnyInputAndOutputStepsGiveTheSameText) {
  const std::string text = Text();
  const std::string gz = test::Gzip(text);
  for (size_t in_step : {1ul, 7ul, 65536ul}) {
    for (size_t out_step : {1ul, 4096ul, 1ul << 20}) {
      if (in_step == 1 && out_step == 1) continue;  // slow, adds nothing
      StringReader in(gz, in_step);
      GzipReader reader(&in, GzipLimits{});
      std::string got;
      ASSERT_TRUE(ReadAll(reader, out_step, &got)) << reader.error();
      EXPECT_EQ(got, text) << in_step << " " << out_step;
      EXPECT_EQ(reader.bytes_out(), text.size());
      EXPECT_EQ(reader.bytes_in(), gz.size());
      EXPECT_FALSE(reader.limit_hit());
    }
  }
}

TEST(GzipReaderTest, TrailingPaddingIsIgnored) {
  StringReader in(test::Gzip("abc\n") + std::string(512, '\0'), 4096);
  GzipReader reader(&in, GzipLimits{});
  std::string got;
  ASSERT_TRUE(ReadAll(reader, 4096, &got)) << reader.error();
  EXPECT_EQ(got, "abc\n");
}

TEST(GzipReaderTest, CorruptDataIsAnErrorAfterWhatDecoded) {
  std::string gz = test::Gzip(Text());
  gz[gz.size() - 5] ^= 0x55;  // the CRC-32 / length trailer
  StringReader in(gz, 4096);
  GzipReader reader(&in, GzipLimits{});
  std::string got;
  EXPECT_FALSE(ReadAll(reader, 4096, &got));
  EXPECT_NE(reader.error().find("corrupt gzip data"), std::string::npos)
      << reader.error();
  EXPECT_EQ(got, Text());  // every byte decoded before the check failed
}

TEST(GzipReaderTest, OutputStopsExactlyAtTheByteLimit) {
  StringReader in(test::Gzip(Text()), 4096);
  GzipLimits limits;
  limits.max_bytes = 1000;
  GzipReader reader(&in, limits);
  std::string got;
  ASSERT_TRUE(ReadAll(reader, 300, &got));
  EXPECT_EQ(got, Text().substr(0, 1000));
  EXPECT_TRUE(reader.limit_hit());
  EXPECT_NE(reader.limit_reason().find("after 1000 bytes"), std::string::npos);
}

}  // namespace
}  // namespace keyward

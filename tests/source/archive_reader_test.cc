// libarchive behind a ByteReader: entries in order, streams and buffers,
// raw compressed streams, the ratio limit and the shared budget
// (source/archive_reader.h, source/content_kind.h).
#include "source/archive_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "source/content_kind.h"
#include "support/archive_writer.h"

namespace keyward {
namespace {

using test::ArchiveFilter;
using test::ArchiveFormat;
using test::MakeArchive;

// A non-seekable reader over a string (a pipe, an entry of an archive).
class StreamReader : public ByteReader {
 public:
  explicit StreamReader(std::string data) : data_(std::move(data)) {}
  long Read(char* out, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    memcpy(out, data_.data() + pos_, k);
    pos_ += k;
    return static_cast<long>(k);
  }
  std::string error() const override { return {}; }

 private:
  std::string data_;
  size_t pos_ = 0;
};

std::string ReadAll(ByteReader& in) {
  std::string out;
  char buf[4096];
  long n;
  while ((n = in.Read(buf, sizeof buf)) > 0) out.append(buf, n);
  return out;
}

TEST(ArchiveReaderTest, SniffsEveryKindByMagicBytes) {
  const test::ArchiveEntries one = {{"a", "text\n"}};
  EXPECT_EQ(SniffContent(MakeArchive(ArchiveFormat::kZip, one)),
            ContentKind::kArchive);
  EXPECT_EQ(SniffContent(MakeArchive(ArchiveFormat::kTar, one)),
            ContentKind::kArchive);
  EXPECT_EQ(SniffContent(MakeArchive(ArchiveFormat::kSevenZip, one)),
            ContentKind::kArchive);
  EXPECT_EQ(
      SniffContent(MakeArchive(ArchiveFormat::kTar, one, ArchiveFilter::kGzip)),
      ContentKind::kGzip);
  for (auto f :
       {ArchiveFilter::kBzip2, ArchiveFilter::kXz, ArchiveFilter::kZstd}) {
    EXPECT_EQ(SniffContent(MakeArchive(ArchiveFormat::kRaw, one, f)),
              ContentKind::kCompressed);
  }
  EXPECT_EQ(SniffContent("plain text\n"), ContentKind::kPlain);
  EXPECT_EQ(SniffContent("PK"), ContentKind::kPlain);
  EXPECT_EQ(SniffContent("BZh0 is not bzip2"), ContentKind::kPlain);
  EXPECT_EQ(SniffContent(""), ContentKind::kPlain);
}

TEST(ArchiveReaderTest, EntriesInOrderFromStreamAndBuffer) {
  std::string zip = MakeArchive(
      ArchiveFormat::kZip,
      {{"a.txt", "first\n"}, {"dir/b.txt", std::string(300000, 'b')}});
  for (bool buffer : {false, true}) {
    StreamReader stream(zip);
    MemoryReader memory(zip);
    ExpansionBudget budget(1 << 30);
    ArchiveReader ar(buffer ? static_cast<ByteReader*>(&memory) : &stream,
                     ArchiveReader::kArchive, {}, &budget);
    ASSERT_TRUE(ar.NextEntry()) << ar.error();
    EXPECT_EQ(ar.format().substr(0, 3), "ZIP");
    EXPECT_EQ(ar.entry_name(), "a.txt");
    EXPECT_EQ(ReadAll(ar.entry()), "first\n");
    ASSERT_TRUE(ar.NextEntry());
    EXPECT_EQ(ar.entry_name(), "dir/b.txt");
    EXPECT_EQ(ReadAll(ar.entry()), std::string(300000, 'b'));
    EXPECT_FALSE(ar.NextEntry());
    EXPECT_EQ(ar.error(), "");
    EXPECT_EQ(budget.used(), 300006u);
  }
}

TEST(ArchiveReaderTest, RawStreamIsOneEntry) {
  std::string xz = MakeArchive(ArchiveFormat::kRaw, {{"x", "log line\n"}},
                               ArchiveFilter::kXz);
  StreamReader in(xz);
  ExpansionBudget budget(1 << 30);
  ArchiveReader ar(&in, ArchiveReader::kRawStream, {}, &budget);
  ASSERT_TRUE(ar.NextEntry()) << ar.error();
  EXPECT_EQ(ReadAll(ar.entry()), "log line\n");
  EXPECT_FALSE(ar.NextEntry());
}

TEST(ArchiveReaderTest, RatioLimitStopsABombEntry) {
  std::string bomb = test::ZipBomb("zeros", 1ull << 30);
  MemoryReader memory(bomb);
  ExpansionBudget budget(4ull << 30);
  ArchiveReader ar(&memory, ArchiveReader::kArchive, {}, &budget);
  ASSERT_TRUE(ar.NextEntry()) << ar.error();
  std::string data = ReadAll(ar.entry());
  EXPECT_TRUE(ar.limit_hit());
  EXPECT_LT(data.size(), 4u << 20);
  EXPECT_NE(ar.limit_reason().find("over 250:1"), std::string::npos)
      << ar.limit_reason();
  EXPECT_FALSE(ar.NextEntry());
  EXPECT_EQ(ar.error(), "");
}

TEST(ArchiveReaderTest, BudgetIsSharedAndStopsEverything) {
  std::string tar =
      MakeArchive(ArchiveFormat::kTar, {{"a", std::string(1000, 'a')},
                                        {"b", std::string(1000, 'b')},
                                        {"c", std::string(1000, 'c')}});
  StreamReader in(tar);
  ExpansionBudget budget(1500);
  ArchiveReader ar(&in, ArchiveReader::kArchive, {}, &budget);
  ASSERT_TRUE(ar.NextEntry());
  EXPECT_EQ(ReadAll(ar.entry()).size(), 1000u);
  EXPECT_FALSE(ar.limit_hit());
  ASSERT_TRUE(ar.NextEntry());
  EXPECT_EQ(ReadAll(ar.entry()).size(), 500u);
  EXPECT_TRUE(ar.limit_hit());
  EXPECT_NE(ar.limit_reason().find("budget of 1500 bytes"), std::string::npos);
  EXPECT_FALSE(ar.NextEntry());
}

TEST(ArchiveReaderTest, CorruptDataIsAnError) {
  StreamReader in(std::string("PK\x03\x04", 4) + std::string(100, 'x'));
  ExpansionBudget budget(1 << 20);
  ArchiveReader ar(&in, ArchiveReader::kArchive, {}, &budget);
  EXPECT_FALSE(ar.NextEntry());
  EXPECT_NE(ar.error(), "");
}

}  // namespace
}  // namespace keyward

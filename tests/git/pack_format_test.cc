// The hand-written pack format pieces on hand-made input: valid data
// decodes, every malformed input is a Corruption status (never a crash).
#include "git/pack_format.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "support/pack_bytes.h"

namespace keyward::git {
namespace {

using test::Deflate;

// A delta against "hello world" (11 bytes) producing `target` bytes.
std::string Delta(int target, const std::string& ops) {
  return std::string(1, 11) + std::string(1, static_cast<char>(target)) + ops;
}

std::string Apply(const std::string& base, const std::string& delta,
                  Status* status) {
  uint64_t source = 0, target = 0;
  size_t header = 0;
  *status = ReadDeltaSizes(delta, &source, &target, &header);
  if (!status->ok()) return "";
  std::string out(target, '\0');
  *status = ApplyDelta(base, delta, out.data(), target);
  return out;
}

TEST(ApplyDeltaTest, CopiesAndInserts) {
  // copy offset 6 size 5 ("world"), insert "!!", copy offset 0 size 5.
  std::string ops = "\x91\x06\x05\x02!!\x90\x05";
  Status s;
  EXPECT_EQ(Apply("hello world", Delta(12, ops), &s), "world!!hello");
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(ApplyDeltaTest, MalformedDeltasAreCorruption) {
  const std::string base = "hello world";
  Status s;
  // Copy past the end of the base.
  Apply(base, Delta(8, "\x91\x06\x08"), &s);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  // Copy size 0 means 0x10000: larger than the base.
  Apply(base, Delta(5, std::string("\x81\x00", 2)), &s);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  // Insert running past the delta.
  Apply(base,
        Delta(5,
              "\x05"
              "ab"),
        &s);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  // More output than the header promises.
  Apply(base,
        Delta(2,
              "\x03"
              "abc"),
        &s);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  // Less output than the header promises.
  Apply(base,
        Delta(9,
              "\x03"
              "abc"),
        &s);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  // Reserved opcode 0.
  Apply(base, Delta(1, std::string("\0", 1)), &s);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  // Truncated copy instruction.
  Apply(base, Delta(5, "\x91\x06"), &s);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  // Base size in the header differs from the base.
  Apply("hello",
        Delta(1,
              "\x01"
              "a"),
        &s);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  // Header cut short.
  uint64_t a, b;
  size_t h;
  EXPECT_FALSE(ReadDeltaSizes("\x80", &a, &b, &h).ok());
}

TEST(InflaterTest, SizeMustMatchExactly) {
  Inflater inflater;
  const std::string text = "some text, some text, some more text\n";
  std::string z = Deflate(text);
  std::string out(text.size(), '\0');
  size_t consumed = 0;
  // The stream ends where it ends, whatever follows (the next entry).
  EXPECT_TRUE(
      inflater.Inflate(z + "next entry", out.data(), out.size(), &consumed)
          .ok());
  EXPECT_EQ(out, text);
  EXPECT_EQ(consumed, z.size());
  // Reused stream, wrong sizes, truncated and damaged input.
  EXPECT_FALSE(inflater.Inflate(z, out.data(), out.size() - 1).ok());
  std::string bigger(text.size() + 1, '\0');
  EXPECT_FALSE(inflater.Inflate(z, bigger.data(), bigger.size()).ok());
  EXPECT_FALSE(
      inflater.Inflate(z.substr(0, z.size() / 2), out.data(), out.size()).ok());
  std::string damaged = z;
  damaged[damaged.size() - 2] ^= 0x55;  // the adler32 checksum
  EXPECT_FALSE(inflater.Inflate(damaged, out.data(), out.size()).ok());
  // An empty object is still a stream.
  std::string empty = Deflate("");
  EXPECT_TRUE(inflater.Inflate(empty, nullptr, 0).ok());
  EXPECT_TRUE(inflater.Inflate(z, out.data(), out.size()).ok());
}

TEST(InflaterTest, DataCheckCanBeLeftToTheCaller) {
  Inflater inflater;
  const std::string text = "packed entry data, packed entry data\n";
  std::string z = Deflate(text);
  std::string damaged = z;
  damaged[damaged.size() - 1] ^= 0x01;  // the Adler-32 trailer only
  std::string out(text.size(), '\0');
  size_t consumed = 0;
  ASSERT_TRUE(inflater
                  .Inflate(damaged, out.data(), out.size(), &consumed,
                           /*check_data=*/false)
                  .ok());
  EXPECT_EQ(out, text);
  EXPECT_EQ(consumed, z.size());
  EXPECT_FALSE(StreamChecksumMatches(damaged, out));
  EXPECT_TRUE(StreamChecksumMatches(z, out));
  EXPECT_FALSE(StreamChecksumMatches(z, out.substr(1)));
  EXPECT_FALSE(StreamChecksumMatches("ab", ""));
  // The next stream is checked again.
  EXPECT_FALSE(inflater.Inflate(damaged, out.data(), out.size()).ok());
  EXPECT_TRUE(inflater.Inflate(z, out.data(), out.size()).ok());
}

TEST(PackIndexTest, RejectsWhatItDoesNotUnderstand) {
  std::string v2 = std::string("\377tOc") + std::string("\0\0\0\2", 4) +
                   std::string(1024, '\0') + std::string(40, '\0');
  auto ok = PackIndex::Parse(v2);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->count(), 0u);
  // Version 1 has no magic (it starts with the fanout table).
  EXPECT_FALSE(PackIndex::Parse(std::string(1024 + 40, '\0')).ok());
  std::string v3 = v2;
  v3[7] = 3;
  EXPECT_FALSE(PackIndex::Parse(v3).ok());
  // One object announced; a SHA-256 entry (32 + 4 + 4 bytes, 32-byte
  // checksums) makes a size no SHA-1 index has.
  std::string one = v2.substr(0, 8 + 1024);
  for (int i = 0; i < 4; ++i) one[8 + 1020 + i] = i == 3 ? 1 : 0;
  std::string sha256 = one + std::string(40 + 64, '\0');
  EXPECT_FALSE(PackIndex::Parse(sha256).ok());
  std::string sha1 = one + std::string(28 + 40, '\0');
  EXPECT_TRUE(PackIndex::Parse(sha1).ok());
  EXPECT_FALSE(PackIndex::Parse(sha1.substr(0, sha1.size() - 1)).ok());
}

// A SHA-1 v2 index of `ids` (sorted here); offsets and CRCs are zero.
std::string IndexOf(std::vector<std::string>* ids) {
  std::sort(ids->begin(), ids->end());
  std::string idx = std::string("\377tOc") + std::string("\0\0\0\2", 4);
  auto be32 = [&idx](uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) idx += char(v >> shift);
  };
  for (int b = 0; b < 256; ++b) {
    be32(static_cast<uint32_t>(std::count_if(
        ids->begin(), ids->end(),
        [b](const std::string& id) { return uint8_t(id[0]) <= b; })));
  }
  for (const std::string& id : *ids) idx += id;
  idx += std::string(8 * ids->size() + 40, '\0');  // CRCs, offsets, sums
  return idx;
}

TEST(PackIndexTest, FindsEveryIdAndNoOther) {
  std::mt19937_64 rng(17);
  auto random_id = [&rng](std::string prefix) {
    while (prefix.size() < 20) prefix += char(rng());
    return prefix;
  };
  // Uniform ids (as SHA-1 gives them: the first probes interpolate), and a
  // crafted set where they are not: one id per value of the last byte
  // behind a long shared prefix, and bursts in a narrow range.
  std::vector<std::vector<std::string>> sets(2);
  for (int i = 0; i < 40000; ++i) sets[0].push_back(random_id(""));
  for (int i = 0; i < 256; ++i) {
    sets[1].push_back(std::string(19, '\x42') + char(i));
  }
  for (int i = 0; i < 3000; ++i) {
    sets[1].push_back(random_id(std::string("\x42\x42\x42", 3)));
    sets[1].push_back(random_id(std::string("\x42\xff", 2)));
    sets[1].push_back(random_id(std::string(1, char(i % 3))));
  }
  for (auto& ids : sets) {
    std::string bytes = IndexOf(&ids);
    auto index = PackIndex::Parse(bytes);
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    ASSERT_EQ(index->count(), ids.size());
    for (uint32_t pos = 0; pos < ids.size(); ++pos) {
      const auto* id = reinterpret_cast<const unsigned char*>(ids[pos].data());
      ASSERT_EQ(index->Find(id), pos);
      // Neighbours that are not in the index.
      for (int delta : {-1, 1}) {
        std::string other = ids[pos];
        other[19] = char(other[19] + delta);
        if (std::binary_search(ids.begin(), ids.end(), other)) continue;
        EXPECT_EQ(
            index->Find(reinterpret_cast<const unsigned char*>(other.data())),
            -1);
      }
    }
    for (int i = 0; i < 1000; ++i) {
      std::string other = random_id("");
      if (std::binary_search(ids.begin(), ids.end(), other)) continue;
      EXPECT_EQ(
          index->Find(reinterpret_cast<const unsigned char*>(other.data())),
          -1);
    }
  }
}

TEST(ParseEntryHeaderTest, BoundsAreChecked) {
  std::string pack = std::string("PACK\0\0\0\2\0\0\0\1", 12);
  // OFS_DELTA whose base would lie before the pack header.
  std::string entry = "\x65\x7f";  // type 6, size 5, offset 127
  std::string data = pack + entry + "zz" + std::string(20, '\0');
  EntryHeader h;
  EXPECT_FALSE(ParseEntryHeader(data, 12, &h).ok());
  // Offsets outside the entries.
  EXPECT_FALSE(ParseEntryHeader(data, 3, &h).ok());
  EXPECT_FALSE(ParseEntryHeader(data, data.size() - 5, &h).ok());
  // A blob header.
  std::string blob = pack + "\x35" + "zz" + std::string(20, '\0');
  ASSERT_TRUE(ParseEntryHeader(blob, 12, &h).ok());
  EXPECT_EQ(h.type, PackType::kBlob);
  EXPECT_EQ(h.size, 5u);
  EXPECT_EQ(h.data, 13u);
  // A size varint that never ends.
  std::string endless = pack + std::string(30, '\xff');
  EXPECT_FALSE(ParseEntryHeader(endless, 12, &h).ok());
}

// Found by fuzz/pack_entry_fuzzer.cc: a pack shorter than its header and
// trailer made the end bound wrap around, so the header was read past the
// bytes given (the varint of a 17-byte "pack" ran off its end) or a blob
// header was accepted whose data starts past the end.
TEST(ParseEntryHeaderTest, PackShorterThanHeaderAndTrailerIsRefused) {
  EntryHeader h;
  for (size_t size = 0; size < 32; ++size) {
    // Exactly `size` bytes on the heap, so ASan sees a read past them.
    std::unique_ptr<char[]> bytes(new char[size]);
    std::memset(bytes.get(), 0x30, size);  // blob, size 0, no continuation
    std::string_view pack(bytes.get(), size);
    for (uint64_t offset : {uint64_t{0}, uint64_t{12}, uint64_t{13}}) {
      EXPECT_FALSE(ParseEntryHeader(pack, offset, &h).ok())
          << "size " << size << " offset " << offset;
    }
  }
}

}  // namespace
}  // namespace keyward::git

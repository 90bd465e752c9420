// PackReader on packs written by hand: shapes git itself never writes (a
// REF_DELTA base outside the pack, a delta loop, a delta on a tree) must be
// handed back to the caller, not decoded, looped on or crashed on.
#include <git2.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "git/id_keys.h"
#include "git/pack_reader.h"
#include "git/repo.h"
#include "support/pack_bytes.h"
#include "support/run.h"

namespace keyward::test {
namespace {

using git::PackDecoder;
using git::PackReader;
using git::PackType;

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
          static_cast<char>(v >> 8), static_cast<char>(v)};
}

git_oid BlobId(const std::string& content) {
  git_oid id;
  git_odb_hash(&id, content.data(), content.size(), GIT_OBJECT_BLOB);
  return id;
}

std::string Raw(const git_oid& id) {
  return std::string(reinterpret_cast<const char*>(id.id), 20);
}

// A delta that inserts `text` whole (any base of size `base_size`).
std::string InsertDelta(size_t base_size, const std::string& text) {
  DeltaWriter d;
  d.Insert(text);
  return d.Finish(base_size);
}

struct CraftedEntry {
  git_oid id;
  PackType type;
  std::string payload;  // uncompressed object or delta
  git_oid base{};       // kRefDelta only
};

class PackReaderCraftedTest : public ::testing::Test {
 protected:
  void SetUp() override { git::EnsureLibgit2(); }

  // Writes objects/pack/pack-crafted.{pack,idx} holding `entries`.
  std::string WritePack(const std::vector<CraftedEntry>& entries) {
    std::string pack = "PACK" + Be32(2) + Be32(entries.size());
    // raw id, offset, CRC-32 of the entry (header and compressed data)
    std::vector<std::tuple<std::string, uint32_t, uint32_t>> index;
    for (const CraftedEntry& e : entries) {
      size_t start = pack.size();
      size_t size = e.payload.size();
      unsigned char c = static_cast<unsigned char>(
          (static_cast<int>(e.type) << 4) | (size & 15));
      size >>= 4;
      while (size) {
        pack.push_back(static_cast<char>(c | 0x80));
        c = size & 0x7f;
        size >>= 7;
      }
      pack.push_back(static_cast<char>(c));
      if (e.type == PackType::kRefDelta) pack += Raw(e.base);
      pack += Deflate(e.payload);
      uint32_t crc = static_cast<uint32_t>(
          crc32_z(0, reinterpret_cast<const Bytef*>(pack.data() + start),
                  pack.size() - start));
      index.emplace_back(Raw(e.id), start, crc);
    }
    const std::string checksum(20, 'T');  // not checked by the reader
    pack += checksum;
    std::sort(index.begin(), index.end());
    std::string idx = "\377tOc" + Be32(2);
    for (int b = 0; b < 256; ++b) {
      uint32_t n = 0;
      for (const auto& [id, off, crc] : index) {
        n += static_cast<unsigned char>(id[0]) <= b;
      }
      idx += Be32(n);
    }
    for (const auto& [id, off, crc] : index) idx += id;
    for (const auto& [id, off, crc] : index) idx += Be32(crc);
    for (const auto& [id, off, crc] : index) idx += Be32(off);
    idx += checksum + std::string(20, '\0');
    std::string dir = tmp_.path() + "/objects/pack";
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/pack-crafted.pack", std::ios::binary) << pack;
    std::ofstream(dir + "/pack-crafted.idx", std::ios::binary) << idx;
    return tmp_.path() + "/objects";
  }

  struct Outcome {
    std::vector<size_t> fallback, failed;
    std::vector<std::pair<size_t, std::string>> decoded;
    size_t packs = 0;
  };
  Outcome Run(const std::string& objects, const std::vector<git_oid>& ids) {
    Outcome o;
    auto reader = PackReader::Open(objects);
    o.packs = reader->pack_count();
    reader->Plan(ids, &o.fallback);
    PackDecoder decoder(*reader);
    for (size_t t = 0; t < reader->tree_count(PackType::kBlob); ++t) {
      decoder.DecodeTree(
          PackType::kBlob, t,
          [&](size_t i, std::string_view c) {
            o.decoded.emplace_back(i, std::string(c));
          },
          &o.failed, &o.failed);  // either way: not delivered
    }
    return o;
  }

  TempDir tmp_;
};

TEST_F(PackReaderCraftedTest, RefDeltaOnABlobInThePackDecodes) {
  const std::string base = "base text\n", text = "new text\n";
  CraftedEntry root{BlobId(base), PackType::kBlob, base};
  CraftedEntry delta{BlobId(text), PackType::kRefDelta,
                     InsertDelta(base.size(), text), root.id};
  Outcome o = Run(WritePack({root, delta}), {delta.id, root.id});
  ASSERT_EQ(o.packs, 1u);
  EXPECT_TRUE(o.fallback.empty());
  EXPECT_TRUE(o.failed.empty());
  std::sort(o.decoded.begin(), o.decoded.end());
  EXPECT_EQ(o.decoded, (std::vector<std::pair<size_t, std::string>>{
                           {0, text}, {1, base}}));
}

TEST_F(PackReaderCraftedTest, RefDeltaBaseOutsideThePackIsHandedBack) {
  const std::string text = "thin pack delta\n";
  CraftedEntry delta{BlobId(text), PackType::kRefDelta, InsertDelta(5, text),
                     BlobId("absent")};
  Outcome o = Run(WritePack({delta}), {delta.id});
  EXPECT_EQ(o.fallback, (std::vector<size_t>{0}));
  EXPECT_TRUE(o.decoded.empty());
}

TEST_F(PackReaderCraftedTest, DeltaLoopIsHandedBackWithoutHanging) {
  const std::string a = "loop a\n", b = "loop b\n";
  CraftedEntry ea{BlobId(a), PackType::kRefDelta, InsertDelta(7, a)};
  CraftedEntry eb{BlobId(b), PackType::kRefDelta, InsertDelta(7, b), ea.id};
  ea.base = eb.id;
  Outcome o = Run(WritePack({ea, eb}), {ea.id, eb.id});
  EXPECT_EQ(o.fallback, (std::vector<size_t>{0, 1}));
  EXPECT_TRUE(o.decoded.empty());
}

TEST_F(PackReaderCraftedTest, DeltaOnATreeIsHandedBack) {
  const std::string tree_bytes = "not really a tree";
  git_oid tree_id;
  git_odb_hash(&tree_id, tree_bytes.data(), tree_bytes.size(), GIT_OBJECT_TREE);
  const std::string text = "delta on a tree\n";
  CraftedEntry tree{tree_id, PackType::kTree, tree_bytes};
  CraftedEntry delta{BlobId(text), PackType::kRefDelta,
                     InsertDelta(tree_bytes.size(), text), tree_id};
  Outcome o = Run(WritePack({tree, delta}), {delta.id, tree_id});
  EXPECT_EQ(o.fallback, (std::vector<size_t>{0, 1}));
  EXPECT_TRUE(o.decoded.empty());
}

TEST_F(PackReaderCraftedTest, IndexOfAnotherPackIsNotUsed) {
  const std::string base = "some blob\n";
  CraftedEntry root{BlobId(base), PackType::kBlob, base};
  std::string objects = WritePack({root});
  // The index names a pack checksum the pack does not end with.
  std::string pack_path = objects + "/pack/pack-crafted.pack";
  std::string pack = ReadFile(pack_path);
  pack[pack.size() - 1] = 'X';
  std::ofstream(pack_path, std::ios::binary | std::ios::trunc) << pack;
  Outcome o = Run(objects, {root.id});
  EXPECT_EQ(o.packs, 0u);
  EXPECT_EQ(o.fallback, (std::vector<size_t>{0}));
}

// IdKeys finds ids by their first 8 bytes: ids of a pack that share them
// are told apart by the index (exactly, an absent id sharing them too), and
// an absent id sharing them with one id only is taken for it (the chance
// id_keys.h states; these ids are made up, real ones never meet so).
TEST_F(PackReaderCraftedTest, IdKeysTellIdsSharingTheirFirstBytesApart) {
  auto id = [](unsigned char first, unsigned char last) {
    git_oid o;
    std::fill(std::begin(o.id), std::end(o.id), first);
    o.id[19] = last;
    return o;
  };
  std::vector<CraftedEntry> entries;
  const git_oid tied_a = id(0x11, 1), tied_b = id(0x11, 2), alone = id(0x22, 1);
  for (const git_oid& o : {tied_a, tied_b, alone}) {
    entries.push_back({o, PackType::kBlob, "blob " + git::OidHex(o)});
  }
  auto reader = PackReader::Open(WritePack(entries));
  ASSERT_EQ(reader->pack_count(), 1u);
  git::IdKeys keys(*reader);
  for (const git_oid& o : {tied_a, tied_b, alone}) {
    ASSERT_NE(reader->FindObject(o), PackReader::kNoObject);
    EXPECT_EQ(keys.Find(o.id), reader->FindObject(o));
  }
  EXPECT_NE(keys.Find(tied_a.id), keys.Find(tied_b.id));
  EXPECT_EQ(keys.Find(id(0x11, 3).id), PackReader::kNoObject);
  EXPECT_EQ(keys.Find(id(0x33, 1).id), PackReader::kNoObject);
  EXPECT_EQ(keys.Find(id(0x22, 2).id), reader->FindObject(alone));
}

}  // namespace
}  // namespace keyward::test

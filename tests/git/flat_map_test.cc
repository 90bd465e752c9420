// FlatMap against std::unordered_map: the same answers for random ids and
// for pack offsets that share their low bits (which a plain modulo hash
// would pile into one bucket), across every growth.
#include "git/flat_map.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <unordered_map>

#include "git/repo.h"

namespace keyward::test {
namespace {

using git::OffsetMap;
using git::OidMap;

git_oid RandomOid(std::mt19937_64& rng) {
  git_oid id;
  for (size_t i = 0; i < sizeof(id.id); i += 8) {
    uint64_t r = rng();
    std::memcpy(id.id + i, &r, std::min<size_t>(8, sizeof(id.id) - i));
  }
  return id;
}

TEST(FlatMapTest, EmptyMapFindsNothing) {
  OidMap map;
  git_oid id{};
  EXPECT_EQ(map.Find(id), OidMap::kAbsent);
  EXPECT_EQ(map.size(), 0u);
}

TEST(FlatMapTest, InsertKeepsTheFirstValue) {
  OffsetMap map;
  bool inserted = false;
  EXPECT_EQ(map.Insert(4096, 7, &inserted), 7u);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(map.Insert(4096, 9, &inserted), 7u);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(map.Find(4096), 7u);
  EXPECT_EQ(map.size(), 1u);
}

TEST(FlatMapTest, OffsetsSharingLowBitsMatchUnorderedMap) {
  OffsetMap map;
  std::unordered_map<uint64_t, uint32_t> want;
  for (uint32_t i = 0; i < 50000; ++i) {
    uint64_t offset = uint64_t{i} << 20;  // all low 20 bits zero
    bool inserted = false;
    map.Insert(offset, i, &inserted);
    ASSERT_TRUE(inserted) << offset;
    want.emplace(offset, i);
  }
  EXPECT_EQ(map.size(), want.size());
  for (const auto& [offset, value] : want) ASSERT_EQ(map.Find(offset), value);
  EXPECT_EQ(map.Find((uint64_t{1} << 20) + 1), OffsetMap::kAbsent);
}

TEST(FlatMapTest, RandomIdsWithRepeatsMatchUnorderedMap) {
  std::mt19937_64 rng(42);
  std::vector<git_oid> pool;
  for (int i = 0; i < 20000; ++i) pool.push_back(RandomOid(rng));
  OidMap map;
  map.Reserve(100);  // grows many times past this
  std::unordered_map<git_oid, uint32_t, git::OidHash, git::OidEq> want;
  for (uint32_t i = 0; i < 100000; ++i) {
    const git_oid& id = pool[rng() % pool.size()];
    bool inserted = false;
    uint32_t got = map.Insert(id, i, &inserted);
    auto [it, fresh] = want.emplace(id, i);
    ASSERT_EQ(inserted, fresh);
    ASSERT_EQ(got, it->second);
  }
  EXPECT_EQ(map.size(), want.size());
  for (const git_oid& id : pool) {
    auto it = want.find(id);
    ASSERT_EQ(map.Find(id), it == want.end() ? OidMap::kAbsent : it->second);
  }
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(map.Find(RandomOid(rng)), OidMap::kAbsent);
  }
}

// Releasing a plan or a tree table must give its memory back: `v = {}`
// keeps a vector's capacity (it assigns an empty initializer list).
TEST(FreeStorageTest, GivesTheCapacityBack) {
  std::vector<uint64_t> v(1 << 20, 7);
  std::vector<uint64_t> braces = v;
  braces = {};
  EXPECT_GE(braces.capacity(), size_t{1} << 20);  // why FreeStorage exists
  git::FreeStorage(v);
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.capacity(), 0u);
  std::string s(1 << 16, 'x');
  git::FreeStorage(s);
  EXPECT_TRUE(s.empty());
  EXPECT_LT(s.capacity(), size_t{1} << 16);
}

TEST(FlatIndexTest, RandomIdsWithRepeatsMatchUnorderedMap) {
  std::mt19937_64 rng(7);
  std::vector<git_oid> pool;
  for (int i = 0; i < 20000; ++i) pool.push_back(RandomOid(rng));
  std::vector<git_oid> keys;
  git::OidIndex index;
  index.Reserve(100, keys);  // grows many times past this
  std::unordered_map<git_oid, uint32_t, git::OidHash, git::OidEq> want;
  for (int i = 0; i < 100000; ++i) {
    const git_oid& id = pool[rng() % pool.size()];
    bool inserted = false;
    uint32_t got = index.Insert(id, keys, &inserted);
    auto [it, fresh] = want.emplace(id, static_cast<uint32_t>(keys.size()));
    ASSERT_EQ(inserted, fresh);
    ASSERT_EQ(got, it->second);
    if (inserted) keys.push_back(id);
  }
  for (const git_oid& id : pool) {
    auto it = want.find(id);
    ASSERT_EQ(index.Find(id, keys),
              it == want.end() ? git::OidIndex::kAbsent : it->second);
  }
  EXPECT_EQ(index.Find(RandomOid(rng), keys), git::OidIndex::kAbsent);
}

}  // namespace
}  // namespace keyward::test

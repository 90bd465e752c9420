// The compiled-database cache and the prebuilt pack: reuse, corruption,
// tampering, truncation, and which rule sets a pack serves.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "keyward/matcher.h"
#include "scanner/hs_cache.h"
#include "scanner/matcher_fixtures.h"
#include "support/prebuilt.h"
#include "support/run.h"

namespace keyward {
namespace {

using namespace matcher_fixtures;

TEST(MatcherTest, CompiledDatabaseCacheIsReusedAndCorruptionIgnored) {
  test::TempDir dir;
  MatcherOptions opts;
  opts.cache_dir = dir.path() + "/cache";
  auto first = Compile(kTestRules, opts);
  EXPECT_FALSE(first->loaded_from_cache());
  auto second = Compile(kTestRules, opts);
  EXPECT_TRUE(second->loaded_from_cache());
  std::mt19937 rng(9);
  std::string data = RandomCorpus(rng, 300);
  EXPECT_EQ(BlockScan(*second, data), BlockScan(*first, data));
  // Corrupt every cache file: the next matcher rebuilds and still works.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(opts.cache_dir)) {
    std::ofstream(e.path(), std::ios::trunc) << "garbage";
    files++;
  }
  EXPECT_EQ(files, 1);
  auto third = Compile(kTestRules, opts);
  EXPECT_FALSE(third->loaded_from_cache());
  EXPECT_EQ(BlockScan(*third, data), BlockScan(*first, data));
  EXPECT_TRUE(Compile(kTestRules, opts)->loaded_from_cache());
}

// A warm cache defers the block database to the first block scan, so a
// stream-only run never loads it; a cache file gone in between is compiled
// again, with the same results.
TEST(MatcherTest, DeferredBlockDatabaseSurvivesCacheFileRemoval) {
  test::TempDir dir;
  MatcherOptions opts;
  opts.cache_dir = dir.path() + "/cache";
  std::mt19937 rng(11);
  std::string data = RandomCorpus(rng, 300);
  auto expect = BlockScan(*Compile(kTestRules, opts), data);
  ASSERT_FALSE(expect.empty());
  auto warm = Compile(kTestRules, opts);
  ASSERT_TRUE(warm->loaded_from_cache());
  EXPECT_EQ(StreamScan(*warm, data, 64), expect);
  std::filesystem::remove_all(opts.cache_dir);
  EXPECT_EQ(BlockScan(*warm, data), expect);
  EXPECT_TRUE(Compile(kTestRules, opts)->loaded_from_cache());
}

// A cache file whose bytes were changed in place (same size, still a
// loadable Hyperscan database, or not) is not trusted: its digest no longer
// matches, so the matcher compiles again. Widths or flags edited in the
// metadata would otherwise silently shorten what phase 2 confirms.
TEST(MatcherTest, TamperedCacheEntryIsRecompiled) {
  test::TempDir dir;
  MatcherOptions opts;
  opts.cache_dir = dir.path() + "/cache";
  std::mt19937 rng(21);
  std::string data = RandomCorpus(rng, 300);
  auto expect = BlockScan(*Compile(kTestRules, opts), data);
  ASSERT_FALSE(expect.empty());
  std::filesystem::path file;
  for (const auto& e : std::filesystem::directory_iterator(opts.cache_dir)) {
    file = e.path();
  }
  ASSERT_FALSE(file.empty());
  for (size_t offset : {size_t{80}, size_t{0}}) {  // metadata, then the end
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(0, std::ios::end);
    size_t size = f.tellg();
    size_t at = offset ? offset : size - 1;
    f.seekg(at);
    char c = f.get();
    f.seekp(at);
    f.put(static_cast<char>(c ^ 0x01));
    f.close();
    EXPECT_EQ(std::filesystem::file_size(file), size);
    auto m = Compile(kTestRules, opts);
    EXPECT_FALSE(m->loaded_from_cache()) << "tampered at " << at;
    EXPECT_GT(m->compile_seconds(), 0);
    EXPECT_EQ(BlockScan(*m, data), expect);
  }
  EXPECT_TRUE(Compile(kTestRules, opts)->loaded_from_cache());
}

// A cache entry cut short (a full disk, a user clearing the cache while a
// scan starts) is read, never mapped: it fails its digest and is compiled
// again, where a mapped one could kill the scan with SIGBUS. The rewrite
// leaves no temporary file, and removes those a killed writer left.
TEST(MatcherTest, TruncatedCacheEntryIsRecompiledAndTempFilesDoNotStay) {
  test::TempDir dir;
  MatcherOptions opts;
  opts.cache_dir = dir.path() + "/cache";
  // A temporary of a writer that died (no such pid) two minutes ago.
  std::filesystem::create_directories(opts.cache_dir);
  std::filesystem::path stale = opts.cache_dir + "/.old.hsdb.tmp-4194303-0-1";
  std::ofstream(stale) << "partial";
  std::filesystem::last_write_time(
      stale,
      std::filesystem::file_time_type::clock::now() - std::chrono::minutes(2));
  std::mt19937 rng(27);
  std::string data = RandomCorpus(rng, 300);
  auto expect = BlockScan(*Compile(kTestRules, opts), data);
  ASSERT_FALSE(expect.empty());
  EXPECT_FALSE(std::filesystem::exists(stale));
  std::filesystem::path file;
  for (const auto& e : std::filesystem::directory_iterator(opts.cache_dir)) {
    file = e.path();
  }
  ASSERT_FALSE(file.empty());
  const auto size = std::filesystem::file_size(file);
  for (auto keep : {size / 2, decltype(size){0}}) {
    std::filesystem::resize_file(file, keep);
    auto m = Compile(kTestRules, opts);
    EXPECT_FALSE(m->loaded_from_cache()) << "kept " << keep << " bytes";
    EXPECT_EQ(BlockScan(*m, data), expect);
    EXPECT_EQ(std::filesystem::file_size(file), size);  // rewritten whole
  }
  EXPECT_TRUE(Compile(kTestRules, opts)->loaded_from_cache());
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(opts.cache_dir)) {
    names.push_back(e.path().filename().string());
  }
  EXPECT_EQ(names, (std::vector<std::string>{file.filename().string()}));
}

// Databases compiled ahead (the pack the keyward binary links in) are used
// when their key matches, with no cache directory and no compile; a pack for
// another rule set is ignored.
TEST(MatcherTest, PrebuiltPackServesItsRuleSetOnly) {
  test::TempDir dir;
  MatcherOptions warm_opts;
  warm_opts.cache_dir = dir.path() + "/cache";
  std::mt19937 rng(23);
  std::string data = RandomCorpus(rng, 300);
  auto compiled = Compile(kTestRules, warm_opts);
  auto expect = BlockScan(*compiled, data);
  ASSERT_FALSE(expect.empty());
  EXPECT_EQ(StreamScan(*compiled, data, 97), expect);  // caches the stream db
  std::vector<std::pair<HsCacheKey, std::string>> entries;
  for (const auto& e :
       std::filesystem::directory_iterator(warm_opts.cache_dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
    entries.push_back({HsCacheKey{e.path().stem().string()}, bytes});
  }
  ASSERT_EQ(entries.size(), 2u);  // block and stream
  const std::string pack = PackHsEntries(entries);
  EXPECT_EQ(FindPackedHsEntry(pack, entries[1].first), entries[1].second);
  EXPECT_TRUE(FindPackedHsEntry(pack, HsCacheKey{"0123"}).empty());
  EXPECT_TRUE(FindPackedHsEntry("not a pack", entries[0].first).empty());

  MatcherOptions opts;
  opts.prebuilt = pack;
  int compiles = 0;
  opts.on_compile = [&] { compiles++; };
  auto m = Compile(kTestRules, opts);
  EXPECT_TRUE(m->loaded_from_cache());
  EXPECT_EQ(BlockScan(*m, data), expect);
  EXPECT_EQ(StreamScan(*m, data, 97), expect);
  EXPECT_EQ(compiles, 0);
  EXPECT_EQ(m->compile_seconds(), 0);

  // Another rule set: the pack has nothing for it.
  std::string other = std::string(kTestRules) + R"(
  - id: t.extra
    name: extra
    kind: api-key
    pattern: '\b(xq_[a-z]{12})\b'
)";
  auto m2 = Compile(other, opts);
  EXPECT_FALSE(m2->loaded_from_cache());
  EXPECT_EQ(compiles, 1);
  EXPECT_GT(m2->compile_seconds(), 0);
}

// An entry's digest is checked for the on-disk cache, which anyone with
// the user's rights can rewrite, and not for the pack linked into the
// binary (as intact as the binary; hashing it cost a pre-commit scan
// milliseconds per start). The rule count and layout are checked either way.
TEST(MatcherTest, DigestIsCheckedUnlessTheCallerVouchesForTheBytes) {
  test::TempDir dir;
  MatcherOptions opts;
  opts.cache_dir = dir.path() + "/cache";
  auto compiled = Compile(kTestRules, opts);
  std::string bytes;
  for (const auto& e : std::filesystem::directory_iterator(opts.cache_dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in),
                 std::istreambuf_iterator<char>());
  }
  ASSERT_GT(bytes.size(), 100u);
  const size_t rules = compiled->rules().size();
  HsCacheEntry entry;
  ASSERT_TRUE(ParseHsEntry(bytes, rules, &entry, /*with_db=*/false));
  // One hex digit of the digest (after the 8-byte magic) changed: the body
  // no longer matches it.
  std::string wrong_digest = bytes;
  const size_t digit = 8;
  ASSERT_TRUE(std::isxdigit(static_cast<unsigned char>(bytes[digit])));
  wrong_digest[digit] = wrong_digest[digit] == '0' ? '1' : '0';
  EXPECT_FALSE(ParseHsEntry(wrong_digest, rules, &entry, false));
  EXPECT_TRUE(ParseHsEntry(wrong_digest, rules, &entry, false,
                           /*check_digest=*/false));
  // Not a shortcut around the layout checks.
  EXPECT_FALSE(ParseHsEntry(wrong_digest, rules + 1, &entry, false, false));
  EXPECT_FALSE(ParseHsEntry(wrong_digest.substr(0, wrong_digest.size() - 1),
                            rules, &entry, false, false));
}

}  // namespace
}  // namespace keyward

namespace keyward {
namespace {

// A Hyperscan failure is an error that reaches the caller, never "nothing
// found": here a scratch made for a one-rule database is handed to a
// matcher with a larger one, which Hyperscan refuses (HS_INVALID).
}  // namespace
}  // namespace keyward

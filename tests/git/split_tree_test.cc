// SplitTree with a delta against SplitTree alone: taking entries a delta
// copies from the base's split must give exactly what parsing the whole
// tree gives, however the delta's instructions cut through the entries.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "git/pack_format.h"
#include "git/packed_trees.h"
#include "support/pack_bytes.h"

namespace keyward::test {
namespace {

using git::EntryAt;
using git::SplitTree;
using git::TreeEntry;

struct Entry {
  std::string mode, name, id;
  std::string Bytes() const { return mode + " " + name + '\0' + id; }
};

std::string Serialize(const std::vector<Entry>& entries) {
  std::string out;
  for (const Entry& e : entries) out += e.Bytes();
  return out;
}

Entry RandomEntry(std::mt19937& rng) {
  static const char* kModes[] = {"100644", "40000", "100755", "160000",
                                 "120000"};
  Entry e;
  e.mode = kModes[rng() % 5];
  size_t len = 1 + rng() % 12;
  for (size_t i = 0; i < len; ++i)
    e.name += static_cast<char>('a' + rng() % 26);
  for (int i = 0; i < 20; ++i) e.id += static_cast<char>(rng() % 256);
  return e;
}

// A delta from `base` to `target`, where source[i] is the base offset that
// byte i of the target equals (or -1): runs of at most a random length up
// to `max_run`, each a copy of consecutive base bytes or an insert of bytes
// that have none, so instructions also start and end inside entries.
std::string MakeDelta(const std::string& base, const std::string& target,
                      const std::vector<int64_t>& source, std::mt19937& rng,
                      size_t max_run) {
  DeltaWriter w;
  size_t i = 0;
  while (i < target.size()) {
    size_t limit = std::min<size_t>(1 + rng() % max_run, target.size() - i);
    size_t run = 1;
    if (source[i] >= 0) {
      while (run < limit &&
             source[i + run] == source[i] + static_cast<int64_t>(run)) {
        ++run;
      }
      w.Copy(static_cast<uint64_t>(source[i]), run);
    } else {
      while (run < limit && source[i + run] < 0) ++run;
      w.Insert(std::string_view(target).substr(i, run));
    }
    i += run;
  }
  return w.Finish(base.size());
}

// Numbers ids by a hash of all their bytes, counting the calls.
struct Numberer {
  int calls = 0;
  uint32_t operator()(const TreeEntry& e) {
    ++calls;
    uint32_t h = 2166136261u;
    for (int i = 0; i < 20; ++i) h = (h ^ e.id[i]) * 16777619u;
    return h;
  }
};

void ExpectSameSplit(const std::vector<EntryAt>& got,
                     const std::vector<EntryAt>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].offset, want[i].offset) << i;
    EXPECT_EQ(got[i].kind, want[i].kind) << i;
    if (want[i].kind != TreeEntry::kGitlink && i + 1 < want.size()) {
      EXPECT_EQ(got[i].id, want[i].id) << i;
    }
  }
}

TEST(SplitTreeTest, PlainSplitGivesEveryEntry) {
  std::mt19937 rng(3);
  std::vector<Entry> entries;
  for (int i = 0; i < 40; ++i) entries.push_back(RandomEntry(rng));
  std::string tree = Serialize(entries);
  std::vector<EntryAt> split;
  Numberer n;
  ASSERT_TRUE(SplitTree(tree, "", nullptr, std::ref(n), &split).ok());
  ASSERT_EQ(split.size(), entries.size() + 1);
  EXPECT_EQ(split.back().offset, tree.size());
  int numbered = 0;
  for (size_t i = 0, offset = 0; i < entries.size(); ++i) {
    EXPECT_EQ(split[i].offset, offset);
    offset += entries[i].Bytes().size();
    TreeEntry::Kind want = entries[i].mode == "40000"    ? TreeEntry::kTree
                           : entries[i].mode == "160000" ? TreeEntry::kGitlink
                                                         : TreeEntry::kBlob;
    EXPECT_EQ(split[i].kind, want) << entries[i].mode;
    if (want == TreeEntry::kGitlink) continue;  // not numbered
    ++numbered;
    TreeEntry e;
    e.id = reinterpret_cast<const unsigned char*>(entries[i].id.data());
    EXPECT_EQ(split[i].id, Numberer()(e));
  }
  EXPECT_EQ(n.calls, numbered);
}

TEST(SplitTreeTest, DeltaSplitEqualsPlainSplitForAnyInstructions) {
  std::mt19937 rng(11);
  int long_rounds = 0, reused_rounds = 0;
  for (int round = 0; round < 400; ++round) {
    std::vector<Entry> base_entries;
    int count = 1 + static_cast<int>(rng() % 60);
    for (int i = 0; i < count; ++i) base_entries.push_back(RandomEntry(rng));
    std::string base = Serialize(base_entries);
    std::vector<size_t> base_offsets;
    for (size_t i = 0, o = 0; i < base_entries.size(); ++i) {
      base_offsets.push_back(o);
      o += base_entries[i].Bytes().size();
    }
    // The target: the base with entries dropped, changed and added.
    std::string target;
    std::vector<int64_t> source;
    for (size_t i = 0; i < base_entries.size(); ++i) {
      unsigned r = rng() % 10;
      if (r == 0) continue;  // dropped
      if (r == 1) {          // a new entry first
        std::string fresh = RandomEntry(rng).Bytes();
        target += fresh;
        source.insert(source.end(), fresh.size(), -1);
      }
      // r == 2: a new version of the file; the bytes before the changed one
      // can still be copied from the base (an entry split between a copy
      // and an insert must not be taken from the base).
      Entry e = base_entries[i];
      size_t changed = SIZE_MAX;
      if (r == 2) {
        size_t k = rng() % 20;
        e.id[k] ^= 1;
        changed = e.mode.size() + 1 + e.name.size() + 1 + k;
      }
      std::string bytes = e.Bytes();
      for (size_t k = 0; k < bytes.size(); ++k) {
        source.push_back(k < changed ? static_cast<int64_t>(base_offsets[i] + k)
                                     : -1);
      }
      target += bytes;
    }
    if (target.empty()) continue;
    // Short runs cut through every entry; long ones copy many whole.
    bool long_runs = rng() % 2;
    size_t max_run = long_runs ? 400 : 30;
    std::string delta = MakeDelta(base, target, source, rng, max_run);
    std::string applied(target.size(), '\0');
    ASSERT_TRUE(
        git::ApplyDelta(base, delta, applied.data(), applied.size()).ok());
    ASSERT_EQ(applied, target);

    Numberer plain_n, base_n, delta_n;
    std::vector<EntryAt> want, base_split, got;
    ASSERT_TRUE(SplitTree(target, "", nullptr, std::ref(plain_n), &want).ok());
    ASSERT_TRUE(
        SplitTree(base, "", nullptr, std::ref(base_n), &base_split).ok());
    ASSERT_TRUE(
        SplitTree(target, delta, &base_split, std::ref(delta_n), &got).ok());
    ExpectSameSplit(got, want);
    EXPECT_LE(delta_n.calls, plain_n.calls);
    if (long_runs && plain_n.calls > 10) {
      ++long_rounds;
      // Entries copied whole were taken from the base, not parsed.
      if (2 * delta_n.calls < plain_n.calls) ++reused_rounds;
    }
  }
  EXPECT_GT(long_rounds, 100);
  EXPECT_GT(reused_rounds, long_rounds * 9 / 10);
}

TEST(SplitTreeTest, MalformedInsertedEntryFailsLikePlainSplit) {
  std::mt19937 rng(5);
  std::vector<Entry> entries;
  for (int i = 0; i < 5; ++i) entries.push_back(RandomEntry(rng));
  std::string base = Serialize(entries);
  std::string broken = "10064x name";  // not a mode
  broken += '\0';
  broken += std::string(20, 'i');
  std::string target = base + broken;
  DeltaWriter w;
  w.Copy(0, base.size());
  w.Insert(broken);
  std::string delta = w.Finish(base.size());
  Numberer n;
  std::vector<EntryAt> base_split, got, want;
  ASSERT_TRUE(SplitTree(base, "", nullptr, std::ref(n), &base_split).ok());
  Status plain = SplitTree(target, "", nullptr, std::ref(n), &want);
  Status derived = SplitTree(target, delta, &base_split, std::ref(n), &got);
  EXPECT_FALSE(plain.ok());
  EXPECT_FALSE(derived.ok());
  EXPECT_EQ(derived.message(), plain.message());
}

TEST(SplitTreeTest, DeltaNotMatchingTheBaseIsIgnored) {
  std::mt19937 rng(9);
  std::vector<Entry> entries;
  for (int i = 0; i < 8; ++i) entries.push_back(RandomEntry(rng));
  std::string base = Serialize(entries);
  std::string target = Serialize({entries[3], entries[1]});
  DeltaWriter w;
  w.Copy(0, target.size());  // claims the target is the base's first bytes
  Numberer n;
  std::vector<EntryAt> base_split, got, want;
  ASSERT_TRUE(SplitTree(base, "", nullptr, std::ref(n), &base_split).ok());
  ASSERT_TRUE(SplitTree(target, "", nullptr, std::ref(n), &want).ok());
  // A delta for another base size, and one that is not a delta at all.
  for (const std::string& delta :
       {w.Finish(base.size() + 1), std::string("\xff\xff", 2)}) {
    ASSERT_TRUE(SplitTree(target, delta, &base_split, std::ref(n), &got).ok());
    ExpectSameSplit(got, want);
  }
}

}  // namespace
}  // namespace keyward::test

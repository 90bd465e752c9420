// The two-phase engine against a plain RE2 scan, stream vs block mode,
// filters, overlap resolution and the compiled-database cache.
#include "keyward/matcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "scanner/hs_cache.h"
#include "support/prebuilt.h"
#include "support/run.h"

namespace keyward {
namespace {

const char* kTestRules = R"(
filters:
  - name: placeholder
    allow: ['^(?i)x+$', '^\$\{[^}]+\}$']
    stopwords: [example]
rules:
  - id: t.ghp
    name: test token
    kind: api-key
    pattern: '\b(ghp_[A-Za-z0-9]{36})\b'
    prefix: ghp_
  - id: t.generic
    name: generic assignment
    kind: password
    generic: true
    pattern: '(?i)(?:token|password)\s*[=:]\s*["'']?([A-Za-z0-9_$\{\}]{8,64})'
    filters: [placeholder]
    min_entropy: 2.5
  - id: t.keyid
    name: key id
    kind: identifier
    pattern: '\b(KID[0-9]{6})\b'
  - id: t.pair
    name: key pair
    kind: api-key
    pattern: '(?P<id>KID[0-9]{6})[\s\S]{0,40}?\bsecret:(?P<secret>[a-z0-9]{12})\b'
    supersedes: [t.keyid]
  - id: t.greedy
    name: greedy unbounded
    kind: api-key
    pattern: 'zz_([a-f0-9]{8,})'
  - id: t.re2only
    name: ungreedy flag hyperscan rejects
    kind: api-key
    pattern: '(?U)qq-([a-z]{4,}\d)'
  - id: t.needdigit
    name: require digit
    kind: api-key
    pattern: '\bnd_([A-Za-z0-9]{10})\b'
    require: [digit, upper]
)";

std::unique_ptr<Matcher> Compile(const std::string& text,
                                 const MatcherOptions& opts = {}) {
  RuleSet set;
  Status s = set.AddText(text, "test.yaml");
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto m = Matcher::Create(set, opts);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return std::move(m.value());
}

std::string RandomToken(std::mt19937& rng, size_t n) {
  static const char kAlnum[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (size_t i = 0; i < n; i++) s += kAlnum[rng() % 62];
  return s;
}

struct Hit {
  std::string rule;
  uint64_t start, end;
  int line, column;
  bool operator==(const Hit& o) const {
    return rule == o.rule && start == o.start && end == o.end &&
           line == o.line && column == o.column;
  }
};
std::ostream& operator<<(std::ostream& os, const Hit& h) {
  return os << h.rule << "@" << h.start << "-" << h.end << " (" << h.line << ":"
            << h.column << ")";
}

std::vector<Hit> Hits(const Matcher& m, const std::vector<RuleMatch>& ms) {
  std::vector<Hit> out;
  for (const auto& x : ms) {
    out.push_back(
        {m.rules()[x.rule].id, x.secret_start, x.secret_end, x.line, x.column});
  }
  std::sort(out.begin(), out.end(), [](const Hit& a, const Hit& b) {
    return std::tie(a.start, a.rule) < std::tie(b.start, b.rule);
  });
  return out;
}

std::vector<Hit> BlockScan(const Matcher& m, std::string_view data) {
  auto scratch = m.NewScratch();
  std::vector<RuleMatch> out;
  EXPECT_TRUE(m.Scan(data, scratch.get(), &out).ok());
  return Hits(m, out);
}

std::vector<Hit> Re2Scan(const Matcher& m, std::string_view data) {
  std::vector<RuleMatch> out;
  m.ScanWithRe2Only(data, &out);
  return Hits(m, out);
}

std::vector<Hit> StreamScan(const Matcher& m, std::string_view data,
                            size_t chunk) {
  auto scratch = m.NewScratch();
  auto stream = m.OpenStream(scratch.get());
  std::vector<RuleMatch> out;
  auto sink = [&](const RuleMatch& x, std::string_view window, uint64_t base) {
    // The window must hold the secret.
    EXPECT_GE(x.secret_start, base);
    EXPECT_LE(x.secret_end, base + window.size());
    out.push_back(x);
  };
  for (size_t i = 0; i < data.size(); i += chunk) {
    EXPECT_TRUE(stream->Feed(data.substr(i, chunk), sink).ok());
  }
  EXPECT_TRUE(stream->Close(sink).ok());
  return Hits(m, out);
}

// A corpus mixing secrets, near misses and noise, with newlines and UTF-8.
std::string RandomCorpus(std::mt19937& rng, size_t pieces) {
  std::string s;
  for (size_t i = 0; i < pieces; i++) {
    switch (rng() % 12) {
      case 0:
        s += "ghp_" + RandomToken(rng, 36);
        break;
      case 1:
        s += "ghp_" + RandomToken(rng, 30 + rng() % 10);
        break;
      case 2:
        s += "token = \"" + RandomToken(rng, 6 + rng() % 20) + "\"";
        break;
      case 3:
        s += "password: ${DB_PASS}";
        break;
      case 4:
        s += "KID" + std::to_string(100000 + rng() % 900000);
        break;
      case 5:
        s += " secret:" + RandomToken(rng, 12);
        break;
      case 6:
        s +=
            "zz_" + std::string(8 + rng() % 30, "0123456789abcdef"[rng() % 16]);
        break;
      case 7:
        s += "qq-abcdefg" + std::to_string(rng() % 10);
        break;
      case 8:
        s += "nd_" + RandomToken(rng, 10);
        break;
      case 9:
        s += "\n";
        break;
      case 10:
        s += "naïve café — ";
        break;
      default:
        s += RandomToken(rng, rng() % 20) + " ";
        break;
    }
  }
  return s;
}

TEST(MatcherTest, FindsSecretWithPositions) {
  auto m = Compile(kTestRules);
  std::string tok = "ghp_" + std::string(36, 'a').replace(5, 3, "B7q");
  std::string data = "line one\n  export T=" + tok + "\n";
  auto hits = BlockScan(*m, data);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].rule, "t.ghp");
  EXPECT_EQ(hits[0].line, 2);
  EXPECT_EQ(hits[0].column, 12);
  EXPECT_EQ(data.substr(hits[0].start, hits[0].end - hits[0].start), tok);
}

TEST(MatcherTest, ColumnsCountCodePoints) {
  auto m = Compile(kTestRules);
  std::string tok = "ghp_" + std::string(36, 'Z');
  auto hits = BlockScan(*m, "é=" + tok);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].column, 3);  // é is one character, two bytes
}

TEST(MatcherTest, EqualsPlainRe2ScanOnRandomCorpora) {
  auto m = Compile(kTestRules);
  std::mt19937 rng(42);
  size_t total = 0;
  for (int round = 0; round < 200; round++) {
    std::string data = RandomCorpus(rng, 40 + rng() % 200);
    auto expect = Re2Scan(*m, data);
    total += expect.size();
    ASSERT_EQ(BlockScan(*m, data), expect) << "round " << round;
  }
  EXPECT_GT(total, 1000u);  // the corpus really exercises the rules
}

TEST(MatcherTest, EqualsPlainRe2ScanOnBuiltinRuleExamples) {
  auto set = RuleSet::Builtin({.examples = true});
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  auto m = Matcher::Create(*set, test::BuiltinMatcherOptions());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::mt19937 rng(7);
  std::vector<std::string> texts;
  for (const auto& r : set->rules()) {
    for (const auto& e : r.examples) texts.push_back(e);
    for (const auto& e : r.negative_examples) texts.push_back(e);
  }
  ASSERT_FALSE(texts.empty());
  size_t found = 0;
  for (const auto& t : texts) {
    auto expect = Re2Scan(**m, t);
    found += expect.size();
    ASSERT_EQ(BlockScan(**m, t), expect) << "example: " << t;
  }
  EXPECT_GT(found, 0u);
  // Examples glued together with noise, as one buffer and as a stream.
  for (int round = 0; round < 20; round++) {
    std::string data;
    for (int i = 0; i < 60; i++) {
      data += texts[rng() % texts.size()];
      data += (rng() % 3 == 0) ? "\n" : " ; ";
      data += RandomToken(rng, rng() % 12);
    }
    auto expect = Re2Scan(**m, data);
    ASSERT_EQ(BlockScan(**m, data), expect) << "round " << round;
    ASSERT_EQ(StreamScan(**m, data, 97), expect) << "stream round " << round;
  }
}

TEST(MatcherTest, StreamModeEqualsBlockModeAcrossChunkSizes) {
  auto m = Compile(kTestRules);
  std::mt19937 rng(1234);
  for (int round = 0; round < 30; round++) {
    std::string data = RandomCorpus(rng, 300);
    auto expect = BlockScan(*m, data);
    for (size_t chunk : {1, 7, 64, 1000, 100000}) {
      ASSERT_EQ(StreamScan(*m, data, chunk), expect)
          << "round " << round << " chunk " << chunk;
    }
  }
}

TEST(MatcherTest, SecretStraddlingChunkBoundaryIsFound) {
  auto m = Compile(kTestRules);
  std::string tok = "ghp_" + std::string(18, 'k') + std::string(18, '7');
  std::string data = std::string(1000, '.') + "\n" + tok + "\n";
  size_t boundary = 1001 + 20;  // in the middle of the token
  auto hits = StreamScan(*m, data, boundary);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].start, 1001u);
  EXPECT_EQ(hits[0].line, 2);
  // And a greedy unbounded pattern is not cut at the boundary.
  std::string hex = "zz_" + std::string(50, 'c');
  auto g = StreamScan(*m, "x " + hex + " y", 20);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].end - g[0].start, 50u);
}

TEST(MatcherTest, FiltersDropPlaceholdersAndLowEntropy) {
  auto m = Compile(kTestRules);
  EXPECT_TRUE(BlockScan(*m, "password = ${DB_PASSWORD}").empty());
  EXPECT_TRUE(BlockScan(*m, "token: xxxxxxxxxxxx").empty());
  EXPECT_TRUE(BlockScan(*m, "token: my_example_value_1").empty());
  EXPECT_TRUE(BlockScan(*m, "token: aaaaaaaaaaaa").empty());  // entropy
  EXPECT_EQ(BlockScan(*m, "token: h7Gq2pLx9WzR").size(), 1u);
  // require: [digit, upper]
  EXPECT_TRUE(BlockScan(*m, "nd_abcdefghij").empty());
  EXPECT_TRUE(BlockScan(*m, "nd_abcdefghi1").empty());
  EXPECT_EQ(BlockScan(*m, "nd_abcdEfghi1").size(), 1u);
}

TEST(MatcherTest, SpecificRuleBeatsGenericOnSameSecret) {
  auto m = Compile(std::string(kTestRules) + std::string(R"(
  - id: t.generic_any
    name: generic any
    kind: password
    generic: true
    pattern: '(?i)token\s*=\s*(\S{20,80})'
)"));
  std::string tok = "ghp_" + std::string(20, 'Q') + std::string(16, '3');
  auto hits = BlockScan(*m, "token = " + tok);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].rule, "t.ghp");
}

TEST(MatcherTest, FallbackRuleYieldsToAnyOtherRule) {
  // Two generic rules on the same secret: normally the first listed wins;
  // a fallback rule yields even when listed first, and still reports what
  // no other rule finds.
  auto m = Compile(R"(
rules:
  - {id: f.catchall, name: c, kind: password, generic: true, fallback: true,
     pattern: '(?i)pw\s*=\s*(\S{6,40})'}
  - {id: f.named, name: n, kind: password, generic: true,
     pattern: '(?i)db_pw\s*=\s*(\S{6,40})'}
)");
  auto hits = BlockScan(*m, "db_pw = orchard77");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].rule, "f.named");
  hits = BlockScan(*m, "mail_pw = orchard77");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].rule, "f.catchall");
}

TEST(MatcherTest, PairRuleSupersedesIdentifierRule) {
  auto m = Compile(kTestRules);
  std::string data = "key KID123456 and secret:abcdef012345 here";
  auto scratch = m->NewScratch();
  std::vector<RuleMatch> out;
  EXPECT_TRUE(m->Scan(data, scratch.get(), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(m->rules()[out[0].rule].id, "t.pair");
  ASSERT_TRUE(out[0].has_id);
  EXPECT_EQ(data.substr(out[0].id_start, out[0].id_end - out[0].id_start),
            "KID123456");
  // The identifier alone is still reported by its own rule.
  auto alone = BlockScan(*m, "key KID123456 only");
  ASSERT_EQ(alone.size(), 1u);
  EXPECT_EQ(alone[0].rule, "t.keyid");
}

// Regression: the lone-secret rule listed before the pair rule used to drop
// the pair (same secret span, lower index) while the pair, already dropped,
// still dropped the lone secret: nothing was reported.
TEST(MatcherTest, PairAbsorbsLoneSecretRuleDefinedBeforeIt) {
  auto m = Compile(R"(
rules:
  - {id: a.keyid, name: id, kind: identifier, pattern: '\b(KID[0-9]{6})\b'}
  - {id: a.secret, name: secret, kind: api-key,
     pattern: '\bsecret:([a-z0-9]{12})\b'}
  - id: a.pair
    name: pair
    kind: api-key
    pattern: '(?P<id>KID[0-9]{6})[\s\S]{0,40}?\bsecret:(?P<secret>[a-z0-9]{12})\b'
    supersedes: [a.keyid, a.secret]
)");
  auto hits = BlockScan(*m, "KID123456\nsecret:abcdef012345\n");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].rule, "a.pair");
  std::string far = "KID123456" + std::string(100, ' ') + "secret:abcdef012345";
  auto apart = BlockScan(*m, far);
  ASSERT_EQ(apart.size(), 2u);
  EXPECT_EQ(apart[0].rule, "a.keyid");
  EXPECT_EQ(apart[1].rule, "a.secret");
}

TEST(MatcherTest, PatternHyperscanRejectsRunsThroughRe2) {
  auto m = Compile(kTestRules);
  EXPECT_EQ(m->Re2OnlyRules(), std::vector<std::string>{"t.re2only"});
  auto hits = BlockScan(*m, "a qq-abcd1 b");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].rule, "t.re2only");
  EXPECT_EQ(StreamScan(*m, "a qq-abcd1 b", 3), hits);
}

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

}  // namespace
}  // namespace keyward

namespace keyward {
namespace {

// A Hyperscan failure is an error that reaches the caller, never "nothing
// found": here a scratch made for a one-rule database is handed to a
// matcher with a larger one, which Hyperscan refuses (HS_INVALID).
TEST(MatcherErrorTest, FailedHyperscanCallIsAnErrorNotZeroFindings) {
  auto small = Compile(
      "rules:\n  - id: t.one\n    name: one\n    kind: api-key\n"
      "    pattern: '\\b(aa_[a-z]{4})\\b'\n");
  auto big = Compile(kTestRules);
  auto scratch = small->NewScratch();
  std::vector<RuleMatch> out;
  ASSERT_TRUE(small->Scan("aa_abcd", scratch.get(), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  const std::string data = "token = ghp_" + std::string(36, 'a') + "\n";
  out.clear();
  Status s = big->Scan(data, scratch.get(), &out);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInternal) << s.ToString();
  EXPECT_NE(s.ToString().find("hs_scan"), std::string::npos) << s.ToString();
  EXPECT_TRUE(out.empty());
  // The same in stream mode: the feed fails, and so does everything after.
  auto stream = big->OpenStream(scratch.get());
  auto sink = [](const RuleMatch&, std::string_view, uint64_t) {};
  Status fed = stream->Feed(data, sink);
  EXPECT_FALSE(fed.ok());
  EXPECT_FALSE(stream->Close(sink).ok());
}

// A Result never claims success without a value.
TEST(StatusTest, ResultFromOkStatusIsAnInternalError) {
  Result<int> r = Status::OK();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInternal);
}

}  // namespace
}  // namespace keyward

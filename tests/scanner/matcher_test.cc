// The two-phase engine against a plain RE2 scan, stream vs block mode,
// filters, overlap resolution and the compiled-database cache.
#include "keyward/matcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "scanner/hs_cache.h"
#include "scanner/matcher_fixtures.h"
#include "scanner/matcher_impl.h"
#include "support/prebuilt.h"
#include "support/run.h"

namespace keyward {
namespace {

using namespace matcher_fixtures;

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

// A database of the built-in rules carries padding literals (control
// bytes, scanner/matcher_impl.h) that push Hyperscan's literal matcher to
// a larger hash. Text that holds every one of them finds what RE2 finds,
// in blocks and in a stream: the padding never reaches a rule.
TEST(MatcherTest, PaddingLiteralsNeverReachTheRules) {
  auto set = RuleSet::Builtin({.examples = true});
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  auto m = Matcher::Create(*set, test::BuiltinMatcherOptions());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const Rule* gh = set->Find("github.pat.classic");
  ASSERT_TRUE(gh != nullptr && !gh->examples.empty());
  std::string data;
  for (size_t i = 0; i < kPadLiterals; ++i) {
    data += PadLiteralBytes(i);
    data += (i % 64 == 63) ? "\n" : " ";
    if (i == 200) data += gh->examples[0] + "\n";
  }
  auto expect = Re2Scan(**m, data);
  ASSERT_FALSE(expect.empty());
  EXPECT_EQ(BlockScan(**m, data), expect);
  EXPECT_EQ(StreamScan(**m, data, 4096), expect);
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

// A log with a candidate of one rule every ~1 KB, under a rule whose window
// (~3 KB here) is wider than that, is one cluster from its first line to
// its last. The stream confirms the cluster's settled head once it reaches
// far enough back, rather than holding the whole input until the end, and
// still finds exactly what a block scan finds.
TEST(MatcherTest, AnEndlessClusterDoesNotHoldTheStream) {
  auto m = Compile(R"(
rules:
  - id: t.wide
    name: wide window
    kind: password
    pattern: 'login[^\n]{0,1000}[^\n]{0,1000}[^\n]{0,1000}\bpass=(?P<secret>[A-Za-z0-9]{10})\b'
)");
  std::mt19937 rng(77);
  std::string data;
  while (data.size() < (6u << 20)) {
    std::string line = "2026-12-07 login user=u" +
                       std::to_string(rng() % 1000) +
                       " pass=" + RandomToken(rng, 10) + " ";
    line.append(900 + rng() % 200, '.');
    data += line + "\n";
  }
  auto expect = BlockScan(*m, data);
  ASSERT_GT(expect.size(), 5000u);
  // Thousands of ends ~1 KB apart are confirmed by probing back from each
  // end (scanner/confirm.cc, sparse ends): the same as RE2 over the whole.
  EXPECT_EQ(expect, Re2Scan(*m, data));

  auto scratch = m->NewScratch();
  auto stream = m->OpenStream(scratch.get());
  std::vector<RuleMatch> out;
  size_t largest_window = 0, before_close = 0;
  auto sink = [&](const RuleMatch& x, std::string_view window, uint64_t) {
    largest_window = std::max(largest_window, window.size());
    out.push_back(x);
  };
  for (size_t i = 0; i < data.size(); i += 65536) {
    ASSERT_TRUE(
        stream->Feed(std::string_view(data).substr(i, 65536), sink).ok());
  }
  before_close = out.size();
  ASSERT_TRUE(stream->Close(sink).ok());
  EXPECT_EQ(Hits(*m, out), expect);
  // Delivered as the stream went, from a buffer of about the cluster bound
  // (1 MiB) plus windows and a chunk, not the 6 MiB input.
  EXPECT_GT(before_close, expect.size() / 2);
  EXPECT_LT(largest_window, 2u << 20);
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
  auto hits = BlockScan(*m, "KID123456 secret:abcdef012345\n");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].rule, "a.pair");
  std::string far = "KID123456" + std::string(100, ' ') + "secret:abcdef012345";
  auto apart = BlockScan(*m, far);
  ASSERT_EQ(apart.size(), 2u);
  EXPECT_EQ(apart[0].rule, "a.keyid");
  EXPECT_EQ(apart[1].rule, "a.secret");
}

// A key ID on a line of its own (~/.aws/credentials) is reported where it
// stands, as the pair: the same rule and secret, so one credential.
TEST(MatcherTest, PairIdentifierOnItsOwnLineIsTheCompanionOfThePair) {
  auto m = Compile(R"(
rules:
  - {id: a.keyid, name: id, kind: identifier, pattern: '\b(KID[0-9]{6})\b'}
  - id: a.pair
    name: pair
    kind: api-key
    pattern: '(?P<id>KID[0-9]{6})[\s\S]{0,40}?\bsecret:(?P<secret>[a-z0-9]{12})\b'
    supersedes: [a.keyid]
)");
  const std::string data = "[p]\nid = KID123456\nsecret:abcdef012345\n";
  auto scratch = m->NewScratch();
  std::vector<RuleMatch> out;
  ASSERT_TRUE(m->Scan(data, scratch.get(), &out).ok());
  ASSERT_EQ(out.size(), 2u);
  for (const RuleMatch& x : out) {
    EXPECT_EQ(m->rules()[x.rule].id, "a.pair");
    ASSERT_TRUE(x.has_id);
    EXPECT_EQ(data.substr(x.id_start, x.id_end - x.id_start), "KID123456");
  }
  const RuleMatch& c = out[0];
  EXPECT_TRUE(c.companion);
  EXPECT_EQ(c.line, 2);
  EXPECT_EQ(data.substr(c.secret_start, c.secret_end - c.secret_start),
            "KID123456");
  EXPECT_EQ(data.substr(c.value_start, c.value_end - c.value_start),
            "abcdef012345");
  EXPECT_FALSE(out[1].companion);
  EXPECT_EQ(out[1].line, 3);
  // Stream mode delivers the same, whatever the chunking.
  EXPECT_EQ(StreamScan(*m, data, 5), BlockScan(*m, data));
  // On one line the pair is one finding.
  auto one = BlockScan(*m, "id = KID123456 secret:abcdef012345\n");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].rule, "a.pair");
}

TEST(MatcherTest, PatternHyperscanRejectsRunsThroughRe2) {
  auto m = Compile(kTestRules);
  EXPECT_EQ(m->Re2OnlyRules(), std::vector<std::string>{"t.re2only"});
  auto hits = BlockScan(*m, "a qq-abcd1 b");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].rule, "t.re2only");
  EXPECT_EQ(StreamScan(*m, "a qq-abcd1 b", 3), hits);
}

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

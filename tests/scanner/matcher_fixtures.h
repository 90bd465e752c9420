// Rules, scans and hits shared by the matcher tests (tests/scanner/).
#ifndef KEYWARD_TESTS_SCANNER_MATCHER_FIXTURES_H_
#define KEYWARD_TESTS_SCANNER_MATCHER_FIXTURES_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/rules.h"

namespace keyward::matcher_fixtures {

inline const char* kTestRules = R"(
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

inline std::unique_ptr<Matcher> Compile(const std::string& text,
                                        const MatcherOptions& opts = {}) {
  RuleSet set;
  Status s = set.AddText(text, "test.yaml");
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto m = Matcher::Create(set, opts);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return std::move(m.value());
}

inline std::string RandomToken(std::mt19937& rng, size_t n) {
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
inline std::ostream& operator<<(std::ostream& os, const Hit& h) {
  return os << h.rule << "@" << h.start << "-" << h.end << " (" << h.line << ":"
            << h.column << ")";
}

inline std::vector<Hit> Hits(const Matcher& m,
                             const std::vector<RuleMatch>& ms) {
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

inline std::vector<Hit> BlockScan(const Matcher& m, std::string_view data) {
  auto scratch = m.NewScratch();
  std::vector<RuleMatch> out;
  EXPECT_TRUE(m.Scan(data, scratch.get(), &out).ok());
  return Hits(m, out);
}

inline std::vector<Hit> Re2Scan(const Matcher& m, std::string_view data) {
  std::vector<RuleMatch> out;
  m.ScanWithRe2Only(data, &out);
  return Hits(m, out);
}

inline std::vector<Hit> StreamScan(const Matcher& m, std::string_view data,
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
inline std::string RandomCorpus(std::mt19937& rng, size_t pieces) {
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

}  // namespace keyward::matcher_fixtures

#endif  // KEYWARD_TESTS_SCANNER_MATCHER_FIXTURES_H_

// The engine (Hyperscan, then RE2 on clusters of candidate ends) against an
// independent oracle: plain RE2 over the whole buffer, every rule on its own,
// with the oracle's own filtering (entropy, allow patterns, stop-words)
// written here. Nothing of the engine's confirmation code is shared
// (not Matcher::ScanWithRe2Only, not its filters): a bug common to both
// would otherwise hide itself.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/rules.h"

namespace keyward {
namespace {

// Three rules that cannot overlap each other (distinct literal starts, and
// tokens in the buffer are separated by spaces), so the oracle needs no
// overlap resolution.
const char* kOracleRules = R"yaml(
rules:
  - id: o.whole
    name: whole-match token
    kind: api-key
    pattern: '(kwa_[A-Za-z0-9]{20,40})'
    min_entropy: 3.0
  - id: o.group
    name: quoted assignment
    kind: password
    pattern: '(?i)secret\s{0,2}[:=]\s{0,2}"(?P<secret>[A-Za-z0-9+/]{16,32})"'
    stopwords: [example, dummy]
    allow: ['(?i)x{5}']
  - id: o.hex
    name: hex token
    kind: api-key
    pattern: 'kwc_([0-9a-f]{32})'
    allow: ['0{6}']
)yaml";

struct OracleRule {
  std::string id;
  std::string pattern;
  double min_entropy = 0;
  std::vector<std::string> stopwords;
  std::vector<std::string> allow;
};

const std::vector<OracleRule>& Oracle() {
  static const std::vector<OracleRule> rules = {
      {"o.whole", "(kwa_[A-Za-z0-9]{20,40})", 3.0, {}, {}},
      {"o.group",
       R"re((?i)secret\s{0,2}[:=]\s{0,2}"(?P<secret>[A-Za-z0-9+/]{16,32})")re",
       0,
       {"example", "dummy"},
       {"(?i)x{5}"}},
      {"o.hex", "kwc_([0-9a-f]{32})", 0, {}, {"0{6}"}},
  };
  return rules;
}

double Entropy(std::string_view s) {
  std::map<unsigned char, int> counts;
  for (unsigned char c : s) counts[c]++;
  double h = 0;
  for (const auto& [c, n] : counts) {
    double p = static_cast<double>(n) / s.size();
    h -= p * std::log2(p);
  }
  return h;
}

// (rule id, secret start, secret end)
using Hit = std::tuple<std::string, size_t, size_t>;

std::vector<Hit> OracleScan(std::string_view data) {
  std::vector<Hit> hits;
  for (const OracleRule& r : Oracle()) {
    RE2::Options o;
    o.set_encoding(RE2::Options::EncodingLatin1);
    RE2 re(r.pattern, o);
    EXPECT_TRUE(re.ok()) << r.id;
    int n = re.NumberOfCapturingGroups();
    auto named = re.NamedCapturingGroups();
    int group = named.count("secret") ? named.at("secret") : (n > 0 ? 1 : 0);
    std::vector<re2::StringPiece> g(n + 1);
    re2::StringPiece text(data.data(), data.size());
    size_t pos = 0;
    while (pos <= data.size() &&
           re.Match(text, pos, data.size(), RE2::UNANCHORED, g.data(), n + 1)) {
      size_t s = g[0].data() - data.data(), e = s + g[0].size();
      pos = e > s ? e : e + 1;
      std::string_view secret(g[group].data(), g[group].size());
      if (secret.empty()) continue;
      if (r.min_entropy > 0 && Entropy(secret) < r.min_entropy) continue;
      std::string lower(secret);
      for (auto& c : lower) c = static_cast<char>(std::tolower(c));
      bool dropped = false;
      for (const auto& w : r.stopwords) {
        dropped |= lower.find(w) != std::string::npos;
      }
      for (const auto& a : r.allow) {
        dropped |= RE2::PartialMatch(
            re2::StringPiece(secret.data(), secret.size()), RE2(a, o));
      }
      if (dropped) continue;
      size_t ss = secret.data() - data.data();
      hits.emplace_back(r.id, ss, ss + secret.size());
    }
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return std::tie(std::get<1>(a), std::get<0>(a)) <
           std::tie(std::get<1>(b), std::get<0>(b));
  });
  return hits;
}

std::vector<Hit> EngineScan(const Matcher& m, std::string_view data) {
  auto scratch = m.NewScratch();
  std::vector<RuleMatch> out;
  EXPECT_TRUE(m.Scan(data, scratch.get(), &out).ok());
  std::vector<Hit> hits;
  for (const auto& x : out) {
    hits.emplace_back(m.rules()[x.rule].id, x.secret_start, x.secret_end);
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return std::tie(std::get<1>(a), std::get<0>(a)) <
           std::tie(std::get<1>(b), std::get<0>(b));
  });
  return hits;
}

std::string Random(std::mt19937& rng, std::string_view alphabet, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; i++) s += alphabet[rng() % alphabet.size()];
  return s;
}

// A buffer of noise with planted tokens: real ones, low-entropy ones, ones
// holding a stop-word or an allow pattern, near misses (too short, wrong
// case), and runs of tokens closer together than a rule's window.
std::string Plant(std::mt19937& rng) {
  const std::string alnum =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const std::string noise = "abcdefghijklmnopqrstuvwxyz0123456789 \n\t.,;";
  std::string out;
  int n = 20 + rng() % 60;
  for (int i = 0; i < n; i++) {
    out += Random(rng, noise, rng() % 200);
    out += ' ';
    switch (rng() % 9) {
      case 0:
        out += "kwa_" + Random(rng, alnum, 20 + rng() % 25);
        break;
      case 1:
        out += "kwa_" + std::string(20 + rng() % 10, 'a');  // low entropy
        break;
      case 2:
        out += "kwa_" + Random(rng, alnum, 10);  // too short
        break;
      case 3:
        out += (rng() % 2 ? "SECRET = \"" : "secret:\"") +
               Random(rng, alnum + "+/", 16 + rng() % 20) + "\"";
        break;
      case 4:
        out += "secret=\"" + Random(rng, alnum, 5) +
               (rng() % 2 ? "Example" : "xXxXx") + Random(rng, alnum, 8) + "\"";
        break;
      case 5:
        out += "kwc_" + Random(rng, "0123456789abcdef", 32);
        break;
      case 6:
        out += "kwc_" + Random(rng, "0123456789abcdef", 10) + "000000" +
               Random(rng, "0123456789abcdef", 16);
        break;
      case 7:  // several tokens within one window
        for (int k = 0; k < 3; k++) {
          out += "kwc_" + Random(rng, "0123456789abcdef", 32 + rng() % 3) + " ";
        }
        break;
      case 8:
        out += "kwc_" + Random(rng, "0123456789ABCDEF", 32);  // wrong case
        break;
    }
    out += ' ';
  }
  return out;
}

TEST(Re2OracleTest, EngineEqualsPlainRe2WithItsOwnFilters) {
  RuleSet set;
  Status loaded = set.AddText(kOracleRules, "oracle.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.ToString();
  auto m = Matcher::Create(set);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::mt19937 rng(15);
  size_t found = 0;
  for (int round = 0; round < 200; round++) {
    std::string data = Plant(rng);
    auto want = OracleScan(data);
    found += want.size();
    ASSERT_EQ(EngineScan(**m, data), want) << "round " << round;
  }
  // The planted tokens were found, not only agreed upon as absent.
  EXPECT_GT(found, 1000u);
}

TEST(Re2OracleTest, OracleFiltersDropWhatTheyShould) {
  std::string good = "kwa_Zq7Lm2Np9Rt4Vx8Bc3Df6";
  std::string flat = "kwa_aaaaaaaaaaaaaaaaaaaaaaaa";
  std::string text = good + " " + flat + " secret=\"abcdExampleabcdefgh\"" +
                     " kwc_0123000000456789abcdef0123456789";
  auto hits = OracleScan(text);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(std::get<0>(hits[0]), "o.whole");
  EXPECT_EQ(std::get<1>(hits[0]), 0u);
  EXPECT_EQ(std::get<2>(hits[0]), good.size());
}

}  // namespace
}  // namespace keyward

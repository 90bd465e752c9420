// The word-likeness score (scanner/wordiness.h): the compiled-in merges, the
// piece cut, and the separation it exists for, checked on generated samples
// (seeded, so deterministic): random keys of several alphabets score low;
// identifiers and words built from English, Spanish and German words score
// high. Plus the rule field max_chars_per_token in the matcher.
#include "scanner/wordiness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>

#include "keyward/matcher.h"
#include "support/run.h"

namespace keyward {
namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s;
  return out;
}

double Quantile(std::vector<double> xs, double q) {
  std::sort(xs.begin(), xs.end());
  return xs[std::min(xs.size() - 1, static_cast<size_t>(q * xs.size()))];
}

double FractionAbove(const std::vector<double>& xs, double t) {
  return static_cast<double>(std::count_if(xs.begin(), xs.end(),
                                           [&](double x) { return x > t; })) /
         xs.size();
}

std::vector<double> Scores(const std::vector<std::string>& values) {
  std::vector<double> out;
  for (const auto& v : values) out.push_back(CharsPerToken(v));
  return out;
}

std::vector<std::string> RandomValues(const std::string& alphabet, size_t lo,
                                      size_t hi, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  for (int i = 0; i < n; i++) {
    size_t len = lo + rng() % (hi - lo + 1);
    std::string s;
    for (size_t k = 0; k < len; k++) s += alphabet[rng() % alphabet.size()];
    out.push_back(s);
  }
  return out;
}

const std::string kLower = "abcdefghijklmnopqrstuvwxyz";
const std::string kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const std::string kDigits = "0123456789";
const std::string kBase62 = kUpper + kLower + kDigits;

// Words programmers name things with, and words of Spanish and German UI
// text and passwords (UTF-8).
const std::vector<std::string> kEnglish = {
    "user",     "password", "account",  "config",   "server",   "client",
    "request",  "response", "handler",  "manager",  "session",  "token",
    "secret",   "cache",    "buffer",   "stream",   "message",  "error",
    "value",    "default",  "database", "connect",  "timeout",  "service",
    "update",   "delete",   "create",   "import",   "export",   "format",
    "string",   "number",   "object",   "array",    "length",   "index",
    "window",   "button",   "color",    "image",    "document", "page",
    "system",   "process",  "thread",   "memory",   "network",  "address",
    "storage",  "payment",  "customer", "order",    "product",  "report",
    "settings", "profile",  "login",    "logout",   "email",    "name",
    "first",    "last",     "next",     "previous", "get",      "set",
    "is",       "has",      "load",     "save",     "parse",    "render",
    "encode",   "decode",   "hash",     "verify",   "validate", "enable"};
const std::vector<std::string> kSpanishGerman = {
    "contraseña", "usuario",       "cuenta",        "servidor",   "clave",
    "seguridad",  "configuración", "nombre",        "correo",     "bienvenido",
    "entrar",     "guardar",       "cancelar",      "aceptar",    "buscar",
    "mensaje",    "archivo",       "pagina",        "cliente",    "empresa",
    "passwort",   "kennwort",      "benutzer",      "anmelden",   "abmelden",
    "speichern",  "abbrechen",     "einstellungen", "sicherheit", "schlüssel",
    "geheim",     "nachricht",     "datei",         "verbindung", "rechnung",
    "kunde",      "bestellung",    "zahlung",       "fehler",     "willkommen"};

std::string Capitalized(std::string w) {
  w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
  return w;
}

std::string Upper(std::string w) {
  for (auto& c : w) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return w;
}

// n identifiers of 2-3 English words in camelCase, PascalCase, snake_case,
// SCREAMING_SNAKE and kebab-case.
std::vector<std::string> Identifiers(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  for (int i = 0; i < n; i++) {
    int words = 2 + rng() % 2;
    int style = rng() % 5;
    std::string s;
    for (int k = 0; k < words; k++) {
      std::string w = kEnglish[rng() % kEnglish.size()];
      switch (style) {
        case 0:
          s += k ? Capitalized(w) : w;
          break;
        case 1:
          s += Capitalized(w);
          break;
        case 2:
          s += (k ? "_" : "") + w;
          break;
        case 3:
          s += (k ? "_" : "") + Upper(w);
          break;
        default:
          s += (k ? "-" : "") + w;
      }
    }
    out.push_back(s);
  }
  return out;
}

// Spanish and German words as UI labels and weak passwords: the word, its
// capitalised form, or the word and a year (Contraseña2024).
std::vector<std::string> ForeignWords(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  for (int i = 0; i < n; i++) {
    std::string w = kSpanishGerman[rng() % kSpanishGerman.size()];
    switch (rng() % 3) {
      case 0:
        out.push_back(w);
        break;
      case 1:
        out.push_back(Capitalized(w));
        break;
      default:
        out.push_back(Capitalized(w) + std::to_string(1990 + rng() % 40));
    }
  }
  return out;
}

TEST(WordinessTest, MergesCompiledInMatchTheDataFile) {
  std::string data = test::ReadFile(std::string(KEYWARD_SOURCE_DIR) +
                                    "/scanner/data/bpe_merges.txt");
  size_t lines = 0;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos);
    if (end == std::string::npos) end = data.size();
    if (end > pos && data[pos] != '#') lines++;
    pos = end + 1;
  }
  EXPECT_GE(lines, 4000u);
  EXPECT_EQ(BpeMergeCount(), lines);
}

TEST(WordinessTest, TokensCoverTheFoldedLettersAndDigitsOnly) {
  std::mt19937 rng(7);
  const std::string alphabet = kBase62 + "+/=_-.:!@ ";
  for (const auto& v : RandomValues(alphabet, 1, 80, 300, 11)) {
    std::string expected;
    for (unsigned char c : v) {
      if (std::isalnum(c)) expected += static_cast<char>(std::tolower(c));
    }
    EXPECT_EQ(Join(BpeTokens(v)), expected) << v;
  }
  EXPECT_EQ(Join(BpeTokens("Contraseña")), "contraseña");
  EXPECT_EQ(CharsPerToken(""), 0.0);
  EXPECT_EQ(CharsPerToken("--//!!"), 0.0);
}

TEST(WordinessTest, PiecesCutAtCaseChangesAndBetweenLettersAndDigits) {
  // No token spans a piece boundary: the cumulative token lengths hit each
  // boundary.
  auto boundaries = [](const std::string& v) {
    std::vector<size_t> out;
    size_t at = 0;
    for (const auto& t : BpeTokens(v)) out.push_back(at += t.size());
    return out;
  };
  auto has = [](const std::vector<size_t>& v, size_t x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  auto b = boundaries("HTTPServer");  // http | server
  EXPECT_TRUE(has(b, 4));
  b = boundaries("getUserName");  // get | user | name
  EXPECT_TRUE(has(b, 3));
  EXPECT_TRUE(has(b, 7));
  b = boundaries("abc123def");  // abc | 123 | def
  EXPECT_TRUE(has(b, 3));
  EXPECT_TRUE(has(b, 6));
  // Same pieces whatever the case outside CamelCase boundaries.
  EXPECT_EQ(CharsPerToken("password"), CharsPerToken("PASSWORD"));
  EXPECT_EQ(CharsPerToken("password"), CharsPerToken("Password"));
}

TEST(WordinessTest, RandomKeysOfEveryAlphabetScoreLow) {
  struct Case {
    const char* name;
    std::string alphabet;
    size_t lo, hi;
  } cases[] = {
      {"hex", "0123456789abcdef", 32, 64},
      {"base62", kBase62, 16, 48},
      {"base64", kBase62 + "+/", 20, 60},
      {"lower+digits", kLower + kDigits, 16, 40},
      {"upper+digits", kUpper + kDigits, 16, 40},
      {"printable password", kBase62 + "!#$%&*+-.:;=?@^_~", 10, 20},
  };
  unsigned seed = 100;
  for (const auto& c : cases) {
    auto s = Scores(RandomValues(c.alphabet, c.lo, c.hi, 400, seed++));
    EXPECT_LT(Quantile(s, 0.5), 1.9) << c.name;
    EXPECT_LE(Quantile(s, 1.0), 2.5) << c.name;  // every one of 400
  }
}

TEST(WordinessTest, IdentifiersScoreHigh) {
  auto s = Scores(Identifiers(500, 3));
  EXPECT_GT(Quantile(s, 0.5), 3.5);
  EXPECT_GT(FractionAbove(s, 2.5), 0.97);
}

TEST(WordinessTest, SpanishAndGermanWordsScoreHigh) {
  // The vocabulary is trained on mostly English text and code: single
  // Spanish and German words land between keys and English identifiers
  // (measured: median ~2.5, 1.7-4.5), still above the typical key.
  auto s = Scores(ForeignWords(400, 5));
  auto keys = Scores(RandomValues(kBase62, 16, 48, 400, 6));
  EXPECT_GT(Quantile(s, 0.5), 2.2);
  EXPECT_GT(FractionAbove(s, Quantile(keys, 0.5)), 0.9);
  EXPECT_GT(FractionAbove(s, 2.0), 0.75);
}

// Every random key of a sample scores below every identifier but a few:
// the two distributions barely touch.
TEST(WordinessTest, RandomAndWordsSeparate) {
  auto keys = Scores(RandomValues(kBase62 + "+/", 16, 48, 1000, 9));
  auto words = Scores(Identifiers(1000, 10));
  double top_key = Quantile(keys, 1.0);
  EXPECT_GT(FractionAbove(words, top_key), 0.95) << top_key;
}

TEST(WordinessTest, LongValuesScoreTheirFirstBytes) {
  std::string v = Join(Identifiers(40, 12));
  ASSERT_GT(v.size(), kWordinessMaxBytes);
  EXPECT_EQ(CharsPerToken(v), CharsPerToken(v.substr(0, kWordinessMaxBytes)));
}

TEST(WordinessTest, SameScoresFromManyThreads) {
  auto values = Identifiers(200, 13);
  auto keys = RandomValues(kBase62, 20, 40, 200, 14);
  values.insert(values.end(), keys.begin(), keys.end());
  std::vector<std::vector<double>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&, t] { got[t] = Scores(values); });
  }
  for (auto& t : threads) t.join();
  for (int t = 1; t < 4; t++) EXPECT_EQ(got[t], got[0]);
}

// The rule field: a generic rule's secret more word-like than
// max_chars_per_token is dropped; random ones pass; 0 means no limit.
TEST(WordinessTest, MaxCharsPerTokenDropsWordLikeSecrets) {
  const char* kRules = R"yaml(
rules:
  - id: t.gen
    name: generic token
    kind: api-key
    generic: true
    pattern: '\btoken\s*=\s*"([^"\s]{8,})"'
    max_chars_per_token: 2.5
  - id: t.gen_nolimit
    name: generic secret without a limit
    kind: api-key
    generic: true
    pattern: '\bsecret\s*=\s*"([^"\s]{8,})"'
)yaml";
  RuleSet set;
  ASSERT_TRUE(set.AddText(kRules, "t.yaml").ok());
  ASSERT_EQ(set.Find("t.gen")->max_chars_per_token, 2.5);
  auto m = Matcher::Create(set, {});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const Matcher& matcher = **m;
  auto count = [&](const std::string& text) {
    auto scratch = matcher.NewScratch();
    std::vector<RuleMatch> out;
    EXPECT_TRUE(matcher.Scan(text, scratch.get(), &out).ok());
    return out.size();
  };
  int kept_words = 0, kept_keys = 0, nolimit = 0;
  auto ids = Identifiers(200, 21);
  auto keys = RandomValues(kBase62, 20, 40, 200, 22);
  for (const auto& v : ids) {
    kept_words += count("token = \"" + v + "\"");
    nolimit += count("secret = \"" + v + "\"");
  }
  for (const auto& v : keys) kept_keys += count("token = \"" + v + "\"");
  EXPECT_EQ(kept_keys, 200);
  EXPECT_GT(nolimit, 180);  // all but the few shorter than 8 characters
  EXPECT_LT(kept_words, nolimit / 20);
}

TEST(WordinessTest, MaxCharsPerTokenMustNotBeNegative) {
  RuleSet set;
  Status s = set.AddText(R"(
rules:
  - id: t.neg
    name: n
    kind: k
    pattern: '(x+)'
    max_chars_per_token: -1
)",
                         "neg.yaml");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("max_chars_per_token"), std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace keyward

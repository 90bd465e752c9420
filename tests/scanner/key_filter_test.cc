// A value's name decides before its shape (filters with `when_key` and the
// rules' (?P<key>...) groups), and the built-in generic rules on code-valued
// assignments, placeholders as a whole value and weak literal passwords.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keyward/matcher.h"
#include "scanner/confidence.h"
#include "support/builtin_matcher_test.h"

namespace keyward {
namespace {

std::unique_ptr<Matcher> Compile(const std::string& text) {
  RuleSet set;
  Status s = set.AddText(text, "test.yaml");
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto m = Matcher::Create(set);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return std::move(m.value());
}

// Rule ids of the findings in `text`, block mode and plain RE2 (they must
// agree: the key is read from the tail split's head or the whole pattern).
std::vector<std::string> Found(const Matcher& m, std::string_view text) {
  auto scratch = m.NewScratch();
  std::vector<RuleMatch> block, re2;
  EXPECT_TRUE(m.Scan(text, scratch.get(), &block).ok());
  m.ScanWithRe2Only(text, &re2);
  std::vector<std::string> ids, ids_re2;
  for (const auto& x : block) ids.push_back(m.rules()[x.rule].id);
  for (const auto& x : re2) ids_re2.push_back(m.rules()[x.rule].id);
  EXPECT_EQ(ids, ids_re2) << text;
  return ids;
}

// Big enough a head for the tail split to pay: the key group sits in it.
const char* kKeyedRules = R"yaml(
filters:
  - name: digest
    when_key: '(?i)sha|checksum|commit'
    allow: ['^[0-9a-f]{40}$']
  - name: always
    allow: ['^[0-9a-f]{40}$']
  - name: paging
    when_key: '(?i)page[_.-]?ticket$'
    needs_key: true
    allow: ['.']
rules:
  - id: t.keyed
    name: keyed assignment
    kind: api-key
    pattern: '(?P<key>(?i:[\w.-]{0,30}?(?:token|secret|api[_.-]?key|checksum|sha1|commit[_.-]?id|password|passphrase|access[_.-]?key|client[_.-]?secret)))[ \t]{0,3}=[ \t]{0,3}"(?P<secret>[^"\s]{8,})"'
    filters: [digest]
  - id: t.keyless
    name: no key group
    kind: api-key
    pattern: '\bhx:(?P<secret>[0-9a-f]{40})\b'
    filters: [digest]
  - id: t.unkeyed_filter
    name: filter without when_key
    kind: api-key
    pattern: '(?P<key>vault_token)=(?P<secret>[0-9a-f]{40})\b'
    filters: [always]
  - id: t.optional_key
    name: key group in one alternative only
    kind: api-key
    pattern: '(?:(?P<key>\w{0,20}ticket)=|tk:)(?P<secret>[0-9a-f]{40})\b'
    filters: [paging]
)yaml";

const std::string kHex40 = "5e0c1d9a7b3f2e8d4c6a0b1f9e7d5c3a2b4f6e8d";

TEST(KeyFilterTest, KeyNamingASecretKeepsAHexValue) {
  auto m = Compile(kKeyedRules);
  EXPECT_EQ(Found(*m, "oauth_token = \"" + kHex40 + "\""),
            std::vector<std::string>{"t.keyed"});
  EXPECT_EQ(Found(*m, "x\nclient_secret=\"" + kHex40 + "\"\n"),
            std::vector<std::string>{"t.keyed"});
  // Not hex: the filter would not drop it anyway.
  EXPECT_EQ(Found(*m, "api_key = \"Zq7" + kHex40.substr(3) + "\""),
            std::vector<std::string>{"t.keyed"});
}

TEST(KeyFilterTest, KeyNamingADigestOrNoKeyDropsIt) {
  auto m = Compile(kKeyedRules);
  EXPECT_TRUE(Found(*m, "checksum = \"" + kHex40 + "\"").empty());
  EXPECT_TRUE(Found(*m, "sha1 = \"" + kHex40 + "\"").empty());
  EXPECT_TRUE(Found(*m, "last_commit_id = \"" + kHex40 + "\"").empty());
  // A rule without a key group: the filter applies.
  EXPECT_TRUE(Found(*m, "hx:" + kHex40).empty());
  // A filter without when_key applies whatever the key.
  EXPECT_TRUE(Found(*m, "vault_token=" + kHex40).empty());
}

// A filter that judges keys alone (`needs_key`) keeps a match whose key
// group took no part: it has nothing to judge.
TEST(KeyFilterTest, FilterThatNeedsAKeyKeepsAKeylessMatch) {
  auto m = Compile(kKeyedRules);
  EXPECT_EQ(Found(*m, "tk:" + kHex40),
            std::vector<std::string>{"t.optional_key"});
  EXPECT_EQ(Found(*m, "auth_ticket=" + kHex40),
            std::vector<std::string>{"t.optional_key"});
  EXPECT_TRUE(Found(*m, "next_page_ticket=" + kHex40).empty());
}

TEST(KeyFilterTest, NeedsKeyWithoutWhenKeyIsAnError) {
  RuleSet set;
  Status s = set.AddText(R"(
filters:
  - name: lonely
    needs_key: true
    allow: ['^x$']
)",
                         "bad.yaml");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("needs_key"), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("bad.yaml"), std::string::npos) << s.ToString();
}

TEST(KeyFilterTest, ManyMatchesInOneBufferAgreeWithRe2) {
  auto m = Compile(kKeyedRules);
  std::string text;
  const char* keys[] = {"token",    "sha1",    "my_secret", "commit_id",
                        "checksum", "api-key", "x.token",   "sha1_token"};
  for (int i = 0; i < 64; i++) {
    text += std::string(keys[i % 8]) + " = \"" +
            (i % 3 ? kHex40 : "Qx9" + kHex40.substr(3)) + "\"\n";
  }
  auto ids = Found(*m, text);
  // 64 lines; hex under sha1/commit_id/checksum/sha1_token dropped.
  size_t dropped = 0;
  for (int i = 0; i < 64; i++) {
    int k = i % 8;
    bool digest_key = k == 1 || k == 3 || k == 4 || k == 7;
    dropped += digest_key && i % 3 != 0;
  }
  EXPECT_EQ(ids.size(), 64u - dropped);
}

TEST(KeyFilterTest, WhenKeyMustBeAValidRegex) {
  RuleSet set;
  Status s = set.AddText(R"(
filters:
  - name: broken
    when_key: '(?i)sha('
    allow: ['^x$']
)",
                         "bad.yaml");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("when_key"), std::string::npos) << s.ToString();
}

// The built-in rules.
class BuiltinGenericTest : public test::BuiltinMatcherTest {
 protected:
  static size_t Count(const std::string& text) {
    return Found(*matcher_, text).size();
  }
  // Findings in `text` as file `path` (file-format rules run on their files
  // only).
  static size_t CountIn(const std::string& text, std::string_view path) {
    auto scratch = matcher_->NewScratch();
    std::vector<RuleMatch> out;
    EXPECT_TRUE(matcher_->Scan(text, scratch.get(), &out, path).ok());
    return out.size();
  }
  // Matches in `text` as file `path` that are reported by default (medium
  // confidence or more; scanner/confidence.h).
  static size_t ReportedIn(const std::string& text, std::string_view path) {
    size_t n = 0;
    for (Confidence c : Confidences(text, path)) n += c != Confidence::kLow;
    return n;
  }
};

const std::string kHex32 = "7c1e9a3f5b2d8e0a4c6f1b3d5e7a9c2f";
const std::string kHex64 = kHex40 + "a1c3e5f7b9d0c2e4f6a8b0d2";

TEST_F(BuiltinGenericTest, HexUnderASecretKeyIsASecret) {
  EXPECT_EQ(Count("<?php\n$app_secret = '" + kHex32 + "';\n"), 1u);
  EXPECT_EQ(Count("github:\n  oauth_token: " + kHex40 + "\n"), 1u);
  EXPECT_EQ(Count("API_KEY=" + kHex64 + "\n"), 1u);
  EXPECT_EQ(Count("client_secret = \"" + kHex40 + "\"\n"), 1u);
  EXPECT_EQ(Count("{\"private_key\": \"" + kHex64 + "\"}\n"), 1u);
}

// Random hex digits carry less entropy than the generic rules' floors (3.3,
// 3.5) ask of other alphabets: one random 32-hex key in five has less than
// 3.5 bits a character. These three (3.32, 3.35, 3.47 bits) are such draws.
TEST_F(BuiltinGenericTest, RandomHexBelowTheRulesEntropyFloorIsFound) {
  for (const std::string& v :
       {"43214316834ff7f734e4e04b20369e49", "02e57aa2ab1feb77054334077137ebeb",
        "bd0417d2c574f3b64fc4db7c1bef5cb5f1574573"}) {
    EXPECT_LT(ShannonEntropy(v), 3.5) << v;
    EXPECT_EQ(Count("ABUSEIPDB_KEY = \"" + v + "\"\n"), 1u) << v;
    EXPECT_EQ(CountIn("NEWSAPI_TOKEN=" + v + "\n", ".env"), 1u) << v;
  }
  // In a .env file, unquoted under a service's name (generic.env_file.hex_key);
  // a GPG fingerprint is not a key.
  const std::string hex = "43214316834ff7f734e4e04b20369e49";
  EXPECT_EQ(CountIn("ABUSEIPDB_KEY=" + hex + "\n", "app/.env"), 1u);
  EXPECT_EQ(CountIn("export WEATHER_TOKEN=" + hex + "\n", "prod.env"), 1u);
  EXPECT_EQ(CountIn("GPG_KEY=" + hex + "\n", "app/.env"), 0u);
  EXPECT_EQ(CountIn("ABUSEIPDB_KEY=" + hex + "\n", "app/notes.txt"), 0u);
  // Patterned hex is still not random enough.
  EXPECT_EQ(Count("ABUSEIPDB_KEY = \"00000000111111112222222233333333\"\n"),
            0u);
  EXPECT_DOUBLE_EQ(EntropyFloor(3.5, "43214316834ff7f734e4e04b20369e49"), 3.0);
  EXPECT_DOUBLE_EQ(EntropyFloor(3.5, "43214316834FF7F734E4E04B20369E49"), 3.0);
  EXPECT_DOUBLE_EQ(EntropyFloor(3.5, "43214316834fF7F734e4e04b20369e49"), 3.5);
  EXPECT_DOUBLE_EQ(EntropyFloor(2.5, "43214316834ff7f734e4e04b20369e49"), 2.5);
  EXPECT_TRUE(IsHexOfOneCase("43214316834ff7f7"));
  EXPECT_TRUE(IsHexOfOneCase("43214316834FF7F7"));
  EXPECT_TRUE(IsHexOfOneCase("4321431683"));
  EXPECT_FALSE(IsHexOfOneCase("43214316834fF7F7"));
  EXPECT_FALSE(IsHexOfOneCase("43214316834gg7f7"));
  EXPECT_FALSE(IsHexOfOneCase(""));
}

// And in program source it is reported by default: random hex of 20-24
// digits under a key naming a secret scores as random for its length (these
// four, from a generator, split into long BPE tokens and have 3.3-3.4 bits:
// they were found at low before).
TEST_F(BuiltinGenericTest, RandomHexUnderASecretKeyIsReportedInSource) {
  for (const std::string& v :
       {"5873c30669bba2177cb7", "671c3ea17ecdb1d67494",
        "3ce4ea692f0461eff27e250f", "0827ffd0840e10ac4199fda1"}) {
    EXPECT_LT(ShannonEntropy(v), 3.5) << v;
    EXPECT_EQ(ReportedIn("PUSHER_TOKEN = \"" + v + "\"\n", "app/settings.py"),
              1u)
        << v;
    EXPECT_EQ(ReportedIn("  c.access_token = \"" + v + "\"\n", "init.rb"), 1u)
        << v;
    // The same line in a test is still found, at low.
    EXPECT_EQ(CountIn("PUSHER_TOKEN = \"" + v + "\"\n", "tests/test_app.py"),
              1u)
        << v;
    EXPECT_EQ(ReportedIn("PUSHER_TOKEN = \"" + v + "\"\n", "tests/test_app.py"),
              0u)
        << v;
  }
}

// A pepper (a secret mixed into every password hash, Devise's
// config.pepper) is a secret by its name.
// A secret's name may end in what the variable holds, glued in camel case
// as well as after a separator (clientSecretValue, apiKeyString); a name
// that goes on into another word is not a secret's.
TEST_F(BuiltinGenericTest, ValueSuffixGluedToASecretName) {
  const std::string v = "Kq7vT2xW9pLm4nR8sZ3bY6cJqW";
  for (const std::string& name :
       {"clientSecretValue", "apiKeyString", "tokenValue",
        "CLIENT_SECRET_VALUE", "webhookSecretHex"}) {
    EXPECT_EQ(Count("const " + name + " = \"" + v + "\";\n"), 1u) << name;
  }
  for (const std::string& name : {"tokenValidator", "secretValueLabel"}) {
    EXPECT_EQ(Count("const " + name + " = \"" + v + "\";\n"), 0u) << name;
  }
}

TEST_F(BuiltinGenericTest, PepperIsASecretName) {
  EXPECT_EQ(ReportedIn("Devise.setup do |config|\n  config.pepper = "
                       "'3a131531a24c589f284edc2226edb0943d746bfaea9143550ec771"
                       "85af6c7cfbd7f0dc19bc9186ed1f3276c2b9333f7296ecfa40e41db"
                       "6231de503cd393e9d64'\nend\n",
                       "config/initializers/devise.rb"),
            1u);
  EXPECT_EQ(
      ReportedIn("PASSWORD_PEPPER = \"18jvMpqGksCKnBBu9PvMSuOmxo4z9X6s\"\n",
                 "app/auth.py"),
      1u);
  EXPECT_EQ(ReportedIn("password_pepper: 18jvMpqGksCKnBBu9PvMSuOmxo4z9X6s\n",
                       "config/app.yml"),
            1u);
  // A word is not a pepper.
  EXPECT_EQ(CountIn("pepper = \"cayenne\"\n", "app/recipes.py"), 0u);
}

// A passphrase's name with a separator (OCI's `pass_phrase`, a key's
// `key_pass_phrase`) is a password's.
TEST_F(BuiltinGenericTest, PassPhraseWithASeparator) {
  EXPECT_EQ(ReportedIn("[DEFAULT]\nregion=eu-frankfurt-1\n"
                       "pass_phrase=Wd5-kTq8Xm2z\n",
                       "home/.oci/config"),
            1u);
  EXPECT_EQ(
      ReportedIn("[ssl]\nkey_pass_phrase = Wd5-kTq8Xm2z\n", "conf/app.ini"),
      1u);
  // The client's extensionless config in its own dot-directory is a
  // configuration file: the same weak password is reported there.
  EXPECT_EQ(ReportedIn("[connections]\npassword = autumn2019\n",
                       "home/.snowsql/config"),
            1u);
  EXPECT_EQ(
      ReportedIn("[connections]\npassword = autumn2019\n", "notes/config"), 0u);
}

// Airflow's Fernet key, under its name in airflow.cfg and the environment.
TEST_F(BuiltinGenericTest, FernetKeyIsASecretName) {
  const std::string key = "q3Vx8LmZ2wRt7KpN4cYh9BsD6fGj1aUe0oXi5TzWnQM=";
  EXPECT_EQ(ReportedIn("[core]\nfernet_key = " + key + "\n", "airflow.cfg"),
            1u);
  EXPECT_EQ(ReportedIn("AIRFLOW__CORE__FERNET_KEY: \"" + key + "\"\n",
                       "deploy/values.yaml"),
            1u);
}

TEST_F(BuiltinGenericTest, HexUnderADigestKeyStaysDropped) {
  EXPECT_EQ(Count("hashed_password = \"" + kHex64 + "\"\n"), 0u);
  EXPECT_EQ(Count("HASHED_API_KEY=" + kHex40 + "\n"), 0u);
  EXPECT_EQ(Count("sha256: " + kHex64 + "\ncommit: " + kHex40 + "\n"), 0u);
}

const std::string kUuid = "3e9b1c07-5d2a-4f86-b0c4-8a71e6d29f53";

TEST_F(BuiltinGenericTest, UuidUnderACredentialKeyIsTheCredential) {
  // Many services issue UUID keys: under a key naming a credential the UUID
  // is one, reported by default in a configuration file.
  EXPECT_EQ(ReportedIn("API_TOKEN=" + kUuid + "\n", "deploy/.env"), 1u);
  EXPECT_EQ(ReportedIn("client_secret: \"" + kUuid + "\"\n", "config.yaml"),
            1u);
  EXPECT_EQ(ReportedIn("{\"api_key\": \"" + kUuid + "\"}\n", "settings.json"),
            1u);
  // An identifier's word inside another word names no identifier:
  // `exchange` holds no `change`, `transaction` no `action`.
  EXPECT_EQ(ReportedIn("EXCHANGE_API_SECRET=" + kUuid + "\n", "deploy/.env"),
            1u);
  EXPECT_EQ(ReportedIn("{\"transactionApiKey\": \"" + kUuid + "\"}\n",
                       "settings.json"),
            1u);
  // In program source a generic rule's UUID is found but not reported by
  // default: identifiers share its shape (a comment's example vf_token).
  const std::string comment = " * \"0000:04:10.0 vf_token=" + kUuid + "\"\n";
  EXPECT_EQ(CountIn(comment, "pci.c"), 1u);
  EXPECT_EQ(ReportedIn(comment, "pci.c"), 0u);
}

// Keys made to be public: Algolia's search-only key goes to every browser
// (its admin key is the secret); a search service's key that is not called
// search-only is still a key.
TEST_F(BuiltinGenericTest, SearchOnlyKeysArePublic) {
  const std::string hex = "7c2e9a41f0b35d86e14c7a9b2f60d853";
  for (const std::string& key :
       {"NEXT_PUBLIC_ALGOLIA_SEARCH_KEY", "ALGOLIA_SEARCH_ONLY_API_KEY",
        "VITE_SEARCH_ONLY_KEY"}) {
    EXPECT_EQ(CountIn(key + "=" + hex + "\n", ".env"), 0u) << key;
  }
  for (const std::string& key : {"AZURE_SEARCH_KEY", "SEARCH_ADMIN_KEY"}) {
    EXPECT_EQ(CountIn(key + "=" + hex + "\n", ".env"), 1u) << key;
  }
}

TEST_F(BuiltinGenericTest, UuidUnderAOneTimeTokenKeyIsAnIdentifier) {
  for (const std::string& key :
       {"csrf_token", "nextPageToken", "session_token", "idempotency_token",
        "LICENSE_KEY", "continuation_token", "device_token", "userSessionToken",
        "x_request_token", "API_NONCE_TOKEN", "myCSRFToken"}) {
    EXPECT_EQ(CountIn(key + ": \"" + kUuid + "\"\n", "config.yaml"), 0u) << key;
  }
  // No key at all: an identifier.
  EXPECT_EQ(CountIn("id " + kUuid + "\n", "config.yaml"), 0u);
}

TEST_F(BuiltinGenericTest, AssignmentsInManyLanguages) {
  for (const std::string& line : {
           "my $api_token = \"Rk4vQ8mZ2tLx7wNc9pHs3bJd\";",
           "const apiKey = \"Rk4vQ8mZ2tLx7wNc9pHs3bJd\"",
           "clientSecret := \"Rk4vQ8mZ2tLx7wNc9pHs3bJd\"",
           "private String apiKey = \"Rk4vQ8mZ2tLx7wNc9pHs3bJd\";",
           "const apiKey = 'Rk4vQ8mZ2tLx7wNc9pHs3bJd';",
           "{\"api_key\": \"Rk4vQ8mZ2tLx7wNc9pHs3bJd\"}",
           "$db_password = 'Tq8#rLm2vX';",
       }) {
    EXPECT_EQ(Count(line + "\n"), 1u) << line;
  }
}

// Declarations with a type between the name and the value, a name and value
// as two call arguments or tuple items, R's `<-`, C's `#define`, module
// attributes and JSON-escaped quotes (a notebook's or a generated file's code).
TEST_F(BuiltinGenericTest, TypedDeclarationsArgumentsAndDefines) {
  const std::string v = "Rk4vQ8mZ2tLx7wNc9pHs3bJd";
  for (const std::string& line : {
           "const apiToken: string = \"" + v + "\";",
           "private readonly clientSecret: string = '" + v + "';",
           "export const STRIPE_SECRET: string | undefined = \"" + v + "\";",
           "val apiKey: String = \"" + v + "\"",
           "let apiSecret: String = \"" + v + "\"",
           "const API_TOKEN: &'static str = \"" + v + "\";",
           "API_TOKEN: str = \"" + v + "\"",
           "api_key: Optional[str] = \"" + v + "\"",
           "var apiKey string = \"" + v + "\"",
           "Dim apiKey As String = \"" + v + "\"",
           "#define AUTH_TOKEN \"" + v + "\"",
           "@api_key \"" + v + "\"",
           "api_key <- \"" + v + "\"",
           "const webhookSecret = \"" + v + "\"",
           "    (\"SERVICE_API_KEY\", \"" + v + "\"),",
           "\"openai.api_key = \\\"" + v + "\\\"\\n\",",
           "buildConfigField \"String\", \"MAPS_API_KEY\", \"\\\"" + v +
               "\\\"\"",
           "const apiKey = `" + v + "`;",
       }) {
    EXPECT_EQ(Count(line + "\n"), 1u) << line;
  }
  // In program source they are reported by default, like untyped ones.
  EXPECT_EQ(
      ReportedIn("const apiToken: string = \"" + v + "\";\n", "src/client.ts"),
      1u);
  EXPECT_EQ(ReportedIn("#define AUTH_TOKEN \"" + v + "\"\n", "src/auth.h"), 1u);
  // The value must still be a literal secret, not code or a reference.
  for (const std::string& line : {
           "const apiToken: string = process.env.API_TOKEN ?? \"\";",
           "apiKey: string = \"${API_KEY}\"",
           "#define API_KEY_LENGTH 32",
           "#define AUTH_TOKEN_HEADER \"X-Auth-Token\"",
           "API_TOKEN: str = \"<your-api-token-goes-here>\"",
           "var apiKey string = os.Getenv(\"API_KEY\")",
       }) {
    EXPECT_EQ(Count(line + "\n"), 0u) << line;
  }
}

// Passwords: typed declarations without `var`, C# properties, C macros,
// setters, and unquoted values with `#` or `;` inside (a comment starts only
// after a blank in YAML, .env and INI files).
TEST_F(BuiltinGenericTest, PasswordsTypedDefinedSetOrWithSpecialCharacters) {
  const std::string pw = "Tq8#rLm2;vX";
  for (const std::string& line : {
           "  private password: string = \"" + pw + "\";",
           "DB_PASSWORD: str = \"" + pw + "\"",
           "Dim password As String = \"" + pw + "\"",
           "public string Password { get; set; } = \"" + pw + "\";",
           "password <- \"" + pw + "\"",
           "#define DB_PASSWORD \"" + pw + "\"",
           "dataSource.setPassword(\"" + pw + "\");",
           "builder.withPassword(\"" + pw + "\")",
           "DB_PASSWORD=" + pw,
       }) {
    EXPECT_EQ(Count(line + "\n"), 1u) << line;
  }
  EXPECT_EQ(ReportedIn("DB_PASSWORD=" + pw + "\n", "deploy/.env"), 1u);
  EXPECT_EQ(ReportedIn("[db]\npasswd=Q#r3!\n", "app.ini"), 1u);
  EXPECT_EQ(ReportedIn("spring:\n  datasource:\n    password: " + pw + "\n",
                       "application.yml"),
            1u);
  for (const std::string& line : std::vector<std::string>{
           // A comment after a blank is not part of the value.
           "DB_PASSWORD=abc #" + pw,
           "#define PASSWORD_PROMPT \"Password: \"",
           "#define PASSWORD_FILE \"/etc/app/passwd\"",
           "user.setPassword(encoder.encode(raw));",
           "ds.setPassword(\"changeme\")",
       }) {
    EXPECT_EQ(Count(line + "\n"), 0u) << line;
  }
}

// Passwords and tokens a program printed as key=value pairs inside a line
// (logfmt, debug lines): found anywhere, reported by default in a log.
TEST_F(BuiltinGenericTest, KeyValuePairsInsideLogLines) {
  const std::string pw = "Tq8rLm2vX9";
  const std::string token = "Xq7vL2mK9pR4tW8zN3cY6bH1";
  for (const std::string& line : {
           "2024-05-01 12:00:01 INFO connecting with password=" + pw + " to db",
           "level=debug msg=\"auth\" user=ops db_password=" + pw + " attempt=2",
           "WARN retrying login (pass=" + pw + ", host=10.0.4.2)",
           "DEBUG refreshing session token=" + token + " expires=3600",
           "[worker-3] upstream call api_key=" + token + ", status=200",
       }) {
    EXPECT_EQ(Count(line + "\n"), 1u) << line;
    EXPECT_EQ(ReportedIn(line + "\n", "var/log/app.log"), 1u) << line;
  }
  // Redacted, formatted or paging values are not secrets.
  for (const std::string& line : std::vector<std::string>{
           "level=debug user=ops password=[REDACTED] attempt=2",
           "level=debug user=ops password=******** attempt=2",
           "printf(\"user=%s password=%s \", user, pw);",
           "level=info next_page_token=" + token + " count=50",
           "level=info token=$API_TOKEN expires=3600",
       }) {
    EXPECT_EQ(Count(line + "\n"), 0u) << line;
  }
  // A rule that knows the command line names the value: one finding, not
  // the catch-all's.
  auto scratch = matcher_->NewScratch();
  std::vector<RuleMatch> out;
  ASSERT_TRUE(matcher_
                  ->Scan("mysql --host=db --password=" + pw + " orders\n",
                         scratch.get(), &out, "deploy.sh")
                  .ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(matcher_->rules()[out[0].rule].id.find("logfmt"), std::string::npos)
      << matcher_->rules()[out[0].rule].id;
}

TEST_F(BuiltinGenericTest, CodeValuedAssignmentsAreNotSecrets) {
  for (const std::string& line : {
           // Variables and interpolation, anywhere in the value.
           "password = \"${DB_PASS}\"",
           "password = \"pre${DB_PASS}post9\"",
           "my $db_password = \"$config{db}{password}\";",
           "$db_password = \"x$cfg['db']['pw']\";",
           "db_password = \"u%sX9k2q\"",
           "db_password = \"%(pw)s-9kQ\"",
           "password = \"x{0}y9kzQ\"",
           "password: \"#{db_pass}9Q\"",
           "access_token = \"Bearer:$TOKEN_FROM_ENV:7Qx\"",
           // Property paths and calls.
           "password = config.db.password",
           "password = self.password",
           "password = settings.DB_PASSWORD;",
           "password = \"os.getenv('DB_PASSWORD')\"",
           // URLs and values made of variables or escapes.
           "url = \"$PROTO://user%40host:pass%40host@$DEST/repo.git\"",
           "export GIT_PASSWORD=pass%40host",
           // Test counters.
           "git fetch --token \"builtin:test_00000001:0\" origin &&",
           "tool --password=session:test_user_000042",
           // Minified code.
           "a={password:\"),d?x.a.createElement(Qb,{k:1})\",b:2}",
           "x={password:\"e.password||n.password||9\"}",
           // UI labels in translation catalogs.
           "{\"Password\":\"Contraseña\"}",
           "{\"Password\":\"Пароль\"}",
       }) {
    EXPECT_EQ(Count(line + "\n"), 0u) << line;
  }
}

TEST_F(BuiltinGenericTest, EncryptedValuesAreNotSecrets) {
  std::string sealed = "AgB";
  for (int i = 0; sealed.size() < 700; i++) {
    sealed += "Zx9+Qm2/Lp7r"[i % 12];
    sealed += "kT4vW8nB3cH6"[(i * 7) % 12];
  }
  EXPECT_EQ(Count("kind: SealedSecret\nspec:\n  encryptedData:\n    "
                  "password: " +
                  sealed + "\n"),
            0u);
  EXPECT_EQ(Count("password: ENC[AES256_GCM,data:Qm9vZmFyYmF6,iv:"
                  "c2l4dGVlbmJ5dGVzISE=,tag:dGFndGFndGFndGFn,type:str]\n"),
            0u);
  EXPECT_EQ(Count("db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  " +
                  kHex64 + kHex32 + "\n"),
            0u);
}

TEST_F(BuiltinGenericTest, DemoValuesAreCredentialsInConfigFilesOnly) {
  // Well-known weak values stand in for a password in code samples (kept
  // at low confidence, not reported by default)...
  for (const std::string& v : {"letmein", "toor", "hunter2", "guest"}) {
    EXPECT_EQ(ReportedIn("password = \"" + v + "\"\n", "src/app.py"), 0u) << v;
    EXPECT_EQ(ReportedIn("password = " + v + "\n", "notes.txt"), 0u) << v;
    // ... but committed in a configuration file they are the credential.
    EXPECT_EQ(ReportedIn("[db]\npassword = " + v + "\n", "app.ini"), 1u) << v;
    EXPECT_EQ(ReportedIn("DB_PASSWORD=" + v + "\n", "deploy/.env"), 1u) << v;
  }
  // Values that describe themselves as stand-ins stay dropped everywhere.
  for (const std::string& v : {"changeme", "<password>", "my_password"}) {
    EXPECT_EQ(CountIn("[db]\npassword = " + v + "\n", "app.ini"), 0u) << v;
  }
}

TEST_F(BuiltinGenericTest, SecretNamedKeysOfManyShapes) {
  const std::string v = "Vt7KqPz3WmX_sLr2BnYcHd";  // no digit needed
  for (const std::string& k :
       {"slackKey", "GITLAB_KEY", "license_key", "Google_token", "DRONE_TOKEN",
        "accesskey", "TRAVEL_API_KEY", "CLIENT_SECRET_VALUE", "api_key_b64",
        "SIGNING_SECRET_STR"}) {
    EXPECT_EQ(Count(k + ": " + v + "\n"), 1u) << k;
  }
  for (const std::string& k : {"csrf_token", "next_page_token", "public_key",
                               "cache_key", "sort_key", "csrf_token_value"}) {
    EXPECT_EQ(Count(k + ": " + v + "\n"), 0u) << k;
  }
}

// An inline code span closes a value (`API_KEY=...` in Markdown), and an
// HTML <meta> names a key as an XML attribute pair does.
TEST_F(BuiltinGenericTest, CodeSpansAndMetaTags) {
  const std::string v = "Wq8vNz3LkT5xRm2YpH7cJd4B";
  EXPECT_EQ(CountIn("Set `WEATHER_API_KEY=" + v + "` in your shell.\n",
                    "docs/setup.md"),
            1u);
  EXPECT_EQ(CountIn("Put `DB_PASSWORD=Hq2-vLt8Zw` in the environment.\n",
                    "README.md"),
            1u);
  EXPECT_EQ(CountIn("<meta name=\"api-key\" content=\"" + v + "\">\n",
                    "web/index.html"),
            1u);
  EXPECT_EQ(CountIn("<meta name=\"csrf-token\" content=\"" + v + "\">\n",
                    "web/index.html"),
            0u);
  // A template literal's interpolation is no value.
  EXPECT_EQ(CountIn("const s = `API_TOKEN=${token}`;\n", "src/env.js"), 0u);
  // A docstring's field type (Sphinx roles) is no value either.
  EXPECT_EQ(
      CountIn("    :type passphrase: :py:data:`bytes`\n", "lib/crypto.py"), 0u);
  EXPECT_EQ(CountIn("    :type api_key: :class:`str`\n", "lib/client.py"), 0u);
}

// Keys named after the service they open, with no `api_` or `secret` in the
// name (generic.key.named), and a bare `key` nested under the service's
// name (generic.key.bare, at most medium).
TEST_F(BuiltinGenericTest, KeysNamedAfterTheirService) {
  const std::string v = "hZ3pLq8VtWc2NmKx7RbYs4Df";
  for (const std::string& line : {
           "MAPQUEST_KEY = \"" + v + "\";",
           "const clearbitKey = '" + v + "';",
           "{\"segment\": {\"write_key\": \"" + v + "\"}}",
           "$ETSY_KEYSTRING = '" + v + "';",
           "$config['abuseipdb_key'] = '" + v + "';",
           "weather-key: \"" + v + "\"",
           "newsapi:\n  key: \"" + v + "\"",
           "{\"pusher\": {\"key\": \"" + kHex40 + "\"}}",
           "'key' => '" + v + "',",
       }) {
    EXPECT_EQ(Count(line + "\n"), 1u) << line;
  }
  EXPECT_EQ(ReportedIn("MAPQUEST_KEY = \"" + v + "\"\n", "app/settings.py"),
            1u);
  std::vector<Confidence> bare =
      Confidences("newsapi:\n  key: \"" + v + "\"\n", "config/app.yaml");
  ASSERT_EQ(bare.size(), 1u);
  EXPECT_EQ(bare[0], Confidence::kMedium);  // the name says little alone
  // Keys of things that are not secrets, and values that are not random.
  for (const std::string& line : std::vector<std::string>{
           "cache_key = \"" + kHex32 + "\"",
           "recaptcha_site_key = \"" + v + "\"",
           "const vapidPublicKey = \"" + v + "\";",
           "GPG_KEY = \"5DAC2EADC00A273B436EF694F1AC8AD9291F001C\"",
           "  key: \"5DAC2EADC00A273B436EF694F1AC8AD9291F001C\"",
           "\"sort_key\": \"createdAtTimestampDescending\"",
           "translation_key = \"checkout_payment_method_title\"",
           "MAPQUEST_KEY = \"${MAPQUEST_KEY}\"",
           "<li key=\"checkout-summary-total\">",
           // A public key (SubjectPublicKeyInfo, EC P-256) under any name.
           "{\"key\": \"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" + v + v + "\"}",
           "signing_key: \"MCowBQYDK2VwAyEA" + v + "\"",
       }) {
    EXPECT_EQ(Count(line + "\n"), 0u) << line;
  }
}

// A stopword inside a value (`ipsum` in `relationshipSummaries`) marks it
// weak but does not make a camelCase name a demo password: the identifier
// filter and the word-likeness check still drop it.
TEST_F(BuiltinGenericTest, StopwordInsideANameDoesNotKeepIt) {
  for (const std::string& v :
       {"assetRelationshipSummaries", "membershipSummaryRecords"}) {
    EXPECT_EQ(Count("{\"result_token\": \"" + v + "\"}\n"), 0u) << v;
  }
  // A random value with a stopword inside is still found, marked weak.
  const std::string v = "Xq7deadbeefLm2Pz9Rk4Wc8N";
  EXPECT_EQ(Count("api_token = \"" + v + "\"\n"), 1u);
}

// A service or role glued to `pass`/`pwd` (`$dbpass`, `rootPass`, `SMTPPWD`)
// names a password as `db_pass` does; words that only end in "pass" do not.
TEST_F(BuiltinGenericTest, PassGluedToAServiceOrRoleName) {
  const std::string v = "Tz6m-Q2wXr87";
  for (const std::string& line :
       {"$dbpass = '" + v + "';", "$CFG->dbpass = '" + v + "';",
        "rootPass = \"" + v + "\"", "MYSQLPASS=" + v, "adminpwd: " + v,
        "keyPass=\"" + v + "\"", "ldappass=" + v + " host=dc01"}) {
    EXPECT_EQ(Count(line + "\n"), 1u) << line;
  }
  for (const std::string& line :
       {"bypass = \"" + v + "\"", "compass: " + v, "renderPass = \"" + v + "\"",
        "trespass=" + v}) {
    EXPECT_EQ(Count(line + "\n"), 0u) << line;
  }
}

// A property path is code; a token with dots is not: its parts have digits
// inside (an Azure client secret without `~`, a JWT-like session key).
TEST_F(BuiltinGenericTest, DottedTokenIsNotAPropertyPath) {
  EXPECT_EQ(Count("{\"AzureAd\": {\"ClientSecret\": "
                  "\"eMGhTe9jaF0.uU.kTAhcb9mYEBGSupvc_O\"}}\n"),
            1u);
  for (const std::string& v :
       {"config.oauthClientSecret", "process.env.API_TOKEN",
        "settings.DB_TOKEN_V2", "this.props.authToken",
        "s3.bucket2.accessToken"}) {
    EXPECT_EQ(Count("client_secret = \"" + v + "\"\n"), 0u) << v;
  }
}

TEST_F(BuiltinGenericTest, PlaceholderOnlyAsTheWholeValue) {
  // Placeholders: the value says so as a whole.
  for (const std::string& v :
       {"<password>", "changeme", "xxxxxxxx", "your-api-key", "${DB_PASS}",
        "********", "mySuperSecretPassword", "test_password", "my-secret-2",
        "CHANGE_ME_PLEASE", "example_admin_password"}) {
    EXPECT_EQ(Count("password = \"" + v + "\"\n"), 0u) << v;
    EXPECT_EQ(CountIn("[db]\npassword = " + v + "\n", "app.ini"), 0u) << v;
  }
  // Weak values made of credential words say nothing of being a stand-in:
  // demo values, low in code and docs, reported in a configuration file
  // (issue 12: a chart's default adminPassword is a finding there).
  for (const std::string& v : {"password123", "supersecret", "qwerty123",
                               "adminPassword", "rootpass!", "secretKey9"}) {
    EXPECT_EQ(ReportedIn("password = \"" + v + "\"\n", "app.py"), 0u) << v;
    EXPECT_EQ(ReportedIn("[db]\npassword = " + v + "\n", "app.ini"), 1u) << v;
  }
  // Real values that contain a common word or look weak.
  for (const std::string& v :
       {"s00p3rs3cr3tQ", "Adm1nistr8tor2024", "tr0ub4dor&3secret",
        "qwertz9Lk!password", "hardwired7", "Passw0rd_Orchid88"}) {
    EXPECT_EQ(Count("password = \"" + v + "\"\n"), 1u) << v;
    EXPECT_EQ(Count("DB_PASSWORD=" + v + "\n"), 1u) << v;
  }
}

}  // namespace
}  // namespace keyward

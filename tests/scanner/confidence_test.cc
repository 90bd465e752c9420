// Confidence: path context, value shape and the combination
// (scanner/confidence.h).
#include "scanner/confidence.h"

#include <gtest/gtest.h>

#include "support/fake_secrets.h"

namespace keyward {
namespace {

Rule MakeRule(const std::string& confidence, const std::string& kind,
              bool generic, const std::string& prefix = "") {
  Rule r;
  r.id = "t.rule";
  r.confidence = confidence;
  r.kind = kind;
  r.generic = generic;
  r.prefix = prefix;
  return r;
}

Finding MakeFinding(const std::string& path, const std::string& secret,
                    bool verified = false) {
  Finding f;
  f.path = path;
  f.secret = secret;
  f.checksum_verified = verified;
  return f;
}

// The generic password rules of rules/generic.yaml: prior low.
const Rule kGenericPassword = MakeRule("low", "password", /*generic=*/true);
// A provider token rule with a literal prefix and a checksum.
const Rule kGithub = MakeRule("high", "api-key", false, "ghp_");

TEST(ClassifyPathTest, ConfigFiles) {
  for (const char* p : {".env",
                        "app/.env",
                        "deploy/.env.production",
                        "prod.env",
                        "wp-config.php",
                        "site/wp-config.php",
                        "proj/settings.py",
                        "home/.npmrc",
                        ".pgpass",
                        ".netrc",
                        ".git-credentials",
                        "home/.docker/config.json",
                        "home/.kube/config",
                        "kubeconfig",
                        "infra/prod.tfvars",
                        "infra/main.tf",
                        "deploy/vault.hcl",
                        ".aws/credentials",
                        "conf/app.ini",
                        "etc/my.cnf",
                        "app.properties",
                        "values.yaml",
                        "config.toml",
                        "NetworkManager/system-connections/Corp.nmconnection",
                        "export/coreftp.reg",
                        "desk.rdp",
                        "home/.local/share/remmina/desk.remmina",
                        "db_passwords.txt",
                        "secrets.yml",
                        "home/.fetchmailrc",
                        ".msmtprc",
                        "etc/pgbouncer/userlist.txt",
                        "conf/pgbouncer-userlist.txt",
                        "home/.subversion/servers",
                        "home/.config/hexchat/servlist.conf",
                        ".cargo/credentials",
                        "Dockerfile",
                        "docker/Dockerfile.prod",
                        "Dockerfile.2",
                        "api.dockerfile",
                        "Containerfile",
                        "Jenkinsfile",
                        "ci/Jenkinsfile.release",
                        "infra/terraform.tfstate",
                        "ops/crontab.txt",
                        "salt/mysql/init.sls",
                        "home/.snowsql/config",
                        "home/.pulumi/credentials",
                        "resources/config.edn"}) {
    PathContext c = ClassifyPath(p);
    EXPECT_TRUE(c.config) << p;
    EXPECT_FALSE(c.docs) << p;
    EXPECT_FALSE(c.test) << p;
  }
}

TEST(ClassifyPathTest, Docs) {
  for (const char* p :
       {"README", "README.md", "pkg/Readme.rst", "docs/setup.html",
        "doc/notes.txt", "INSTALL.txt", "LICENSE.txt", "release-notes.txt",
        "doc/api.adoc", "man/man1/keyward.1", "usr/share/man/man3/ssl.3ssl",
        "CHANGELOG", "guide.md",
        // A page about passwords or secrets is documentation, not a file of
        // them.
        "docs/change-password.rst", "guide/secrets-management.md"}) {
    PathContext c = ClassifyPath(p);
    EXPECT_TRUE(c.docs) << p;
    EXPECT_FALSE(c.config) << p;
    EXPECT_FALSE(c.test) << p;
  }
}

// Plain text outside a project's document names and doc directories is
// text someone wrote down (notes, a hand-over, a support dump): read like a
// log, not as docs or configuration. Among tests it is a fixture.
TEST(ClassifyPathTest, PlainTextNotesAreReadLikeLogs) {
  for (const char* p : {"notes.txt", "ops/handover.txt", "support-dump.txt",
                        "todo.txt", "requirements.txt"}) {
    PathContext c = ClassifyPath(p);
    EXPECT_TRUE(c.log) << p;
    EXPECT_FALSE(c.docs) << p;
    EXPECT_FALSE(c.config) << p;
    EXPECT_FALSE(c.test) << p;
  }
  for (const char* p : {"doc/notes.txt", "INSTALL.txt", "tests/expected.txt",
                        "passwords.txt"}) {
    EXPECT_FALSE(ClassifyPath(p).log) << p;
  }
}

TEST(ClassifyPathTest, TestsFixturesExamples) {
  for (const char* p :
       {"tests/run.sh", "test/helpers.py", "src/__tests__/api.js",
        "pkg/testdata/input.go", "spec/models/user_spec.rb",
        "fixtures/data.sql", "examples/client.go", "samples/demo.c",
        "src/mocks/server.ts", "test_login.py", "login_test.go", "api.test.js",
        "api.spec.ts", "UserServiceTest.java", "conftest.py",
        "t/t5550-http-fetch.sh", "beans.xml.dist", "config.sample.cfg"}) {
    PathContext c = ClassifyPath(p);
    EXPECT_TRUE(c.test) << p;
  }
  // Demo code and data, like samples.
  for (const char* p :
       {"demo/app/settings.py", "modules/demo.d/realm.properties",
        "etc/jetty-demo-realm.properties", "demo_users.sql",
        "config.demo.yaml"}) {
    EXPECT_TRUE(ClassifyPath(p).test) << p;
  }
}

TEST(ClassifyPathTest, OrdinaryCodeIsNeutral) {
  for (const char* p :
       {"src/main.c", "lib/latest.js", "app/models/user.rb", "-", "",
        "contest/solver.py", "include/attestation.h",
        "/tmp/keyward-test-x1/a.sh", "testimony/app.go", "democracy/vote.py",
        "src/demon.c", "debian/config", "scripts/config"}) {
    PathContext c = ClassifyPath(p);
    EXPECT_FALSE(c.config || c.docs || c.test) << p;
  }
}

// Logs, rotated and compressed ones too: what a program printed at run time.
TEST(ClassifyPathTest, Logs) {
  for (const char* p :
       {"app.log", "var/log/auth.log", "logs/worker-3.txt", "srv/log/out",
        "api.log.1", "api.log.2.gz", "build/config.log"}) {
    PathContext c = ClassifyPath(p);
    EXPECT_TRUE(c.log) << p;
    EXPECT_FALSE(c.docs) << p;
  }
  for (const char* p :
       {"src/logger.py", "src/log/writer.go", "catalog.json", "dialog.logic.js",
        "ChangeLog", "docs/changelog.md", "blog/post.md", "logs/README.txt"}) {
    EXPECT_FALSE(ClassifyPath(p).log) << p;
  }
  // A log directory's README is documentation.
  EXPECT_TRUE(ClassifyPath("logs/README.txt").docs);
}

TEST(ClassifyPathTest, FlagsCombine) {
  PathContext c = ClassifyPath("tests/fixtures/.env");
  EXPECT_TRUE(c.config);
  EXPECT_TRUE(c.test);
  c = ClassifyPath(".env.example");
  EXPECT_TRUE(c.config);
  EXPECT_TRUE(c.test);
}

// A template's format is the extension before its marker: it is the
// configuration file put aside to be copied into place, as `.env.example`.
TEST(ClassifyPathTest, TemplatesKeepTheirInnerFormat) {
  for (const char* p :
       {"beans.xml.dist", "conf/app.json.example", "deploy/db.yml.template",
        "settings.ini.sample", "site/config.toml.default"}) {
    PathContext c = ClassifyPath(p);
    EXPECT_TRUE(c.config) << p;
    EXPECT_FALSE(c.docs) << p;
  }
  EXPECT_TRUE(ClassifyPath("beans.xml.dist").test);
  PathContext py = ClassifyPath("proj/settings.py.dist");
  EXPECT_TRUE(py.code);
  EXPECT_TRUE(py.test);
}

// A marker between the stem and the format names a document of examples or
// test data in that format (an SDK's `*.examples.json`), not a
// configuration file.
TEST(ClassifyPathTest, ExampleDocumentsAreNotConfiguration) {
  for (const char* p :
       {"sdk/apis/queue-2012-11-05.examples.json", "src/user.mock.json",
        "app.test.yaml", "config.sample.cfg"}) {
    PathContext c = ClassifyPath(p);
    EXPECT_FALSE(c.config) << p;
    EXPECT_TRUE(c.test) << p;
  }
  // Named configuration files keep their kind.
  EXPECT_TRUE(ClassifyPath("app/.env.test.local").config);
  EXPECT_TRUE(ClassifyPath("ci/secrets.test.yml").config);
}

// TypeScript declaration files hold types and doc comments, not values.
TEST(ClassifyPathTest, DeclarationFilesAreDocumentation) {
  for (const char* p : {"types/index.d.ts", "dist-types/commands/Create.d.ts",
                        "lib/esm.d.mts"}) {
    PathContext c = ClassifyPath(p);
    EXPECT_TRUE(c.docs) << p;
    EXPECT_FALSE(c.code) << p;
  }
  EXPECT_TRUE(ClassifyPath("src/index.ts").code);
}

TEST(ClassifyValueTest, WeakNeutralRandom) {
  EXPECT_EQ(ClassifyValue("s00p3rs3cr3t"), ValueShape::kWeak);
  EXPECT_EQ(ClassifyValue("hunter22"), ValueShape::kWeak);
  EXPECT_EQ(ClassifyValue("aaaaaaaaaaaaaaaaaaaaaaaa"), ValueShape::kWeak);
  // 32 hex characters from a generator.
  EXPECT_EQ(ClassifyValue("9f3b7c2e8a1d4f6b0c5e9a7d3b2f8e41"),
            ValueShape::kRandom);
  EXPECT_EQ(ClassifyValue("Kq7vT2xW9pLm4nR8sZ3bY6cJ"), ValueShape::kRandom);
  // Long, but words: neither.
  EXPECT_EQ(ClassifyValue("correcthorsebattery"), ValueShape::kNeutral);
  // The BPE score, when given, decides.
  EXPECT_EQ(ClassifyValue("Kq7vT2xW9pLm4nR8sZ3bY6cJ", 4.5), ValueShape::kWeak);
  EXPECT_EQ(ClassifyValue("s00p3rs3cr3t1234", 1.5), ValueShape::kRandom);
}

// Random hex of one case is judged by the entropy such a run has at its
// length, not by a fixed 3.5 bits: random 20-32 digit keys fall under 3.5
// often (these three are random draws at 3.28-3.43 bits). Runs with a
// pattern stay below it.
TEST(ClassifyValueTest, RandomHexIsJudgedForItsLength) {
  for (const char* v :
       {"9a9bbe0b65566b240dd8", "b8f5f8d83a239badcd2ed849",
        "727be6ab70317d3e79869696c537c77b", "727BE6AB70317D3E79869696C537C77B",
        "5873c30669bba2177cb7", "0827ffd0840e10ac4199fda1"}) {
    ASSERT_LT(ShannonEntropy(v), 3.5) << v;
    // Whatever the BPE score, short of word-like (3.0).
    EXPECT_EQ(ClassifyValue(v), ValueShape::kRandom) << v;
    EXPECT_EQ(ClassifyValue(v, 2.5), ValueShape::kRandom) << v;
  }
  for (const char* v : {"11112222333344445555", "abababab12121212cdcdcdcd",
                        "00000000000000000000000000000f1e",
                        "deadbeefdeadbeefdeadbeefdeadbeef"}) {
    EXPECT_NE(ClassifyValue(v), ValueShape::kRandom) << v;
  }
}

// A random body behind a label or a prefix is random: the label's letters
// and the separators must not pull the whole value under the bar (random
// draws, written for this test). Labels with no random body, dates,
// numbers and bodies too short stay where they were.
TEST(ClassifyValueTest, RandomBodyBehindAPrefix) {
  for (const char* v :
       {"s-q7r2vx-"
        "5c0e9a4b7d21f86e3a9c0b5d7e1f24a68c3b9e0d2f7a41c56b8e0d3f9a2c71e4",
        "live_Vb3kQz8WnR2tYp6LmX0sJc4HdG7fEa1KuN9oTi5w",
        "prod-4e9c1a7b3f0d2e58c6a9", "sess:7Hq2mZ9xK4vB1nR8cT3yW6pL0sD5"}) {
    EXPECT_EQ(ClassifyValue(v), ValueShape::kRandom) << v;
    EXPECT_EQ(ClassifyValue(v, 2.4), ValueShape::kRandom) << v;
  }
  for (const char* v :
       {"release-2024-11-30-build-42", "my_service_account_for_reporting",
        "build-20241130123045678901",
        "id-5c0e9a4b7d21f86e3a9c0b5d7e1f24a68c3b9e0d2f7a41c5aaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "key-0000000000000000000000000",
        "ab-cd-ef-01-23-45-67-89-ab-cd-ef-01"}) {
    EXPECT_NE(ClassifyValue(v), ValueShape::kRandom) << v;
  }
}

TEST(ConfidenceTest, VerifiedChecksumStaysHighInATestFile) {
  std::string tok = test::FakeGithubToken(7);
  for (const char* p : {"tests/test_client.py", "README.md",
                        "docs/examples/ci.md", "src/app.py"}) {
    EXPECT_EQ(FindingConfidence(kGithub, MakeFinding(p, tok, true)),
              Confidence::kHigh)
        << p;
  }
  // Without a verified checksum the same token in a test file is medium
  // (the literal prefix keeps it reported), high in code.
  EXPECT_EQ(FindingConfidence(kGithub, MakeFinding("tests/a.py", tok)),
            Confidence::kMedium);
  EXPECT_EQ(FindingConfidence(kGithub, MakeFinding("tests/docs/a.md", tok)),
            Confidence::kMedium);
  EXPECT_EQ(FindingConfidence(kGithub, MakeFinding("src/a.py", tok)),
            Confidence::kHigh);
}

TEST(ConfidenceTest, FailedChecksumIsMediumEverywhere) {
  // The token's exact shape without its checksum: a stand-in or a mangled
  // copy. Reported (medium) in any file, high in none.
  std::string tok = test::FakeGithubToken(7);
  for (const char* p :
       {"tests/test_client.py", "README.md", "src/app.py", "deploy/.env"}) {
    Finding f = MakeFinding(p, tok);
    f.checksum_failed = true;
    EXPECT_EQ(FindingConfidence(kGithub, f), Confidence::kMedium) << p;
  }
}

TEST(ConfidenceTest, MaxConfidenceCapsEveryFinding) {
  std::string tok = test::FakeGithubToken(7);
  Rule capped = kGithub;
  capped.max_confidence = "low";
  // Not even a verified checksum in program source lifts it.
  EXPECT_EQ(FindingConfidence(capped, MakeFinding("src/app.py", tok, true)),
            Confidence::kLow);
  EXPECT_EQ(FindingConfidence(capped, MakeFinding("README.md", tok)),
            Confidence::kLow);
  // A cap above what the finding gets changes nothing.
  capped.max_confidence = "medium";
  EXPECT_EQ(FindingConfidence(capped, MakeFinding("tests/a.py", tok)),
            Confidence::kMedium);
  EXPECT_EQ(FindingConfidence(capped, MakeFinding("src/a.py", tok)),
            Confidence::kMedium);
}

TEST(ConfidenceTest, WeakPasswordInCommittedConfigIsMedium) {
  for (const char* p : {".env", "app/.env", "wp-config.php",
                        "deploy/settings.py", "config/database.yml"}) {
    EXPECT_EQ(FindingConfidence(kGenericPassword, MakeFinding(p, "orchard7")),
              Confidence::kMedium)
        << p;
    // A leet-speak password looks random to the value score: higher still.
    EXPECT_EQ(
        FindingConfidence(kGenericPassword, MakeFinding(p, "s00p3rs3cr3t")),
        Confidence::kHigh)
        << p;
  }
}

TEST(ConfidenceTest, PasswordLiteralInProgramSourceIsReported) {
  // `password = "orchard7"` in application code ships with the program.
  for (const char* p : {"src/db.py", "lib/mailer.rb", "cmd/main.go",
                        "app/Http/Login.php", "deploy.sh"}) {
    EXPECT_EQ(FindingConfidence(kGenericPassword, MakeFinding(p, "orchard7")),
              Confidence::kMedium)
        << p;
  }
  // The same literal in a test or an example is low.
  for (const char* p :
       {"tests/test_db.py", "spec/mailer_spec.rb", "examples/main.go"}) {
    EXPECT_EQ(FindingConfidence(kGenericPassword, MakeFinding(p, "orchard7")),
              Confidence::kLow)
        << p;
  }
  // A file of no known kind (a notes file, stdin) gives no lift.
  EXPECT_EQ(
      FindingConfidence(kGenericPassword, MakeFinding("notes", "orchard7")),
      Confidence::kLow);
}

// A password a program printed into its log is a leak, weak or not; a
// random token there is high. In a test's log it is low, as in the test.
TEST(ConfidenceTest, PasswordInALogIsReported) {
  for (const char* p :
       {"app.log", "var/log/worker.log", "logs/api.txt", "api.log.2.gz"}) {
    EXPECT_EQ(FindingConfidence(kGenericPassword, MakeFinding(p, "orchard7")),
              Confidence::kMedium)
        << p;
  }
  const Rule generic_secret = MakeRule("low", "api-key", true);
  EXPECT_EQ(
      FindingConfidence(generic_secret,
                        MakeFinding("app.log", "Xq7vL2mK9pR4tW8zN3cY6bH1")),
      Confidence::kHigh);
  EXPECT_EQ(
      FindingConfidence(kGenericPassword,
                        MakeFinding("tests/fixtures/app.log", "orchard7")),
      Confidence::kLow);
}

TEST(ConfidenceTest, SameWordInReadmeOrTestScriptIsLow) {
  for (const char* p : {"README.md", "docs/install.rst", "tests/login.sh",
                        "test_login.py", "spec/fixtures/users.rb"}) {
    EXPECT_EQ(
        FindingConfidence(kGenericPassword, MakeFinding(p, "s00p3rs3cr3t")),
        Confidence::kLow)
        << p;
  }
}

TEST(ConfidenceTest, RandomValueRaisesTokenKindsOnly) {
  const Rule generic_secret = MakeRule("low", "api-key", true);
  std::string hex = "9f3b7c2e8a1d4f6b0c5e9a7d3b2f8e41";
  // `$app_secret = '<32 hex>'` in code: reported.
  EXPECT_EQ(FindingConfidence(generic_secret, MakeFinding("lib/app.php", hex)),
            Confidence::kMedium);
  // ... but not in a test file.
  EXPECT_EQ(
      FindingConfidence(generic_secret, MakeFinding("tests/app_test.php", hex)),
      Confidence::kLow);
  // A weak api key in code is low even from a medium rule.
  const Rule medium_key = MakeRule("medium", "api-key", false);
  EXPECT_EQ(FindingConfidence(medium_key, MakeFinding("src/a.go", "abc123")),
            Confidence::kLow);
  // A random-looking password is a real one: in code it is high, in a test
  // it stays low.
  EXPECT_EQ(FindingConfidence(kGenericPassword, MakeFinding("src/db.py", hex)),
            Confidence::kHigh);
  EXPECT_EQ(
      FindingConfidence(kGenericPassword, MakeFinding("tests/db_test.py", hex)),
      Confidence::kLow);
}

TEST(ConfidenceTest, WordLikeValuesAreWeakWhateverTheirEntropy) {
  // Long identifiers and phrases have the entropy of a token; the BPE score
  // (characters per token) tells them apart, for rules without a prefix.
  const Rule generic_secret = MakeRule("medium", "api-key", true);
  for (const char* wordy :
       {"getUserPasswordHashFromCache", "DefaultConnectionStringBuilder",
        "correct-horse-battery-staple-words"}) {
    EXPECT_EQ(
        FindingConfidence(generic_secret, MakeFinding("src/app.py", wordy)),
        Confidence::kLow)
        << wordy;
  }
  // A random value of the same length under the same rule stays reported.
  EXPECT_EQ(FindingConfidence(
                generic_secret,
                MakeFinding("src/app.py", "q7Zk2Lp9Xv4Rt8Wm3Nc6Bj1Hd5Fs0Gy")),
            Confidence::kHigh);
  // A literal-prefix rule is judged by its prefix, not by the score.
  EXPECT_EQ(FindingConfidence(
                kGithub, MakeFinding("src/app.py", test::FakeGithubToken(7))),
            Confidence::kHigh);
}

TEST(ConfidenceTest, PriorIsTheStartingPoint) {
  ConfidenceInputs in;
  for (Confidence prior :
       {Confidence::kLow, Confidence::kMedium, Confidence::kHigh}) {
    in.prior = prior;
    EXPECT_EQ(ComputeConfidence(in), prior);
  }
  in.prior = Confidence::kMedium;
  in.path.config = true;
  EXPECT_EQ(ComputeConfidence(in), Confidence::kHigh);
  in.path = {};
  in.path.docs = true;
  EXPECT_EQ(ComputeConfidence(in), Confidence::kLow);
  // A literal-prefix rule without a high prior gets no floor (JWT-like).
  in.literal_prefix = true;
  EXPECT_EQ(ComputeConfidence(in), Confidence::kLow);
  in.prior = Confidence::kHigh;
  in.path.test = true;
  EXPECT_EQ(ComputeConfidence(in), Confidence::kMedium);
  in.literal_prefix = false;
  EXPECT_EQ(ComputeConfidence(in), Confidence::kLow);
}

TEST(ConfidenceTest, RecomputeUsesTheFindingsNewPath) {
  std::vector<Rule> rules = {kGenericPassword};
  rules[0].id = "generic.pw";
  Finding f = MakeFinding("", "orchard7");
  f.rule_id = "generic.pw";
  f.confidence = Confidence::kHigh;
  std::vector<Finding> fs = {f, f};
  fs[0].path = ".env";
  fs[1].path = "README.md";
  fs[1].rule_id = "not.loaded";  // unknown rule: left alone
  RecomputeConfidence(rules, &fs);
  EXPECT_EQ(fs[0].confidence, Confidence::kMedium);
  EXPECT_EQ(fs[1].confidence, Confidence::kHigh);
}

TEST(ConfidenceTest, NamesRoundTrip) {
  for (Confidence c :
       {Confidence::kLow, Confidence::kMedium, Confidence::kHigh}) {
    Confidence back = Confidence::kLow;
    ASSERT_TRUE(ParseConfidence(ConfidenceName(c), &back));
    EXPECT_EQ(back, c);
  }
  Confidence c;
  EXPECT_FALSE(ParseConfidence("very-high", &c));
  EXPECT_FALSE(ParseConfidence("High", &c));
}

}  // namespace
}  // namespace keyward

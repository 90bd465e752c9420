// Confidence on findings and --min-confidence / min_confidence, end to end
// through the real binary (directory scans and stdin; git modes are in
// tests/cli/git_confidence_cli_test.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward {
namespace {

using test::FakeGithubToken;
using test::RunKeyward;
using test::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

// A weak, human-chosen password (made up for these tests): the generic
// password rules find it; where it is decides its confidence.
constexpr char kWeak[] = "m0rn1ngDew7";

// One low, one medium and one high finding:
//   README.md      the password in documentation      low
//   deploy/.env    the password in a committed .env    medium
//   src/client.py  a GitHub token, checksum verified   high
void WriteTree(const TempDir& dir, const std::string& token) {
  dir.Write("README.md",
            "# Setup\n\nSet the database password:\n\n    DB_PASSWORD=" +
                std::string(kWeak) + "\n");
  dir.Write("deploy/.env",
            "DB_HOST=db\nDB_PASSWORD=" + std::string(kWeak) + "\n");
  dir.Write("src/client.py", "TOKEN = \"" + token + "\"\n");
}

struct Scan {
  int exit_code;
  nlohmann::json report;
  std::string err;
};

Scan ScanJson(const TempDir& dir, std::vector<std::string> args) {
  std::vector<std::string> argv = {"scan", "--no-cache", "--format", "json"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(".");
  auto r = RunKeyward(argv, "", {}, dir.path());
  return {r.exit_code, nlohmann::json::parse(r.out, nullptr, false), r.err};
}

// "path=confidence" per finding, in report order.
std::vector<std::string> Levels(const nlohmann::json& report) {
  std::vector<std::string> out;
  for (const auto& f : report["findings"]) {
    out.push_back(f.value("path", "") + "=" + f.value("confidence", "?"));
  }
  return out;
}

// "path:line=confidence" of each finding, in report order.
std::vector<std::string> LineLevels(const nlohmann::json& report) {
  std::vector<std::string> out;
  for (const auto& f : report["findings"]) {
    out.push_back(f.value("path", "") + ":" +
                  std::to_string(f.value("line", 0)) + "=" +
                  f.value("confidence", "?"));
  }
  return out;
}

TEST(ConfidenceCliTest, DefaultHidesLowFindings) {
  TempDir dir;
  WriteTree(dir, FakeGithubToken(21));
  auto s = ScanJson(dir, {});
  EXPECT_EQ(s.exit_code, 1) << s.err;
  EXPECT_THAT(Levels(s.report), ::testing::ElementsAre("deploy/.env=medium",
                                                       "src/client.py=high"));
  EXPECT_EQ(s.report["findings"][1]["checksum_verified"], true);
  EXPECT_EQ(s.report["findings"][0].count("checksum_verified"), 0u);
  EXPECT_EQ(s.report["stats"]["below_min_confidence"], 1);

  s = ScanJson(dir, {"--min-confidence", "low"});
  EXPECT_EQ(s.exit_code, 1) << s.err;
  EXPECT_THAT(Levels(s.report),
              ::testing::ElementsAre("README.md=low", "deploy/.env=medium",
                                     "src/client.py=high"));
  EXPECT_EQ(s.report["stats"]["below_min_confidence"], 0);

  s = ScanJson(dir, {"--min-confidence", "high"});
  EXPECT_EQ(s.exit_code, 1) << s.err;
  EXPECT_THAT(Levels(s.report), ::testing::ElementsAre("src/client.py=high"));
}

TEST(ConfidenceCliTest, ExitCodeFollowsTheThreshold) {
  TempDir dir;
  dir.Write("README.md", "DB_PASSWORD=" + std::string(kWeak) + "\n");
  auto r = RunKeyward({"scan", "--no-cache", "."}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("0 findings in 1 file"));
  EXPECT_THAT(r.err, HasSubstr("1 below --min-confidence"));
  r = RunKeyward({"scan", "--no-cache", "--min-confidence", "low", "."}, "", {},
                 dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("README.md:1:"));

  // A medium finding fails the default run, not a --min-confidence high one.
  dir.Write(".env", "DB_PASSWORD=" + std::string(kWeak) + "\n");
  EXPECT_EQ(
      RunKeyward({"scan", "--no-cache", "."}, "", {}, dir.path()).exit_code, 1);
  EXPECT_EQ(RunKeyward({"scan", "--no-cache", "--min-confidence", "high", "."},
                       "", {}, dir.path())
                .exit_code,
            0);
}

TEST(ConfidenceCliTest, BadFlagValueExitsTwo) {
  TempDir dir;
  auto r = RunKeyward({"scan", "--min-confidence", "certain", "."}, "", {},
                      dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--min-confidence expects low, medium or high"));
}

TEST(ConfidenceCliTest, ConfigFileSetsItAndTheFlagWins) {
  TempDir dir;
  WriteTree(dir, FakeGithubToken(22));
  dir.Write(".keyward.yaml", "fail_on: low\nmin_confidence: low\n");
  auto s = ScanJson(dir, {});
  EXPECT_EQ(s.exit_code, 1) << s.err;
  EXPECT_EQ(s.report["findings"].size(), 3u);
  s = ScanJson(dir, {"--min-confidence", "medium"});
  EXPECT_EQ(s.report["findings"].size(), 2u);

  dir.Write(".keyward.yaml", "min_confidence: high\n");
  s = ScanJson(dir, {});
  EXPECT_THAT(Levels(s.report), ::testing::ElementsAre("src/client.py=high"));

  // A bad value names the file and the line; exit 2.
  dir.Write(".keyward.yaml", "fail_on: low\nmin_confidence: sure\n");
  auto r = RunKeyward({"scan", "."}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(".keyward.yaml:2: `min_confidence` must be"));
}

TEST(ConfidenceCliTest, StdinHonoursTheThreshold) {
  // Standard input has no path: the value and the rule decide. A weak
  // password from a generic rule is low there.
  std::string input = "DB_PASSWORD=" + std::string(kWeak) + "\n";
  auto r = RunKeyward({"scan", "--no-cache", "-"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("1 below --min-confidence"));
  r = RunKeyward({"scan", "--no-cache", "--min-confidence", "low", "-"}, input);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // A verified token from stdin is high.
  r = RunKeyward({"scan", "--no-cache", "--min-confidence", "high", "-"},
                 "t=" + FakeGithubToken(23) + "\n");
  EXPECT_EQ(r.exit_code, 1) << r.err;
}

TEST(ConfidenceCliTest, EveryFormatCarriesIt) {
  TempDir dir;
  std::string token = FakeGithubToken(24);
  WriteTree(dir, token);
  // Text: only with -v.
  auto r = RunKeyward({"scan", "--no-cache", "."}, "", {}, dir.path());
  EXPECT_THAT(r.out, Not(HasSubstr("confidence")));
  r = RunKeyward({"scan", "--no-cache", "-v", "."}, "", {}, dir.path());
  EXPECT_THAT(r.out, HasSubstr("deploy/.env:2:13  "));
  EXPECT_THAT(r.out, HasSubstr("  confidence medium\n"));
  EXPECT_THAT(r.out, HasSubstr("  confidence high (checksum verified)\n"));
  EXPECT_THAT(r.out, Not(HasSubstr(token)));
  // JSONL.
  r = RunKeyward({"scan", "--no-cache", "--format", "jsonl", "."}, "", {},
                 dir.path());
  std::vector<std::string> levels;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    levels.push_back(nlohmann::json::parse(line).value("confidence", "?"));
  }
  EXPECT_THAT(levels, ::testing::ElementsAre("medium", "high"));
  // SARIF: result properties; the rule keeps its precision.
  r = RunKeyward({"scan", "--no-cache", "--format", "sarif", "."}, "", {},
                 dir.path());
  auto sarif = nlohmann::json::parse(r.out);
  const auto& run = sarif["runs"][0];
  ASSERT_EQ(run["results"].size(), 2u);
  for (const auto& res : run["results"]) {
    std::string uri =
        res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    const auto& props = res["properties"];
    if (uri == "src/client.py") {
      EXPECT_EQ(props["confidence"], "high");
      EXPECT_EQ(props["checksumVerified"], true);
      int idx = res["ruleIndex"];
      EXPECT_EQ(run["tool"]["driver"]["rules"][idx]["properties"]["precision"],
                "high");
    } else {
      EXPECT_EQ(uri, "deploy/.env");
      EXPECT_EQ(props["confidence"], "medium");
      EXPECT_EQ(props.count("checksumVerified"), 0u);
    }
  }
}

// age-keygen writes its identity to `key.txt` (SOPS reads `keys.txt`): a
// text file, which counts as documentation, yet an identity whose bech32
// checksum verifies is a minted key and stays high there; a string of the
// same shape whose checksum fails is medium.
TEST(ConfidenceCliTest, AgeIdentitiesWithAValidChecksumAreHighInTextFiles) {
  TempDir dir;
  // Made for this test: 32 random bytes, bech32-encoded (BIP 173).
  const std::string key =
      "AGE-SECRET-KEY-18RMXUCX8W088XW7AND3JMD2LJDC02QZ7RDQ20LL0UGEFKFLG3NMQRH"
      "KTG3";
  dir.Write("secrets/age/key.txt",
            "# created: 2026-12-06T09:00:00Z\n" + key + "\n");
  auto s = ScanJson(dir, {});
  ASSERT_EQ(s.report["findings"].size(), 1u) << s.err;
  EXPECT_EQ(s.report["findings"][0]["rule_id"], "age.secret_key");
  EXPECT_EQ(s.report["findings"][0]["confidence"], "high");
  EXPECT_EQ(s.report["findings"][0]["checksum_verified"], true);
  std::string broken = key;
  broken[20] = broken[20] == 'Q' ? 'P' : 'Q';
  dir.Write("secrets/age/key.txt", broken + "\n");
  s = ScanJson(dir, {});
  ASSERT_EQ(s.report["findings"].size(), 1u) << s.err;
  EXPECT_EQ(s.report["findings"][0]["confidence"], "medium");
  EXPECT_EQ(s.report["findings"][0]["checksum_failed"], true);
}

TEST(ConfidenceCliTest, AnInvalidChecksumIsReportedAtMediumAndSaysSo) {
  // A GitHub token's exact shape whose checksum does not verify was not
  // minted by GitHub (a stand-in, a mangled copy): reported, at medium,
  // and every format says the checksum failed.
  TempDir dir;
  std::string token = FakeGithubToken(25);
  std::string broken = token;
  broken[8] = broken[8] == 'a' ? 'b' : 'a';
  dir.Write("src/client.py", "TOKEN = \"" + broken + "\"\n");
  auto s = ScanJson(dir, {});
  EXPECT_EQ(s.exit_code, 1) << s.err;
  ASSERT_EQ(s.report["findings"].size(), 1u);
  const auto& f = s.report["findings"][0];
  EXPECT_EQ(f["rule_id"], "github.pat.classic");
  EXPECT_EQ(f["confidence"], "medium");
  EXPECT_EQ(f["checksum_failed"], true);
  EXPECT_EQ(f.count("checksum_verified"), 0u);
  auto r = RunKeyward({"scan", "--no-cache", "-v", "."}, "", {}, dir.path());
  EXPECT_THAT(r.out,
              HasSubstr("  confidence medium (checksum does not verify)\n"));
  EXPECT_THAT(r.out, Not(HasSubstr(broken)));
  r = RunKeyward({"scan", "--no-cache", "--format", "sarif", "."}, "", {},
                 dir.path());
  auto sarif = nlohmann::json::parse(r.out);
  ASSERT_EQ(sarif["runs"][0]["results"].size(), 1u);
  EXPECT_EQ(sarif["runs"][0]["results"][0]["properties"]["checksumFailed"],
            true);
  // The minted one: high, verified, not failed.
  dir.Write("src/client.py", "TOKEN = \"" + token + "\"\n");
  s = ScanJson(dir, {});
  ASSERT_EQ(s.report["findings"].size(), 1u);
  EXPECT_EQ(s.report["findings"][0]["rule_id"], "github.pat.classic");
  EXPECT_EQ(s.report["findings"][0]["confidence"], "high");
  EXPECT_EQ(s.report["findings"][0].count("checksum_failed"), 0u);
}

}  // namespace
}  // namespace keyward

namespace keyward {
namespace {

// Passwords as people commit them (issue 12): weak words in configuration
// files, name/value pairs, Dockerfile ENV lines and literals in program
// source are reported by default; the same words in notes, tests and
// placeholders are not.
// --stdin-filename: stdin scanned as a file of that name. A log's password
// is reported (a log raises confidence), the finding carries the name, and
// a name whose type takes file-format rules runs them.
TEST(ConfidenceCliTest, StdinFilenameGivesStdinAType) {
  std::string log = "2024-05-01 12:00:01 INFO connecting with password=" +
                    std::string(kWeak) + " to db\n";
  auto r = RunKeyward({"scan", "--no-cache", "--format", "json", "-"}, log);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunKeyward({"scan", "--no-cache", "--format", "json", "--stdin-filename",
                  "var/log/api.log", "-"},
                 log);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto report = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_THAT(Levels(report), ::testing::ElementsAre("var/log/api.log=medium"));
  // The same text named as documentation is low again.
  r = RunKeyward({"scan", "--no-cache", "--stdin-filename", "README.md", "-"},
                 log);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // A file-format rule runs on stdin named as its file (.pgpass lines).
  std::string pgpass =
      "db.corp.example:5432:orders:app:" + std::string(kWeak) + "\n";
  r = RunKeyward({"scan", "--no-cache", "--format", "jsonl", "-"}, pgpass);
  EXPECT_THAT(r.out, Not(HasSubstr("pgpass.line"))) << r.err;
  r = RunKeyward({"scan", "--no-cache", "--format", "jsonl", "--stdin-filename",
                  ".pgpass", "-"},
                 pgpass);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("pgpass.line"));
  EXPECT_THAT(r.out, HasSubstr("\"path\":\".pgpass\""));
  // Without - among the paths the flag has nothing to name: exit 2.
  r = RunKeyward({"scan", "--no-cache", "--stdin-filename", "app.log", "."});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--stdin-filename"));
}

TEST(ConfidenceCliTest, CommittedPasswordsAreReportedWhereTheyShip) {
  TempDir dir;
  dir.Write("settings.ini",
            "[mail]\nsmtp_pass = orchard\nfallback = 1\n"
            "password = changeme\n");
  dir.Write("deploy/.env", "MAILER_PASSWORD=lanternfish\n");
  dir.Write("k8s/deploy.yaml",
            "env:\n  - name: DB_PASSWORD\n    value: tidepool42\n"
            "  - name: API_TOKEN\n    valueFrom:\n      secretKeyRef: "
            "{name: api, key: token}\n");
  dir.Write("Dockerfile",
            "FROM debian\nENV DEPLOY_TOKEN 7vQm2Kx9LpR4tZ8w\n"
            "ENV DEPLOY_TOKEN=$DEPLOY_TOKEN\n");
  dir.Write("src/db.py", "import os\npassword = \"orchard7\"\n");
  dir.Write("notes.txt", "smtp_pass = orchard\n");
  dir.Write("tests/test_db.py", "password = \"orchard7\"\n");
  Scan s = ScanJson(dir, {});
  ASSERT_EQ(s.exit_code, 1) << s.err;
  std::vector<std::string> where;
  for (const auto& f : s.report["findings"]) {
    where.push_back(f.value("path", "") + ":" +
                    std::to_string(f.value("line", 0)));
  }
  EXPECT_THAT(where, ::testing::UnorderedElementsAre(
                         "settings.ini:2", "deploy/.env:1", "k8s/deploy.yaml:3",
                         "Dockerfile:2", "src/db.py:2"));
  // The test file's literal is there at --min-confidence low.
  Scan low = ScanJson(dir, {"--min-confidence", "low"});
  EXPECT_THAT(Levels(low.report), ::testing::Contains("tests/test_db.py=low"));
}

// Documentation written into code is read as documentation: an Ansible
// module's EXAMPLES string and a function's docstring lower a value that
// the same assignment in the module's code keeps (issue 12, precision on
// real code). A value that repeats its key is no value.
TEST(ConfidenceCliTest, DocStringsAndExampleBlocksInCodeAreDocumentation) {
  TempDir dir;
  const std::string key = "9f3b7d1e5a2c8f4b6d0e3a7c1f5b9d2e4c6a8b0d";
  dir.Write("plugins/modules/vendor_user.py",
            "#!/usr/bin/python\n"
            "EXAMPLES = r'''\n"
            "- name: Create a user\n"
            "  vendor_user:\n"
            "    api_token: " +
                key +
                "\n"
                "'''\n"
                "def main():\n"
                "    '''Connects.\n\n    api_token = \"" +
                key +
                "\"\n    '''\n"
                "    api_token = \"" +
                key + "\"\n");
  dir.Write("src/lib.rs", "/// let client = Client::new(\"" + key +
                              "\");\n/// api_token = \"" + key +
                              "\"\npub struct Client;\n");
  dir.Write("deploy/share.yaml", "share_password: share_password\n");
  auto s = ScanJson(dir, {"--min-confidence", "low"});
  EXPECT_EQ(
      LineLevels(s.report),
      (std::vector<std::string>{"plugins/modules/vendor_user.py:5=low",
                                "plugins/modules/vendor_user.py:10=low",
                                "plugins/modules/vendor_user.py:12=medium",
                                "src/lib.rs:2=low"}))
      << s.err;
}

// A template's commented-out entries are documentation too: Maven's own
// settings.xml ships `proxyuser`/`proxypass` and `repouser`/`repopwd` in
// XML comments. A real entry below them is still reported, and so is a
// random-looking value left in a comment.
TEST(ConfidenceCliTest, CommentedOutXmlTemplateEntriesAreDocumentation) {
  TempDir dir;
  dir.Write(".m2/settings.xml",
            "<settings>\n"
            "  <servers>\n"
            "    <!-- server\n"
            "     | Authentication for one server.\n"
            "     |\n"
            "    <server>\n"
            "      <id>deploymentRepo</id>\n"
            "      <username>repouser</username>\n"
            "      <password>repopwd</password>\n"
            "    </server>\n"
            "    -->\n"
            "    <server>\n"
            "      <id>nexus</id>\n"
            "      <username>ci</username>\n"
            "      <password>Qm7vT2-kWx9Lp</password>\n"
            "    </server>\n"
            "    <!-- <server><id>old</id><username>ci</username>"
            "<password>Zr4nB8wLq2Vt6Xc</password></server> -->\n"
            "  </servers>\n"
            "</settings>\n");
  auto s = ScanJson(dir, {"--min-confidence", "low"});
  for (const auto& f : s.report["findings"]) {
    EXPECT_EQ(f.value("rule_id", ""), "maven.settings_password");
  }
  EXPECT_EQ(LineLevels(s.report),
            (std::vector<std::string>{".m2/settings.xml:9=low",
                                      ".m2/settings.xml:15=high",
                                      ".m2/settings.xml:17=high"}))
      << s.err;
}

}  // namespace
}  // namespace keyward

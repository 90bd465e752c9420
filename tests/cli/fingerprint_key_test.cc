// Keyed fingerprints end to end (issue 14, class 4): no report, baseline,
// allowlist hint or ticket holds SHA-256 of a secret, and baselines,
// allowlists, tickets and inventory matching keep working across runs and
// machines that share the fingerprint key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/crypto.h"
#include "keyward/finding.h"
#include "support/run.h"

namespace keyward {
namespace {

namespace fs = std::filesystem;
using test::ReadFile;
using test::RunKeyward;
using test::RunResult;
using test::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

// A weak, human-chosen password (made up): exactly what a dictionary guess
// would confirm from an unkeyed SHA-256.
constexpr char kPassword[] = "m0rn1ngDew7";
constexpr char kKeyA[] = "KEYWARD_FINGERPRINT_KEY=org-key-a-0123456789abcdef";
constexpr char kKeyB[] = "KEYWARD_FINGERPRINT_KEY=org-key-b-0123456789abcdef";

class FingerprintKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_.Write("deploy/.env",
                "DB_HOST=db\nDB_PASSWORD=" + std::string(kPassword) + "\n");
  }
  // A machine: its own HOME and XDG dirs, and the given extra environment.
  RunResult Run(std::vector<std::string> args,
                std::vector<std::string> env = {kKeyA},
                const std::string& home = "") {
    std::string h = home.empty() ? home_.path() : home;
    env.insert(env.begin(),
               {"HOME=" + h, "XDG_CONFIG_HOME=" + h + "/.config",
                "KEYWARD_INVENTORY=", "KEYWARD_INVENTORY_PEPPER="});
    return RunKeyward(args, "", env, repo_.path());
  }
  nlohmann::json ScanJson(std::vector<std::string> extra = {},
                          std::vector<std::string> env = {kKeyA},
                          const std::string& home = "",
                          RunResult* raw = nullptr) {
    std::vector<std::string> args = {"scan", "--no-cache", "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("deploy");
    RunResult r = Run(args, env, home);
    if (raw) *raw = r;
    auto doc = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << r.out << r.err;
    return doc;
  }
  std::string FirstFingerprint(const nlohmann::json& doc) {
    if (!doc.contains("findings") || doc["findings"].empty()) return "";
    return doc["findings"][0].value("fingerprint", "");
  }
  // Neither the password nor its plain SHA-256 (either case) is in `text`.
  void ExpectNothingGuessable(const std::string& text,
                              const std::string& what) {
    std::string hex = Sha256Hex(kPassword);
    std::string upper = hex;
    for (char& c : upper) c = static_cast<char>(std::toupper(c));
    EXPECT_THAT(text, Not(HasSubstr(hex))) << what;
    EXPECT_THAT(text, Not(HasSubstr(upper))) << what;
    EXPECT_THAT(text, Not(HasSubstr(kPassword))) << what;
  }

  TempDir repo_;
  TempDir home_;
};

TEST_F(FingerprintKeyTest, SameKeySameFingerprintOtherKeyOther) {
  std::string a1 = FirstFingerprint(ScanJson());
  std::string a2 = FirstFingerprint(ScanJson());
  std::string b = FirstFingerprint(ScanJson({}, {kKeyB}));
  ASSERT_EQ(a1.rfind("hmac-sha256:", 0), 0u) << a1;
  EXPECT_EQ(a1.size(), 12u + 64u);
  EXPECT_EQ(a1, a2);
  EXPECT_NE(a1, b);
  EXPECT_NE(a1.substr(12), Sha256Hex(kPassword));
}

TEST_F(FingerprintKeyTest, NoOutputHoldsTheSecretsSha256) {
  std::filesystem::create_directories(repo_.path() + "/out");
  RunResult r =
      Run({"scan", "--no-cache", "--format", "json", "-o", "out/r.json",
           "--report", "jsonl=out/r.jsonl", "--report", "sarif=out/r.sarif",
           "--report", "text=out/r.txt", "--baseline-out", "out/baseline.json",
           "--tickets", "out/tickets", "deploy"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ExpectNothingGuessable(r.out + r.err, "stdout/stderr");
  size_t files = 0;
  for (const auto& e :
       fs::recursive_directory_iterator(repo_.path() + "/out")) {
    if (!e.is_regular_file()) continue;
    ++files;
    ExpectNothingGuessable(ReadFile(e.path().string()), e.path().string());
  }
  EXPECT_GE(files, 8u);  // 4 reports, baseline, ticket json/md, csv, index
  // `tickets` from the saved report writes none either.
  r = Run({"tickets", "--from", "out/r.json", "--out", "out/t2", "--today",
           "2026-05-01"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& e :
       fs::recursive_directory_iterator(repo_.path() + "/out/t2"))
    if (e.is_regular_file())
      ExpectNothingGuessable(ReadFile(e.path().string()), e.path().string());
}

TEST_F(FingerprintKeyTest, BaselineWorksAcrossRunsAndMachinesWithOneKey) {
  RunResult r =
      Run({"scan", "--no-cache", "--baseline-out", "b.json", "deploy"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto baseline = nlohmann::json::parse(ReadFile(repo_.path() + "/b.json"));
  EXPECT_TRUE(baseline["fingerprint_key"].is_string());
  // Second run, same machine.
  r = Run({"scan", "--no-cache", "--baseline", "b.json", "deploy"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Second machine: another HOME, the same key from the environment (CI).
  TempDir other_home;
  r = Run({"scan", "--no-cache", "--baseline", "b.json", "deploy"}, {kKeyA},
          other_home.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(other_home.path() + "/.config/keyward"));
  // Another key: nothing matches, and the run says why.
  r = Run({"scan", "--no-cache", "--baseline", "b.json", "deploy"}, {kKeyB});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("was written with fingerprint key"));
  EXPECT_THAT(r.err, HasSubstr("KEYWARD_FINGERPRINT_KEY"));
}

TEST_F(FingerprintKeyTest, OldSha256BaselineIsHonouredWithANotice) {
  auto doc = ScanJson();
  ASSERT_FALSE(doc["findings"].empty());
  std::string rule = doc["findings"][0]["rule_id"];
  nlohmann::json old = {{"version", 1},
                        {"entries",
                         {{{"rule_id", rule},
                           {"fingerprint", "sha256:" + Sha256Hex(kPassword)},
                           {"path", "deploy/.env"}}}}};
  repo_.Write("old.json", old.dump());
  RunResult r = Run({"scan", "--no-cache", "--baseline", "old.json",
                     "--baseline-out", "old.json", "deploy"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("old unkeyed `sha256:` fingerprint"));
  EXPECT_THAT(r.err, HasSubstr("--baseline-out old.json"));
  // Rewritten as told: keyed, still suppressing, no more notice.
  std::string rewritten = ReadFile(repo_.path() + "/old.json");
  ExpectNothingGuessable(rewritten, "rewritten baseline");
  EXPECT_THAT(rewritten, HasSubstr("hmac-sha256:"));
  r = Run({"scan", "--no-cache", "--baseline", "old.json", "deploy"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("sha256:` fingerprint")));
}

TEST_F(FingerprintKeyTest, OldAndKeyedAllowEntriesBothSuppress) {
  std::string fp = FirstFingerprint(ScanJson());
  repo_.Write(".keyward.yaml",
              "allow:\n  - fingerprint: sha256:" + Sha256Hex(kPassword) +
                  "\n    reason: test fixture\n");
  RunResult r =
      Run({"scan", "--no-cache", "--config", ".keyward.yaml", "deploy"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(".keyward.yaml:2: `allow` entry with an old"));
  EXPECT_THAT(r.err, HasSubstr("fingerprint: " + fp));  // what to write
  repo_.Write(".keyward.yaml",
              "allow:\n  - fingerprint: " + fp + "\n    reason: fixture\n");
  r = Run({"scan", "--no-cache", "--config", ".keyward.yaml", "deploy"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("old unkeyed")));
}

TEST_F(FingerprintKeyTest, PerUserKeyIsCreatedOnceWithANotice) {
  // No key in the environment: a key file in the (temporary) home.
  std::vector<std::string> no_key = {"KEYWARD_FINGERPRINT_KEY="};
  RunResult first;
  std::string fp1 = FirstFingerprint(ScanJson({}, no_key, "", &first));
  std::string key_file = home_.path() + "/.config/keyward/fingerprint.key";
  ASSERT_TRUE(fs::exists(key_file)) << first.err;
  struct stat st;
  ASSERT_EQ(stat(key_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_THAT(first.err, HasSubstr("created a per-user fingerprint key"));
  RunResult second;
  std::string fp2 = FirstFingerprint(ScanJson({}, no_key, "", &second));
  EXPECT_EQ(fp1, fp2);
  EXPECT_THAT(second.err, Not(HasSubstr("created a per-user")));
  // The same key given to another machine by file gives the same result.
  TempDir other;
  std::string fp3 = FirstFingerprint(ScanJson(
      {},
      {"KEYWARD_FINGERPRINT_KEY=", "KEYWARD_FINGERPRINT_KEY_FILE=" + key_file},
      other.path()));
  EXPECT_EQ(fp1, fp3);
  // A key too short to resist guessing is refused.
  RunResult r =
      Run({"scan", "--no-cache", "deploy"}, {"KEYWARD_FINGERPRINT_KEY=short"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("at least 16 bytes"));
}

TEST_F(FingerprintKeyTest, InventoryMatchesFromAScanAndFromTickets) {
  TempDir ops;
  std::string inv = ops.path() + "/inv.json";
  auto run_inv = [&](std::vector<std::string> args, const std::string& in) {
    args.insert(args.begin(), {"inventory", "--inventory", inv});
    return RunKeyward(args, in, {kKeyA}, repo_.path());
  };
  ASSERT_EQ(run_inv({"init"}, "").exit_code, 0);
  RunResult r = run_inv(
      {"add", "--name", "Orders DB - production", "--owner", "platform",
       "--environment", "production", "--secret-stdin", "--today=2026-05-01"},
      std::string(kPassword) + "\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // From a scan.
  auto doc = ScanJson({"--inventory", inv});
  ASSERT_FALSE(doc["findings"].empty());
  EXPECT_EQ(doc["findings"][0]["credential"]["id"], "orders-db-production");
  // From `tickets` on a report made without the inventory.
  r = Run({"scan", "--no-cache", "--format", "json", "-o", "r.json", "deploy"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  r = Run({"tickets", "--from", "r.json", "--inventory", inv, "--out", "t",
           "--today", "2026-05-01", "--no-audit"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto index = nlohmann::json::parse(ReadFile(repo_.path() + "/t/index.json"));
  ASSERT_EQ(index["tickets"].size(), 1u);
  std::string id = index["tickets"][0]["id"];
  auto ticket =
      nlohmann::json::parse(ReadFile(repo_.path() + "/t/" + id + ".json"));
  EXPECT_EQ(ticket["credential"]["id"], "orders-db-production");
  // With another key the seal does not open: no match, and a warning.
  r = Run({"tickets", "--from", "r.json", "--inventory", inv, "--out", "t3",
           "--today", "2026-05-01", "--no-audit"},
          {kKeyB});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("under another fingerprint key"));
}

TEST_F(FingerprintKeyTest, OldTicketStateMovesToTheKeyedId) {
  // Tickets written before keyed fingerprints: a report with a sha256 key.
  auto doc = ScanJson();
  ASSERT_FALSE(doc["findings"].empty());
  auto old_report = doc;
  old_report["findings"][0]["fingerprint"] = "sha256:" + Sha256Hex(kPassword);
  old_report["findings"][0].erase("fingerprint_seal");
  // What an old keyward wrote: the ticket keyed by SHA-256 of the secret.
  std::string old_key = "sha256:" + Sha256Hex(kPassword);
  std::string old_id = "KW-" + Sha256Hex(old_key).substr(0, 10);
  nlohmann::json old_ticket = {{"version", 1},
                               {"id", old_id},
                               {"key", old_key},
                               {"title", "old"},
                               {"action", "revoke-now"},
                               {"priority", "P1"},
                               {"status", "in-progress"},
                               {"notes", "rotating, see CHG-1"},
                               {"first_seen", "2026-01-01"},
                               {"last_seen", "2026-01-01"}};
  repo_.Write("t/" + old_id + ".json", old_ticket.dump());
  repo_.Write("old.json", old_report.dump());
  RunResult r = Run(
      {"tickets", "--from", "old.json", "--out", "t", "--today", "2026-05-01"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("old unkeyed `sha256:` fingerprint"));
  EXPECT_FALSE(fs::exists(repo_.path() + "/t/" + old_id + ".json"));
  auto index = nlohmann::json::parse(ReadFile(repo_.path() + "/t/index.json"));
  ASSERT_EQ(index["tickets"].size(), 1u);
  std::string id = index["tickets"][0]["id"];
  EXPECT_NE(id, old_id);
  auto t = nlohmann::json::parse(ReadFile(repo_.path() + "/t/" + id + ".json"));
  EXPECT_EQ(t["previous_id"], old_id);
  EXPECT_EQ(t["status"], "in-progress");
  EXPECT_EQ(t["notes"], "rotating, see CHG-1");
  EXPECT_EQ(t["first_seen"], "2026-01-01");
  EXPECT_EQ(t["key"], FirstFingerprint(doc));
  for (const auto& e : fs::directory_iterator(repo_.path() + "/t"))
    ExpectNothingGuessable(ReadFile(e.path().string()), e.path().string());
}

// Issue 14: a parse error on a line holding a token names the file and line
// but never prints the token, whichever file it is in.
TEST_F(FingerprintKeyTest, ParseErrorsNeverPrintAToken) {
  const std::string tok = "ghp_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c";
  struct Case {
    std::string file, content;
    std::vector<std::string> args;
  };
  std::vector<Case> cases = {
      {"c1.yaml", tok + ": 1\n", {"scan", "--config", "c1.yaml", "deploy"}},
      {"c2.yaml",
       "allow:\n  - fingerprint: " + tok + "\n    reason: r\n",
       {"scan", "--config", "c2.yaml", "deploy"}},
      {"c3.yaml",
       "allow:\n  - " + tok + ": x\n",
       {"scan", "--config", "c3.yaml", "deploy"}},
      {"c4.yaml",
       "disable_rules: [" + tok + "]\n",
       {"scan", "--config", "c4.yaml", "deploy"}},
      {"c5.yaml",
       "fail_on: " + tok + "\n",
       {"scan", "--config", "c5.yaml", "deploy"}},
      {"c6.yaml",
       "exclude: [\"" + tok + "\n",
       {"scan", "--config", "c6.yaml", "deploy"}},
      {"b1.json",
       "{\"version\":1,\"entries\":[{\"rule_id\":\"" + tok +
           "\",\"fingerprint\":3,\"path\":\"x\"}]}",
       {"scan", "--baseline", "b1.json", "deploy"}},
      {"b2.json",
       "{\"version\":1,\"entries\":[\"" + tok + "\" x]}",
       {"scan", "--baseline", "b2.json", "deploy"}},
      {"i1.json",
       "{\"version\":1,\"salt\":\"" + tok + "\"}",
       {"scan", "--inventory", "i1.json", "deploy"}},
      {"i2.json",
       "{\"version\":1,\"credentials\":[{\"id\":\"" + tok + "\",}]}",
       {"inventory", "--inventory", "i2.json", "list"}},
      {"x.csv",
       "name,password\nA,\"" + tok + "\n",
       {"inventory", "--inventory", "i3.json", "import", "x.csv"}},
  };
  ASSERT_EQ(Run({"inventory", "--inventory", "i3.json", "init"}).exit_code, 0);
  for (const Case& c : cases) {
    repo_.Write(c.file, c.content);
    RunResult r = Run(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.file << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.file)) << c.file;
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(tok.substr(4)))) << c.file;
  }
}

}  // namespace
}  // namespace keyward

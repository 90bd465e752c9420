// keyward scan + inventory, end to end: findings carry the credential.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward {
namespace {

using keyward::test::FakeGithubToken;
using keyward::test::ReadFile;
using keyward::test::RunKeyward;
using keyward::test::RunResult;
using keyward::test::TempDir;

class InventoryScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    inv_ = dir_.path() + "/ops/inv.json";
    dir_.Write("ops/.keep", "");
    Inv({"init"});
    Inv({"add", "--name", "Deploy bot - production - Platform", "--owner",
         "platform", "--environment", "production", "--access", "scoped",
         "--systems", "deployer,ci", "--secret-stdin"},
        known_);
    Inv({"add", "--name", "Old CI - staging - Platform", "--owner", "platform",
         "--environment", "staging", "--secret-stdin"},
        revoked_);
    Inv({"revoke", "old-ci-staging-platform", "--date", "2026-01-02"});
    dir_.Write("src/app.env", "DEPLOY=" + known_ + "\nOLD=" + revoked_ +
                                  "\nWHO=" + unknown_ + "\n");
  }
  void Inv(std::vector<std::string> args, const std::string& in = "") {
    args.insert(args.begin(), {"inventory", "--inventory", inv_});
    RunResult r = RunKeyward(args, in);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Scans src/ as JSON; returns the findings by line.
  std::map<int, nlohmann::json> Scan(std::vector<std::string> extra,
                                     std::vector<std::string> env = {}) {
    std::vector<std::string> args = {"scan", "--format", "json", "src"};
    args.insert(args.end(), extra.begin(), extra.end());
    last_ = RunKeyward(args, "", env, dir_.path());
    EXPECT_EQ(last_.exit_code, 1) << last_.err;
    std::map<int, nlohmann::json> by_line;
    // Keep the parsed report alive: a range-for over a member of a
    // temporary dangles before C++23.
    nlohmann::json report = nlohmann::json::parse(last_.out);
    for (const auto& f : report["findings"]) {
      by_line[f["line"].get<int>()] = f;
    }
    return by_line;
  }

  TempDir dir_;
  std::string inv_;
  const std::string known_ = FakeGithubToken(501);
  const std::string revoked_ = FakeGithubToken(502);
  const std::string unknown_ = FakeGithubToken(503);
  RunResult last_;
};

TEST_F(InventoryScanTest, FindingsCarryKnownRevokedAndUnknownCredentials) {
  auto f = Scan({"--inventory", inv_});
  ASSERT_EQ(f.size(), 3u) << last_.out;
  const auto& known = f[1]["credential"];
  EXPECT_EQ(known["id"], "deploy-bot-production-platform");
  EXPECT_EQ(known["owner"], "platform");
  EXPECT_EQ(known["environment"], "production");
  EXPECT_EQ(known["access"], "scoped");
  EXPECT_EQ(known["systems"], nlohmann::json({"deployer", "ci"}));
  EXPECT_EQ(known["status"], "active");
  EXPECT_EQ(f[2]["credential"]["status"], "revoked");
  EXPECT_EQ(f[2]["credential"]["note"], "revoked on 2026-01-02");
  EXPECT_EQ(f[3]["credential"], "unknown");
  for (const auto& s : {known_, revoked_, unknown_}) {
    EXPECT_EQ(last_.out.find(s), std::string::npos);
    EXPECT_EQ(last_.err.find(s), std::string::npos);
  }
}

TEST_F(InventoryScanTest, RotatedOutKeySaysSo) {
  Inv({"rotate", "deploy-bot-production-platform", "--secret-stdin", "--date",
       "2026-03-04"},
      FakeGithubToken(504));
  auto f = Scan({"--inventory", inv_});
  EXPECT_EQ(f[1]["credential"]["id"], "deploy-bot-production-platform");
  EXPECT_EQ(f[1]["credential"]["note"], "rotated out on 2026-03-04");
}

TEST_F(InventoryScanTest, InventoryFromEnvironmentOrDefaultFile) {
  auto from_env = Scan({}, {"KEYWARD_INVENTORY=" + inv_});
  EXPECT_EQ(from_env[1]["credential"]["owner"], "platform");
  // No flag, no variable, no ./keyward-inventory.json: no credential at all.
  auto none = Scan({});
  EXPECT_FALSE(none[1].contains("credential"));
  dir_.Write("keyward-inventory.json", ReadFile(inv_));
  auto by_default = Scan({});
  EXPECT_EQ(by_default[3]["credential"], "unknown");
}

// Every command finds the inventory and its pepper by one rule: an empty
// KEYWARD_INVENTORY_PEPPER is unset (the tickets command used to take it as
// an empty pepper and then match nothing in a salt-keyed file).
TEST_F(InventoryScanTest, EveryCommandReadsTheEnvironmentTheSameWay) {
  const std::vector<std::string> env = {"KEYWARD_INVENTORY=" + inv_,
                                        "KEYWARD_INVENTORY_PEPPER="};
  auto f = Scan({}, env);
  EXPECT_EQ(f[1]["credential"]["id"], "deploy-bot-production-platform");
  RunResult list = RunKeyward({"inventory", "list"}, "", env, dir_.path());
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("deploy-bot-production-platform"), std::string::npos);
  dir_.Write("report.json", last_.out);
  RunResult tickets = RunKeyward(
      {"tickets", "--from", "report.json", "--out", "tix", "--format", "json"},
      "", env, dir_.path());
  EXPECT_EQ(tickets.exit_code, 0) << tickets.err;
  std::string all;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(dir_.path() + "/tix")) {
    if (e.is_regular_file()) all += ReadFile(e.path().string());
  }
  all += tickets.out;
  EXPECT_NE(all.find("deploy-bot-production-platform"), std::string::npos)
      << tickets.err;
}

// A private key recorded from its key file (`inventory add --secret-stdin <
// id_rsa`) is the same secret the scan captures: the whole block from the
// BEGIN to the END line, wherever it is pasted.
TEST_F(InventoryScanTest, PrivateKeyAddedFromItsFileIsRecognisedWhenLeaked) {
  std::string body;
  for (int line = 0; line < 25; ++line) {
    std::string t = FakeGithubToken(600 + line);  // random-looking base64
    body += t.substr(4, 32) + t.substr(4, 32) + "\n";
  }
  const std::string key = "-----BEGIN RSA PRIVATE KEY-----\n" + body +
                          "-----END RSA PRIVATE KEY-----";
  Inv({"add", "--name", "Build signer - production - Release", "--owner",
       "release", "--environment", "production", "--secret-stdin"},
      key + "\n");  // a key file ends with a newline
  // Line 5: Scan() keys findings by line, and src/app.env has lines 1-3.
  dir_.Write("src/notes.md", "Pasted for the vendor:\n\n\n\n" + key + "\n");
  auto f = Scan({"--inventory", inv_});
  ASSERT_EQ(f.count(5), 1u) << last_.out;
  EXPECT_EQ(f[5]["rule_id"], "private_key.pem.rsa");
  EXPECT_EQ(f[5]["end_line"], 5 + 26);
  EXPECT_EQ(f[5]["credential"]["id"], "build-signer-production-release");
  EXPECT_EQ(last_.out.find(body.substr(0, 40)), std::string::npos);
}

TEST_F(InventoryScanTest, NamedButMissingInventoryIsAnError) {
  RunResult r =
      RunKeyward({"scan", "--inventory", dir_.path() + "/absent.json", "src"},
                 "", {}, dir_.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("absent.json"), std::string::npos);
}

}  // namespace
}  // namespace keyward

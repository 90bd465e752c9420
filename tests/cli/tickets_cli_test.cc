// `keyward tickets` and `scan --tickets`: from a saved report, idempotent
// reruns, usage errors, audit tickets kept.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "keyward/report.h"
#include "keyward/tickets.h"
#include "support/fake_secrets.h"
#include "support/run.h"
#include "tickets/ticket_fixtures.h"

namespace keyward {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using namespace ticket_fixtures;

std::string Report(const std::vector<Finding>& findings, bool show_secrets) {
  ReportOptions opts;
  opts.show_secrets = show_secrets;
  json j = {{"version", 1}, {"findings", json::array()}};
  for (const Finding& f : findings) {
    j["findings"].push_back(FindingToJson(f, opts));
  }
  return j.dump(2);
}

TEST(TicketsCliTest, FromSavedReportIdempotentAndSecretFree) {
  test::TempDir dir;
  Finding hist = MakeFinding(kSecretB, "deploy.sh", 4);
  hist.git = GitProvenance{"b", "c0ffee1234567890", "Ada", "", "2025-01-01", 1};
  // Even a --show-secrets report must not put a secret into tickets.
  std::string report =
      dir.Write("r.json", Report({MakeFinding(kSecretA, "src/a.py", 3),
                                  MakeFinding(kSecretA, "docs/x.md", 1), hist},
                                 true));
  std::vector<std::string> args = {"tickets",   "--from",           report,
                                   "--out",     dir.path() + "/tk", "--today",
                                   "2026-03-01"};
  auto r1 = test::RunKeyward(args);
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  auto first = ReadDir(dir.path() + "/tk");
  // json+md per ticket, index, csv; the lock file is gone after the run.
  EXPECT_EQ(first.size(), 2u * 2 + 2);
  EXPECT_EQ(first.count("index.json.lock"), 0u);
  auto r2 = test::RunKeyward(args);
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_EQ(ReadDir(dir.path() + "/tk"), first);
  for (const auto& [name, text] : first) {
    EXPECT_EQ(text.find(kSecretA), std::string::npos) << name;
    EXPECT_EQ(text.find(kSecretB), std::string::npos) << name;
  }
  json index = json::parse(first["index.json"]);
  ASSERT_EQ(index["tickets"].size(), 2u);
  EXPECT_EQ(index["tickets"][0]["action"], "revoke-now");
  EXPECT_EQ(index["tickets"][1]["action"], "revoke-now");
  EXPECT_EQ(r1.out.find(kSecretA), std::string::npos);
  EXPECT_EQ(r1.err.find(kSecretA), std::string::npos);
}

TEST(TicketsCliTest, BadInputIsUsageError) {
  test::TempDir dir;
  std::string bad = dir.Write("bad.json", "{\"findings\": 3}");
  EXPECT_EQ(
      test::RunKeyward({"tickets", "--from", bad, "--out", dir.path() + "/tk"})
          .exit_code,
      2);
  std::string ok = dir.Write("ok.json", Report({}, false));
  auto r = test::RunKeyward({"tickets", "--from", ok, "--out",
                             dir.path() + "/tk", "--format", "xml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("xml"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.path() + "/tk"));
}

TEST(TicketsCliTest, ScanWritesTicketsAndKeepsAuditTickets) {
  test::TempDir dir;
  // An audit-only ticket from an earlier `keyward tickets --inventory` run.
  AuditItem overdue;
  overdue.credential_id = "mailer";
  overdue.check = "rotation-overdue";
  std::string tk = dir.path() + "/tk";
  ASSERT_TRUE(TicketStore(tk)
                  .Update(BuildTickets({}, {overdue}, {}, Opts()), {}, Opts())
                  .ok());
  // Invented GitHub classic PAT with a valid checksum (github.pat.classic
  // drops tokens whose CRC-32 tail does not match).
  std::string token = test::FakeGithubToken(464);
  dir.Write("src/app.py", "token = \"" + token + "\"\n");
  auto r = test::RunKeyward({"scan", "--report", "tickets=" + tk, "--format",
                             "json", dir.path() + "/src"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto loaded = TicketStore(tk).Load();
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 2u);
  for (const Ticket& t : *loaded) {
    EXPECT_EQ(t.presence, "seen") << t.id;  // the audit ticket is untouched
    if (t.key != "inventory:mailer") {
      EXPECT_EQ(t.rule_id, "github.pat.classic");
      EXPECT_FALSE(t.revoke_guidance.empty());
    }
  }
  for (const auto& [name, text] : ReadDir(tk)) {
    EXPECT_EQ(text.find(token), std::string::npos) << name;
  }
}

// ~/.aws/credentials: the key ID and the secret on lines of their own. Both
// lines are reported, as one credential: one fingerprint, one ticket.
TEST(TicketsCliTest, AwsKeyIdAndSecretOnTwoLinesAreOneCredential) {
  test::TempDir dir;
  const std::string id = test::FakeAwsKeyId(7);
  const std::string secret = test::FakeAwsSecret(7);
  dir.Write("home/.aws/credentials", "[default]\naws_access_key_id = " + id +
                                         "\naws_secret_access_key = " + secret +
                                         "\n");
  std::string tk = dir.path() + "/tk";
  auto r = test::RunKeyward({"scan", "--report", "tickets=" + tk, "--format",
                             "json", dir.path() + "/home"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto doc = json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 2u) << r.out;
  const json& at_id = doc["findings"][0];
  const json& at_secret = doc["findings"][1];
  EXPECT_EQ(at_id["line"], 2);
  EXPECT_EQ(at_secret["line"], 3);
  EXPECT_EQ(at_id["rule_id"], "aws.access_key_pair");
  EXPECT_EQ(at_secret["rule_id"], "aws.access_key_pair");
  EXPECT_EQ(at_id["fingerprint"], at_secret["fingerprint"]);
  EXPECT_EQ(at_id["identifier"], id);
  // Each row shows what its line holds, redacted.
  EXPECT_EQ(at_id["secret"].get<std::string>(), "…" + id.substr(16));
  EXPECT_EQ(at_secret["secret"].get<std::string>(), "…" + secret.substr(36));
  auto loaded = TicketStore(tk).Load();
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ(loaded->front().rule_id, "aws.access_key_pair");
  // The key ID the console lists, for whoever revokes it.
  EXPECT_EQ(loaded->front().identifiers, std::vector<std::string>{id});
  EXPECT_EQ(r.out.find(secret), std::string::npos);
}

}  // namespace
}  // namespace keyward

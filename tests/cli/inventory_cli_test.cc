// End-to-end: the real keyward binary on real files.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <random>

#include "keyward/inventory.h"
#include "support/run.h"

namespace keyward {
namespace {

using keyward::test::ReadFile;
using keyward::test::RunKeyward;
using keyward::test::RunResult;
using keyward::test::TempDir;

// Invented secrets; none is a real provider's format.
constexpr char kSecret[] = "kwtest_CliS3cretQ7mZ2xV9pL4";
constexpr char kRotated[] = "kwtest_CliR0tat3dN5bW8cK1jH6";

class InventoryCliTest : public ::testing::Test {
 protected:
  RunResult Run(std::vector<std::string> args, const std::string& in = "",
                std::vector<std::string> env = {}) {
    args.insert(args.begin() + 1, {"--inventory", path_});
    args.insert(args.begin(), "inventory");
    args.push_back("--today=2026-05-01");
    return RunKeyward(args, in, env);
  }
  void ExpectNoSecret(const RunResult& r) {
    for (const char* s : {kSecret, kRotated}) {
      EXPECT_EQ(r.out.find(s), std::string::npos) << r.out;
      EXPECT_EQ(r.err.find(s), std::string::npos) << r.err;
    }
  }
  TempDir dir_;
  std::string path_ = dir_.path() + "/inv.json";
};

TEST_F(InventoryCliTest, LifecycleNeverShowsOrStoresTheSecret) {
  std::vector<RunResult> runs;
  runs.push_back(Run({"init"}));
  runs.push_back(Run({"add", "--name", "Orders API - production - Platform",
                      "--owner", "platform", "--environment", "production",
                      "--systems", "orders,mailer", "--secret-stdin"},
                     std::string(kSecret) + "\n"));
  // The same secret again is refused, naming the record, not the secret.
  runs.push_back(Run({"add", "--name", "Copy", "--secret-stdin"}, kSecret));
  EXPECT_EQ(runs.back().exit_code, 2);
  EXPECT_NE(runs.back().err.find("orders-api-production-platform"),
            std::string::npos);
  runs.push_back(Run({"fingerprint", "--secret-stdin"}, kSecret));
  EXPECT_NE(runs.back().out.find("matches: orders-api-production-platform"),
            std::string::npos);
  runs.push_back(Run({"rotate", "orders-api-production-platform",
                      "--secret-stdin", "--date", "2026-04-02"},
                     kRotated));
  runs.push_back(
      Run({"rotate", "orders-api-production-platform", "--secret-stdin"},
          kRotated));  // same secret again: refused
  EXPECT_EQ(runs.back().exit_code, 2);
  runs.push_back(Run({"fingerprint", "--secret-stdin"}, kSecret));
  EXPECT_NE(runs.back().out.find("rotated out on 2026-04-02"),
            std::string::npos);
  runs.push_back(Run({"list"}));
  runs.push_back(
      Run({"show", "orders-api-production-platform", "--format", "json"}));
  auto shown = nlohmann::json::parse(runs.back().out);
  EXPECT_EQ(shown["last_rotated"], "2026-04-02");
  EXPECT_EQ(shown["fingerprints"].size(), 2u);
  runs.push_back(Run({"revoke", "orders-api-production-platform"}));
  runs.push_back(Run({"add", "--name", "x", "--bogus", kSecret}));  // argv!
  EXPECT_EQ(runs.back().exit_code, 2);
  runs.pop_back();  // the secret was on argv: CLI11 may echo it; not ours
  for (size_t i = 0; i < runs.size(); ++i) {
    if (i != 2 && i != 5) EXPECT_EQ(runs[i].exit_code, 0) << i << runs[i].err;
    ExpectNoSecret(runs[i]);
  }
  std::string file = ReadFile(path_);
  EXPECT_EQ(file.find(kSecret), std::string::npos);
  EXPECT_EQ(file.find(kRotated), std::string::npos);
  EXPECT_NE(file.find("\"status\": \"revoked\""), std::string::npos);
  EXPECT_NE(file.find("\"revoked\": \"2026-05-01\""), std::string::npos);
}

TEST_F(InventoryCliTest, AddWithoutSecretSourceIsRefused) {
  ASSERT_EQ(Run({"init"}).exit_code, 0);
  RunResult r = Run({"add", "--name", "Orders"});  // stdin is a pipe
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--secret-stdin"), std::string::npos);
}

TEST_F(InventoryCliTest, DryRunShowsDiffAndWritesNothing) {
  ASSERT_EQ(Run({"init"}).exit_code, 0);
  std::string before = ReadFile(path_);
  RunResult r = Run({"add", "--name", "Search indexer", "--no-secret",
                     "--identifier", "KWID42", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("+      \"id\": \"search-indexer\","), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("dry run"), std::string::npos);
  EXPECT_EQ(ReadFile(path_), before);
}

TEST_F(InventoryCliTest, MalformedFileReportedWithLineColumnAndKept) {
  std::string bad = "{\n  \"schema_version\": 1,\n  oops\n}\n";
  dir_.Write("inv.json", bad);
  RunResult r = Run({"add", "--name", "A", "--secret-stdin"}, kSecret);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(path_ + ":3:3"), std::string::npos) << r.err;
  ExpectNoSecret(r);
  EXPECT_EQ(ReadFile(path_), bad);
  EXPECT_EQ(Run({"list"}).exit_code, 2);
}

TEST_F(InventoryCliTest, PepperFromEnvironment) {
  const std::string pepper = "KEYWARD_INVENTORY_PEPPER=pepper-Xy7-test";
  ASSERT_EQ(Run({"init"}, "", {pepper}).exit_code, 0);
  ASSERT_EQ(
      Run({"add", "--name", "Mailer - production - Comms", "--secret-stdin"},
          kSecret, {pepper})
          .exit_code,
      0);
  std::string file = ReadFile(path_);
  EXPECT_NE(file.find("\"keyed_by\": \"pepper\""), std::string::npos);
  EXPECT_EQ(file.find("pepper-Xy7-test"), std::string::npos);
  RunResult without = Run({"list"});
  EXPECT_EQ(without.exit_code, 2);
  EXPECT_NE(without.err.find("KEYWARD_INVENTORY_PEPPER"), std::string::npos);
  RunResult fp = Run({"fingerprint", "--secret-stdin"}, kSecret, {pepper});
  EXPECT_NE(fp.out.find("matches: mailer-production-comms"), std::string::npos);
}

TEST_F(InventoryCliTest, AuditJsonAndFailOn) {
  ASSERT_EQ(Run({"init"}).exit_code, 0);
  ASSERT_EQ(
      Run({"add", "--name", "Nightly backup - production - Ops", "--owner",
           "ops", "--purpose", "nightly backup", "--environment", "production",
           "--access", "full", "--systems", "backup", "--identifier", "KWID7",
           "--no-secret", "--created", "2026-04-20"})
          .exit_code,
      0);
  RunResult r = Run({"audit", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1);
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["results"].size(), 1u);
  EXPECT_EQ(j["results"][0]["id"], "nightly-backup-production-ops");
  EXPECT_EQ(j["results"][0]["credential"], "Nightly backup - production - Ops");
  EXPECT_EQ(j["results"][0]["check"], "excess-access");
  EXPECT_EQ(j["results"][0]["severity"], "high");
  EXPECT_EQ(Run({"audit", "--fail-on", "critical"}).exit_code, 0);
  EXPECT_EQ(Run({"audit", "--fail-on", "bogus"}).exit_code, 2);
}

TEST_F(InventoryCliTest, ImportReportsSkippedRows) {
  ASSERT_EQ(Run({"init"}).exit_code, 0);
  std::string csv = dir_.Write(
      "export.csv", std::string("\xEF\xBB\xBFname,password\r\nGood,") +
                        kSecret + "\r\nNo secret,\r\n");
  RunResult r = Run({"import", csv, "--owner", "ops"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("imported 1 of 2 rows"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("export.csv:3: empty password column"),
            std::string::npos)
      << r.out;
  ExpectNoSecret(r);
  EXPECT_EQ(ReadFile(path_).find(kSecret), std::string::npos);
}

// Two processes adding 100 credentials each at the same time lose none.
TEST_F(InventoryCliTest, TwoConcurrentWritersLoseNoEntries) {
  ASSERT_EQ(Run({"init"}).exit_code, 0);
  auto worker = [&](int w) {
    int failures = 0;
    for (int i = 0; i < 100; ++i) {
      std::string n = std::to_string(w) + "-" + std::to_string(i);
      RunResult r = Run({"add", "--name", "Worker " + n, "--secret-stdin"},
                        "kwtest_concurrent_" + n + "_Qx9Lm2");
      failures += r.exit_code != 0;
    }
    _exit(failures > 100 ? 100 : failures);
  };
  pid_t a = fork();
  if (a == 0) worker(1);
  pid_t b = fork();
  if (b == 0) worker(2);
  int sa = 0, sb = 0;
  waitpid(a, &sa, 0);
  waitpid(b, &sb, 0);
  EXPECT_EQ(WEXITSTATUS(sa), 0);
  EXPECT_EQ(WEXITSTATUS(sb), 0);
  auto inv = LoadInventory(path_, std::nullopt);
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->credentials().size(), 200u);
}

// A writer SIGKILLed mid-edit leaves an inventory that parses: old or new.
TEST_F(InventoryCliTest, KilledWriterNeverLeavesATornInventory) {
  ASSERT_EQ(Run({"init"}).exit_code, 0);
  std::mt19937 rng(2026);
  std::uniform_int_distribution<int> delay_us(0, 20000);
  size_t last_count = 0;
  for (int round = 0; round < 20; ++round) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      for (int i = 0;; ++i) {
        // Killed mid-write on purpose; each result is irrelevant.
        (void)EditInventoryFile(
            path_, std::nullopt, false, false, [&](Inventory& inv) {
              Credential c;
              c.name = "Round " + std::to_string(round) + " entry " +
                       std::to_string(i) + std::string(2000, 'n');
              c.id = inv.NewId(c.name.substr(0, 40));
              return inv.Add(c);
            });
      }
    }
    usleep(delay_us(rng));
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    auto inv = LoadInventory(path_, std::nullopt);
    ASSERT_TRUE(inv.ok()) << "round " << round << ": "
                          << inv.status().ToString();
    EXPECT_GE(inv->credentials().size(), last_count);  // nothing lost
    last_count = inv->credentials().size();
  }
}

}  // namespace
}  // namespace keyward

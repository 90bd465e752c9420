// `keyward revoke` against a GitHub stand-in on loopback: --yes revokes
// through the credential revocation API, marks the inventory record revoked
// and the ticket; without --yes and no terminal nothing is sent; a refused
// revocation exits 1; `inventory verify` reads keys on stdin. The secret is
// compared, never printed.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/fake_secrets.h"
#include "support/mock_http_server.h"
#include "support/run.h"

namespace keyward {
namespace {

using test::MockHttpServer;
using test::MockRequest;
using test::MockResponse;
using test::RunKeyward;

const std::vector<std::string> kEnv = {"KEYWARD_VERIFY_ONLY_REDIRECTED=1"};

TEST(RevokeCliConcurrentTest, YesRevokesAndRecordsInventoryAndTicket) {
  test::TempDir dir;
  const std::string token = test::FakeGithubToken(21);
  const std::string inv = dir.path() + "/inv.json";
  dir.Write("leak/app.env", "TOKEN=" + token + "\n");
  ASSERT_EQ(RunKeyward({"inventory", "--inventory", inv, "init"}).exit_code, 0);
  auto r = RunKeyward({"inventory", "--inventory", inv, "add", "--name",
                       "CI bot", "--owner", "platform", "--secret-stdin"},
                      token + "\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  MockHttpServer server([](const MockRequest& req) {
    MockResponse res;
    res.status =
        req.method == "POST" && req.target == "/credentials/revoke" ? 202 : 400;
    return res;
  });
  const std::string redirect = "api.github.com=" + server.url();
  r = RunKeyward({"revoke", "--yes", "--inventory", inv, "--tickets",
                  dir.path() + "/tickets", "--today", "2026-12-02",
                  "--verify-redirect", redirect, dir.path() + "/leak"},
                 "", kEnv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("revoked"), std::string::npos);
  EXPECT_EQ(r.out.find(token), std::string::npos) << "secret in output";
  EXPECT_EQ(server.requests(), 1);
  // What the server received, read under its lock (not from the handler's
  // thread).
  auto seen = server.received();
  ASSERT_EQ(seen.size(), 1u);
  auto body = nlohmann::json::parse(seen[0].body, nullptr, false);
  EXPECT_TRUE(!body.is_discarded() && body["credentials"][0] == token);
  std::string inv_text = test::ReadFile(inv);
  EXPECT_NE(inv_text.find("\"revoked\""), std::string::npos);
  std::string tickets_text;  // every ticket's JSON
  for (const auto& e :
       std::filesystem::directory_iterator(dir.path() + "/tickets")) {
    if (e.path().filename().string().rfind("KW-", 0) == 0) {
      tickets_text += test::ReadFile(e.path().string());
    }
  }
  EXPECT_NE(tickets_text.find("revoked on 2026-12-02"), std::string::npos)
      << tickets_text.size();
  EXPECT_EQ(tickets_text.find(token), std::string::npos);
}

TEST(RevokeCliConcurrentTest, NothingIsSentWithoutConfirmation) {
  test::TempDir dir;
  dir.Write("app.env", "TOKEN=" + test::FakeGithubToken(22) + "\n");
  MockHttpServer server([](const MockRequest&) { return MockResponse{}; });
  // The test runner has no terminal for the question: refused, not sent.
  auto r = test::RunProgram(
      {"setsid", "-w", KEYWARD_BINARY, "revoke", "--verify-redirect",
       "api.github.com=" + server.url(), dir.path()},
      "", kEnv);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--yes"), std::string::npos);
  EXPECT_EQ(server.requests(), 0);
}

TEST(RevokeCliConcurrentTest, RefusedRevocationExitsOne) {
  test::TempDir dir;
  dir.Write("app.env", "TOKEN=" + test::FakeGithubToken(23) + "\n");
  MockHttpServer server([](const MockRequest&) {
    MockResponse res;
    res.status = 422;
    return res;
  });
  auto r = RunKeyward({"revoke", "--yes", "--verify-redirect",
                       "api.github.com=" + server.url(), dir.path()},
                      "", kEnv);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("unknown (HTTP 422)"), std::string::npos) << r.out;
}

TEST(RevokeCliConcurrentTest, InventoryVerifyReadsKeysOnStdin) {
  const std::string live = test::FakeGithubToken(24);
  const std::string dead = test::FakeGithubToken(25);
  MockHttpServer server([&](const MockRequest& req) {
    MockResponse res;
    res.status =
        req.headers.at("authorization") == "Bearer " + live ? 200 : 401;
    res.body = R"({"login": "bot"})";
    return res;
  });
  const std::vector<std::string> args = {"inventory", "verify",
                                         "--verify-redirect",
                                         "api.github.com=" + server.url()};
  auto r = RunKeyward(args, live + "\n", kEnv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("active  account bot"), std::string::npos) << r.out;
  r = RunKeyward(args, live + "\n" + dead + "\n", kEnv);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("inactive"), std::string::npos);
  EXPECT_EQ(r.out.find(live), std::string::npos);
  r = RunKeyward(args, "nothing to see\n", kEnv);
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace keyward

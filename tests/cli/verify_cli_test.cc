// `keyward scan --verify` end to end, against a GitHub stand-in on
// loopback (--verify-redirect): verdicts in every output, --fail-on-verified,
// the cache under $XDG_CACHE_HOME, and a plain scan's exit code untouched by
// verification errors. The secret is compared, never printed.
#include <gtest/gtest.h>

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

struct Fixture {
  test::TempDir tree;
  test::TempDir cache;
  std::string live = test::FakeGithubToken(11);
  std::string dead = test::FakeGithubToken(12);
  Fixture() {
    tree.Write("a.env", "GITHUB_TOKEN=" + live + "\n");
    tree.Write("b.env", "OLD_TOKEN=" + dead + "\n");
  }
  std::vector<std::string> Env() const {
    return {"XDG_CACHE_HOME=" + cache.path(),
            "KEYWARD_VERIFY_ONLY_REDIRECTED=1"};
  }
};

MockResponse GitHub(const std::string& live, const MockRequest& req) {
  MockResponse r;
  auto it = req.headers.find("authorization");
  if (it != req.headers.end() && it->second == "Bearer " + live) {
    r.body = R"({"login": "octocat"})";
    r.headers.emplace_back("X-OAuth-Scopes", "repo");
  } else {
    r.status = 401;
    r.body = R"({"message": "Bad credentials"})";
  }
  return r;
}

TEST(VerifyCliConcurrentTest, JsonTextSarifAndFailOnVerified) {
  Fixture fx;
  MockHttpServer server(
      [&](const MockRequest& req) { return GitHub(fx.live, req); });
  const std::string redirect = "api.github.com=" + server.url();
  auto r = RunKeyward({"scan", "--verify", "--verify-redirect", redirect,
                       "--format", "json", "-q", fx.tree.path()},
                      "", fx.Env());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  std::map<std::string, nlohmann::json> by_path;
  for (const auto& f : j["findings"]) {
    by_path[f["path"].get<std::string>().substr(
        f["path"].get<std::string>().rfind('/') + 1)] = f;
  }
  ASSERT_EQ(by_path.size(), 2u) << r.out.size();
  EXPECT_EQ(by_path["a.env"]["verification"], "active");
  EXPECT_EQ(by_path["a.env"]["verification_detail"]["account"], "octocat");
  EXPECT_EQ(by_path["a.env"]["verification_detail"]["scope"], "repo");
  EXPECT_EQ(by_path["b.env"]["verification"], "inactive");
  EXPECT_EQ(server.requests(), 2);
  EXPECT_EQ(r.out.find(fx.live), std::string::npos) << "secret in output";

  // The cache answers the second run; it holds no secret.
  r = RunKeyward({"scan", "--verify", "--verify-redirect", redirect, "--color",
                  "never", fx.tree.path()},
                 "", fx.Env());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(server.requests(), 2);
  EXPECT_NE(r.out.find("[ACTIVE: verified live, account octocat]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("[verification: inactive]"), std::string::npos);
  std::string cache = test::ReadFile(fx.cache.path() + "/keyward/verify.json");
  EXPECT_NE(cache.find("github.pat.classic"), std::string::npos);
  EXPECT_EQ(cache.find(fx.live), std::string::npos) << "secret in cache";
  EXPECT_EQ(cache.find(fx.dead), std::string::npos) << "secret in cache";

  // SARIF properties.
  r = RunKeyward({"scan", "--verify", "--verify-redirect", redirect, "--format",
                  "sarif", "-q", fx.tree.path()},
                 "", fx.Env());
  EXPECT_NE(r.out.find("\"verification\": \"active\""), std::string::npos);
  EXPECT_NE(r.out.find("\"verificationAccount\": \"octocat\""),
            std::string::npos);

  // --fail-on-verified: only the live key fails the run.
  r = RunKeyward({"scan", "--verify", "--fail-on-verified", "--verify-redirect",
                  redirect, "-q", fx.tree.path() + "/b.env"},
                 "", fx.Env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunKeyward({"scan", "--verify", "--fail-on-verified", "--verify-redirect",
                  redirect, "-q", fx.tree.path()},
                 "", fx.Env());
  EXPECT_EQ(r.exit_code, 1);
}

TEST(VerifyCliConcurrentTest, VerificationErrorsKeepThePlainExitCode) {
  Fixture fx;
  int port;
  {
    MockHttpServer closed([](const MockRequest&) { return MockResponse{}; });
    port = closed.port();
  }  // stopped: connections to it are refused
  const std::string redirect =
      "api.github.com=http://127.0.0.1:" + std::to_string(port);
  auto plain = RunKeyward({"scan", "-q", fx.tree.path()}, "", fx.Env());
  auto verified = RunKeyward(
      {"scan", "--verify", "--verify-redirect", redirect, "--verify-cache-ttl",
       "0", "--format", "jsonl", "-q", fx.tree.path()},
      "", fx.Env());
  EXPECT_EQ(verified.exit_code, plain.exit_code);
  EXPECT_EQ(plain.exit_code, 1);
  EXPECT_NE(verified.out.find("\"verification\":\"error\""), std::string::npos)
      << verified.out.size();
  EXPECT_EQ(verified.out.find(fx.live), std::string::npos);
  EXPECT_EQ(verified.err.find(fx.live), std::string::npos);
}

TEST(VerifyCliConcurrentTest, RedirectFromTheEnvironmentAndBadSpecs) {
  Fixture fx;
  MockHttpServer server(
      [&](const MockRequest& req) { return GitHub(fx.live, req); });
  auto env = fx.Env();
  env.push_back("KEYWARD_VERIFY_REDIRECT=api.github.com=" + server.url());
  auto r = RunKeyward({"scan", "--verify", "--format", "jsonl", "-q",
                       fx.tree.path() + "/a.env"},
                      "", env);
  EXPECT_NE(r.out.find("\"verification\":\"active\""), std::string::npos);
  r = RunKeyward(
      {"scan", "--verify", "--verify-redirect", "nohost", "-q", fx.tree.path()},
      "", fx.Env());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("HOST=URL"), std::string::npos);
  r = RunKeyward({"scan", "--fail-on-verified", "-q", fx.tree.path()}, "",
                 fx.Env());
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace keyward

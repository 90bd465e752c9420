// VerifyFindings: each distinct secret asked once, a bounded pool, the
// per-host rate limit, the cache (keyed fingerprints, never the secret).
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "keyward/verify.h"
#include "support/mock_http_server.h"
#include "support/run.h"

namespace keyward {
namespace {

using test::MockHttpServer;
using test::MockRequest;
using test::MockResponse;

RuleSet DemoRules() {
  RuleSet set;
  Status s = set.AddText(
      "rules:\n"
      "  - id: demo.token\n    name: demo\n    kind: api-key\n"
      "    pattern: '\\b(?P<secret>demo_[a-z0-9]{20})\\b'\n"
      "    verify:\n"
      "      url: 'https://api.demo.test/me'\n"
      "      headers: {Authorization: 'Bearer {{secret}}'}\n"
      "      active: {status: [200]}\n"
      "      inactive: {status: [401]}\n"
      "      account: {json: /login}\n"
      "  - id: other.token\n    name: other\n    kind: api-key\n"
      "    pattern: '\\b(?P<secret>other_[a-z0-9]{20})\\b'\n",
      "demo.yaml");
  EXPECT_TRUE(s.ok()) << s.message();
  return set;
}

std::string Secret(int i) {
  std::string s = "demo_" + std::to_string(i);
  while (s.size() < 25) s += "k";
  return s;
}

Finding Make(const std::string& rule, const std::string& secret) {
  Finding f;
  f.rule_id = rule;
  f.secret = secret;
  return f;
}

MockResponse Answer(const MockRequest& req) {
  MockResponse r;
  r.status = req.headers.at("authorization").find("demo_1") != std::string::npos
                 ? 401
                 : 200;
  r.body = R"({"login": "team"})";
  return r;
}

VerifyOptions To(const MockHttpServer& server) {
  VerifyOptions o;
  o.redirects["api.demo.test"] = server.url();
  o.allow_only_redirected = true;
  o.per_host_rate = 0;
  o.today = "2026-12-02";
  return o;
}

TEST(VerifyConcurrentTest, DistinctSecretsOnceWithinTheJobBound) {
  // The first two requests meet inside the server (a barrier: arrivals
  // only grow, so no wake-up is missed): proof that workers run at once.
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  MockHttpServer server([&](const MockRequest& req) {
    std::unique_lock<std::mutex> lock(mu);
    if (arrived < 2) {
      ++arrived;
      cv.notify_all();
      cv.wait_for(lock, std::chrono::seconds(30), [&] { return arrived >= 2; });
    }
    return Answer(req);
  });
  RuleSet rules = DemoRules();
  std::vector<Finding> findings;
  for (int i = 0; i < 8; i++) {
    findings.push_back(Make("demo.token", Secret(i)));
    findings.push_back(Make("demo.token", Secret(i)));  // same secret again
  }
  findings.push_back(Make("other.token", "other_aaaaaaaaaaaaaaaaaaaa"));
  VerifyOptions opts = To(server);
  opts.jobs = 3;
  ASSERT_TRUE(VerifyFindings(rules, &findings, opts).ok());
  EXPECT_EQ(server.requests(), 8);
  EXPECT_LE(server.max_in_flight(), 3);
  EXPECT_GE(server.max_in_flight(), 2);
  for (size_t i = 0; i + 1 < findings.size(); i++) {
    ASSERT_TRUE(findings[i].verification.has_value()) << i;
    const bool revoked = findings[i].secret == Secret(1);
    EXPECT_EQ(findings[i].verification->status,
              revoked ? "inactive" : "active");
    EXPECT_EQ(findings[i].verification->date, "2026-12-02");
  }
  EXPECT_EQ(findings[0].verification->account, "team");
  EXPECT_FALSE(findings.back().verification.has_value());  // no verify block
}

TEST(VerifyConcurrentTest, PerHostRateLimitSpacesRequestStarts) {
  MockHttpServer server(Answer);
  RuleSet rules = DemoRules();
  std::vector<Finding> findings;
  for (int i = 2; i < 7; i++) findings.push_back(Make("demo.token", Secret(i)));
  VerifyOptions opts = To(server);
  opts.jobs = 5;
  opts.per_host_rate = 20;  // 5 starts: at least 4 gaps of 50 ms
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(VerifyFindings(rules, &findings, opts).ok());
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  EXPECT_EQ(server.requests(), 5);
  EXPECT_GE(elapsed, 0.19);
}

TEST(VerifyCacheTest, SecondRunAnswersFromTheCacheWhichHoldsNoSecret) {
  MockHttpServer server(Answer);
  test::TempDir dir;
  RuleSet rules = DemoRules();
  VerifyOptions opts = To(server);
  opts.cache_path = dir.path() + "/cache/keyward/verify.json";
  double now = 2'000'000'000;
  opts.now = [&] { return now; };
  std::vector<Finding> findings = {Make("demo.token", Secret(2)),
                                   Make("demo.token", Secret(1))};
  ASSERT_TRUE(VerifyFindings(rules, &findings, opts).ok());
  EXPECT_EQ(server.requests(), 2);
  std::string cache = test::ReadFile(opts.cache_path);
  EXPECT_NE(cache.find("hmac-sha256:"), std::string::npos);
  EXPECT_EQ(cache.find(Secret(2)), std::string::npos) << "secret in cache";
  EXPECT_EQ(cache.find(Secret(1)), std::string::npos) << "secret in cache";

  std::vector<Finding> again = {Make("demo.token", Secret(2)),
                                Make("demo.token", Secret(1))};
  now += 3600;
  ASSERT_TRUE(VerifyFindings(rules, &again, opts).ok());
  EXPECT_EQ(server.requests(), 2);  // both from the cache
  EXPECT_EQ(again[0].verification->status, "active");
  EXPECT_EQ(again[0].verification->account, "team");
  EXPECT_EQ(again[1].verification->status, "inactive");

  // Past the TTL: asked again.
  now += opts.cache_ttl_seconds;
  ASSERT_TRUE(VerifyFindings(rules, &again, opts).ok());
  EXPECT_EQ(server.requests(), 4);
}

TEST(VerifyCacheTest, ErrorsAreNotCachedAndBadOptionsAreRejected) {
  test::TempDir dir;
  RuleSet rules = DemoRules();
  VerifyOptions opts;
  opts.allow_only_redirected = true;  // no redirect: an error, no request
  opts.cache_path = dir.path() + "/verify.json";
  std::vector<Finding> findings = {Make("demo.token", Secret(3))};
  ASSERT_TRUE(VerifyFindings(rules, &findings, opts).ok());
  EXPECT_EQ(findings[0].verification->status, "error");
  EXPECT_EQ(test::ReadFile(opts.cache_path).find("demo.token"),
            std::string::npos);
  opts.jobs = 0;
  EXPECT_FALSE(VerifyFindings(rules, &findings, opts).ok());
}

}  // namespace
}  // namespace keyward

// One verification against a provider stand-in on the loopback interface:
// verdicts, timeouts, caps, 429 backoff, redirects, TLS, SigV4. Every
// request goes to 127.0.0.1 (allow_only_redirected: a host without a
// redirect is never contacted).
#include <gtest/gtest.h>

#include <mutex>

#include "keyward/verify.h"
#include "support/mock_http_server.h"
#include "support/run.h"
#include "verify/sigv4.h"

namespace keyward {
namespace {

using test::MockHttpServer;
using test::MockRequest;
using test::MockResponse;

// Assembled so no complete token sits in the source.
const std::string kSecret = std::string("demo_") + "q8Zr2Lw7Xp4Nv1Kc6Ty3";

VerifySpec Spec(const std::string& extra = "") {
  std::string json =
      R"({"url": "https://api.demo.test/v1/me",
          "headers": {"Authorization": "Bearer {{secret}}"},
          "active": {"status": [200]},
          "inactive": {"status": [401, 403]},
          "account": {"json": "/login"},
          "scope": {"header": "X-Scopes"})" +
      extra + "}";
  auto spec = ParseVerifySpec(json);
  EXPECT_TRUE(spec.ok()) << spec.status().message();
  return spec.ok() ? *spec : VerifySpec{};
}

VerifyOptions To(const MockHttpServer& server) {
  VerifyOptions o;
  o.redirects["api.demo.test"] = server.url();
  o.allow_only_redirected = true;
  o.timeout_ms = 5000;
  return o;
}

MockResponse Json(int status, const std::string& body) {
  MockResponse r;
  r.status = status;
  r.body = body;
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

// The outcome's words never carry the secret.
void ExpectNoSecret(const VerifyOutcome& o) {
  for (const std::string* s : {&o.account, &o.scope, &o.detail}) {
    EXPECT_EQ(s->find(kSecret), std::string::npos) << "secret in an outcome";
  }
}

TEST(VerifyHttpTest, ActiveKeyNamesAccountAndScope) {
  MockHttpServer server([](const MockRequest& req) {
    if (req.headers.count("authorization") == 0 ||
        req.headers.at("authorization") != "Bearer " + kSecret ||
        req.target != "/v1/me") {
      return Json(400, "{}");
    }
    MockResponse r = Json(200, R"({"login": "octo-team"})");
    r.headers.emplace_back("X-Scopes", "read:user, repo");
    return r;
  });
  VerifyOutcome o = VerifySecret(Spec(), kSecret, "", To(server));
  EXPECT_EQ(o.status, "active");
  EXPECT_EQ(o.account, "octo-team");
  EXPECT_EQ(o.scope, "read:user, repo");
  EXPECT_EQ(server.requests(), 1);
}

TEST(VerifyHttpTest, InactiveUnknownAndMalformed) {
  int status = 401;
  std::string body = "{}";
  MockHttpServer server([&](const MockRequest&) { return Json(status, body); });
  EXPECT_EQ(VerifySecret(Spec(), kSecret, "", To(server)).status, "inactive");
  status = 500;
  VerifyOutcome o = VerifySecret(Spec(), kSecret, "", To(server));
  EXPECT_EQ(o.status, "unknown");
  EXPECT_EQ(o.detail, "HTTP 500");
  // A JSON condition on a body that is not JSON: unknown, not active.
  VerifySpec slack = Spec();
  slack.active = {{200}, "/ok", "true"};
  slack.inactive = {{200}, "/ok", "false"};
  status = 200;
  body = "<html>not json";
  o = VerifySecret(slack, kSecret, "", To(server));
  EXPECT_EQ(o.status, "unknown");
  EXPECT_NE(o.detail.find("not JSON"), std::string::npos);
  body = R"({"ok": false, "error": "invalid_auth"})";
  EXPECT_EQ(VerifySecret(slack, kSecret, "", To(server)).status, "inactive");
  body = R"({"ok": true, "login": "bot"})";
  EXPECT_EQ(VerifySecret(slack, kSecret, "", To(server)).status, "active");
}

TEST(VerifyHttpTest, OversizedResponseIsAnError) {
  MockHttpServer server(
      [](const MockRequest&) { return Json(200, std::string(1 << 20, 'x')); });
  VerifyOptions opts = To(server);
  opts.max_response = 64 << 10;
  VerifyOutcome o = VerifySecret(Spec(), kSecret, "", opts);
  EXPECT_EQ(o.status, "error");
  EXPECT_NE(o.detail.find("larger than"), std::string::npos) << o.detail;
}

TEST(VerifyHttpTest, SilentServerTimesOut) {
  MockHttpServer server([](const MockRequest&) {
    MockResponse r;
    r.hang = true;
    return r;
  });
  VerifyOptions opts = To(server);
  opts.timeout_ms = 300;
  VerifyOutcome o = VerifySecret(Spec(), kSecret, "", opts);
  EXPECT_EQ(o.status, "error");
  EXPECT_EQ(o.detail, "timed out");
}

// A fake clock: sleeping advances it, so backoff is checked without waiting.
struct FakeTime {
  std::mutex mu;
  double now = 1'000'000;
  std::vector<double> sleeps;
  void Install(VerifyOptions* o) {
    o->now = [this] {
      std::lock_guard<std::mutex> l(mu);
      return now;
    };
    o->sleep = [this](double s) {
      std::lock_guard<std::mutex> l(mu);
      sleeps.push_back(s);
      now += s;
    };
  }
};

TEST(VerifyHttpTest, TooManyRequestsHonoursRetryAfter) {
  int calls = 0;
  MockHttpServer server([&](const MockRequest&) {
    if (++calls == 1) {
      MockResponse r = Json(429, "{}");
      r.headers.emplace_back("Retry-After", "7");
      return r;
    }
    return Json(200, R"({"login": "a"})");
  });
  VerifyOptions opts = To(server);
  FakeTime time;
  time.Install(&opts);
  VerifyOutcome o = VerifySecret(Spec(), kSecret, "", opts);
  EXPECT_EQ(o.status, "active");
  EXPECT_EQ(server.requests(), 2);
  EXPECT_EQ(time.sleeps, std::vector<double>{7.0});
}

TEST(VerifyHttpTest, EndlessTooManyRequestsGivesUp) {
  int seconds = 1;
  MockHttpServer server([&](const MockRequest&) {
    MockResponse r = Json(429, "{}");
    r.headers.emplace_back("Retry-After", std::to_string(seconds));
    return r;
  });
  VerifyOptions opts = To(server);
  opts.max_retries = 2;
  FakeTime time;
  time.Install(&opts);
  VerifyOutcome o = VerifySecret(Spec(), kSecret, "", opts);
  EXPECT_EQ(o.status, "error");
  EXPECT_EQ(server.requests(), 3);
  EXPECT_NE(o.detail.find("rate limited"), std::string::npos);
  // A Retry-After beyond the limit is not waited for at all.
  seconds = 3600;
  time.sleeps.clear();
  o = VerifySecret(Spec(), kSecret, "", opts);
  EXPECT_EQ(o.status, "error");
  EXPECT_TRUE(time.sleeps.empty());
  ExpectNoSecret(o);
}

TEST(VerifyHttpTest, RedirectToAnotherHostIsRefused) {
  MockHttpServer elsewhere(
      [](const MockRequest&) { return Json(200, R"({"login": "x"})"); });
  std::string target = elsewhere.url() + "/collect";
  MockHttpServer server([&](const MockRequest& req) {
    MockResponse r;
    r.status = 302;
    // Same origin once, then another port: another host.
    r.headers.emplace_back("Location",
                           req.target == "/v1/me" ? "/v1/moved" : target);
    return r;
  });
  VerifyOutcome o = VerifySecret(Spec(), kSecret, "", To(server));
  EXPECT_EQ(o.status, "error");
  EXPECT_NE(o.detail.find("redirect to another host refused"),
            std::string::npos);
  EXPECT_EQ(server.requests(), 2);  // the same-origin hop was followed
  EXPECT_EQ(elsewhere.requests(), 0);
}

TEST(VerifyHttpTest, HostWithoutRedirectIsNeverContacted) {
  VerifyOptions opts;
  opts.allow_only_redirected = true;
  VerifyOutcome o = VerifySecret(Spec(), kSecret, "", opts);
  EXPECT_EQ(o.status, "error");
  EXPECT_NE(o.detail.find("no redirect for api.demo.test"), std::string::npos);
}

TEST(VerifyHttpTest, TlsWithTheTestCertificate) {
  test::TempDir dir;
  std::string cert, key;
  ASSERT_TRUE(test::MakeLoopbackCertificate(dir.path(), &cert, &key));
  MockHttpServer server(
      [](const MockRequest&) { return Json(200, R"({"login": "tls"})"); }, cert,
      key);
  VerifyOptions opts = To(server);
  // Untrusted certificate: refused.
  VerifyOutcome o = VerifySecret(Spec(), kSecret, "", opts);
  EXPECT_EQ(o.status, "error");
  ExpectNoSecret(o);
  opts.ca_file = cert;
  o = VerifySecret(Spec(), kSecret, "", opts);
  EXPECT_EQ(o.status, "active");
  EXPECT_EQ(o.account, "tls");
}

TEST(VerifyHttpTest, AwsRequestIsSignedWithSigV4) {
  const std::string key_id = "AKIA" + std::string("IOSFODNN7EXAMPLE");
  std::string seen_auth;
  HttpRequest replay;
  MockHttpServer server([&](const MockRequest& req) {
    seen_auth = req.headers.count("authorization")
                    ? req.headers.at("authorization")
                    : "";
    replay.method = req.method;
    replay.url = "https://sts.amazonaws.com" + req.target;
    replay.body = req.body;
    replay.headers = {{"Accept", req.headers.at("accept")},
                      {"Content-Type", req.headers.at("content-type")}};
    std::string date = req.headers.at("x-amz-date");
    SignSigV4(&replay, "sts.amazonaws.com",
              {key_id, kSecret, "us-east-1", "sts", date});
    return replay.headers.back().second == seen_auth
               ? Json(200, R"({"GetCallerIdentityResponse":
                   {"GetCallerIdentityResult": {"Arn": "arn:aws:iam::1:user/ci"}}})")
               : Json(403, "{}");
  });
  auto spec = ParseVerifySpec(R"({
      "method": "POST", "url": "https://sts.amazonaws.com/",
      "headers": {"Accept": "application/json",
                  "Content-Type": "application/x-www-form-urlencoded"},
      "body": "Action=GetCallerIdentity&Version=2011-06-15",
      "aws_sigv4": {"region": "us-east-1", "service": "sts"},
      "active": {"status": [200]}, "inactive": {"status": [403]},
      "account": {"json": "/GetCallerIdentityResponse/GetCallerIdentityResult/Arn"}})");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  VerifyOptions opts;
  opts.redirects["sts.amazonaws.com"] = server.url();
  opts.allow_only_redirected = true;
  VerifyOutcome o = VerifySecret(*spec, kSecret, key_id, opts);
  EXPECT_EQ(o.status, "active");
  EXPECT_EQ(o.account, "arn:aws:iam::1:user/ci");
  EXPECT_EQ(seen_auth.rfind("AWS4-HMAC-SHA256 Credential=" + key_id + "/", 0),
            0u);
  EXPECT_EQ(seen_auth.find(kSecret), std::string::npos);
  // Without the key id beside the secret there is nothing to sign with.
  o = VerifySecret(*spec, kSecret, "", opts);
  EXPECT_EQ(o.status, "unknown");
}

}  // namespace
}  // namespace keyward

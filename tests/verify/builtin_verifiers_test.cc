// Every built-in rule with a `verify:` block, against a loopback stand-in
// that answers as the rule's active condition and then its inactive one
// describe: the block sends the secret, to its literal host, with a
// read-only method, and reads both verdicts right.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "keyward/rules.h"
#include "keyward/verify.h"
#include "support/mock_http_server.h"

namespace keyward {
namespace {

using nlohmann::json;
using test::MockHttpServer;
using test::MockRequest;
using test::MockResponse;

// A response that satisfies `c`, and names an account where `e` looks.
MockResponse Satisfying(const VerifyCondition& c, const VerifyExtract& e) {
  MockResponse r;
  r.status = c.status.empty() ? 200 : c.status.front();
  json body = json::object();
  if (!c.json_pointer.empty()) {
    body[json::json_pointer(c.json_pointer)] =
        c.json_equals.empty() ? json("present") : json::parse(c.json_equals);
  }
  // The account may be the very field the condition asks to exist.
  if (!e.json_pointer.empty())
    body[json::json_pointer(e.json_pointer)] = "acct";
  if (!e.header.empty()) r.headers.emplace_back(e.header, "acct");
  r.body = body.dump();
  return r;
}

bool CarriesSecret(const MockRequest& req, const std::string& secret) {
  if (req.target.find(secret) != std::string::npos ||
      req.body.find(secret) != std::string::npos) {
    return true;
  }
  for (const auto& [name, value] : req.headers) {
    if (value.find(secret) != std::string::npos) return true;
    // Basic credentials and SigV4 carry it encoded or as a signature.
    if (name == "authorization" && (value.rfind("Basic ", 0) == 0 ||
                                    value.rfind("AWS4-HMAC-SHA256", 0) == 0)) {
      return true;
    }
  }
  return false;
}

TEST(BuiltinVerifiersTest, EveryVerifyBlockReadsActiveAndInactive) {
  auto rules = RuleSet::Builtin();
  ASSERT_TRUE(rules.ok());
  std::set<std::string> providers;
  int verifiers = 0;
  for (const Rule& rule : rules->rules()) {
    if (rule.verify.empty()) continue;
    SCOPED_TRACE(rule.id);
    auto spec = ParseVerifySpec(rule.verify);
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    verifiers++;
    providers.insert(rule.provider);
    const std::string secret = "kwtest" + std::to_string(verifiers) + "Zq9";
    bool active_phase = true;
    MockHttpServer server([&](const MockRequest&) {
      return active_phase ? Satisfying(spec->active, spec->account)
                          : Satisfying(spec->inactive, {});
    });
    VerifyOptions opts;
    opts.redirects[VerifyHost(spec->request.url)] = server.url();
    opts.allow_only_redirected = true;
    opts.per_host_rate = 0;
    VerifyOutcome o = VerifySecret(*spec, secret, "ACtestidentifier", opts);
    EXPECT_EQ(o.status, "active") << o.detail;
    if (!spec->account.json_pointer.empty() || !spec->account.header.empty()) {
      EXPECT_EQ(o.account, "acct");
    }
    active_phase = false;
    o = VerifySecret(*spec, secret, "ACtestidentifier", opts);
    EXPECT_EQ(o.status, "inactive") << o.detail;
    auto seen = server.received();
    ASSERT_EQ(seen.size(), 2u);
    for (const MockRequest& req : seen) {
      EXPECT_TRUE(req.method == "GET" || req.method == "POST" ||
                  req.method == "HEAD")
          << req.method;
      EXPECT_TRUE(CarriesSecret(req, secret));
    }
  }
  EXPECT_GE(verifiers, 40);
  EXPECT_GE(providers.size(), 40u);
}

}  // namespace
}  // namespace keyward

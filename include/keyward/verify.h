// Live verification (opt-in): asks a provider whether a leaked secret still
// works, through the rule's `verify:` block (schema in keyward/rules.h).
//
//   VerifyOptions opts;                       // defaults: 4 jobs, 5 req/s
//   opts.redirects["api.github.com"] = "http://127.0.0.1:8080";  // tests
//   Status s = VerifyFindings(rules, &result.findings, opts);
//   // each finding of a rule with a verify block now has `verification`
//
// Nothing here runs unless a caller asks: `keyward scan --verify`,
// `keyward inventory verify`. Requests go through libcurl: TLS verified,
// no redirect to another host, short timeouts, a capped response. The
// secret is never written to a message, a log or the cache (which keys
// results by a keyed fingerprint).
//
// Thread safety: VerifyFindings is safe to call from one thread at a time
// per options object; it runs its own bounded pool of workers.
#ifndef KEYWARD_VERIFY_H_
#define KEYWARD_VERIFY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keyward/finding.h"
#include "keyward/rules.h"
#include "keyward/status.h"

namespace keyward {

// A request template: `{{secret}}` and `{{id}}` (the rule's identifier
// capture) are replaced in the path, query, header values, body and basic
// credentials. The host is literal: a scanned file never chooses where its
// secret is sent.
struct VerifyRequestSpec {
  std::string method = "GET";  // GET, POST or HEAD
  std::string url;             // https://host/path?query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool basic_auth = false;  // Authorization: Basic base64(user:password)
  std::string basic_user;
  std::string basic_password;
  // AWS Signature Version 4 with {{id}} as access key id and {{secret}} as
  // secret access key (verify/sigv4.h).
  bool aws_sigv4 = false;
  std::string aws_region = "us-east-1";
  std::string aws_service = "sts";
};

// All given parts must hold: the status is one of `status` (any, when
// empty) and the JSON body has `json_pointer` (when set), equal to the
// JSON value `json_equals` (when set; its JSON text, e.g. "true").
struct VerifyCondition {
  std::vector<int> status;
  std::string json_pointer;
  std::string json_equals;
  bool empty() const { return status.empty() && json_pointer.empty(); }
};

// Where in a response the account or scope is named: a JSON pointer into
// the body, or a response header (case-insensitive). Both empty: none.
struct VerifyExtract {
  std::string json_pointer;
  std::string header;
};

struct VerifySpec {
  VerifyRequestSpec request;
  VerifyCondition active;    // required
  VerifyCondition inactive;  // required; anything else is "unknown"
  VerifyExtract account;
  VerifyExtract scope;
  // `revoke:` (optional): the provider's self-revocation call, for
  // `keyward revoke` only (never run by a scan); POST or DELETE, and the
  // condition that means it worked.
  bool can_revoke = false;
  VerifyRequestSpec revoke;
  VerifyCondition revoked;
};

// Parses Rule::verify (the canonical JSON the rule loader stores).
Result<VerifySpec> ParseVerifySpec(std::string_view json_text);

// The host a spec sends to ("api.github.com"); "" when the URL has none.
std::string VerifyHost(const std::string& url);

struct VerifyOptions {
  int jobs = 4;                 // concurrent requests, 1 to 64
  double per_host_rate = 5.0;   // request starts per second per host; 0: no
                                // limit
  int max_retries = 3;          // on 429 (and 503 with Retry-After)
  double max_retry_after = 60;  // seconds; a longer Retry-After gives up
  int connect_timeout_ms = 5000;
  int timeout_ms = 10000;           // whole request
  size_t max_response = 256 << 10;  // bytes; a larger body is an error
  std::string ca_file;              // extra CA bundle (tests); "" system CAs
  // HOST -> base URL ("http://127.0.0.1:8080"): requests for HOST go there
  // (the path and query are kept). Tests and proxies.
  std::map<std::string, std::string> redirects;
  // With `allow_only_redirected`, a request for a host without a redirect
  // is not sent (error "no redirect for HOST"): tests set it so nothing
  // can reach a real provider.
  bool allow_only_redirected = false;
  std::string cache_path;  // "" no cache
  int64_t cache_ttl_seconds = 24 * 3600;
  std::string today;  // YYYY-MM-DD, for Verification::date
  // Seconds since the epoch, and a sleep (defaults: the real ones). Tests
  // fake them to check backoff without waiting.
  std::function<double()> now;
  std::function<void(double)> sleep;
  std::function<void(const std::string&)> warn;  // never sees a secret
};

// One secret's answer, as a finding carries it.
struct VerifyOutcome {
  std::string status;  // active | inactive | unknown | error
  std::string account;
  std::string scope;
  std::string detail;  // why unknown/error: "HTTP 500", "timeout"
  int http_status = 0;
  bool cached = false;
};

// Verifies the findings whose rule has a verify block; each distinct
// (rule, identifier, secret) is asked once. Fills Finding::verification.
// Returns an error only for bad options; per-secret failures are
// verification "error" with a detail.
Status VerifyFindings(const RuleSet& rules, std::vector<Finding>* findings,
                      const VerifyOptions& options);

// One request, no cache, no pool: `keyward inventory verify`, tests.
VerifyOutcome VerifySecret(const VerifySpec& spec, const std::string& secret,
                           const std::string& id, const VerifyOptions& options);

// Sends the spec's revoke request (REQUIRES: spec.can_revoke). The outcome
// is "revoked" when the `success` condition holds, else "unknown" (with
// the HTTP status) or "error". Never retried.
VerifyOutcome RevokeSecret(const VerifySpec& spec, const std::string& secret,
                           const std::string& id, const VerifyOptions& options);

// Reads "HOST=URL" into `options->redirects`; false on a malformed spec.
bool AddVerifyRedirect(const std::string& spec, VerifyOptions* options);

// $XDG_CACHE_HOME/keyward/verify.json (else ~/.cache/keyward/verify.json).
std::string DefaultVerifyCachePath();

}  // namespace keyward

#endif  // KEYWARD_VERIFY_H_

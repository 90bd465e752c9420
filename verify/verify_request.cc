// RunVerification and JudgeResponse (verify/verify_request.h).
#include "verify/verify_request.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "verify/sigv4.h"

namespace keyward {
namespace {

using nlohmann::json;

bool UrlSafe(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
         c == ':';
}

std::string PercentEncode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (UrlSafe(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string Fill(const std::string& text, const std::string& secret,
                 const std::string& id, bool url) {
  std::string out;
  size_t at = 0;
  while (true) {
    size_t open = text.find("{{", at);
    out += text.substr(at, open == std::string::npos ? open : open - at);
    if (open == std::string::npos) return out;
    bool is_secret = text.compare(open, 10, "{{secret}}") == 0;
    const std::string& value = is_secret ? secret : id;
    out += url ? PercentEncode(value) : value;
    at = open + (is_secret ? 10 : 6);
  }
}

std::string Base64(const std::string& s) {
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  out.resize(n);
  return out;
}

bool UsesId(const VerifyRequestSpec& r) {
  std::string all = r.url + r.body + r.basic_user + r.basic_password;
  for (const auto& h : r.headers) all += h.second;
  return r.aws_sigv4 || all.find("{{id}}") != std::string::npos;
}

bool Matches(const VerifyCondition& c, long status, const json& body) {
  if (!c.status.empty() &&
      std::find(c.status.begin(), c.status.end(), status) == c.status.end()) {
    return false;
  }
  if (c.json_pointer.empty()) return true;
  if (body.is_discarded()) return false;
  json::json_pointer p(c.json_pointer);
  if (!body.contains(p)) return false;
  return c.json_equals.empty() || body.at(p) == json::parse(c.json_equals);
}

// A short, printable value; never the secret itself.
std::string Clean(std::string v, const std::string& secret) {
  if (!secret.empty() && v.find(secret) != std::string::npos) {
    return "(withheld: contains the secret)";
  }
  for (char& c : v) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (v.size() > 200) v = v.substr(0, 200) + "...";
  return v;
}

std::string Extract(const VerifyExtract& e, const HttpResponse& r,
                    const json& body, const std::string& secret) {
  if (!e.header.empty()) {
    std::string name = e.header;
    for (char& c : name) c = std::tolower(static_cast<unsigned char>(c));
    return Clean(r.Header(name), secret);
  }
  if (e.json_pointer.empty() || body.is_discarded()) return "";
  json::json_pointer p(e.json_pointer);
  if (!body.contains(p)) return "";
  const json& v = body.at(p);
  if (v.is_string()) return Clean(v.get<std::string>(), secret);
  if (v.is_array()) {
    std::string joined;
    for (const auto& item : v) {
      joined += (joined.empty() ? "" : ", ") +
                (item.is_string() ? item.get<std::string>() : item.dump());
    }
    return Clean(joined, secret);
  }
  return Clean(v.dump(), secret);
}

// Seconds from Retry-After (delta-seconds only); -1 when absent or a date.
double RetryAfter(const HttpResponse& r) {
  std::string v = r.Header("retry-after");
  if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos ||
      v.size() > 9) {
    return -1;
  }
  return std::strtod(v.c_str(), nullptr);
}

VerifyOutcome Error(std::string detail) {
  VerifyOutcome o;
  o.status = "error";
  o.detail = std::move(detail);
  return o;
}

}  // namespace

double HostLimiter::Reserve(const std::string& host, double rate, double now) {
  std::lock_guard<std::mutex> lock(mu_);
  double& next = next_[host];
  double slot = std::max(now, next);
  next = slot + (rate > 0 ? 1.0 / rate : 0.0);
  return slot - now;
}

void HostLimiter::Hold(const std::string& host, double until) {
  std::lock_guard<std::mutex> lock(mu_);
  double& next = next_[host];
  next = std::max(next, until);
}

double VerifyNow(const VerifyOptions& options) {
  if (options.now) return options.now();
  return std::chrono::duration<double>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void VerifySleep(const VerifyOptions& options, double seconds) {
  if (seconds <= 0) return;
  if (options.sleep) return options.sleep(seconds);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

VerifyOutcome JudgeResponse(const VerifySpec& spec, const HttpResponse& r,
                            const std::string& secret) {
  json body = json::parse(r.body, nullptr, false);
  VerifyOutcome o;
  o.http_status = static_cast<int>(r.status);
  if (Matches(spec.active, r.status, body)) {
    o.status = "active";
    o.account = Extract(spec.account, r, body, secret);
    o.scope = Extract(spec.scope, r, body, secret);
  } else if (Matches(spec.inactive, r.status, body)) {
    o.status = "inactive";
  } else {
    o.status = "unknown";
    o.detail = "HTTP " + std::to_string(r.status);
    if (!spec.active.json_pointer.empty() && body.is_discarded()) {
      o.detail += ", body is not JSON";
    }
  }
  return o;
}

namespace {

// Sends `t` filled in (redirected, signed, rate-limited; 429 retried up to
// `max_retries`). An outcome on failure, nullopt with `*out` on an answer.
std::optional<VerifyOutcome> Exchange(const VerifyRequestSpec& t,
                                      const std::string& secret,
                                      const std::string& id,
                                      const VerifyOptions& options,
                                      int max_retries, HostLimiter* limiter,
                                      HttpResponse* out) {
  if (id.empty() && UsesId(t)) {
    VerifyOutcome o;
    o.status = "unknown";
    o.detail = "needs the identifier found beside the secret";
    return o;
  }
  for (const std::string* v : {&secret, &id}) {
    if (v->find_first_of("\r\n") != std::string::npos) {
      return Error("value has a line break; not sent");
    }
  }
  const std::string host = VerifyHost(t.url);
  std::string url = Fill(t.url, secret, id, /*url=*/true);
  if (auto it = options.redirects.find(host); it != options.redirects.end()) {
    std::string base = it->second;
    while (!base.empty() && base.back() == '/') base.pop_back();
    size_t path = url.find_first_of("/?#", 8);
    url = base + (path == std::string::npos ? "/" : url.substr(path));
  } else if (options.allow_only_redirected) {
    return Error("no redirect for " + host + "; not sent");
  }
  HttpOptions http;
  http.connect_timeout_ms = options.connect_timeout_ms;
  http.timeout_ms = options.timeout_ms;
  http.max_response = options.max_response;
  http.ca_file = options.ca_file;
  for (int attempt = 0;; attempt++) {
    HttpRequest request;
    request.method = t.method;
    request.url = url;
    request.body = Fill(t.body, secret, id, false);
    for (const auto& [name, value] : t.headers) {
      request.headers.emplace_back(name, Fill(value, secret, id, false));
    }
    if (t.basic_auth) {
      request.headers.emplace_back(
          "Authorization",
          "Basic " + Base64(Fill(t.basic_user, secret, id, false) + ":" +
                            Fill(t.basic_password, secret, id, false)));
    }
    VerifySleep(options, limiter->Reserve(host, options.per_host_rate,
                                          VerifyNow(options)));
    if (t.aws_sigv4) {
      SignSigV4(&request, host,
                {id, secret, t.aws_region, t.aws_service,
                 AmzDateNow(VerifyNow(options))});
    }
    HttpResult result = HttpFetch(request, http);
    if (!result.ok()) return Error(result.message);
    long status = result.response.status;
    double wait = RetryAfter(result.response);
    if (status == 429 || (status == 503 && wait >= 0)) {
      if (attempt >= max_retries) {
        return Error("rate limited (HTTP " + std::to_string(status) +
                     ") after " + std::to_string(attempt + 1) + " tries");
      }
      if (wait < 0) wait = 1 << attempt;  // 1, 2, 4 s
      if (wait > options.max_retry_after) {
        return Error("rate limited; Retry-After " +
                     std::to_string(static_cast<long>(wait)) +
                     " s is longer than allowed");
      }
      // The next Reserve waits it out, and every other worker's too.
      limiter->Hold(host, VerifyNow(options) + wait);
      continue;
    }
    *out = std::move(result.response);
    return std::nullopt;
  }
}

}  // namespace

VerifyOutcome RunVerification(const VerifySpec& spec, const std::string& secret,
                              const std::string& id,
                              const VerifyOptions& options,
                              HostLimiter* limiter) {
  HttpResponse response;
  if (auto failed = Exchange(spec.request, secret, id, options,
                             options.max_retries, limiter, &response)) {
    return *failed;
  }
  return JudgeResponse(spec, response, secret);
}

VerifyOutcome RevokeSecret(const VerifySpec& spec, const std::string& secret,
                           const std::string& id,
                           const VerifyOptions& options) {
  if (!spec.can_revoke) return Error("the rule has no revoke call");
  HostLimiter limiter;
  HttpResponse response;
  // Not retried: a revocation is done once, and its result looked at.
  if (auto failed =
          Exchange(spec.revoke, secret, id, options, 0, &limiter, &response)) {
    return *failed;
  }
  VerifyOutcome o;
  o.http_status = static_cast<int>(response.status);
  json body = json::parse(response.body, nullptr, false);
  if (Matches(spec.revoked, response.status, body)) {
    o.status = "revoked";
  } else {
    o.status = "unknown";
    o.detail = "HTTP " + std::to_string(response.status);
  }
  return o;
}

}  // namespace keyward

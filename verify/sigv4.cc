// AWS SigV4 (verify/sigv4.h) with OpenSSL's HMAC (base/crypto.h).
#include "verify/sigv4.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <sstream>
#include <vector>

#include "base/crypto.h"

namespace keyward {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Header values: surrounding space trimmed, inner runs collapsed to one.
std::string CanonicalValue(const std::string& v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::string SigV4SigningKey(const std::string& secret, const std::string& date,
                            const std::string& region,
                            const std::string& service) {
  std::string k = HmacSha256("AWS4" + secret, date);
  k = HmacSha256(k, region);
  k = HmacSha256(k, service);
  return HmacSha256(k, "aws4_request");
}

std::string SigV4CanonicalRequest(const HttpRequest& request,
                                  const std::string& host,
                                  const std::string& amz_date,
                                  std::string* signed_headers) {
  size_t scheme = request.url.find("://");
  size_t path_at = request.url.find_first_of(
      "/?", scheme == std::string::npos ? 0 : scheme + 3);
  std::string path_query =
      path_at == std::string::npos ? "" : request.url.substr(path_at);
  std::string path = path_query.substr(0, path_query.find('?'));
  if (path.empty()) path = "/";
  std::string query;
  if (size_t q = path_query.find('?'); q != std::string::npos) {
    std::vector<std::string> params;
    std::stringstream in(path_query.substr(q + 1));
    for (std::string p; std::getline(in, p, '&');) {
      if (p.find('=') == std::string::npos) p += '=';
      params.push_back(p);
    }
    std::sort(params.begin(), params.end());
    for (size_t i = 0; i < params.size(); i++) {
      query += (i ? "&" : "") + params[i];
    }
  }
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : request.headers) {
    std::string n = Lower(name);
    if (n == "authorization") continue;
    headers[n] = CanonicalValue(value);
  }
  headers["host"] = host;
  headers["x-amz-date"] = amz_date;
  std::string canonical_headers;
  signed_headers->clear();
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    *signed_headers += (signed_headers->empty() ? "" : ";") + name;
  }
  return request.method + "\n" + path + "\n" + query + "\n" +
         canonical_headers + "\n" + *signed_headers + "\n" +
         Sha256Hex(request.body);
}

std::string SignSigV4(HttpRequest* request, const std::string& host,
                      const SigV4Params& params) {
  std::string signed_headers;
  std::string canonical =
      SigV4CanonicalRequest(*request, host, params.amz_date, &signed_headers);
  std::string date = params.amz_date.substr(0, 8);
  std::string scope =
      date + "/" + params.region + "/" + params.service + "/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + params.amz_date + "\n" + scope +
                        "\n" + Sha256Hex(canonical);
  std::string signature = HexEncode(HmacSha256(
      SigV4SigningKey(params.secret_key, date, params.region, params.service),
      to_sign));
  request->headers.emplace_back("X-Amz-Date", params.amz_date);
  request->headers.emplace_back(
      "Authorization", "AWS4-HMAC-SHA256 Credential=" + params.access_key +
                           "/" + scope + ", SignedHeaders=" + signed_headers +
                           ", Signature=" + signature);
  return signature;
}

std::string AmzDateNow(double unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace keyward

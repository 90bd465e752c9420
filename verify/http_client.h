// One HTTP(S) request through libcurl, for verification (keyward/verify.h).
// TLS peers and host names are verified; redirects are followed only to the
// same scheme, host and port (at most 3), any other is refused; the body is
// capped. Errors are phrased from libcurl's code, never from the URL, so a
// secret in a path or query cannot reach a message.
// Thread safety: HttpFetch may be called from any number of threads.
#ifndef KEYWARD_VERIFY_HTTP_CLIENT_H_
#define KEYWARD_VERIFY_HTTP_CLIENT_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace keyward {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  long status = 0;
  // Names lowercased, in the order received.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The first value of header `name` (lowercase); "" when absent.
  std::string Header(const std::string& name) const;
};

struct HttpOptions {
  int connect_timeout_ms = 5000;
  int timeout_ms = 10000;
  size_t max_response = 256 << 10;
  std::string ca_file;  // "" the system's CAs
};

enum class HttpError { kNone, kTimeout, kTooLarge, kRedirect, kTransport };

struct HttpResult {
  HttpError error = HttpError::kNone;
  std::string message;  // names no URL
  HttpResponse response;
  bool ok() const { return error == HttpError::kNone; }
};

HttpResult HttpFetch(const HttpRequest& request, const HttpOptions& options);

// scheme://host[:port] of `url` ("" when it has none).
std::string UrlOrigin(const std::string& url);

}  // namespace keyward

#endif  // KEYWARD_VERIFY_HTTP_CLIENT_H_

// HttpFetch (verify/http_client.h): the redirect policy here, each request
// through the libcurl module (verify/modules/http_curl.cc), loaded at first
// use.
#include "verify/http_client.h"

#include <algorithm>
#include <cctype>

#include "verify/http_module.h"

namespace keyward {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

HttpResult FetchOnce(const HttpRequest& request, const HttpOptions& options) {
  static const ModuleLoad load = LoadModule(kHttpModuleFile, kHttpModuleEntry,
                                            kHttpModuleAbi, sizeof(HttpModule));
  if (!load.table) {
    HttpResult result;
    result.error = HttpError::kTransport;
    result.message = "HTTP client not available: " + load.error;
    return result;
  }
  return static_cast<const HttpModule*>(load.table)
      ->fetch_once(request, options);
}

}  // namespace

std::string HttpResponse::Header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "";
}

std::string UrlOrigin(const std::string& url) {
  size_t start = url.find("://");
  if (start == std::string::npos) return "";
  size_t end = url.find_first_of("/?#", start + 3);
  return Lower(url.substr(0, end));
}

HttpResult HttpFetch(const HttpRequest& request, const HttpOptions& options) {
  HttpRequest current = request;
  for (int hop = 0;; hop++) {
    HttpResult result = FetchOnce(current, options);
    long status = result.response.status;
    if (!result.ok() || status < 300 || status > 399 || status == 304) {
      return result;
    }
    std::string location = result.response.Header("location");
    if (location.empty()) return result;
    if (location[0] == '/' && (location.size() < 2 || location[1] != '/')) {
      location = UrlOrigin(current.url) + location;
    }
    if (UrlOrigin(location) != UrlOrigin(current.url)) {
      result.error = HttpError::kRedirect;
      result.message = "redirect to another host refused";
      return result;
    }
    if (hop == 3) {
      result.error = HttpError::kRedirect;
      result.message = "too many redirects";
      return result;
    }
    current.url = location;
  }
}

}  // namespace keyward

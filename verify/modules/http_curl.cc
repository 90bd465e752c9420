// keyward-http.so: one HTTP(S) request through libcurl, loaded at a run's
// first request (verify/http_module.h, base/module.h).
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "verify/http_module.h"

namespace keyward {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

struct Sink {
  HttpResponse* response;
  size_t cap;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t bytes = size * n;
  if (sink->response->body.size() + bytes > sink->cap) {
    sink->too_large = true;
    return 0;  // aborts the transfer
  }
  sink->response->body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();  // a new response (100 Continue, ...)
  } else if (size_t colon = line.find(':'); colon != std::string::npos) {
    response->headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                                   Trim(line.substr(colon + 1)));
  }
  return size * n;
}

HttpResult FetchOnce(const HttpRequest& request, const HttpOptions& options) {
  GlobalInit();
  HttpResult result;
  CURL* curl = curl_easy_init();
  if (!curl) {
    result.error = HttpError::kTransport;
    result.message = "cannot start libcurl";
    return result;
  }
  struct curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  // libcurl adds "Expect: 100-continue" to some POSTs; no provider needs it.
  headers = curl_slist_append(headers, "Expect:");
  Sink sink{&result.response, options.max_response};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
  }
  // A proxy from the environment is fine for providers, never for loopback.
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "127.0.0.1,localhost,::1");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(options.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "keyward-verify");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.response);
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE,
                     static_cast<long>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.response.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (sink.too_large) {
    result.error = HttpError::kTooLarge;
    result.message = "response larger than " +
                     std::to_string(options.max_response) + " bytes";
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    result.error = HttpError::kTimeout;
    result.message = "timed out";
  } else if (code != CURLE_OK) {
    result.error = HttpError::kTransport;
    result.message = curl_easy_strerror(code);
  }
  return result;
}

const HttpModule kModule = {{kHttpModuleAbi, sizeof(HttpModule)}, FetchOnce};

}  // namespace
}  // namespace keyward

extern "C" const void* keyward_http_module() { return &keyward::kModule; }

// The HTTP module's table (internal): verify/modules/http_curl.cc, built as
// keyward-http.so with libcurl, loaded by HttpFetch (verify/http_client.h)
// at a run's first request (base/module.h says why and where from).
#ifndef KEYWARD_VERIFY_HTTP_MODULE_H_
#define KEYWARD_VERIFY_HTTP_MODULE_H_

#include "base/module.h"
#include "verify/http_client.h"

namespace keyward {

inline constexpr char kHttpModuleFile[] = "keyward-http.so";
inline constexpr char kHttpModuleEntry[] = "keyward_http_module";
// Raise when HttpModule or the types it passes change.
inline constexpr int kHttpModuleAbi = 1;

struct HttpModule {
  ModuleHeader header;
  // One request, no redirect followed (HttpFetch decides about those).
  HttpResult (*fetch_once)(const HttpRequest& request,
                           const HttpOptions& options);
};

}  // namespace keyward

#endif  // KEYWARD_VERIFY_HTTP_MODULE_H_

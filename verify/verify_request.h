// One verification request, start to verdict (internal to verify/): the
// template filled in, redirected, signed, rate-limited, retried on 429 and
// judged by the spec's conditions. VerifySecret and VerifyFindings use it.
#ifndef KEYWARD_VERIFY_VERIFY_REQUEST_H_
#define KEYWARD_VERIFY_VERIFY_REQUEST_H_

#include <map>
#include <mutex>
#include <string>

#include "keyward/verify.h"
#include "verify/http_client.h"

namespace keyward {

// Spaces request starts to one host 1/rate seconds apart, across threads;
// a 429 holds the host back for everyone. Thread-safe.
class HostLimiter {
 public:
  // Seconds the caller must wait before its request to `host` starts.
  double Reserve(const std::string& host, double rate, double now);
  // No request to `host` starts before `until`.
  void Hold(const std::string& host, double until);

 private:
  std::mutex mu_;
  std::map<std::string, double> next_;
};

// The options' clock and sleep, or the real ones.
double VerifyNow(const VerifyOptions& options);
void VerifySleep(const VerifyOptions& options, double seconds);

VerifyOutcome RunVerification(const VerifySpec& spec, const std::string& secret,
                              const std::string& id,
                              const VerifyOptions& options,
                              HostLimiter* limiter);

// The verdict on one response (exposed for tests).
VerifyOutcome JudgeResponse(const VerifySpec& spec, const HttpResponse& r,
                            const std::string& secret);

}  // namespace keyward

#endif  // KEYWARD_VERIFY_VERIFY_REQUEST_H_

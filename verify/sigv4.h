// AWS Signature Version 4 (docs.aws.amazon.com/IAM/latest/UserGuide/
// reference_aws-signing.html), enough to sign sts:GetCallerIdentity: a
// request whose path and query are already URI-encoded.
#ifndef KEYWARD_VERIFY_SIGV4_H_
#define KEYWARD_VERIFY_SIGV4_H_

#include <string>

#include "verify/http_client.h"

namespace keyward {

struct SigV4Params {
  std::string access_key;
  std::string secret_key;
  std::string region;
  std::string service;
  std::string amz_date;  // YYYYMMDDTHHMMSSZ
};

// The raw 32-byte signing key: HMAC chain "AWS4"+secret, date (YYYYMMDD),
// region, service, "aws4_request".
std::string SigV4SigningKey(const std::string& secret, const std::string& date,
                            const std::string& region,
                            const std::string& service);

// The canonical request of `request` sent to `host`, signing every header
// it has plus host and x-amz-date; `signed_headers` gets their list.
std::string SigV4CanonicalRequest(const HttpRequest& request,
                                  const std::string& host,
                                  const std::string& amz_date,
                                  std::string* signed_headers);

// Adds X-Amz-Date and Authorization to `request` (for `host`, which may
// differ from the URL's under --verify-redirect). Returns the signature hex.
std::string SignSigV4(HttpRequest* request, const std::string& host,
                      const SigV4Params& params);

// The current UTC time as YYYYMMDDTHHMMSSZ.
std::string AmzDateNow(double unix_seconds);

}  // namespace keyward

#endif  // KEYWARD_VERIFY_SIGV4_H_

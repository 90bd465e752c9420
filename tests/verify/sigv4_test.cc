// AWS Signature Version 4 against AWS's published examples.
#include "verify/sigv4.h"

#include <gtest/gtest.h>

#include "base/crypto.h"

namespace keyward {
namespace {

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

// "Examples of how to derive a signing key for Signature Version 4": the
// documented key for 20120215 / us-east-1 / iam.
TEST(SigV4Test, SigningKeyMatchesTheDocumentedDerivation) {
  EXPECT_EQ(HexEncode(HmacSha256(std::string("AWS4") + kSecret, "20120215")),
            "969fbb94feb542b71ede6f87fe4d5fa29c789342b0f407474670f0c2489e0a0d");
  EXPECT_EQ(HexEncode(SigV4SigningKey(kSecret, "20120215", "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

// The SigV4 test suite's get-vanilla case: GET / on example.amazonaws.com,
// key AKIDEXAMPLE, 20150830T123600Z, us-east-1, service "service".
TEST(SigV4Test, GetVanillaSuiteVector) {
  HttpRequest r;
  r.method = "GET";
  r.url = "https://example.amazonaws.com/";
  std::string signed_headers;
  std::string canonical = SigV4CanonicalRequest(
      r, "example.amazonaws.com", "20150830T123600Z", &signed_headers);
  EXPECT_EQ(canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z"
            "\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex(canonical),
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  std::string signature = SignSigV4(
      &r, "example.amazonaws.com",
      {"AKIDEXAMPLE", kSecret, "us-east-1", "service", "20150830T123600Z"});
  EXPECT_EQ(signature,
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[1].second,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
            "service/aws4_request, SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1"
            "d763fbf31");
}

// The IAM ListUsers example of "Create a canonical request" / "Calculate
// the signature" (GET with a query and a content-type header).
TEST(SigV4Test, IamListUsersDocumentedExample) {
  HttpRequest r;
  r.method = "GET";
  r.url = "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08";
  r.headers.emplace_back("Content-Type",
                         "application/x-www-form-urlencoded; charset=utf-8");
  std::string signed_headers;
  std::string canonical = SigV4CanonicalRequest(
      r, "iam.amazonaws.com", "20150830T123600Z", &signed_headers);
  EXPECT_EQ(signed_headers, "content-type;host;x-amz-date");
  EXPECT_EQ(Sha256Hex(canonical),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(SignSigV4(&r, "iam.amazonaws.com",
                      {"AKIDEXAMPLE", kSecret, "us-east-1", "iam",
                       "20150830T123600Z"}),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(SigV4Test, QueryParametersAreSortedAndAmzDateIsUtc) {
  HttpRequest r;
  r.url =
      "https://sts.amazonaws.com/?Version=2011-06-15&Action=GetCallerIdentity";
  std::string signed_headers;
  std::string canonical = SigV4CanonicalRequest(
      r, "sts.amazonaws.com", "20150830T123600Z", &signed_headers);
  EXPECT_NE(canonical.find("\nAction=GetCallerIdentity&Version=2011-06-15\n"),
            std::string::npos);
  EXPECT_EQ(AmzDateNow(1440938160), "20150830T123600Z");
}

}  // namespace
}  // namespace keyward

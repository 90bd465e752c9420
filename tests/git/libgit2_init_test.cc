// EnsureLibgit2 skips libgit2's CA bundle parsing at init through keyward's
// own mbedtls_x509_crt_parse_file (git/libgit2_init.cc). These tests pin the
// two things that makes rely on: the definition is the one the process uses,
// and outside init it forwards to mbedTLS.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "git/repo.h"

extern "C" int mbedtls_x509_crt_parse_file(void* chain, const char* path);

namespace keyward::git {
namespace {

TEST(Libgit2InitTest, OwnCaFileParserIsTheOneLibgit2Binds) {
  EnsureLibgit2();
  // Exported from the executable, ahead of libmbedx509 in lookup order (only
  // when libgit2 uses mbedTLS is the symbol referenced and exported at all).
  void* bound = dlsym(RTLD_DEFAULT, "mbedtls_x509_crt_parse_file");
  if (bound == nullptr) GTEST_SKIP() << "libgit2 does not use mbedTLS";
  EXPECT_EQ(bound, reinterpret_cast<void*>(&mbedtls_x509_crt_parse_file));
}

TEST(Libgit2InitTest, CertLocationsStillReachTheTlsLibraryAfterInit) {
  EnsureLibgit2();
  // Forwarded, so a missing file is an error, not a silent empty trust store.
  EXPECT_NE(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS,
                             "/nonexistent/keyward/ca.pem", nullptr),
            0);
  const char* bundle = "/etc/ssl/certs/ca-certificates.crt";
  if (access(bundle, R_OK) == 0) {
    EXPECT_EQ(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, bundle, nullptr),
              0)
        << LastError();
  }
}

}  // namespace
}  // namespace keyward::git

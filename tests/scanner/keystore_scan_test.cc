// Directory scans of PKCS#12 keystores (.p12, .pfx): one that opens with an
// empty or published default password is a leaked private key, reported at
// the keystore's path; one with a real password is not (scan_documents.cc).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "keyward/matcher.h"
#include "keyward/scan.h"
#include "support/builtin_matcher_test.h"
#include "support/pkcs12.h"
#include "support/run.h"

namespace keyward {
namespace {

class KeystoreScanTest : public test::BuiltinMatcherTest {
 protected:
  ScanResult Scan(const std::string& dir, ScanOptions o = {}) {
    o.threads = 2;
    Scanner scanner(*matcher_, o);
    ScanResult r;
    Status s = scanner.ScanPaths({dir}, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r;
  }
};

TEST_F(KeystoreScanTest, DefaultPasswordKeystoreIsAPrivateKeyFinding) {
  test::TempDir dir;
  std::string der = test::MakePkcs12("notasecret");
  ASSERT_FALSE(der.empty());
  dir.Write("keys/service-account.p12", der);
  ScanResult r = Scan(dir.path());
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.path, dir.path() + "/keys/service-account.p12");
  EXPECT_EQ(f.rule_id, "private_key.pem.pkcs8");
  EXPECT_EQ(f.line, 1);
  EXPECT_EQ(f.encoding, "pkcs12(password notasecret)");
}

TEST_F(KeystoreScanTest, ProtectedKeystoreAndOtherBinariesAreNotReported) {
  test::TempDir dir;
  dir.Write("keys/site.pfx", test::MakePkcs12("Vq8-orchid-Lantern-41"));
  // The default-password keystore under a name that is no keystore's.
  dir.Write("keys/blob.bin", test::MakePkcs12("notasecret"));
  EXPECT_TRUE(Scan(dir.path()).findings.empty());
}

TEST_F(KeystoreScanTest, WithoutDocumentsKeystoresAreSkippedAsBinary) {
  test::TempDir dir;
  dir.Write("keys/service-account.p12", test::MakePkcs12("notasecret"));
  ScanOptions o;
  o.documents = false;
  EXPECT_TRUE(Scan(dir.path(), o).findings.empty());
}

}  // namespace
}  // namespace keyward

// PKCS#12 keystores that open with no real password (source/pkcs12_key.h).
#include "source/pkcs12_key.h"

#include <gtest/gtest.h>

#include <string>

#include "support/pkcs12.h"

namespace keyward {
namespace {

bool IsPem(const std::string& s) {
  return s.rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0 &&
         s.find("-----END PRIVATE KEY-----") != std::string::npos;
}

TEST(Pkcs12KeyTest, PathsByExtension) {
  EXPECT_TRUE(IsPkcs12Path("keys/service.p12"));
  EXPECT_TRUE(IsPkcs12Path("C:\\certs\\SITE.PFX"));
  EXPECT_FALSE(IsPkcs12Path("notes.p12.txt"));
  EXPECT_FALSE(IsPkcs12Path("p12"));
}

TEST(Pkcs12KeyTest, PublishedDefaultPasswordOpensToPem) {
  std::string der = test::MakePkcs12("notasecret");
  ASSERT_FALSE(der.empty());
  std::string password;
  std::string pem = OpenPkcs12Keys(der, &password);
  EXPECT_TRUE(IsPem(pem));
  EXPECT_EQ(password, "notasecret");
}

TEST(Pkcs12KeyTest, EmptyPasswordOpensToPem) {
  std::string der = test::MakePkcs12("");
  ASSERT_FALSE(der.empty());
  std::string password = "unset";
  EXPECT_TRUE(IsPem(OpenPkcs12Keys(der, &password)));
  EXPECT_EQ(password, "");
}

TEST(Pkcs12KeyTest, RealPasswordKeepsTheKeystoreClosed) {
  std::string der = test::MakePkcs12("Vq8-orchid-Lantern-41");
  ASSERT_FALSE(der.empty());
  std::string password;
  EXPECT_EQ(OpenPkcs12Keys(der, &password), "");
}

TEST(Pkcs12KeyTest, BrokenOrHostileInputIsNotOpened) {
  std::string der = test::MakePkcs12("notasecret");
  ASSERT_GT(der.size(), 100u);
  std::string password;
  EXPECT_EQ(OpenPkcs12Keys(der.substr(0, der.size() / 2), &password), "");
  EXPECT_EQ(OpenPkcs12Keys(std::string(4096, '\x30'), &password), "");
  EXPECT_EQ(OpenPkcs12Keys("", &password), "");
  // A MAC asking for more key-derivation rounds than the limit is not
  // tried (a crafted file could ask for billions).
  std::string slow = test::MakePkcs12(
      "notasecret", static_cast<int>(kMaxPkcs12Iterations) + 1);
  ASSERT_FALSE(slow.empty());
  EXPECT_EQ(OpenPkcs12Keys(slow, &password), "");
}

}  // namespace
}  // namespace keyward

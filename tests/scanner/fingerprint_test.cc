#include "keyward/fingerprint.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>

#include "base/crypto.h"
#include "keyward/finding.h"
#include "support/run.h"

namespace keyward {
namespace {

// Restores the key the rest of the test binary runs with.
class FingerprintTest : public ::testing::Test {
 protected:
  void SetUp() override { SetFingerprintKey("unit-test-key-0123456789"); }
  void TearDown() override { SetFingerprintKey("unit-test-key-0123456789"); }
};

TEST_F(FingerprintTest, KeyedStableAndNotThePlainDigest) {
  std::string fp = SecretFingerprint("hunter2hunter2");
  EXPECT_TRUE(IsKeyedFingerprint(fp)) << fp;
  EXPECT_EQ(fp, SecretFingerprint("hunter2hunter2"));
  EXPECT_EQ(fp.find(Sha256Hex("hunter2hunter2")), std::string::npos);
  std::string id = FingerprintKeyId();
  EXPECT_EQ(id.size(), 16u);
  SetFingerprintKey("another-key-0123456789");
  EXPECT_NE(SecretFingerprint("hunter2hunter2"), fp);
  EXPECT_NE(FingerprintKeyId(), id);
}

// The fingerprint's HMAC is computed on the low-level digest (no EVP set-up
// per process): it must equal OpenSSL's HMAC, for short and long keys.
TEST_F(FingerprintTest, HmacEqualsOpenSslHmac) {
  for (std::string key : {std::string("unit-test-key-0123456789"),
                          std::string(64, 'k'), std::string(200, 'x')}) {
    SetFingerprintKey(key);
    std::string digest = SecretDigest("hunter2hunter2");
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>("hunter2hunter2"), 14, md);
    EXPECT_EQ(digest, std::string(reinterpret_cast<char*>(md), sizeof md));
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(digest.data()), digest.size(),
         mac, &len);
    EXPECT_EQ(FingerprintFromDigest(digest),
              "hmac-sha256:" +
                  HexEncode(std::string(reinterpret_cast<char*>(mac), len)))
        << key.size();
  }
}

TEST_F(FingerprintTest, SealOpensOnlyUnderTheSameKey) {
  std::string digest = SecretDigest("hunter2hunter2");
  std::string fp = FingerprintFromDigest(digest);
  std::string seal = SealDigest(fp, digest);
  EXPECT_EQ(seal.size(), 64u);
  EXPECT_EQ(seal.find(Sha256Hex("hunter2hunter2")), std::string::npos);
  auto opened = OpenSeal(fp, seal);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, digest);
  // Tampered seal, wrong fingerprint, malformed input: nothing.
  std::string bad = seal;
  bad[0] = bad[0] == '0' ? '1' : '0';
  EXPECT_FALSE(OpenSeal(fp, bad).has_value());
  EXPECT_FALSE(OpenSeal(SecretFingerprint("other"), seal).has_value());
  EXPECT_FALSE(OpenSeal(fp, "zz").has_value());
  SetFingerprintKey("another-key-0123456789");
  EXPECT_FALSE(OpenSeal(fp, seal).has_value());
}

TEST_F(FingerprintTest, LegacyFingerprintsAreRecognisedAndDecoded) {
  std::string digest = SecretDigest("abc");
  std::string legacy = LegacyFingerprint(digest);
  EXPECT_TRUE(IsLegacyFingerprint(legacy));
  EXPECT_FALSE(IsKeyedFingerprint(legacy));
  EXPECT_EQ(DigestFromLegacy(legacy), digest);
  EXPECT_FALSE(DigestFromLegacy("sha256:xyz").has_value());
  EXPECT_FALSE(IsLegacyFingerprint(SecretFingerprint("abc")));
}

std::function<const char*(const char*)> Env(
    const std::map<std::string, std::string>& vars) {
  return [vars](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST_F(FingerprintTest, KeyComesFromEnvThenFileThenPerUserFile) {
  test::TempDir home;
  auto k = LoadFingerprintKey(
      Env({{"KEYWARD_FINGERPRINT_KEY", "from-the-environment-0123"},
           {"HOME", home.path()}}));
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->key, "from-the-environment-0123");
  EXPECT_FALSE(k->created);

  std::string file = home.Write("k.txt", "from-a-file-0123456789\n");
  k = LoadFingerprintKey(
      Env({{"KEYWARD_FINGERPRINT_KEY_FILE", file}, {"HOME", home.path()}}));
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->key, "from-a-file-0123456789");

  k = LoadFingerprintKey(Env({{"HOME", home.path()}}));
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_TRUE(k->created);
  EXPECT_EQ(k->origin, home.path() + "/.config/keyward/fingerprint.key");
  EXPECT_EQ(k->key.size(), 64u);
  struct stat st;
  ASSERT_EQ(stat(k->origin.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = LoadFingerprintKey(Env({{"HOME", home.path()}}));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->key, k->key);
  // XDG_CONFIG_HOME wins over HOME.
  auto xdg = LoadFingerprintKey(
      Env({{"HOME", home.path()}, {"XDG_CONFIG_HOME", home.path() + "/xdg"}}));
  ASSERT_TRUE(xdg.ok());
  EXPECT_EQ(xdg->origin, home.path() + "/xdg/keyward/fingerprint.key");
  // No leftover temporary files beside the key.
  for (const auto& e :
       std::filesystem::directory_iterator(home.path() + "/.config/keyward")) {
    EXPECT_EQ(e.path().filename(), "fingerprint.key");
  }
}

TEST_F(FingerprintTest, ShortOrMissingKeysAreClearErrors) {
  auto k = LoadFingerprintKey(Env({{"KEYWARD_FINGERPRINT_KEY", "short"}}));
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.status().code(), Status::Code::kConfig);
  EXPECT_EQ(k.status().message().find("short"), std::string::npos);
  k = LoadFingerprintKey(
      Env({{"KEYWARD_FINGERPRINT_KEY_FILE", "/nonexistent/keyward.key"}}));
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.status().message().find("/nonexistent/keyward.key"),
            std::string::npos);
  k = LoadFingerprintKey(Env({}));
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.status().message().find("KEYWARD_FINGERPRINT_KEY"),
            std::string::npos);
}

}  // namespace
}  // namespace keyward

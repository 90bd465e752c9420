// Legacy (unkeyed) fingerprints.
#include <gtest/gtest.h>

#include "keyward/fingerprint.h"

namespace keyward {
namespace {

// Fingerprints and baselines written by earlier versions hold plain
// SHA-256 (FIPS 180-2 vector); they stay valid.
TEST(FindingTest, LegacyFingerprintIsPlainSha256) {
  EXPECT_EQ(LegacyFingerprint(SecretDigest("abc")),
            "sha256:"
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace keyward

// The one SHA-256 / HMAC / hex helper (base/crypto.h), pinned to published
// test vectors (FIPS 180-2, RFC 4231), not to OpenSSL calls.
#include "base/crypto.h"

#include <gtest/gtest.h>

#include <string>

namespace keyward {
namespace {

TEST(CryptoTest, Sha256MatchesFips180Vectors) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(
      Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(HexEncode(Sha256("abc")), Sha256Hex("abc"));
  EXPECT_EQ(Sha256("abc").size(), 32u);
}

TEST(CryptoTest, HmacMatchesRfc4231Vectors) {
  // Test case 2: a short key.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a 131-byte key, longer than the block, hashed first.
  EXPECT_EQ(
      HexEncode(HmacSha256(std::string(131, '\xaa'),
                           "Test Using Larger Than Block-Size Key - Hash Key "
                           "First")),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(CryptoTest, HexRoundTripsAndRejectsBadInput) {
  std::string bytes;
  ASSERT_TRUE(HexDecode("00ff7A", &bytes));
  EXPECT_EQ(bytes, std::string("\x00\xff\x7a", 3));
  EXPECT_EQ(HexEncode(bytes), "00ff7a");
  EXPECT_FALSE(HexDecode("abc", &bytes));
  EXPECT_FALSE(HexDecode("zz", &bytes));
}

TEST(CryptoTest, RandomHexHasTheAskedLength) {
  std::string a, b;
  ASSERT_TRUE(RandomHex(32, &a));
  ASSERT_TRUE(RandomHex(32, &b));
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace keyward

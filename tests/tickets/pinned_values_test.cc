// Ticket ids, fingerprints and redaction pinned to fixed values written out
// here (computed once with Python's hashlib/hmac), not to the functions under
// test: a change to any of them breaks existing ticket directories,
// baselines and allowlists, and must show up as a failing test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "keyward/finding.h"
#include "keyward/fingerprint.h"
#include "keyward/tickets.h"

namespace keyward {
namespace {

// Invented for these tests; no provider issues keys of this shape.
constexpr char kSecret[] = "kwtest_Hb3Nq8Rz1Yc6Vm0Tk5Ws2Pj";

class PinnedValuesTest : public ::testing::Test {
 protected:
  void SetUp() override { SetFingerprintKey("keyward-tests-pinned-key-0001"); }
  void TearDown() override {
    const char* env = std::getenv("KEYWARD_FINGERPRINT_KEY");
    if (env != nullptr) SetFingerprintKey(env);
  }
};

TEST_F(PinnedValuesTest, FingerprintUnderAFixedKey) {
  // hmac-sha256:HMAC-SHA256(key, SHA-256(secret)), hex.
  EXPECT_EQ(SecretFingerprint(kSecret),
            "hmac-sha256:"
            "303a310a3623dfd74760189f828a165133d44898b817051eb04b8b5469643a36");
}

TEST_F(PinnedValuesTest, TicketIds) {
  // "KW-" + the first 10 hex digits of SHA-256(ticket key).
  EXPECT_EQ(TicketId("hmac-sha256:303a310a3623dfd74760189f828a165133d44898b8"
                     "17051eb04b8b5469643a36"),
            "KW-33e9f0bee8");
  EXPECT_EQ(TicketId("inventory:warehouse-sync"), "KW-3f01a4e35a");

  // A ticket built from a finding is keyed by its fingerprint.
  Finding f;
  f.rule_id = "kwtest.token";
  f.rule_name = "Keyward test token";
  f.path = "src/a.py";
  f.line = f.end_line = 3;
  f.column = 1;
  f.secret = kSecret;
  f.redacted = Redact(kSecret, "kwtest_");
  f.fingerprint = SecretFingerprint(kSecret);
  TicketOptions opts;
  opts.today = "2026-03-01";
  auto tickets = BuildTickets({f}, {}, {}, opts);
  ASSERT_EQ(tickets.size(), 1u);
  EXPECT_EQ(tickets[0].id, "KW-33e9f0bee8");
  EXPECT_EQ(tickets[0].secret_hint, "kwtest_…s2Pj");
}

TEST(PinnedRedactionTest, PrefixEllipsisAndLastFour) {
  EXPECT_EQ(Redact(kSecret, "kwtest_"), "kwtest_…s2Pj");
  // Without a prefix (or one the secret does not start with): the tail only.
  EXPECT_EQ(Redact(kSecret, ""), "…s2Pj");
  EXPECT_EQ(Redact(kSecret, "ghp_"), "…s2Pj");
  // Fewer than 12 characters after the prefix: nothing of them is shown.
  EXPECT_EQ(Redact("kwtest_Hb3Nq8Rz1Y", "kwtest_"), "kwtest_…");
  EXPECT_EQ(Redact("Hb3Nq8Rz1Yc", ""), "…");
  // A key block ends in armour: no characters shown.
  EXPECT_EQ(
      Redact("-----BEGIN KEY-----\nMIIB0123456789abcdef\n-----END KEY-----\n",
             "-----BEGIN"),
      "-----BEGIN…");
}

}  // namespace
}  // namespace keyward

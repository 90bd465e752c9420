#include "keyward/inventory.h"

#include <gtest/gtest.h>

#include "support/run.h"

namespace keyward {
namespace {

// Invented test secret (no real provider format).
constexpr char kSecret[] = "kwtest_Zq8vN2pLx4Rt7Yb1Hc6Md9Wf3Ks5";
constexpr char kSaltHex[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kSha[] =
    "sha256:a213b8244fce679b7ca98a7bdecbe6ff07a3c321f09e025331e09af3159148e2";

Credential Cred(const std::string& id, const std::string& env = "production") {
  Credential c;
  c.id = id;
  c.name = "Billing export - " + env + " - Finance";
  c.use.owner = "finance";
  c.use.environment = env;
  c.use.access = "read-only";
  c.use.systems = {"billing"};
  c.created = "2026-01-10";
  return c;
}

// Pinned vectors (computed independently with Python's hmac module): a
// change to the fingerprint scheme would orphan every stored inventory.
TEST(InventoryFingerprintTest, SaltedFingerprintIsPinned) {
  Inventory inv = Inventory::Create(std::nullopt, kSaltHex);
  EXPECT_EQ(inv.FingerprintSecret(kSecret),
            "hmac-sha256:"
            "abccb03487e7beb7bf4b1e739f4020572eb518041e598cbd9ead2427b71c6a78");
  EXPECT_EQ(inv.FingerprintFromSha256(kSha), inv.FingerprintSecret(kSecret));
}

TEST(InventoryFingerprintTest, PepperKeysInsteadOfSalt) {
  Inventory inv = Inventory::Create(std::string("team-pepper-7"), kSaltHex);
  EXPECT_TRUE(inv.keyed_by_pepper());
  EXPECT_EQ(inv.FingerprintSecret(kSecret),
            "hmac-sha256:"
            "50025585fd737adbbcbfdb14cee4527fb52eebd654af6247fba816e47a6961e1");
  std::string text = inv.Serialize();
  EXPECT_NE(text.find("\"keyed_by\": \"pepper\""), std::string::npos);
  EXPECT_EQ(text.find("\"salt\""), std::string::npos);  // no salt kept
  EXPECT_EQ(text.find("team-pepper-7"), std::string::npos);
}

TEST(InventoryFingerprintTest, DifferentSaltsGiveDifferentFingerprints) {
  auto s1 = Inventory::NewSalt(), s2 = Inventory::NewSalt();
  ASSERT_TRUE(s1.ok() && s2.ok());
  EXPECT_NE(s1.value(), s2.value());
  EXPECT_EQ(s1.value().size(), 64u);
  EXPECT_NE(
      Inventory::Create(std::nullopt, s1.value()).FingerprintSecret(kSecret),
      Inventory::Create(std::nullopt, s2.value()).FingerprintSecret(kSecret));
}

TEST(InventoryFingerprintTest, HintShowsPrefixAndLastFourOnly) {
  Inventory inv = Inventory::Create(std::nullopt, kSaltHex);
  StoredFingerprint fp = inv.MakeFingerprint(kSecret, "2026-02-03");
  EXPECT_EQ(fp.hint, "kwtest_…3Ks5");
  EXPECT_EQ(fp.hint.find("Zq8vN2"), std::string::npos);
  EXPECT_EQ(fp.added, "2026-02-03");
}

TEST(InventoryFingerprintTest, PepperGivenToSaltFileStillMatchesOldEntries) {
  Inventory salted = Inventory::Create(std::nullopt, kSaltHex);
  Credential c = Cred("billing-export");
  c.fingerprints.push_back(salted.MakeFingerprint(kSecret, "2026-01-10"));
  ASSERT_TRUE(salted.Add(c).ok());
  auto peppered = Inventory::Parse(salted.Serialize(), "inv.json",
                                   std::string("team-pepper-7"));
  ASSERT_TRUE(peppered.ok()) << peppered.status().ToString();
  EXPECT_TRUE(peppered->keyed_by_pepper());
  ASSERT_TRUE(peppered->MatchFingerprint(kSha).has_value());
  // Once pepper-keyed, the file cannot be read without the pepper, nor
  // with a different one.
  std::string text = peppered->Serialize();
  auto missing = Inventory::Parse(text, "inv.json", std::nullopt);
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("KEYWARD_INVENTORY_PEPPER"),
            std::string::npos);
  EXPECT_FALSE(
      Inventory::Parse(text, "inv.json", std::string("wrong-pepper")).ok());
}

TEST(InventoryMatchTest, AnnotateFillsMatchRevokedRotatedAndUnknown) {
  Inventory inv = Inventory::Create(std::nullopt, kSaltHex);
  Credential live = Cred("billing-export");
  live.fingerprints.push_back(inv.MakeFingerprint(kSecret, "2026-01-10"));
  live.fingerprints.back().retired = "2026-03-04";
  live.fingerprints.push_back(
      inv.MakeFingerprint("kwtest_second_Vb7Nq2Lp9Xc4", "2026-03-04"));
  ASSERT_TRUE(inv.Add(live).ok());
  Credential gone = Cred("old-crm", "staging");
  gone.status = "revoked";
  gone.revoked = "2026-01-02";
  gone.fingerprints.push_back(
      inv.MakeFingerprint("kwtest_revoked_Hw3Jk8Rt1Zm6", "2025-05-05"));
  gone.identifiers = {"KWID0000EXAMPLE7"};
  ASSERT_TRUE(inv.Add(gone).ok());

  std::vector<Finding> f(5);
  f[0].fingerprint = kSha;                      // rotated out
  f[1].secret = "kwtest_second_Vb7Nq2Lp9Xc4";   // current
  f[2].secret = "kwtest_revoked_Hw3Jk8Rt1Zm6";  // revoked
  f[3].secret = "kwtest_nobody_Pp0Oo9Ii8Uu7";   // unknown
  f[4].secret = "kwtest_other_Aa1Ss2Dd3Ff4";
  f[4].identifier = "KWID0000EXAMPLE7";  // by identifier
  ASSERT_TRUE(inv.Annotate(&f).ok());
  ASSERT_TRUE(f[0].credential && f[1].credential && f[2].credential &&
              f[3].credential && f[4].credential);
  EXPECT_EQ(f[0].credential->id, "billing-export");
  EXPECT_EQ(f[0].credential->note, "rotated out on 2026-03-04");
  EXPECT_EQ(f[1].credential->id, "billing-export");
  EXPECT_EQ(f[1].credential->note, "");
  EXPECT_EQ(f[1].credential->use.owner, "finance");
  EXPECT_EQ(f[1].credential->use.systems, std::vector<std::string>{"billing"});
  EXPECT_EQ(f[2].credential->status, "revoked");
  EXPECT_EQ(f[2].credential->note, "revoked on 2026-01-02");
  EXPECT_EQ(f[3].credential->status, "unknown");
  EXPECT_EQ(f[3].credential->id, "");
  EXPECT_EQ(f[4].credential->id, "old-crm");
}

TEST(InventoryFileTest, SerializeIsDeterministicSortedAndRoundTrips) {
  Inventory inv = Inventory::Create(std::nullopt, kSaltHex);
  ASSERT_TRUE(inv.Add(Cred("zeta")).ok());
  ASSERT_TRUE(inv.Add(Cred("alpha", "staging")).ok());
  std::string text = inv.Serialize();
  EXPECT_LT(text.find("\"alpha\""), text.find("\"zeta\""));
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(text.find("\"schema_version\": 1"), std::string::npos);
  auto again = Inventory::Parse(text, "inv.json", std::nullopt);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->Serialize(), text);
}

TEST(InventoryFileTest, UnknownFieldsSurviveARewrite) {
  std::string text = std::string("{\"schema_version\": 1, \"salt\": \"") +
                     kSaltHex +
                     "\", \"x-team\": \"ops\", \"credentials\": [{\"id\": "
                     "\"a\", \"name\": \"A key\", \"ticket\": \"OPS-7\"}]}";
  auto inv = Inventory::Parse(text, "inv.json", std::nullopt);
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  std::string out = inv->Serialize();
  EXPECT_NE(out.find("\"ticket\": \"OPS-7\""), std::string::npos);
  EXPECT_NE(out.find("\"x-team\": \"ops\""), std::string::npos);
}

TEST(InventoryFileTest, SyntaxErrorGivesLineAndColumn) {
  std::string text = "{\n  \"schema_version\": 1,\n  \"credentials\": [,]\n}\n";
  auto inv = Inventory::Parse(text, "ops/inv.json", std::nullopt);
  ASSERT_FALSE(inv.ok());
  EXPECT_EQ(inv.status().code(), Status::Code::kCorruption);
  EXPECT_EQ(inv.status().message().rfind("ops/inv.json:3:19: ", 0), 0u)
      << inv.status().message();
}

TEST(InventoryFileTest, SchemaErrorNamesTheEntryAndField) {
  std::string text = std::string("{\"schema_version\": 1, \"salt\": \"") +
                     kSaltHex +
                     "\", \"credentials\": [{\"id\": \"k1\", \"systems\": "
                     "\"billing\"}]}";
  auto inv = Inventory::Parse(text, "inv.json", std::nullopt);
  ASSERT_FALSE(inv.ok());
  EXPECT_NE(inv.status().message().find("credentials[0] (k1)"),
            std::string::npos)
      << inv.status().message();
  EXPECT_NE(inv.status().message().find("\"systems\""), std::string::npos);
  auto newer =
      Inventory::Parse("{\"schema_version\": 2}", "inv.json", std::nullopt);
  EXPECT_FALSE(newer.ok());
}

TEST(InventoryModelTest, NewIdSlugsAndDeduplicates) {
  Inventory inv = Inventory::Create(std::nullopt, kSaltHex);
  EXPECT_EQ(inv.NewId("Warehouse sync - production - Ops"),
            "warehouse-sync-production-ops");
  ASSERT_TRUE(inv.Add(Cred("warehouse-sync")).ok());
  EXPECT_EQ(inv.NewId("Warehouse sync"), "warehouse-sync-2");
  EXPECT_EQ(inv.NewId("???"), "credential");
  EXPECT_FALSE(inv.Add(Cred("warehouse-sync")).ok());  // duplicate id
  EXPECT_FALSE(inv.Add(Cred("Bad Id")).ok());
}

TEST(InventoryDateTest, CivilArithmetic) {
  EXPECT_TRUE(IsIsoDate("2024-02-29"));
  EXPECT_FALSE(IsIsoDate("2023-02-29"));
  EXPECT_FALSE(IsIsoDate("2023-13-01"));
  EXPECT_FALSE(IsIsoDate("2023-1-01"));
  EXPECT_EQ(DaysFromEpoch("1970-01-01"), 0);
  EXPECT_EQ(DateFromDays(DaysFromEpoch("2025-12-31") + 1), "2026-01-01");
  EXPECT_EQ(DateFromDays(DaysFromEpoch("2024-02-28") + 1), "2024-02-29");
  EXPECT_EQ(FixedClock("2026-05-05").Today(), "2026-05-05");
  EXPECT_TRUE(IsIsoDate(SystemClock().Today()));
}

}  // namespace
}  // namespace keyward

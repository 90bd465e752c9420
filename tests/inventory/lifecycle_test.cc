// Credential lifecycle as library calls: Inventory::Rotate and SetStatus
// (what `keyward inventory rotate / revoke / retire` run).
#include <gtest/gtest.h>

#include <string>

#include "keyward/inventory.h"

namespace keyward {
namespace {

// Invented test secrets (no real provider format).
constexpr char kOld[] = "kwtest_Zq8vN2pLx4Rt7Yb1Hc6Md9Wf3Ks5";
constexpr char kNew[] = "kwtest_Pm3Xc8Lw1Jd6Qs4Fv9Bn2Ty7Ge5";
constexpr char kSaltHex[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

Inventory WithOne(const std::string& status = "active") {
  Inventory inv = Inventory::Create(std::nullopt, kSaltHex);
  Credential c;
  c.id = "billing";
  c.name = "Billing export - production - Finance";
  c.status = status;
  c.fingerprints.push_back(inv.MakeFingerprint(kOld, "2026-01-10"));
  EXPECT_TRUE(inv.Add(std::move(c)).ok());
  return inv;
}

TEST(InventoryLifecycleTest, RotateRetiresOldFingerprintsAndAddsTheNewOne) {
  Inventory inv = WithOne();
  ASSERT_TRUE(inv.Rotate("billing", kNew, "2026-03-01").ok());
  const Credential* c = inv.Find("billing");
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->fingerprints.size(), 2u);
  EXPECT_EQ(c->fingerprints[0].retired, "2026-03-01");
  EXPECT_EQ(c->fingerprints[1].added, "2026-03-01");
  EXPECT_EQ(c->fingerprints[1].retired, "");
  EXPECT_EQ(c->last_rotated, "2026-03-01");
  // Both secrets still lead to the credential; the old one as rotated out.
  auto old_match = inv.MatchSecret(kOld);
  auto new_match = inv.MatchSecret(kNew);
  ASSERT_TRUE(old_match && new_match);
  EXPECT_EQ(old_match->fingerprint->retired, "2026-03-01");
  EXPECT_EQ(new_match->credential->id, "billing");
}

TEST(InventoryLifecycleTest, RotateRefusesAndChangesNothing) {
  Inventory inv = WithOne();
  std::string before = inv.Serialize();
  Status s = inv.Rotate("nope", kNew, "2026-03-01");
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_EQ(s.message(), "no credential 'nope'");
  s = inv.Rotate("billing", kOld, "2026-03-01");  // already recorded
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "the new secret is already recorded as 'billing'");
  EXPECT_EQ(inv.Serialize(), before);

  Inventory revoked = WithOne("revoked");
  s = revoked.Rotate("billing", kNew, "2026-03-01");
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "billing is revoked; add a new credential instead");
}

TEST(InventoryLifecycleTest, SetStatusRecordsTheDate) {
  Inventory inv = WithOne();
  ASSERT_TRUE(inv.SetStatus("billing", "revoked", "2026-03-02").ok());
  EXPECT_EQ(inv.Find("billing")->status, "revoked");
  EXPECT_EQ(inv.Find("billing")->revoked, "2026-03-02");
  ASSERT_TRUE(inv.SetStatus("billing", "retired", "2026-03-03").ok());
  EXPECT_EQ(inv.Find("billing")->status, "retired");
  EXPECT_EQ(inv.Find("billing")->retired, "2026-03-03");

  EXPECT_EQ(inv.SetStatus("nope", "revoked", "2026-03-02").code(),
            Status::Code::kNotFound);
  EXPECT_EQ(inv.SetStatus("billing", "active", "2026-03-02").code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace keyward

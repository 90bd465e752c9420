#include <gtest/gtest.h>

#include "keyward/inventory.h"

namespace keyward {
namespace {

constexpr char kSaltHex[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

Credential Good(const std::string& id, const std::string& env) {
  Credential c;
  c.id = id;
  c.name = "Orders API - " + env + " - Platform";
  c.use.owner = "platform";
  c.purpose = "order ingestion";
  c.use.environment = env;
  c.use.access = "scoped";
  c.use.systems = {"orders"};
  c.identifiers = {"KWID-" + id};
  c.last_rotated = "2026-03-01";
  return c;
}

std::vector<std::string> Checks(const std::vector<AuditResult>& results,
                                const std::string& id) {
  std::vector<std::string> out;
  for (const auto& r : results) {
    if (r.id == id) out.push_back(r.check);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class InventoryAuditTest : public ::testing::Test {
 protected:
  Inventory inv_ = Inventory::Create(std::nullopt, kSaltHex);
  FixedClock today_{"2026-05-01"};
};

TEST_F(InventoryAuditTest, CleanCredentialHasNoResults) {
  ASSERT_TRUE(inv_.Add(Good("orders-prod", "production")).ok());
  EXPECT_TRUE(AuditInventory(inv_, today_).empty());
}

TEST_F(InventoryAuditTest, RotationDueAgainstFixedClock) {
  Credential c = Good("orders-prod", "production");
  c.last_rotated = "2026-01-31";  // + 90 days = 2026-05-01: due, not late
  ASSERT_TRUE(inv_.Add(c).ok());
  EXPECT_TRUE(AuditInventory(inv_, today_).empty());
  auto late = AuditInventory(inv_, FixedClock("2026-05-02"));
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].check, "rotation-overdue");
  EXPECT_EQ(late[0].severity, Severity::kHigh);
  EXPECT_EQ(late[0].message,
            "last rotated 2026-01-31, rotate every 90 days: due 2026-05-01, 1 "
            "days overdue");
  inv_.FindMutable("orders-prod")->rotate_every_days = 30;
  EXPECT_EQ(AuditInventory(inv_, today_).size(), 1u);
}

TEST_F(InventoryAuditTest, HygieneChecks) {
  Credential c;
  c.id = "k1";
  c.name = "New key";
  c.use.access = "full";
  c.purpose = "nightly backup";
  ASSERT_TRUE(inv_.Add(c).ok());
  EXPECT_EQ(Checks(AuditInventory(inv_, today_), "k1"),
            (std::vector<std::string>{
                "excess-access", "no-environment", "no-owner", "no-systems",
                "rotation-unknown", "unmatchable", "vague-name"}));
}

TEST_F(InventoryAuditTest, SameKeyAcrossEnvironmentsAndDuplicateNames) {
  Credential prod = Good("a-prod", "production");
  Credential stage = Good("a-stage", "staging");
  stage.identifiers = prod.identifiers;  // one key used in both
  stage.name = prod.name;
  ASSERT_TRUE(inv_.Add(prod).ok());
  ASSERT_TRUE(inv_.Add(stage).ok());
  auto results = AuditInventory(inv_, today_);
  EXPECT_EQ(Checks(results, "a-prod"),
            (std::vector<std::string>{"duplicate-name",
                                      "same-key-several-environments"}));
  EXPECT_EQ(Checks(results, "a-stage"),
            (std::vector<std::string>{"duplicate-name",
                                      "same-key-several-environments"}));
  EXPECT_EQ(results[0].severity, Severity::kHigh);  // sorted high first
}

TEST_F(InventoryAuditTest, ActiveKeyPastRetiredSystem) {
  Credential c = Good("orders-prod", "production");
  ASSERT_TRUE(inv_.Add(c).ok());
  inv_.RetireSystem("orders", "2026-06-01");  // not yet retired
  EXPECT_TRUE(AuditInventory(inv_, today_).empty());
  inv_.RetireSystem("orders", "2026-04-01");
  auto results = AuditInventory(inv_, today_);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].check, "retired-system");
  EXPECT_NE(results[0].message.find("every system"), std::string::npos);
}

TEST_F(InventoryAuditTest, RevokedAndRetiredAreNotAudited) {
  Credential c;
  c.id = "gone";
  c.name = "test";
  c.status = "revoked";
  ASSERT_TRUE(inv_.Add(c).ok());
  EXPECT_TRUE(AuditInventory(inv_, today_).empty());
}

}  // namespace
}  // namespace keyward

#include <gtest/gtest.h>

#include "inventory/csv.h"
#include "keyward/inventory.h"

namespace keyward {
namespace {

constexpr char kSaltHex[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

TEST(InventoryCsvTest, QuotingEscapesEmbeddedNewlinesAndCrlf) {
  std::vector<inventory::CsvRow> rows;
  ASSERT_TRUE(
      inventory::ParseCsv("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"l1\nl2\"\r\n"
                          "\r\nlast,,\n",
                          "f.csv", &rows)
          .ok());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].fields,
            (std::vector<std::string>{"x, y", "say \"hi\"", "l1\nl2"}));
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[2].line, 5);  // the quoted newline and blank line count
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"last", "", ""}));
}

TEST(InventoryCsvTest, UnterminatedQuoteIsAnErrorWithoutTheValue) {
  std::vector<inventory::CsvRow> rows;
  Status s = inventory::ParseCsv("name,password\nA,\"kwtest_Open9Quote\n",
                                 "f.csv", &rows);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("f.csv:2"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("kwtest_Open9Quote"), std::string::npos);
}

// Issue 14: a password holding an unquoted comma shifts its tail into the
// next columns; no skip reason (printed by `inventory import`) may echo it.
TEST(InventoryCsvTest, SkipReasonsNeverEchoAColumnValue) {
  constexpr char kTail[] = "kwtestT4ilOfAPassw0rd";
  Inventory inv = Inventory::Create(std::nullopt, kSaltHex);
  FixedClock clock("2026-04-01");
  ImportReport report;
  std::string csv =
      "name,password,status,rotate_every_days,id\n"
      "A,head," +
      std::string(kTail) +
      ",30,a\n"
      "B,pw2,active," +
      std::string(kTail) +
      ",b\n"
      "C,pw3,active,30," +
      std::string(kTail) + "\n";
  ASSERT_TRUE(ImportCsv(csv, "f.csv", {}, clock, &inv, &report).ok());
  ASSERT_EQ(report.skipped.size(), 3u);
  for (const auto& skip : report.skipped) {
    EXPECT_EQ(skip.reason.find(kTail), std::string::npos) << skip.reason;
    EXPECT_EQ(skip.reason.find("kwtest"), std::string::npos) << skip.reason;
  }
}

class InventoryImportTest : public ::testing::Test {
 protected:
  Inventory inv_ = Inventory::Create(std::nullopt, kSaltHex);
  FixedClock clock_{"2026-04-01"};
  ImportReport report_;
};

TEST_F(InventoryImportTest, MapsHeadersWithBomAndFingerprintsTheSecret) {
  std::string csv =
      "\xEF\xBB\xBFTitle,Username,Password,URL,Notes,Folder\n"
      "\"Warehouse sync, prod\",svc-sync,kwtest_Imp0rtA1pha9Zx,"
      "https://www.example-warehouse.test/login,\"rotated by \"\"ops\"\"\",x\n";
  Credential defaults;
  defaults.use.owner = "ops";
  defaults.use.environment = "production";
  ASSERT_TRUE(ImportCsv(csv, "pm.csv", defaults, clock_, &inv_, &report_).ok());
  ASSERT_EQ(report_.added, std::vector<std::string>{"warehouse-sync-prod"});
  EXPECT_EQ(report_.ignored_columns, std::vector<std::string>{"Folder"});
  const Credential* c = inv_.Find("warehouse-sync-prod");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name, "Warehouse sync, prod");
  EXPECT_EQ(c->provider_account, "svc-sync");
  EXPECT_EQ(c->provider, "example-warehouse.test");
  EXPECT_EQ(c->notes, "rotated by \"ops\"");
  EXPECT_EQ(c->use.owner, "ops");
  EXPECT_EQ(c->use.environment, "production");
  EXPECT_EQ(c->created, "2026-04-01");
  ASSERT_EQ(c->fingerprints.size(), 1u);
  EXPECT_TRUE(inv_.MatchSecret("kwtest_Imp0rtA1pha9Zx").has_value());
  EXPECT_EQ(inv_.Serialize().find("kwtest_Imp0rtA1pha9Zx"), std::string::npos);
}

TEST_F(InventoryImportTest, SkipsBadRowsWithReasons) {
  std::string csv =
      "name,password,created\n"
      "Empty secret,,\n"                             // line 2
      ",kwtest_NoName5Row8Qw,\n"                     // line 3
      "Short row\n"                                  // line 4
      "Good one,kwtest_G00dRow7Hj2Ty,2026-01-01\n"   // line 5
      "Same again,kwtest_G00dRow7Hj2Ty,\n"           // line 6
      "Bad date,kwtest_BadDate3Kl9Po,01/02/2026\n";  // line 7
  ASSERT_TRUE(
      ImportCsv(csv, "pm.csv", Credential(), clock_, &inv_, &report_).ok());
  EXPECT_EQ(report_.rows, 6);
  EXPECT_EQ(report_.added, std::vector<std::string>{"good-one"});
  ASSERT_EQ(report_.skipped.size(), 5u);
  EXPECT_EQ(report_.skipped[0].line, 2);
  EXPECT_NE(report_.skipped[0].reason.find("empty password"),
            std::string::npos);
  EXPECT_EQ(report_.skipped[1].line, 3);
  EXPECT_NE(report_.skipped[1].reason.find("no name"), std::string::npos);
  EXPECT_EQ(report_.skipped[2].line, 4);
  EXPECT_NE(report_.skipped[2].reason.find("fields"), std::string::npos);
  EXPECT_EQ(report_.skipped[3].line, 6);
  EXPECT_NE(
      report_.skipped[3].reason.find("same secret as credential 'good-one'"),
      std::string::npos);
  EXPECT_EQ(report_.skipped[4].line, 7);
  for (const auto& s : report_.skipped) {
    EXPECT_EQ(s.reason.find("kwtest_"), std::string::npos) << s.reason;
  }
}

TEST_F(InventoryImportTest, MissingSecretColumnIsAnErrorAndAddsNothing) {
  Status s = ImportCsv("name,url\nA,https://a.test\n", "pm.csv", Credential(),
                       clock_, &inv_, &report_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no secret column"), std::string::npos);
  EXPECT_TRUE(inv_.credentials().empty());
  EXPECT_FALSE(
      ImportCsv("", "pm.csv", Credential(), clock_, &inv_, &report_).ok());
}

TEST_F(InventoryImportTest, KeywardColumnsAndListsAreMapped) {
  std::string csv =
      "id,name,token,owner,environment,access,systems,identifiers,"
      "rotate_every_days,status\n"
      "crm-prod,CRM - production - Sales,kwtest_Crm4Prod8Lk2Mn,sales,"
      "production,scoped,\"crm; mailer\",KWID11112222,30,active\n";
  ASSERT_TRUE(
      ImportCsv(csv, "k.csv", Credential(), clock_, &inv_, &report_).ok());
  const Credential* c = inv_.Find("crm-prod");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->use.systems, (std::vector<std::string>{"crm", "mailer"}));
  EXPECT_EQ(c->identifiers, std::vector<std::string>{"KWID11112222"});
  EXPECT_EQ(c->rotate_every_days, 30);
  EXPECT_EQ(c->use.access, "scoped");
}

}  // namespace
}  // namespace keyward

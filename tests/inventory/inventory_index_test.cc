// The inventory's lookup index (credentials by id, fingerprints and
// identifiers by value): loading, importing and matching do not scan every
// credential, and give the answers the plain scan gave (issue 14, class 6).
// Speed is measured in bench/scale_bench.sh, not here.
#include <gtest/gtest.h>

#include <string>

#include "base/crypto.h"
#include "keyward/inventory.h"

namespace keyward {
namespace {

constexpr char kSaltHex[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

Credential Cred(const std::string& id) {
  Credential c;
  c.id = id;
  c.name = "Key " + id;
  c.created = "2026-01-10";
  return c;
}

// What MatchFingerprint takes: "sha256:" + hex of the secret.
std::string Sha(std::string_view secret) {
  return "sha256:" + Sha256Hex(secret);
}

TEST(InventoryIndexTest, CredentialsStaySortedAndFindable) {
  Inventory inv = Inventory::Create(std::nullopt, kSaltHex);
  for (const char* id : {"zeta", "alpha", "mid", "beta"}) {
    ASSERT_TRUE(inv.Add(Cred(id)).ok());
  }
  std::vector<std::string> ids;
  for (const Credential& c : inv.credentials()) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"alpha", "beta", "mid", "zeta"}));
  ASSERT_NE(inv.Find("mid"), nullptr);
  EXPECT_EQ(inv.Find("mid")->name, "Key mid");
  EXPECT_EQ(inv.Find("nope"), nullptr);
  EXPECT_FALSE(inv.Add(Cred("beta")).ok());  // duplicate id
  EXPECT_EQ(inv.credentials().size(), 4u);
}

TEST(InventoryIndexTest, DuplicateIdInAFileIsStillAnError) {
  std::string text = std::string("{\"schema_version\": 1, \"salt\": \"") +
                     kSaltHex +
                     "\", \"credentials\": [{\"id\": \"a\", \"name\": \"A\"}, "
                     "{\"id\": \"b\", \"name\": \"B\"}, {\"id\": \"a\", "
                     "\"name\": \"A again\"}]}";
  auto inv = Inventory::Parse(text, "inv.json", std::nullopt);
  ASSERT_FALSE(inv.ok());
  EXPECT_NE(inv.status().message().find("credentials[2]"), std::string::npos)
      << inv.status().message();
  EXPECT_NE(inv.status().message().find("duplicate id 'a'"), std::string::npos)
      << inv.status().message();
}

TEST(InventoryIndexTest, CurrentFingerprintWinsOverRetiredAcrossCredentials) {
  Inventory inv = Inventory::Create(std::nullopt, kSaltHex);
  // "a-old" had the key and rotated it out; "b-new" holds it now.
  Credential old = Cred("a-old");
  old.fingerprints.push_back(inv.MakeFingerprint("s3cret-value", "2026-01-01"));
  old.fingerprints.back().retired = "2026-02-01";
  Credential now = Cred("b-new");
  now.fingerprints.push_back(inv.MakeFingerprint("s3cret-value", "2026-02-01"));
  ASSERT_TRUE(inv.Add(old).ok());
  ASSERT_TRUE(inv.Add(now).ok());
  auto m = inv.MatchFingerprint(Sha("s3cret-value"));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->credential->id, "b-new");
  EXPECT_TRUE(m->fingerprint->retired.empty());
  EXPECT_FALSE(inv.MatchFingerprint(Sha("other")).has_value());
  // Only retired: the retired one is reported.
  Inventory only_old = Inventory::Create(std::nullopt, kSaltHex);
  ASSERT_TRUE(only_old.Add(old).ok());
  m = only_old.MatchSecret("s3cret-value");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->credential->id, "a-old");
}

TEST(InventoryIndexTest, SameKeyInTwoCredentialsMatchesTheFirstById) {
  Inventory inv = Inventory::Create(std::nullopt, kSaltHex);
  for (const char* id : {"zz-copy", "aa-first"}) {
    Credential c = Cred(id);
    c.fingerprints.push_back(inv.MakeFingerprint("shared", "2026-01-01"));
    c.identifiers = {"acct-7"};
    ASSERT_TRUE(inv.Add(c).ok());
  }
  EXPECT_EQ(inv.MatchSecret("shared")->credential->id, "aa-first");
  EXPECT_EQ(inv.MatchIdentifier("acct-7")->credential->id, "aa-first");
  EXPECT_FALSE(inv.MatchIdentifier("acct-8").has_value());
  EXPECT_FALSE(inv.MatchIdentifier("").has_value());
}

TEST(InventoryIndexTest, ChangesThroughFindMutableAreSeenByLookups) {
  Inventory inv = Inventory::Create(std::nullopt, kSaltHex);
  ASSERT_TRUE(inv.Add(Cred("svc")).ok());
  EXPECT_FALSE(inv.MatchSecret("rotated-in").has_value());
  Credential* c = inv.FindMutable("svc");
  ASSERT_NE(c, nullptr);
  c->fingerprints.push_back(inv.MakeFingerprint("rotated-in", "2026-03-01"));
  c->identifiers.push_back("acct-9");
  EXPECT_EQ(inv.MatchSecret("rotated-in")->credential->id, "svc");
  EXPECT_EQ(inv.MatchIdentifier("acct-9")->credential->id, "svc");
  // Adding afterwards rebuilds the index; both old and new keys match.
  Credential other = Cred("other");
  other.fingerprints.push_back(inv.MakeFingerprint("second", "2026-03-02"));
  ASSERT_TRUE(inv.Add(other).ok());
  EXPECT_EQ(inv.MatchSecret("rotated-in")->credential->id, "svc");
  EXPECT_EQ(inv.MatchSecret("second")->credential->id, "other");
}

TEST(InventoryIndexTest, ACopyAndARoundTripMatchLikeTheOriginal) {
  Inventory inv = Inventory::Create(std::nullopt, kSaltHex);
  for (int i = 0; i < 50; ++i) {
    Credential c = Cred("k" + std::to_string(i));
    c.fingerprints.push_back(
        inv.MakeFingerprint("secret-" + std::to_string(i), "2026-01-01"));
    c.identifiers = {"id-" + std::to_string(i)};
    ASSERT_TRUE(inv.Add(c).ok());
  }
  Inventory copy = inv;
  auto parsed = Inventory::Parse(inv.Serialize(), "inv.json", std::nullopt);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  for (const Inventory* which : {&inv, &copy, &*parsed}) {
    for (int i = 0; i < 50; ++i) {
      auto m = which->MatchSecret("secret-" + std::to_string(i));
      ASSERT_TRUE(m.has_value()) << i;
      EXPECT_EQ(m->credential->id, "k" + std::to_string(i));
      // Pointers are into the inventory asked, not another one.
      EXPECT_EQ(m->credential, which->Find("k" + std::to_string(i)));
      EXPECT_EQ(
          which->MatchIdentifier("id-" + std::to_string(i))->credential->id,
          "k" + std::to_string(i));
    }
  }
}

}  // namespace
}  // namespace keyward

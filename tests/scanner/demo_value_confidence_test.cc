// Issue 12, item 6: a weak password committed in a configuration file is a
// real leak, reported by default; the same word in a README, docs or a test
// script stands in for one and is kept at low confidence (not dropped).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "keyward/matcher.h"
#include "scanner/confidence.h"
#include "support/builtin_matcher_test.h"

namespace keyward {
namespace {

class DemoValueConfidenceTest : public test::BuiltinMatcherTest {};

// Weak passwords made of credential words, and one in leetspeak.
const char* const kWeak[] = {"adminPassword", "password1", "s00p3rs3cr3t"};

TEST_F(DemoValueConfidenceTest, ReportedByDefaultInConfigFiles) {
  for (const std::string v : kWeak) {
    struct Case {
      std::string text, path;
    } cases[] = {
        {"DB_PASSWORD=" + v + "\n", "deploy/.env"},
        {"<?php\ndefine( 'DB_PASSWORD', '" + v + "' );\n", "wp-config.php"},
        {"database:\n  password: " + v + "\n", "config/app.yaml"},
        {"{\"db\": {\"password\": \"" + v + "\"}}\n", "settings.json"},
        {"[mysql]\npassword = " + v + "\n", "conf/db.ini"},
    };
    for (const Case& c : cases) {
      auto best = Best(c.text, c.path);
      ASSERT_TRUE(best.has_value()) << v << " in " << c.path;
      EXPECT_NE(*best, Confidence::kLow) << v << " in " << c.path;
    }
  }
}

TEST_F(DemoValueConfidenceTest, LowButKeptInDocsAndTests) {
  for (const std::string v : kWeak) {
    struct Case {
      std::string text, path;
    } cases[] = {
        {"Then set:\n\n    DB_PASSWORD=" + v + "\n", "README.md"},
        {"    password: \"" + v + "\"\n", "docs/install.md"},
        {"def test_login():\n    password = \"" + v + "\"\n",
         "tests/test_login.py"},
        {"export DB_PASSWORD=" + v + "\n", "tests/run.sh"},
    };
    for (const Case& c : cases) {
      auto best = Best(c.text, c.path);
      ASSERT_TRUE(best.has_value()) << v << " dropped in " << c.path;
      EXPECT_EQ(*best, Confidence::kLow) << v << " in " << c.path;
    }
  }
}

TEST_F(DemoValueConfidenceTest, DemoValuesAreLowInATemplateConfigFile) {
  for (const std::string v : {"adminPassword", "password1"}) {
    auto best = Best("DB_PASSWORD=" + v + "\n", ".env.example");
    ASSERT_TRUE(best.has_value()) << v;
    EXPECT_EQ(*best, Confidence::kLow) << v;
  }
}

TEST_F(DemoValueConfidenceTest, DemoValuesAreMarkedWeak) {
  auto scratch = matcher_->NewScratch();
  std::vector<RuleMatch> out;
  ASSERT_TRUE(
      matcher_->Scan("DB_PASSWORD=password1\n", scratch.get(), &out).ok());
  ASSERT_FALSE(out.empty());
  for (const RuleMatch& m : out) EXPECT_TRUE(m.weak);
  out.clear();
  ASSERT_TRUE(
      matcher_->Scan("DB_PASSWORD=Q9Ps1QuxlrwZGM\n", scratch.get(), &out).ok());
  ASSERT_FALSE(out.empty());
  for (const RuleMatch& m : out) EXPECT_FALSE(m.weak);
}

TEST(DemoValueComputeTest, WeakDecidesByPath) {
  ConfidenceInputs in;
  in.prior = Confidence::kHigh;
  in.weak = true;
  in.path.docs = true;
  EXPECT_EQ(ComputeConfidence(in), Confidence::kLow);
  in.path = {};
  in.path.config = true;
  EXPECT_EQ(ComputeConfidence(in), Confidence::kHigh);
  in.prior = Confidence::kLow;
  EXPECT_EQ(ComputeConfidence(in), Confidence::kMedium);
  in.path.test = true;  // .env.example
  EXPECT_EQ(ComputeConfidence(in), Confidence::kLow);
  in.checksum_verified = true;  // a minted token stays high anywhere
  EXPECT_EQ(ComputeConfidence(in), Confidence::kHigh);
}

}  // namespace
}  // namespace keyward

namespace keyward {
namespace {

// A word as a URL password (entropy under 2.8 bits): the rule keeps it,
// the path decides whether it is reported.
TEST_F(DemoValueConfidenceTest, WeakUrlPasswordsByPath) {
  const std::string line =
      "  - \"https://ops:gardening@db.corp.example:8000/\"\n";
  auto cfg = Best("mirrors:\n" + line, "deploy/mirrors.yml");
  ASSERT_TRUE(cfg.has_value());
  EXPECT_NE(*cfg, Confidence::kLow);
  auto doc = Best(line, "docs/mirrors.md");
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(*doc, Confidence::kLow);
}

// The placeholder filter's "my-password" pattern took any lowercase word
// that begins with "a", "an", "the", "my" or "some" for a stand-in.
TEST_F(DemoValueConfidenceTest, WordsBeginningWithAnArticleAreNotStandIns) {
  for (const std::string v : {"anchorage", "theodolite", "mysqlpw", "admin"}) {
    auto best = Best("[db]\npassword = " + v + "\n", "conf/app.ini");
    ASSERT_TRUE(best.has_value()) << v;
    EXPECT_NE(*best, Confidence::kLow) << v;
  }
  auto ado = Best("Server=db1;Uid=app;Password=admin;\n", "web.config");
  ASSERT_TRUE(ado.has_value());
  EXPECT_NE(*ado, Confidence::kLow);
  for (const std::string v :
       {"my-password", "the_token", "mypassword", "yourapikey", "a-secret"}) {
    EXPECT_FALSE(Best("[db]\npassword = " + v + "\n", "conf/app.ini")) << v;
  }
}

}  // namespace
}  // namespace keyward

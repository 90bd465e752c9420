// `keyward rules list --format json`: where each rule runs and what
// Hyperscan looks for, as bench/hs_cost.sh rebuilds the always-on database
// from it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/run.h"

namespace keyward {
namespace {

TEST(RulesCliTest, ListShowsPathsAndTriggers) {
  auto r = test::RunKeyward({"rules", "list", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto arr = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(arr.is_array()) << r.err;
  size_t scoped = 0, triggered = 0, plain = 0;
  bool saw_hetzner = false, saw_pgpass = false;
  for (const auto& j : arr) {
    if (j.contains("paths")) {
      ASSERT_TRUE(j["paths"].is_array()) << j["id"];
      EXPECT_FALSE(j["paths"].empty()) << j["id"];
      ++scoped;
    }
    if (j.contains("trigger")) ++triggered;
    if (!j.contains("paths") && !j.contains("trigger")) ++plain;
    // A provider rule whose trigger keys Hyperscan on the provider's name.
    if (j["id"] == "hetzner.api_token") {
      saw_hetzner = true;
      EXPECT_FALSE(j.contains("paths"));
      EXPECT_NE(j.value("trigger", "").find("hetzner"), std::string::npos);
    }
    // A file-format rule names the files it runs on.
    if (j["id"] == "pgpass.line") {
      saw_pgpass = true;
      EXPECT_NE(j["paths"].dump().find("pgpass"), std::string::npos)
          << j["paths"];
    }
  }
  EXPECT_TRUE(saw_hetzner);
  EXPECT_TRUE(saw_pgpass);
  EXPECT_GT(scoped, 5u);
  EXPECT_GT(triggered, 5u);
  EXPECT_GT(plain, 300u);
}

}  // namespace
}  // namespace keyward

// Every JSON file keyward reads (inventory, baseline, ticket state) against
// hostile content: wrongly typed fields, deep nesting, secrets in malformed
// text. Each is a kCorruption naming the file, never an exception or a crash,
// and no error quotes the file's text.
#include "base/json_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "keyward/atomic_file.h"
#include "keyward/config.h"
#include "keyward/inventory.h"
#include "keyward/tickets.h"
#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSaltHex[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

std::string Nested(size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::string Inv(const std::string& body) {
  return std::string("{\"schema_version\": 1, \"salt\": \"") + kSaltHex + "\"" +
         body + "}";
}

TEST(JsonFileTest, DeepNestingIsRefusedBeforeParsing) {
  // 300k levels overflowed the stack of recursive JSON code.
  auto deep = ParseJsonFile(Nested(300000), "deep.json");
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), Status::Code::kCorruption);
  EXPECT_THAT(deep.status().message(), HasSubstr("deep.json:1:257: "));
  EXPECT_THAT(deep.status().message(), HasSubstr("nested deeper than 256"));
  // The limit itself parses; brackets inside strings do not count.
  EXPECT_TRUE(ParseJsonFile(Nested(kMaxJsonDepth), "ok.json").ok());
  std::string in_string = "[\"" + std::string(1000, '[') + "\\\"{\"]";
  EXPECT_TRUE(ParseJsonFile(in_string, "s.json").ok());
}

TEST(JsonFileTest, TypeErrorsBecomeCorruptionNamingTheFile) {
  auto doc = ParseJsonFile(R"({"n": "1"})", "f.json");
  ASSERT_TRUE(doc.ok());
  Status s = ReadJsonFields("f.json", [&] {
    int n = doc->at("n").get<int>();  // throws type_error
    return n ? Status::OK() : Status::OK();
  });
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_THAT(s.message(), HasSubstr("f.json: "));
  EXPECT_THAT(s.message(), Not(HasSubstr("[json.exception")));
}

TEST(JsonFileTest, InventoryWithWrongTypesIsCorruption) {
  for (const std::string& text :
       {std::string(R"({"schema_version": "1"})"), Inv(R"(, "keyed_by": 5)"),
        Inv(R"(, "keyed_by": "pepper", "pepper_id": 7)"),
        Inv(R"(, "credentials": {"id": "x"})"),
        Inv(R"(, "credentials": [{"id": 5}])"),
        Inv(R"(, "credentials": [{"id": "a", "rotate_every_days": 1.5}])"),
        Inv(R"(, "credentials": [{"id": "a", "fingerprints": [1]}])"),
        Inv(R"(, "retired_systems": {"db": 3})"), Inv(R"(, "salt": 3)")}) {
    auto inv = Inventory::Parse(text, "ops/inv.json", std::string("pepper"));
    ASSERT_FALSE(inv.ok()) << text;
    EXPECT_EQ(inv.status().code(), Status::Code::kCorruption) << text;
    EXPECT_THAT(inv.status().message(), HasSubstr("ops/inv.json")) << text;
  }
}

TEST(JsonFileTest, DeeplyNestedInventoryIsCorruption) {
  auto inv = Inventory::Parse(Inv(", \"x\": " + Nested(300000)), "inv.json",
                              std::nullopt);
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.status().message(), HasSubstr("inv.json:1:"));
  EXPECT_THAT(inv.status().message(), HasSubstr("nested deeper"));
}

// Regression: nlohmann's message quotes the text it last read, so a
// malformed inventory printed the token it held.
TEST(JsonFileTest, InventorySyntaxErrorDoesNotQuoteTheSecret) {
  std::string token = test::FakeGithubToken(7);
  for (const std::string& text :
       {Inv(", \"credentials\": [{\"id\": \"a\", \"notes\": " + token + "}]"),
        Inv(", \"credentials\": [{\"id\": \"a\", \"notes\": \"" + token +
            "\n\"}]"),
        Inv(", \"credentials\": [{\"id\": \"a\", \"notes\": \"" + token),
        // Well-formed, but the token is in a field that is checked.
        Inv(", \"credentials\": [{\"id\": \"a\", \"created\": \"" + token +
            "\"}]"),
        Inv(", \"credentials\": [{\"id\": \"a\", \"status\": \"" + token +
            "\"}]")}) {
    auto inv = Inventory::Parse(text, "inv.json", std::nullopt);
    ASSERT_FALSE(inv.ok());
    const std::string& msg = inv.status().message();
    EXPECT_THAT(msg, HasSubstr("inv.json")) << msg;
    EXPECT_THAT(msg, Not(HasSubstr(token.substr(4, 8)))) << msg;
  }
}

TEST(JsonFileTest, BaselineWithWrongTypesIsCorruption) {
  for (const std::string& text :
       {std::string(R"({"version": "1", "entries": []})"),
        std::string(R"({"version": 1.5, "entries": []})"),
        std::string(R"({"version": null, "entries": []})"),
        std::string(R"({"version": 1, "entries": [7, "x"]})"),
        R"({"version": 1, "entries": )" + Nested(300000) + "}"}) {
    auto b = Baseline::Parse(text, "team/baseline.json");
    ASSERT_FALSE(b.ok()) << text.substr(0, 60);
    EXPECT_EQ(b.status().code(), Status::Code::kCorruption);
    EXPECT_THAT(b.status().message(), HasSubstr("team/baseline.json"));
  }
}

TEST(JsonFileTest, TicketStateWithWrongTypesOrDeepNestingIsCorruption) {
  test::TempDir dir;
  dir.Write("t/KW-0001.json", R"({"id": 1, "key": ["x"], "locations": 3})");
  auto typed = TicketStore(dir.path() + "/t").Load();
  ASSERT_FALSE(typed.ok());
  EXPECT_THAT(typed.status().message(), HasSubstr("KW-0001.json"));
  dir.Write("t/KW-0001.json", "{\"id\": " + Nested(300000) + "}");
  auto deep = TicketStore(dir.path() + "/t").Load();
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), Status::Code::kCorruption);
  EXPECT_THAT(deep.status().message(), HasSubstr("KW-0001.json:1:"));
}

TEST(JsonFileTest, EndlessFileIsRefusedNamingIt) {
  auto r = ReadFileToString("/dev/zero", 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("/dev/zero: larger than 1 MiB"));
}

}  // namespace
}  // namespace keyward

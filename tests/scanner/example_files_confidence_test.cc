// Issue 12, items 4 and 6: what a file name says about its values. A file
// of examples (an SDK's `*.examples.json`, a `.d.ts` doc comment) is not
// configuration, and its credentials are low; a configuration template
// (`beans.xml.dist`) is a configuration file put aside, like `.env.example`.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "keyward/matcher.h"
#include "scanner/confidence.h"
#include "support/builtin_matcher_test.h"

namespace keyward {
namespace {

class ExampleFilesConfidenceTest : public test::BuiltinMatcherTest {};

// A random value under a secret's name: medium or higher in a configuration
// file, by the generic rules.
const char kJson[] =
    "{\"input\": {\"clientSecret\": "
    "\"Qm7vT2xW9pLm4nR8sZ3bY6cJ1dF5gH0kA2eU\"}}\n";

TEST_F(ExampleFilesConfidenceTest, AFileOfExamplesIsNotConfiguration) {
  auto config = Best(kJson, "app/settings.json");
  ASSERT_TRUE(config.has_value());
  EXPECT_NE(*config, Confidence::kLow);
  auto examples = Best(kJson, "sdk/apis/queue-2012-11-05.examples.json");
  ASSERT_TRUE(examples.has_value()) << "kept, at low";
  EXPECT_EQ(*examples, Confidence::kLow);
}

TEST_F(ExampleFilesConfidenceTest, DeclarationFileCommentsAreDocumentation) {
  const std::string text =
      "/**\n * @example\n * const input = {\n"
      " *   \"clientSecret\": \"Qm7vT2xW9pLm4nR8sZ3bY6cJ1dF5gH0kA2eU\",\n"
      " * };\n */\nexport declare class CreateTokenCommand {}\n";
  auto code = Best(text, "src/commands/CreateTokenCommand.ts");
  ASSERT_TRUE(code.has_value());
  EXPECT_NE(*code, Confidence::kLow);
  auto decl = Best(text, "dist-types/commands/CreateTokenCommand.d.ts");
  ASSERT_TRUE(decl.has_value());
  EXPECT_EQ(*decl, Confidence::kLow);
}

// Before, `.dist` had no format: the template was lowered as a test and
// never raised as XML configuration, so a real password in it was low.
TEST_F(ExampleFilesConfidenceTest, AConfigurationTemplateKeepsItsFormat) {
  const std::string text =
      "<user name=\"ops\" password=\"Lk8vQ2wz7Wq3\" role=\"admin\"/>\n";
  auto dist = Best(text, "conf/users.xml.dist");
  ASSERT_TRUE(dist.has_value());
  EXPECT_NE(*dist, Confidence::kLow);
}

// A JSON Web Token whose claims say it is an example is no finding; the same
// token with other claims is.
TEST_F(ExampleFilesConfidenceTest, ExampleJwtIsDropped) {
  const std::string header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.";
  const std::string sig = ".W4xkR2pVt8sNq3LmZ7bC1yH6fJ0aE5gD";
  // {"sub":"svc-ingest","acct":"EXAMPLEACCOUNT","iat":1700000000}
  const std::string example =
      header +
      "eyJzdWIiOiJzdmMtaW5nZXN0IiwiYWNjdCI6IkVYQU1QTEVBQ0NPVU5UIiwiaWF0Ijox"
      "NzAwMDAwMDAwfQ" +
      sig;
  // {"iss":"https://auth.corp-int.net","sub":"u-4821","exp":1900000000}
  const std::string real =
      header +
      "eyJpc3MiOiJodHRwczovL2F1dGguY29ycC1pbnQubmV0Iiwic3ViIjoidS00ODIxIiwi"
      "ZXhwIjoxOTAwMDAwMDAwfQ" +
      sig;
  EXPECT_FALSE(Best("token: " + example + "\n", "notes.log").has_value());
  EXPECT_TRUE(Best("token: " + real + "\n", "notes.log").has_value());
}

}  // namespace
}  // namespace keyward

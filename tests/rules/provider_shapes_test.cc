// Token shapes of the built-in provider rules beyond their own examples:
// segment lengths providers do not document (Slack), case and suffix forms
// (Databricks), new families (Vercel prefixes, GitHub's JWT-form installation
// token, secrets on command lines), and values whose body is one repeated
// character, which stay placeholders even after a provider prefix. Values are
// assembled here from made-up pieces; failures name rules, never values.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "keyward/matcher.h"
#include "support/builtin_matcher_test.h"

namespace keyward {
namespace {

class ProviderShapesTest : public test::BuiltinMatcherTest {
 protected:
  // Rule ids found in `text` as file `path`.
  static std::set<std::string> Rules(const std::string& text,
                                     std::string_view path = "notes.sh") {
    auto scratch = matcher_->NewScratch();
    std::vector<RuleMatch> out;
    EXPECT_TRUE(matcher_->Scan(text, scratch.get(), &out, path).ok());
    std::set<std::string> ids;
    for (const RuleMatch& m : out) ids.insert(matcher_->rules()[m.rule].id);
    return ids;
  }
  static bool Has(const std::string& text, const std::string& id) {
    return Rules(text).count(id) > 0;
  }
};

const std::string kMixed40 = "Qm3v8LxT0pRk2ZsW9yHc4NbF7dJe1GaU5oVi6tXr";

TEST_F(ProviderShapesTest, SlackIdsAndSegmentsOfUndocumentedLength) {
  // Slack asks developers not to assume ID lengths: a 7-character team id.
  EXPECT_TRUE(Has("url: https://hooks.slack.com/services/T4QZ7KD/B8RW2MXN/" +
                      kMixed40.substr(0, 24) + "\n",
                  "slack.webhook_url"));
  // A bot token whose last segment is shorter than the common 24.
  EXPECT_TRUE(Has("SLACK_BOT_TOKEN=xoxb-48213907761-5528193046172-" +
                      kMixed40.substr(3, 21) + "\n",
                  "slack.bot_token"));
  // An app-level token with a 62-hex tail.
  std::string hex62 =
      "6a7d0662afb735092fd2ade281f852c766f52558f219965d29ab3db6cc"
      "eadb";
  ASSERT_EQ(hex62.size(), 62u);
  EXPECT_TRUE(
      Has("SLACK_APP_TOKEN=xapp-1-AQ7ZK3MPLTV-4774062791408-" + hex62 + "\n",
          "slack.app_level_token"));
  // Team and user ids alone carry no secret.
  EXPECT_TRUE(Rules("token=xoxb-48213907761-5528193046172\n").empty());
}

TEST_F(ProviderShapesTest, DatabricksUpperCaseHexAndTwoDigitSuffix) {
  const std::string upper = "C41F07A9B3E25D8860F1AE47D92B3C6E";
  EXPECT_TRUE(Has("DATABRICKS_TOKEN=dapi" + upper + "\n", "databricks.pat"));
  EXPECT_TRUE(Has("token = dapi" + upper + "-12\n", "databricks.pat"));
  // Mixed case is no hex rendering of a token.
  EXPECT_FALSE(Has("DATABRICKS_TOKEN=dapiC41f07A9b3E25d8860F1ae47D92b3C6e\n",
                   "databricks.pat"));
}

TEST_F(ProviderShapesTest, VercelPrefixedTokens) {
  for (const std::string p : {"vcp_", "vci_", "vca_", "vcr_"}) {
    EXPECT_TRUE(
        Has("VERCEL_TOKEN=" + p + kMixed40 + "\n", "vercel.token.prefixed"))
        << p;
  }
  EXPECT_TRUE(Has("AI_GATEWAY_API_KEY=vck_" + kMixed40 + "\n",
                  "vercel.ai_gateway_key"));
  EXPECT_FALSE(Has("VERCEL_TOKEN=vcp_" + kMixed40.substr(0, 12) + "\n",
                   "vercel.token.prefixed"));
}

TEST_F(ProviderShapesTest, GithubInstallationTokenInJwtForm) {
  // base64url of {"alg":"RS256"} and {"iss":"48213"}, and a made-up signature.
  const std::string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiI0ODIxMyJ9." +
                          kMixed40 + "_-" + kMixed40.substr(0, 20);
  EXPECT_TRUE(Has("GH_TOKEN=ghs_7741093_" + jwt + "\n",
                  "github.app.installation_token.jwt"));
  EXPECT_FALSE(Has("ghs_7741093_eyJhbGciOiJSUzI1NiJ9\n",
                   "github.app.installation_token.jwt"));
}

TEST_F(ProviderShapesTest, SecretsOnCommandLines) {
  EXPECT_TRUE(Has("docker run -e DRONE_TOKEN=fQ2vLx8Tk3mZr9Wd_x img\n",
                  "cli.env_assignment.secret"));
  EXPECT_TRUE(Has("docker run \\\n  -e DB_PASSWORD=Tq7nVz2Lk9Rw \\\n  img\n",
                  "cli.env_assignment.secret"));
  EXPECT_TRUE(
      Has("kubectl create secret generic x "
          "--from-literal=api_key=Hx4mPq8Vz2TnK\n",
          "cli.env_assignment.secret"));
  EXPECT_TRUE(Rules("docker run -e DB_PASSWORD=$DB_PASSWORD img\n").empty());
  // curl's -u/--proxy-user on a continued line of the command.
  EXPECT_TRUE(
      Has("curl -sS \\\n  --proxy-user svc:Lk4vQ9zTr2Wx \\\n  "
          "https://mirror.corp.example/\n",
          "http.curl_user_password"));
}

// 64 hex characters are a secp256k1 private key only where something says
// so: a wallet/signer-named key or a call that takes a private key.
TEST_F(ProviderShapesTest, Secp256k1KeysNeedAKeyNameOrAWalletCall) {
  const std::string hex =
      "3f9c1a7e5b2d8046c1e9a3f57b2d8e0a4c6f1b3d5e7a9c2f"
      "8b0d2e4f6a1c3e5f";
  ASSERT_EQ(hex.size(), 64u);
  EXPECT_TRUE(
      Has("ETH_PRIVKEY=0x" + hex + "\n", "crypto.secp256k1.named_private_key"));
  EXPECT_TRUE(
      Has("DEPLOYER_PK=" + hex + "\n", "crypto.secp256k1.named_private_key"));
  EXPECT_TRUE(Has("const s = new ethers.Wallet(\"0x" + hex + "\", p);\n",
                  "crypto.secp256k1.wallet_call"));
  EXPECT_TRUE(Rules("TX_HASH=0x" + hex + "\n").empty());
  EXPECT_TRUE(Rules("sha256: " + hex + "\n").empty());
}

// A raw key under a name that says its curve is that curve's key, not a
// wallet's; JSON Web Keys are private when they carry "d" (or an "oct" key's
// "k"), in either member order.
TEST_F(ProviderShapesTest, KeysNamedForTheirCurveAndJsonWebKeys) {
  const std::string hex =
      "3f9c1a7e5b2d8046c1e9a3f57b2d8e0a4c6f1b3d5e7a9c2f"
      "8b0d2e4f6a1c3e5f";
  EXPECT_EQ(Rules("ED25519_PRIVATE_KEY=" + hex + "\n"),
            std::set<std::string>{"crypto.ed25519.named_private_key"});
  EXPECT_EQ(Rules("WALLET_PRIVATE_KEY=" + hex + "\n"),
            std::set<std::string>{"crypto.secp256k1.named_private_key"});
  EXPECT_TRUE(Rules("ED25519_PUBLIC_KEY=" + hex + "\n").empty());

  const std::string x = kMixed40.substr(0, 30) + "_-Zq8Wm3Lp7Vx";  // 43
  const std::string d = "Tz4-" + kMixed40.substr(1, 36) + "k_9";   // 43
  ASSERT_EQ(x.size(), 43u);
  ASSERT_EQ(d.size(), 43u);
  const std::string pub = "{\"kty\": \"EC\", \"crv\": \"P-256\", \"x\": \"" +
                          x + "\", \"y\": \"" + x + "\"";
  EXPECT_EQ(Rules(pub + ", \"d\": \"" + d + "\", \"use\": \"sig\"}\n",
                  "keys/signing.jwk.json"),
            std::set<std::string>{"private_key.jwk"});
  EXPECT_TRUE(Rules(pub + ", \"use\": \"sig\"}\n", "jwks.json").empty());
  // Python's json.dumps(sort_keys=True): "crv", "d", "kty", "x".
  EXPECT_EQ(Rules("{\"crv\": \"Ed25519\", \"d\": \"" + d +
                      "\", \"kty\": \"OKP\", \"x\": \"" + x + "\"}\n",
                  "keys/ed.json"),
            std::set<std::string>{"private_key.jwk.sorted"});
  EXPECT_EQ(Rules("{\"kty\":\"oct\",\"kid\":\"hmac-1\",\"k\":\"" + d +
                      "\",\"alg\":\"HS256\"}\n",
                  "keys/hmac.json"),
            std::set<std::string>{"private_key.jwk"});
}

// A YAML tag before a value (`key: !!binary <base64>`) is not the value.
TEST_F(ProviderShapesTest, YamlTagBeforeASecretValue) {
  EXPECT_TRUE(Has("webhook_secret: !!binary " + kMixed40 + "=\n",
                  "generic.secret.unquoted"));
}

// A body of one repeated character after a provider prefix is a stand-in:
// no provider mints it, and docs and fixtures write exactly this to show a
// token's shape. Reporting it would cry wolf on every such example.
TEST_F(ProviderShapesTest, RepeatedCharacterBodyAfterAPrefixIsAPlaceholder) {
  EXPECT_TRUE(
      Rules("STRIPE_KEY=sk_live_" + std::string(24, 'A') + "\n").empty());
  EXPECT_TRUE(Rules("TS_KEY=tskey-api-" + std::string(12, 'A') + "-" +
                    std::string(24, 'B') + "\n")
                  .empty());
  EXPECT_TRUE(Rules("VERCEL_TOKEN=vcp_" + std::string(40, 'Z') + "\n").empty());
}

// Services whose keys are UUIDs, known by the names their documentation
// gives them (Sauce Labs' SAUCE_ACCESS_KEY, CoinMarketCap's
// X-CMC_PRO_API_KEY header) in code as well as configuration; the service's
// other UUIDs (tunnel and account ids) are not keys.
TEST_F(ProviderShapesTest, UuidKeysByTheirServiceName) {
  const std::string u = "6d0b3f8e-2a71-4c95-8e13-b7f4a2c9d560";
  EXPECT_TRUE(
      Has("export SAUCE_ACCESS_KEY=" + u + "\n", "saucelabs.access_key"));
  EXPECT_TRUE(Has("const sauceKey = '" + u + "';\n", "saucelabs.access_key"));
  EXPECT_TRUE(Has("headers = {'X-CMC_PRO_API_KEY': '" + u + "'}\n",
                  "coinmarketcap.api_key"));
  EXPECT_TRUE(Has("url = BASE + '?CMC_PRO_API_KEY=" + u + "'\n",
                  "coinmarketcap.api_key"));
  EXPECT_FALSE(Has("SAUCE_TUNNEL_ID=" + u + "\n", "saucelabs.access_key"));
  EXPECT_FALSE(
      Has("COINMARKETCAP_ACCOUNT_ID=" + u + "\n", "coinmarketcap.api_key"));
  EXPECT_FALSE(
      Has("export SAUCE_ACCESS_KEY=00000000-0000-0000-0000-000000000000\n",
          "saucelabs.access_key"));
}

// Shapes taken from the providers' own client libraries: Checkout.com's
// secret keys (sk_ or sk_sbox_, 26 base32 characters and one more that may
// be *#$=), a Ghost Admin API key (24 and 64 hex digits joined by a colon).
TEST_F(ProviderShapesTest, CheckoutAndGhostKeysByTheirClientsShape) {
  const std::string live = "sk_64qnw7uke2tzdgzzybmfpjpfn6#";
  const std::string sandbox = "sk_sbox_rhh3p5wae6aftb3e7376brhsaok";
  EXPECT_TRUE(Has("CKO_SECRET_KEY=" + sandbox + "\n", "checkout.secret_key"));
  EXPECT_TRUE(Has("const cko = new Checkout('" + live + "');\n",
                  "checkout.secret_key"));
  EXPECT_TRUE(
      Has("checkout:\n  secret_key: " + live + "\n", "checkout.secret_key"));
  // A public key is not a secret; a live key is looked for only where a
  // value starts (C's sk_ identifiers follow blanks and parentheses).
  EXPECT_FALSE(Has("CKO_PUBLIC_KEY=pk_loycfjdaeqp57u5fay7q5xh47dz\n",
                   "checkout.secret_key"));
  EXPECT_FALSE(Has("x = f(" + live + ");\n", "checkout.secret_key"));
  EXPECT_TRUE(Has("x = f(" + sandbox + ");\n", "checkout.secret_key"));
  const std::string admin =
      "609a59c36dbe1f4db222369d:"
      "f8560fd8b65d299e3b9187997b7731713623730f8de2756ae57ccaef32152470";
  EXPECT_TRUE(
      Has("GHOST_ADMIN_API_KEY=" + admin + "\n", "ghost.admin_api_key"));
  EXPECT_TRUE(Has("const api = new GhostAdminAPI({\n  url: URL,\n  key: '" +
                      admin + "',\n  version: 'v5.0'\n});\n",
                  "ghost.admin_api_key"));
  EXPECT_FALSE(Has("GHOST_CONTENT_API_KEY=609a59c36dbe1f4db222369dab\n",
                   "ghost.admin_api_key"));
  EXPECT_FALSE(Has("pair = \"" + admin + "\"\n", "ghost.admin_api_key"));
}

// Backblaze B2 application keys: K, the cluster's 3 digits, 27 base64
// characters; not inside a longer base64 run, not with a fourth letter
// after K00.
TEST_F(ProviderShapesTest, BackblazeApplicationKeys) {
  const std::string key = "K002Wq7mXc4/Rt9zLp2VbN8sHy3+Kd6";
  EXPECT_TRUE(
      Has("[b2]\ntype = b2\naccount = 0028c3fa95d14e70000000004\n"
          "key = " +
              key + "\n",
          "backblaze.application_key"));
  EXPECT_TRUE(
      Has("B2_APPLICATION_KEY=" + key + "\n", "backblaze.application_key"));
  EXPECT_TRUE(Has("{\"applicationKey\": \"" + key + "\"}\n",
                  "backblaze.application_key"));
  EXPECT_FALSE(Has("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + key +
                       "Tq8vW3xL9mZ2pK7nR4sB6cJ1dF5gH0yU8e\n",
                   "backblaze.application_key"));
  EXPECT_FALSE(Has("key = K00bWq7mXc4/Rt9zLp2VbN8sHy3+Kd6\n",
                   "backblaze.application_key"));
  EXPECT_FALSE(Has("key = " + key + "x\n", "backblaze.application_key"));
}

// Cloud Storage HMAC keys share the AWS secret key's shape and sit under
// the same names (`secret_access_key`, AWS_SECRET_ACCESS_KEY for an S3
// client pointed at Google): the GOOG access ID says whose key it is, so
// it is revoked in the right console.
TEST_F(ProviderShapesTest, CloudStorageHmacKeysAreGoogleNotAws) {
  const std::string secret = "Zr4+Tq8Wn2Kx7Lp/Vd3Hs9Jm6Bc1Fg5Ya0Ue2RkX";
  const std::string user_id = "GOOG4R7XK2QW9PLM3TZ8VN6H";  // 24: a user's
  const std::string sa_id =
      "GOOG1F3Q8ZW5X2KD7LM9TR4VN6HB0YC5JP2QS8EA7GU3XK9DW6RT1MZ4LNPVQ";
  ASSERT_EQ(user_id.size(), 24u);
  ASSERT_EQ(sa_id.size(), 61u);
  EXPECT_EQ(Rules("[Credentials]\ngs_access_key_id = " + user_id +
                  "\ngs_secret_access_key = " + secret + "\n"),
            std::set<std::string>{"gcp.hmac_key_pair"});
  EXPECT_EQ(Rules("[gcs]\ntype = s3\naccess_key_id = " + sa_id +
                  "\nsecret_access_key = " + secret + "\n"),
            std::set<std::string>{"gcp.hmac_key_pair"});
  // The same secret beside an AWS key id stays AWS's.
  EXPECT_EQ(Rules("aws_access_key_id = AKIAQ3ZK7TW2XN9VLM4R\n"
                  "aws_secret_access_key = " +
                  secret + "\n"),
            std::set<std::string>{"aws.access_key_pair"});
  // An id of another length is no HMAC access ID.
  EXPECT_FALSE(Has("gs_access_key_id = " + user_id +
                       "X\n"
                       "gs_secret_access_key = " +
                       secret + "\n",
                   "gcp.hmac_key_pair"));
}

// Long-tail formats with a documented prefix or suffix, a structured key,
// and RFC 8959's secret-token: scheme, which marks any token as a secret.
TEST_F(ProviderShapesTest, PrefixedKeysStructuredKeysAndSecretTokenUris) {
  const std::string hex34 = "7c2e9a4f1b8d3c6e0a5f2b9d4e7c1a3f8b";
  ASSERT_EQ(hex34.size(), 34u);
  EXPECT_EQ(Rules("-H \"Authorization: Klaviyo-API-Key pk_" + hex34 + "\"\n"),
            std::set<std::string>{"klaviyo.private_api_key"});
  EXPECT_TRUE(Rules("KEY=pk_live_" + kMixed40 + "\n")
                  .count("klaviyo.private_api_key") == 0);
  EXPECT_EQ(Rules("STATSIG_SERVER_SECRET=secret-" + kMixed40 + "\n"),
            std::set<std::string>{"statsig.server_secret_key"});
  EXPECT_TRUE(Rules("name: secret-volume-config-for-the-service\n").empty());
  const std::string mmk = "Xq7T2m_" + kMixed40.substr(0, 29) + "_mmk";
  EXPECT_EQ(Rules("LicenseKey " + mmk + "\n"),
            std::set<std::string>{"maxmind.license_key"});
  EXPECT_EQ(Rules("AccountID 1048576\nLicenseKey Rk2v8LqT0pWm4ZsN\n",
                  "/etc/GeoIP.conf"),
            std::set<std::string>{"maxmind.geoip_conf_license_key"});
  EXPECT_TRUE(Rules("LicenseKey Rk2v8LqT0pWm4ZsN\n", "notes.conf").empty());
  const std::string ably = "Tq4xLm.Vb7_Kz:" + kMixed40.substr(0, 37) + "-_a9Zq";
  EXPECT_EQ(Rules("ABLY_API_KEY=" + ably + "\n"),
            std::set<std::string>{"ably.api_key"});
  EXPECT_EQ(Rules("-H \"Authorization: Bearer secret-token:mercury_" +
                  kMixed40 + "_end\"\n"),
            std::set<std::string>{"http.secret_token_uri"});
  EXPECT_EQ(Rules("-H \"Authorization: ApiKey " + kMixed40 + "==\"\n"),
            std::set<std::string>{"http.authorization_bearer"});
}

}  // namespace
}  // namespace keyward

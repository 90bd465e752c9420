// Encoded strings under the built-in rules: the common cases of issue 16
// (a Kubernetes Secret's base64 data, a base64 .env in CI variables, a
// Docker config.json `auth`, a PEM key in a JSON string) are each found
// once, at the encoded span. Secrets are made here from parts and seeds.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/rules.h"
#include "keyward/scan.h"
#include "support/base64.h"
#include "support/builtin_matcher_test.h"
#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward {
namespace {

using test::B64;

class DecodeBuiltinTest : public test::BuiltinMatcherTest {
 protected:
  std::vector<Finding> Scan(const std::string& name,
                            const std::string& content) {
    ScanOptions o;
    o.threads = 1;
    o.warn = [](const std::string&) {};
    Scanner scanner(*matcher_, o);
    ScanResult r;
    Status s = scanner.ScanPaths({dir_.Write(name, content)}, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r.findings;
  }
  static std::string Summary(const std::vector<Finding>& fs) {
    std::string out;  // rule, place and encoding: never the secret
    for (const Finding& f : fs) {
      out += f.rule_id + "@" + std::to_string(f.line) + ":" +
             std::to_string(f.column) + "[" + f.encoding + "] ";
    }
    return out;
  }
  static const Finding* Find(const std::vector<Finding>& fs,
                             const std::string& secret) {
    for (const Finding& f : fs) {
      if (f.secret == secret) return &f;
    }
    return nullptr;
  }
  test::TempDir dir_;
};

const std::string kPassword = std::string("q7Zk2Lp9") + "Xv4Rt8Wm3N";

std::string EnvFile(const std::string& token) {
  return "DB_HOST=db.internal\nDB_USER=app\nDB_PASSWORD=" + kPassword +
         "\nGITHUB_TOKEN=" + token + "\n";
}

TEST_F(DecodeBuiltinTest, KubernetesSecretData) {
  const std::string t1 = test::FakeGithubToken(11);
  const std::string t2 = test::FakeGithubToken(12);
  std::string yaml =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\n"
      "data:\n  .env: " +
      B64(EnvFile(t1)) + "\n  api-token: " + B64(t2) + "\n";
  auto fs = Scan("k8s/secret.yaml", yaml);
  const Finding* a = Find(fs, t1);
  const Finding* b = Find(fs, t2);
  const Finding* p = Find(fs, kPassword);
  ASSERT_TRUE(a && b && p) << Summary(fs);
  EXPECT_EQ(a->rule_id, "github.pat.classic");
  EXPECT_EQ(a->encoding, "base64");
  EXPECT_EQ(a->line, 7);
  EXPECT_EQ(a->column, 9);
  EXPECT_EQ(b->encoding, "base64");
  EXPECT_EQ(b->line, 8);
  EXPECT_EQ(b->column, 14);
  EXPECT_EQ(p->kind, "password");
  EXPECT_EQ(p->line, 7);
  EXPECT_EQ(fs.size(), 3u) << Summary(fs);
}

TEST_F(DecodeBuiltinTest, Base64EnvInCiVariables) {
  const std::string t = test::FakeGithubToken(21);
  std::string vars = "ENV_FILE_B64=" + B64(EnvFile(t)) + "\n";
  auto fs = Scan("ci/variables.txt", vars);
  const Finding* a = Find(fs, t);
  ASSERT_TRUE(a) << Summary(fs);
  EXPECT_EQ(a->encoding, "base64");
  EXPECT_EQ(a->column, 14);
}

// docker.config_auth reads the whole base64 `auth` as its secret: the
// token inside it is the same credential, not a second finding; nor when
// the whole config.json is base64 in a Kubernetes Secret.
TEST_F(DecodeBuiltinTest, DockerAuthIsReportedOnce) {
  const std::string t = test::FakeGithubToken(31);
  std::string config = "{\"auths\": {\"registry.example.io\": {\"auth\": \"" +
                       B64("ci-bot:" + t) + "\"}}}";
  auto fs = Scan("docker/config.json", config);
  ASSERT_EQ(fs.size(), 1u) << Summary(fs);
  EXPECT_EQ(fs[0].rule_id, "docker.config_auth");
  EXPECT_EQ(fs[0].encoding, "");
  fs = Scan("k8s/pull.yaml",
            "kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n"
            "  .dockerconfigjson: " +
                B64(config) + "\n");
  ASSERT_EQ(fs.size(), 1u) << Summary(fs);
  EXPECT_EQ(fs[0].rule_id, "docker.config_auth");
  EXPECT_EQ(fs[0].encoding, "base64");
  EXPECT_EQ(fs[0].line, 4);
  EXPECT_EQ(fs[0].column, 22);
}

// The private-key rules read `\n`-escaped PEM in JSON themselves: the
// decoded copy is the same key, reported once.
TEST_F(DecodeBuiltinTest, EscapedPemKeyIsReportedOnce) {
  std::mt19937 rng(41);
  std::string body;
  for (int i = 0; i < 12; i++) {
    body += test::RandomChars(&rng,
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                              "vwxyz0123456789+/",
                              64) +
            "\\n";
  }
  const std::string kind = std::string("RSA PRIVATE") + " KEY";
  std::string json =
      "{\n  \"type\": \"service_account\",\n  \"private_key\": "
      "\"-----BEGIN " +
      kind + "-----\\n" + body + "-----END " + kind +
      "-----\\n\",\n  \"client_email\": \"a@b.test\"\n}\n";
  auto fs = Scan("sa.json", json);
  ASSERT_EQ(fs.size(), 1u) << Summary(fs);
  EXPECT_EQ(fs[0].rule_id, "private_key.pem.rsa");
  EXPECT_EQ(fs[0].encoding, "");
  EXPECT_EQ(fs[0].line, 3);
  // Base64 of the same JSON: found in the decoded text.
  fs = Scan("sa.b64", "GOOGLE_CREDENTIALS=" + B64(json) + "\n");
  ASSERT_EQ(fs.size(), 1u) << Summary(fs);
  EXPECT_EQ(fs[0].rule_id, "private_key.pem.rsa");
  EXPECT_EQ(fs[0].encoding, "base64");
}

}  // namespace
}  // namespace keyward

// End-to-end: gzip on stdin and in directories, source maps, and their off
// switches (--no-decompress, --no-source-maps, .keyward.yaml).
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "support/base64.h"
#include "support/fake_secrets.h"
#include "support/gzip.h"
#include "support/run.h"

namespace keyward {
namespace {

using test::FakeGithubToken;
using test::Gzip;
using test::RunKeyward;
using test::TempDir;

void ExpectNoSecret(const test::RunResult& r, const std::string& secret) {
  EXPECT_EQ(r.out.find(secret.substr(4, 20)), std::string::npos)
      << "secret in stdout";
  EXPECT_EQ(r.err.find(secret.substr(4, 20)), std::string::npos)
      << "secret in stderr";
}

TEST(DecodeCliTest, GzipOnStdinIsDecompressed) {
  std::string tok = FakeGithubToken(161);
  std::string log = "first line\nGITHUB_TOKEN=" + tok + "\nlast\n";
  auto r = RunKeyward({"scan", "--format", "json", "-"}, Gzip(log));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ExpectNoSecret(r, tok);
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 1u);
  EXPECT_EQ(doc["findings"][0]["path"], "-");
  EXPECT_EQ(doc["findings"][0]["line"], 2);
  EXPECT_EQ(doc["findings"][0]["column"], 14);
  // Streamed text output too (the path FindingStream takes).
  auto text = RunKeyward({"scan", "-"}, Gzip(log));
  EXPECT_EQ(text.exit_code, 1) << text.err;
  ExpectNoSecret(text, tok);
  // Off: the compressed bytes are scanned as they are.
  auto off = RunKeyward({"scan", "--no-decompress", "-"}, Gzip(log));
  EXPECT_EQ(off.exit_code, 0) << off.err;
}

// Made-up base64 key material: `n` characters from a fixed seed, 64 to a
// line, lines ended by `newline`.
std::string MadeUpKeyBody(uint32_t seed, int n, const std::string& newline) {
  static const char* kB64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string body;
  uint32_t x = seed;
  for (int i = 0; i < n; i++) {
    x = x * 1103515245u + 12345u;
    body += kB64[(x >> 16) & 63];
    if (i % 64 == 63) body += newline;
  }
  return body;
}

// A service account key file: the key (a PKCS#8 PEM inside a JSON string)
// is reported once, by the key file's rule with the key's id, not again
// by the PKCS#8 rule on the string's decoded copy. Made-up key material.
TEST(DecodeCliTest, ServiceAccountKeyFileIsOneFinding) {
  // The PEM's body as a JSON string holds it: lines joined by "\\n".
  const std::string body = MadeUpKeyBody(20261206, 1600, "\\n");
  const std::string key_id = "5e0c9a7b3f1d2e4c6a8b0d9f7e5c3a1b2d4f6e8a";
  const std::string pem = "-----BEGIN PRIVATE KEY-----\\n" + body +
                          "\\n-----END PRIVATE KEY-----\\n";
  const std::string file =
      "{\n  \"type\": \"service_account\",\n"
      "  \"project_id\": \"orders-prod-4417\",\n"
      "  \"private_key_id\": \"" +
      key_id +
      "\",\n"
      "  \"private_key\": \"" +
      pem +
      "\",\n"
      "  \"client_email\": "
      "\"sync@orders-prod-4417.iam.gserviceaccount.com\"\n}\n";
  TempDir dir;
  dir.Write("deploy/sa-key.json", file);
  dir.Write("ci.env",
            "GOOGLE_CREDENTIALS=" + file.substr(0, file.size() - 1) + "\n");
  auto r = RunKeyward({"scan", "--no-config", "--format", "json", dir.path()});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ExpectNoSecret(r, body);
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 2u) << r.out;
  for (const auto& f : doc["findings"]) {
    EXPECT_EQ(f["rule_id"], "gcp.service_account_key");
    EXPECT_EQ(f["identifier"], key_id);
    EXPECT_EQ(f.value("encoding", ""), "");
  }
}

// One credential, one finding, whether a rule reads it raw or a decoded
// copy of the text shows it again: a kubeconfig's client-key-data is the
// base64 of a PEM key the PEM rules find once decoded, and a SAS URL's
// signature is also a bare SAS token's (percent-encoded, and decoded).
TEST(DecodeCliTest, EncodedKeysAndSignaturesAreOneFindingEach) {
  const std::string body = MadeUpKeyBody(20261207, 900, "\n");
  const std::string pem = "-----BEGIN RSA PRIVATE KEY-----\n" + body +
                          "\n-----END RSA PRIVATE KEY-----\n";
  const std::string encoded = test::B64(pem);
  const std::string sig = "Rk7vQx2Zp9Lm4Tn8Wc3Yb6Hd1Jf5Sa0Ke7UgTy2Qx4";
  auto percent = [](std::string s) {
    std::string out;
    for (char c : s) {
      if (c == '+')
        out += "%2B";
      else if (c == '/')
        out += "%2F";
      else if (c == '=')
        out += "%3D";
      else
        out += c;
    }
    return out;
  };
  const std::string url =
      "https://ordersstore.blob.core.windows.net/exports/report.csv?"
      "sv=2022-11-02&ss=b&srt=o&sp=r&se=2027-01-01T00:00:00Z&spr=https&sig=";
  TempDir dir;
  dir.Write("kube/config",
            "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n"
            "    client-key-data: " +
                encoded + "\n");
  dir.Write("share/raw.txt", url + "ab/" + sig + "+cd=\n");
  dir.Write("share/encoded.txt", url + percent("ab/" + sig + "+cd=") + "\n");
  auto r = RunKeyward({"scan", "--no-config", "--format", "json", dir.path()});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ExpectNoSecret(r, body.substr(0, 64));
  auto doc = nlohmann::json::parse(r.out);
  std::map<std::string, std::vector<std::string>> rules_by_file;
  for (const auto& f : doc["findings"]) {
    std::string path = f["path"];
    rules_by_file[path.substr(path.find_last_of('/') + 1)].push_back(
        f["rule_id"]);
  }
  using V = std::vector<std::string>;
  EXPECT_EQ(rules_by_file["config"], V{"kubeconfig.client_key_data"}) << r.out;
  EXPECT_EQ(rules_by_file["raw.txt"], V{"azure.storage.sas_url"}) << r.out;
  EXPECT_EQ(rules_by_file["encoded.txt"], V{"azure.storage.sas_url"}) << r.out;
}

// A Slack webhook written by a JSON encoder that escapes slashes is the same
// webhook as the plain URL: one finding of the URL's rule, with the plain
// URL's fingerprint, so both places land on one ticket.
TEST(DecodeCliTest, EscapedWebhookUrlIsThePlainUrl) {
  const std::string url =
      "https://hooks.slack.com/services/T7QK2MZ4W/B9XR3LT6P/"
      "Hq4Wz8Lc2Vn7Kt3Xp9Bm5Rd6";
  std::string escaped;
  for (char c : url)
    escaped += c == '/' ? std::string("\\/") : std::string(1, c);
  TempDir dir;
  dir.Write("notify.env", "SLACK_WEBHOOK=" + url + "\n");
  dir.Write("wp-options.json", "{\"webhook\":\"" + escaped + "\"}\n");
  auto r = RunKeyward({"scan", "--no-config", "--format", "json", dir.path()});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 2u) << r.out;
  EXPECT_EQ(doc["findings"][0]["rule_id"], "slack.webhook_url");
  EXPECT_EQ(doc["findings"][1]["rule_id"], "slack.webhook_url");
  EXPECT_EQ(doc["findings"][0]["fingerprint"],
            doc["findings"][1]["fingerprint"]);
}

TEST(DecodeCliTest, GzipBombOnStdinEndsWithAWarning) {
  auto r =
      RunKeyward({"scan", "--stats", "-"}, test::GzipBomb(1ull << 30, 'a'));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("standard input: decompression stopped"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("1 over budget"), std::string::npos) << r.err;
}

TEST(DecodeCliTest, DirectoryGzipAndSourceMapPaths) {
  TempDir dir;
  std::string t1 = FakeGithubToken(162), t2 = FakeGithubToken(163);
  dir.Write("logs/app.log.gz", Gzip("a\nb\nc\ntoken: " + t1 + "\n"));
  nlohmann::json map = {
      {"version", 3},
      {"sources", {"src/main.ts", "src/config.ts"}},
      {"sourcesContent",
       {"export {};\n", "// c\n\nexport const gh = \"" + t2 + "\";\n"}},
      {"mappings", "AAAA"}};
  dir.Write("dist/app.js.map", map.dump());
  auto r = RunKeyward({"scan", "--format", "json", "--stats", "."}, "", {},
                      dir.path());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ExpectNoSecret(r, t1);
  ExpectNoSecret(r, t2);
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 2u);
  EXPECT_EQ(doc["findings"][0]["path"], "dist/app.js.map!src/config.ts");
  EXPECT_EQ(doc["findings"][0]["line"], 3);
  EXPECT_EQ(doc["findings"][0]["column"], 20);
  EXPECT_EQ(doc["findings"][1]["path"], "logs/app.log.gz");
  EXPECT_EQ(doc["findings"][1]["line"], 4);
  EXPECT_NE(r.err.find("decompressed:    1 files"), std::string::npos);
  EXPECT_NE(r.err.find("source maps:     1"), std::string::npos);
  EXPECT_EQ(doc["stats"]["decompressed"], 1);
  EXPECT_EQ(doc["stats"]["decompressed_bytes"], 13 + 40 + 1);  // the text
  EXPECT_EQ(doc["stats"]["decompress_limited"], 0);
  EXPECT_EQ(doc["stats"]["source_maps"], 1);
  EXPECT_EQ(doc["stats"]["files"], 3);  // the log and the map's two sources

  // Off by flag: the map's JSON text is scanned (one escaped line), the
  // gzip file is binary.
  auto off = RunKeyward(
      {"scan", "--format", "json", "--no-decompress", "--no-source-maps", "."},
      "", {}, dir.path());
  ASSERT_EQ(off.exit_code, 1) << off.err;
  auto off_doc = nlohmann::json::parse(off.out);
  ASSERT_EQ(off_doc["findings"].size(), 1u);
  EXPECT_EQ(off_doc["findings"][0]["path"], "dist/app.js.map");
  EXPECT_EQ(off_doc["findings"][0]["line"], 1);

  // Off in .keyward.yaml.
  dir.Write(".keyward.yaml", "decompress: false\nsource_maps: false\n");
  auto cfg = RunKeyward({"scan", "--format", "json", "."}, "", {}, dir.path());
  ASSERT_EQ(cfg.exit_code, 1) << cfg.err;
  auto cfg_doc = nlohmann::json::parse(cfg.out);
  ASSERT_EQ(cfg_doc["findings"].size(), 1u);
  EXPECT_EQ(cfg_doc["findings"][0]["path"], "dist/app.js.map");

  dir.Write(".keyward.yaml", "decompress: maybe\n");
  auto bad = RunKeyward({"scan", "."}, "", {}, dir.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("`decompress` must be true or false"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace keyward

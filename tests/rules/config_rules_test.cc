// The configuration-file, connection-string, password-hash, client, framework
// and command-line rules on whole made-up files of each type (not just the
// one-line examples in the rule files): each credential is found by the rule
// meant for it, weak passwords in files whose structure names them are still
// reported, and code, templates and test-suite URLs are not findings.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/rules.h"
#include "support/prebuilt.h"

namespace keyward {
namespace {

struct Found {
  std::string rule;
  std::string secret;
  std::string kind;
};

class ConfigRulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto set = RuleSet::Builtin();
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    // ctest runs each test in its own process: share the compiled database
    // (keyed by the rules' digest) instead of compiling it five times.
    MatcherOptions opts = test::BuiltinMatcherOptions();
    opts.cache_dir = ::testing::TempDir() + "keyward-config-rules-test-cache";
    auto m = Matcher::Create(*set, opts);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    matcher_ = m.value().release();
  }
  static void TearDownTestSuite() {
    delete matcher_;
    matcher_ = nullptr;
  }

  // `path` names the file (file-format rules run only on theirs); empty,
  // every rule runs.
  static std::vector<Found> Scan(const std::string& text,
                                 const std::string& path = {}) {
    auto scratch = matcher_->NewScratch();
    std::vector<RuleMatch> out;
    EXPECT_TRUE(matcher_->Scan(text, scratch.get(), &out, path).ok());
    std::vector<Found> found;
    for (const auto& x : out) {
      const Rule& r = matcher_->rules()[x.rule];
      found.push_back(
          {r.id, text.substr(x.secret_start, x.secret_end - x.secret_start),
           r.kind});
    }
    return found;
  }

  // The text gives exactly these (rule, secret) findings.
  static void ExpectFindings(
      const std::string& text,
      const std::set<std::pair<std::string, std::string>>& want,
      const std::string& path = {}) {
    std::set<std::pair<std::string, std::string>> got;
    for (const auto& f : Scan(text, path)) got.insert({f.rule, f.secret});
    EXPECT_EQ(got, want) << path << ":\n" << text;
  }

  static Matcher* matcher_;
};

Matcher* ConfigRulesTest::matcher_ = nullptr;

TEST_F(ConfigRulesTest, StructuredFilesReportWeakPasswords) {
  // .pgpass: a comment, a weak password, an escaped colon.
  ExpectFindings(
      "# host:port:db:user:password\n"
      "pg1.corp.example:5432:billing:billing_rw:autumn2018\n"
      "*:*:*:replica:Xq2\\:vT9mLp\n",
      {{"pgpass.line", "autumn2018"}, {"pgpass.line", "Xq2\\:vT9mLp"}});
  // .netrc over several lines, deeper indentation than one space.
  ExpectFindings(
      "machine files.corp.example\n"
      "        login mirror\n"
      "        password spring2017\n"
      "machine api.corp.example login ci password Hb7wQz1Lk9\n",
      {{"netrc.password", "spring2017"}, {"netrc.password", "Hb7wQz1Lk9"}});
  // .git-credentials: one URL per line; a %-encoded password.
  ExpectFindings(
      "https://ops:summer2016@git.corp.example\n"
      "https://bot:Tk4%40Lm9wQx@gitea.corp.example:3000\n",
      {{"git_credentials.line", "summer2016"},
       {"git_credentials.line", "Tk4%40Lm9wQx"}});
  // wp-config.php with the alignment WordPress writes.
  ExpectFindings(
      "define( 'DB_USER', 'shop' );\n"
      "define( 'DB_PASSWORD', 'winter16' );\n"
      "define( 'AUTH_KEY',         "
      "'p{7Gx|2W!k#Lq9@zR-3v%Hn8^Ty6&Bm1*Jc4(Fs5)Dw0+Ea' );\n"
      "define( 'SECURE_AUTH_KEY',  'put your unique phrase here' );\n",
      {{"wordpress.db_password", "winter16"},
       {"wordpress.auth_key",
        "p{7Gx|2W!k#Lq9@zR-3v%Hn8^Ty6&Bm1*Jc4(Fs5)Dw0+Ea"}});
}

TEST_F(ConfigRulesTest, CloudFormationParameterDefaults) {
  // YAML and JSON templates; properties in any order before Default; a
  // weak value is still the template's credential.
  ExpectFindings(
      "Parameters:\n"
      "  ReplicaAdminPassword:\n"
      "    Type: String\n"
      "    NoEcho: true\n"
      "    MinLength: 8\n"
      "    Default: harbor2019\n"
      "  InstanceType:\n"
      "    Type: String\n"
      "    Default: t3.micro\n",
      {{"cloudformation.parameter_default_password", "harbor2019"}});
  ExpectFindings(
      "{\"Parameters\": {\n"
      "  \"WebhookSecret\": {\n"
      "    \"Description\": \"Shared secret\",\n"
      "    \"Type\": \"String\",\n"
      "    \"Default\": \"Vn4Pc7Wd3Lm9Xb\"\n"
      "  }\n}}\n",
      {{"cloudformation.parameter_default_password", "Vn4Pc7Wd3Lm9Xb"}});
  // No Default, an SSM parameter path, a dynamic reference: nothing.
  ExpectFindings(
      "Parameters:\n"
      "  DbPassword:\n"
      "    Type: String\n"
      "    NoEcho: true\n"
      "  DbPasswordPath:\n"
      "    Type: AWS::SSM::Parameter::Value<String>\n"
      "    Default: /prod/db/password\n"
      "  ApiToken:\n"
      "    Type: String\n"
      "    Default: '{{resolve:secretsmanager:prod/api:SecretString:token}}'\n",
      {});
}

// An ARM template's secure parameter with a literal defaultValue, after a
// nested metadata object; an ARM expression or no default is none.
TEST_F(ConfigRulesTest, ArmTemplateParameterDefaults) {
  ExpectFindings(
      "{\n  \"parameters\": {\n    \"vmAdminPassword\": {\n"
      "      \"type\": \"securestring\",\n"
      "      \"metadata\": {\"description\": \"Password of the VM's admin\"},\n"
      "      \"defaultValue\": \"Kt7-wQz3Lm8\"\n    },\n"
      "    \"sqlPassword\": {\"type\": \"securestring\", "
      "\"defaultValue\": \"[newGuid()]\"},\n"
      "    \"location\": {\"type\": \"string\", \"defaultValue\": "
      "\"westeurope\"}\n"
      "  }\n}\n",
      {{"azure.arm_parameter_default_password", "Kt7-wQz3Lm8"}},
      "infra/azuredeploy.json");
}

// Self-hosted applications' own secrets: Drupal's hash salt, OctoPrint's
// global API key, Deluge's auth file (not its generated localclient line).
TEST_F(ConfigRulesTest, SelfHostedApplicationSecrets) {
  ExpectFindings(
      "<?php\n$databases = [];\n$settings['hash_salt'] = "
      "'Yq3Lw8Zt2Kx7Mv4Rn9Pb5Hs1Dc6Fj0Gk2Ah7Tu3We';\n",
      {{"drupal.hash_salt", "Yq3Lw8Zt2Kx7Mv4Rn9Pb5Hs1Dc6Fj0Gk2Ah7Tu3We"}},
      "web/sites/default/settings.php");
  ExpectFindings(
      "api:\n  allowCrossOrigin: false\n"
      "  key: 7C1E9A3F5B2D8E0A4C6F1B3D5E7A9C2F\nserver:\n  port: 5000\n",
      {{"octoprint.api_key", "7C1E9A3F5B2D8E0A4C6F1B3D5E7A9C2F"}},
      "home/pi/.octoprint/config.yaml");
  ExpectFindings(
      "localclient:5e0c1d9a7b3f2e8d4c6a0b1f9e7d5c3a2b4f6e8d:10\n"
      "media:Vw4-kQz8Lt:5\n",
      {{"deluge.auth_file", "Vw4-kQz8Lt"}}, "home/u/.config/deluge/auth");
}

TEST_F(ConfigRulesTest, HtpasswdLinesOfEveryForm) {
  // One file, every storage form htpasswd writes: each line once, by the
  // rule that names its form (a hash is never also called plaintext).
  ExpectFindings(
      "web:$apr1$Qw3.Lk9z$VbN2mXc7Hq4Tr8Yp1Ls6D0\n"
      "legacy:Rt7.Mn2bXq9Wd\n"
      "kiosk:Harbor-Finch-62\n",
      {{"password_hash.htpasswd_line", "$apr1$Qw3.Lk9z$VbN2mXc7Hq4Tr8Yp1Ls6D0"},
       {"htpasswd.des_crypt_line", "Rt7.Mn2bXq9Wd"},
       {"htpasswd.plaintext_line", "Harbor-Finch-62"}});
  // Elsewhere a user:word line is not an htpasswd entry.
  auto scratch = matcher_->NewScratch();
  std::vector<RuleMatch> out;
  ASSERT_TRUE(matcher_
                  ->Scan("kiosk:Harbor-Finch-62\nlegacy:Rt7.Mn2bXq9Wd\n",
                         scratch.get(), &out, "notes/labels.txt")
                  .ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(matcher_
                  ->Scan("kiosk:Harbor-Finch-62\n", scratch.get(), &out,
                         "site/.htpasswd")
                  .ok());
  EXPECT_EQ(out.size(), 1u);
}

TEST_F(ConfigRulesTest, EnvAssignmentsInsideXmlElements) {
  // Jenkins and Ant files carry KEY=value lines as element text.
  ExpectFindings(
      "<envVars>\n"
      "  <string>LDAP_BIND_PASSWORD=Fj3kWq8Lz2</string>\n"
      "  <string>DEPLOY_TOKEN=Tq5Wn8Rb2Zk7Lm4Xc9Vd3Hs6</string>\n"
      "  <string>BUILD_MODE=release</string>\n"
      "</envVars>\n",
      {{"generic.password.unquoted", "Fj3kWq8Lz2"},
       {"generic.secret.unquoted", "Tq5Wn8Rb2Zk7Lm4Xc9Vd3Hs6"}});
}

TEST_F(ConfigRulesTest, PhpConstantsWithANumberedName) {
  ExpectFindings("<?php\ndefine('MAILER_PASSWORD_2', 'Kestrel-Vale-41');\n",
                 {{"php.define_secret", "Kestrel-Vale-41"}});
}

TEST_F(ConfigRulesTest, PasswordHashesAreReportedWithTheirKind) {
  const std::string shadow =
      "root:$6$Jd8.Qm2xVb7rTz1L$"
      "Cn9doS40Q173PFlfrpcQ1XG4OetzaYjz/bd0uMlpHpVFGUExFWHUAvh33dM1"
      "qLCf8zf9NX2vIwsazIy.6uPAtQ:19800:0:99999:7:::\n"
      "daemon:*:19800:0:99999:7:::\n";
  auto found = Scan(shadow);
  ASSERT_EQ(found.size(), 1u) << shadow;
  EXPECT_EQ(found[0].rule, "password_hash.shadow_line");
  EXPECT_EQ(found[0].kind, "password_hash");
  EXPECT_TRUE(found[0].secret.starts_with("$6$Jd8.Qm2xVb7rTz1L$"));
  // In a SQL dump: a bcrypt hash is reported though the shared `hash`
  // filter would drop it for the generic password rules.
  found = Scan(
      "INSERT INTO users VALUES (7,'ops','"
      "$2y$12$O2alLtkv9cmDqlOWRF1yMXyxxSf39.1sXHDEAVlp68GMgv9HJtIMU');\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, "password_hash.bcrypt");
  EXPECT_EQ(found[0].kind, "password_hash");
}

// System services' own files, each in its own syntax and found by the rule
// that knows it; the file-format ones only in a file of their name.
TEST_F(ConfigRulesTest, SystemServiceFilesByTheirFormat) {
  ExpectFindings(
      "# URL user password\n"
      "https://dav.corp.example/remote.php/webdav ops AU2W-vD6Gs7\n"
      "/media/cloud \"svc backup\" \"ZvvDXoNnqOP\"\n",
      {{"davfs2.secrets_line", "AU2W-vD6Gs7"},
       {"davfs2.secrets_line", "ZvvDXoNnqOP"}},
      "home/ops/.davfs2/secrets");
  ExpectFindings("smtp.corp.example:relay@corp.example:u7mM-25nbJ7\n",
                 {{"exim.passwd_client", "u7mM-25nbJ7"}},
                 "etc/exim4/passwd.client");
  ExpectFindings("N=corp\nI=opsbot\nP=b2yne7zZk7q\nS=irc.corp.example\n",
                 {{"hexchat.server_password", "b2yne7zZk7q"}},
                 "home/ops/.config/hexchat/servlist.conf");
  const std::string psk =
      "8c2433a29e903df1dd004714fee877ec9d9176f1f9d2fdf263742980d3b31deb";
  ExpectFindings(psk + "\n", {{"psk_file.hex_key", psk}},
                 "etc/zabbix/zabbix_agentd.psk");
  ExpectFindings(
      "c.ServerApp.password = "
      "'sha1:3295c8b0ae9a:f6a9ae83d11631d9d22c05ee5260c17c46756937'\n",
      {{"password_hash.jupyter",
        "sha1:3295c8b0ae9a:f6a9ae83d11631d9d22c05ee5260c17c46756937"}},
      "home/ops/.jupyter/jupyter_server_config.py");
  ExpectFindings(
      "# username: password[,rolename ...]\n"
      "ops: bVqk-utwpI7,user,admin\n"
      "legacy: OBF:1x0k1vn61z0f1vnw1x0s,user\n"
      "digest: MD5:6d2e0b7f1c8a9e3d5b4a2f1e0d9c8b7a,user\n",
      {{"jetty.realm_password", "bVqk-utwpI7"},
       {"jetty.realm_password", "OBF:1x0k1vn61z0f1vnw1x0s"}},
      "rundeck/server/config/realm.properties");
  // The same lines in files of other names are not those formats.
  for (const char* path :
       {"notes/secrets.txt", "docs/passwd.md", "conf/servlist.ini",
        "keys/agent.txt", "app/settings.py"}) {
    EXPECT_TRUE(Scan("https://dav.corp.example/dav ops AU2W-vD6Gs7\n"
                     "smtp.corp.example:relay@corp.example:u7mM-25nbJ7\n"
                     "P=b2yne7zZk7q\n" +
                         psk + "\n",
                     path)
                    .empty())
        << path;
  }
  // Plain-text passwords and hashes in any file, by their own markers.
  ExpectFindings(
      "client\nremote vpn.corp.example 1194\n<auth-user-pass>\n"
      "ops\n8rTe-q7VUq7\n</auth-user-pass>\n",
      {{"openvpn.inline_auth_user_pass", "8rTe-q7VUq7"}});
  ExpectFindings("ops:{PLAIN}5yM3-U0WVA7::::::\n",
                 {{"dovecot.plain_password", "5yM3-U0WVA7"}});
  ExpectFindings(
      "  authentication {\n    auth_type PASS\n"
      "    auth_pass iiChI9q4\n  }\n",
      {{"keepalived.auth_pass", "iiChI9q4"}});
  ExpectFindings(
      "<settingsSecurity>\n  <master>"
      "{HkiNTLawyG76jyA0BmqRYNPtsT+8B2M2HFkcI3onnHI=}</master>\n"
      "</settingsSecurity>\n",
      {{"maven.master_password",
        "{HkiNTLawyG76jyA0BmqRYNPtsT+8B2M2HFkcI3onnHI=}"}});
  const std::string tor =
      "16:C451A9DEDD7C2CD1F06C680D1EE5DAD59BC670D31AB7040AC036F76B7E";
  const std::string nt = "8FC79F6654E4D376ABF2B7E3EE3C4FB8";
  const std::string nt2 = "3d609fed88d26cf91ec83065cf13fc6e";
  const std::string mqtt =
      "$7$101$AA+EgKnUwCQstnGt$d8k8L7awLTLMxEA1eN1Fc3OCXkFqc2gYiUVV60AXXTLA"
      "GiR5VKL3BtCMnC/iKolJM6MAtQo9vjC66dDrY6erTg==";
  const std::string drupal =
      "$S$DgD5EBW1TJEQ1BVGWwYOR8QZdMpHyE3VwnUW98stJiOntrl9noDF";
  const std::string solr =
      "SHjpC973nSeZuJSmgsw78BamLXmPCGXf7XcgR5T5VW0= "
      "cCx9pFoQCpSFNiGljAZidti6SvqBvbASiFW3qHrfIb8=";
  for (const auto& [text, rule, secret] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"HashedControlPassword " + tor + "\n", "password_hash.tor_control",
            tor},
           {"ops:1000:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:" + nt +
                ":[U          ]:LCT-7F3DAB51:\n",
            "password_hash.nt_hash", nt},
           {"svc:1105:aad3b435b51404eeaad3b435b51404ee:" + nt2 + ":::\n",
            "password_hash.pwdump", nt2},
           {"sensor01:" + mqtt + "\n", "password_hash.mosquitto", mqtt},
           {"INSERT INTO users VALUES (1,'admin','" + drupal + "');\n",
            "password_hash.phpass", drupal},
           {"{\"credentials\": {\"ops\": \"" + solr + "\"}}\n",
            "password_hash.solr_basic_auth", solr}}) {
    auto found = Scan(text);
    ASSERT_EQ(found.size(), 1u) << text;
    EXPECT_EQ(found[0].rule, rule);
    EXPECT_EQ(found[0].secret, secret);
    EXPECT_EQ(found[0].kind, "password_hash");
  }
  // A pwdump line whose NT hash is not there yet, a disabled smbpasswd one.
  EXPECT_TRUE(Scan("Guest:501:aad3b435b51404eeaad3b435b51404ee:<nt hash>:::\n")
                  .empty());
  EXPECT_TRUE(Scan("ops:1000:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:"
                   "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:[DU         ]:"
                   "LCT-7F3DAB51:\n")
                  .empty());
}

// A Postman collection's auth settings, each method a list of key/value
// entries: the API key is the entry named "value", AWS Signature's secret
// "secretKey"; bearer and basic entries are named for what they hold. A
// variable reference is not a value, and "value" entries of other lists
// (headers, query parameters) are not keys.
TEST_F(ConfigRulesTest, PostmanCollectionAuthSettings) {
  const std::string collection =
      "{\"item\": [{\"request\": {\n"
      "  \"auth\": {\"type\": \"apikey\", \"apikey\": [\n"
      "    {\"key\": \"key\", \"value\": \"X-Api-Key\", \"type\": "
      "\"string\"},\n"
      "    {\"key\": \"value\", \"value\": \"Wm4tQ8rZ2vLx7kNc9pHs\", \"type\": "
      "\"string\"}\n"
      "  ]},\n"
      "  \"header\": [{\"key\": \"value\", \"value\": "
      "\"Ja3nV6yQ1pRt8sWe5uZo\"}]\n"
      "}}, {\"request\": {\"auth\": {\"type\": \"awsv4\", \"awsv4\": [\n"
      "    {\"key\": \"region\", \"value\": \"eu-west-1\"},\n"
      "    {\"key\": \"secretKey\", \"value\": "
      "\"Tq8vW3xL9mZ2pK7nR4sB6cJ1dF5gH0yU8eA2iO3k\"}\n"
      "  ]}}}, {\"request\": {\"auth\": {\"type\": \"apikey\", \"apikey\": [\n"
      "    {\"key\": \"value\", \"value\": \"{{api_key}}\"}\n"
      "  ]}}}]}\n";
  ExpectFindings(collection,
                 {{"postman.collection_auth_secret", "Wm4tQ8rZ2vLx7kNc9pHs"},
                  {"postman.collection_auth_secret",
                   "Tq8vW3xL9mZ2pK7nR4sB6cJ1dF5gH0yU8eA2iO3k"}},
                 "api.postman_collection.json");
}

// Bundler's credentials for a private gem source (BUNDLE_ and the host, dots
// written `__`) in .bundle/config, the environment and `bundle config` (the
// Sidekiq rule names its own source better);
// Clojure and EDN maps whose password key is a keyword.
TEST_F(ConfigRulesTest, BundlerSourcesAndKeywordPasswords) {
  ExpectFindings(
      "---\nBUNDLE_GEMS__CONTRIBSYS__COM: \"4fa81c3e:9d02b7e5\"\n"
      "BUNDLE_WITHOUT: \"development:test\"\n"
      "BUNDLE_MIRROR__HTTPS://RUBYGEMS__ORG/: "
      "\"https://gems.mirror.corp.example\"\n"
      "BUNDLE_BUILD__PG: \"--with-pg-config=/usr/bin/pg_config\"\n",
      {{"sidekiq.gem_credentials", "4fa81c3e:9d02b7e5"}},
      "proj/.bundle/config");
  ExpectFindings(
      "export BUNDLE_RUBYGEMS__PKG__GITHUB__COM=ci:Lw5rTq8mZk2xNv7p\n"
      "bundle config set --local gems.corp.example deploy:Hx3nWc6yQ9bRt1sV\n"
      "BUNDLE_GEMS__CONTRIBSYS__COM=${SIDEKIQ_CREDENTIALS}\n",
      {{"bundler.source_credentials", "Lw5rTq8mZk2xNv7p"},
       {"bundler.source_credentials", "Hx3nWc6yQ9bRt1sV"}},
      "ci/setup.sh");
  ExpectFindings(
      "{:db {:host \"db.corp.example\" :user \"crm\" :password "
      "\"Gk4-wPz8Lq3v\"}\n"
      " :smtp {:smtp-pass \"Nv6tXr2Yh9\"}\n"
      " :cache {:password (System/getenv \"CACHE_PASSWORD\")}\n"
      " :queue {:password #env QUEUE_PASSWORD}}\n",
      {{"generic.password.keyword_literal", "Gk4-wPz8Lq3v"},
       {"generic.password.keyword_literal", "Nv6tXr2Yh9"}},
      "resources/config.edn");
}

// The answer files of unattended installs: Kickstart's rootpw (not --lock,
// not --iscrypted), Debian preseed's passwd answers (not the crypted ones),
// Windows' unattend.xml Value elements (plain or base64); WebSphere's {xor}.
TEST_F(ConfigRulesTest, UnattendedInstallAnswerFiles) {
  ExpectFindings(
      "rootpw --plaintext Hq4-wLz8Vn\nrootpw --lock\n"
      "rootpw --iscrypted $6$Km3vQx9w$Zr2pT5n8Lc1\n",
      {{"os_install.kickstart_rootpw", "Hq4-wLz8Vn"}}, "ks.cfg");
  ExpectFindings(
      "d-i passwd/root-password password Vk7-qRx2Mw\n"
      "d-i passwd/user-password-crypted password $6$Km3vQx9w$Zr2pT5n8Lc1\n",
      {{"os_install.preseed_password", "Vk7-qRx2Mw"}}, "preseed.cfg");
  ExpectFindings(
      "<AdministratorPassword>\n  <Value>Lw8-tNq3Xz</Value>\n"
      "  <PlainText>true</PlainText>\n</AdministratorPassword>\n"
      "<AutoLogon><Password><Value>SwB3ADQAbQBRAHoAOABQAGEAcwBzAHcAbwByAGQA"
      "</Value><PlainText>false</PlainText></Password></AutoLogon>\n"
      "<LocalAccount><Password><Value></Value></Password></LocalAccount>\n",
      {{"os_install.unattend_password", "Lw8-tNq3Xz"},
       {"os_install.unattend_password",
        "SwB3ADQAbQBRAHoAOABQAGEAcwBzAHcAbwByAGQA"}},
      "deploy/autounattend.xml");
  ExpectFindings(
      "<authDataEntries alias=\"crm\" userId=\"crm\" "
      "password=\"{xor}OzE+KDJuLjg=\"/>\n",
      {{"websphere.xor_password", "OzE+KDJuLjg="}},
      "config/cells/c1/security.xml");
}

// Proxy and rsync daemon credentials in their own files: proxychains'
// [ProxyList] entries with a user and password, Squid's cache_peer login=
// (not its keywords), rsyncd's secrets file.
TEST_F(ConfigRulesTest, ProxyAndRsyncCredentials) {
  ExpectFindings(
      "[ProxyList]\nsocks4 127.0.0.1 9050\n"
      "socks5 10.0.0.9 1080 ops Hx4-qWz7Ln\n",
      {{"proxychains.proxy_credentials", "Hx4-qWz7Ln"}},
      "etc/proxychains4.conf");
  ExpectFindings(
      "cache_peer p1.corp.example parent 3128 0 no-query login=PASSTHRU\n"
      "cache_peer p2.corp.example parent 3128 0 no-query "
      "login=svc:Lm3-xTq8Wk\n",
      {{"squid.cache_peer_login", "Lm3-xTq8Wk"}}, "etc/squid/squid.conf");
  ExpectFindings("# user:password\nbackup:Vq6-nRz2Hs\n@ops:Tk9-wLx4Qm\n",
                 {{"rsync.secrets_file", "Vq6-nRz2Hs"},
                  {"rsync.secrets_file", "Tk9-wLx4Qm"}},
                 "etc/rsyncd.secrets");
}

// A Cntlm proxy's password or the NTLM hash `cntlm -H` prints for it, and a
// cloud-init chpasswd list (RANDOM asks cloud-init to make one up).
TEST_F(ConfigRulesTest, CntlmAndCloudInitPasswords) {
  ExpectFindings(
      "Username  jdoe\nDomain    CORP\n#Password  placeholder\n"
      "PassNTLMv2  4F0C9A7E21B3D58E6A1F0C3B9D7E2A54\nProxy 10.0.0.1:8080\n",
      {{"cntlm.password", "4F0C9A7E21B3D58E6A1F0C3B9D7E2A54"}},
      "etc/cntlm.conf");
  ExpectFindings("Username svc\nPassword Rq7-mWx3Tz\n",
                 {{"cntlm.password", "Rq7-mWx3Tz"}},
                 "C:/Program Files/Cntlm/cntlm.ini");
  // Not a Cntlm file: the same line is no finding of that rule.
  for (const auto& f : Scan("PassNTLMv2  4F0C9A7E21B3D58E6A1F0C3B9D7E2A54\n",
                            "notes/proxy.txt")) {
    EXPECT_NE(f.rule, "cntlm.password");
  }
  ExpectFindings(
      "#cloud-config\nhostname: edge-7\nchpasswd:\n  list: |\n"
      "    root:Hq2-vLt8Zw\n    ubuntu:RANDOM\n  expire: False\n",
      {{"cloud_init.chpasswd_list", "Hq2-vLt8Zw"}}, "deploy/user-data");
  ExpectFindings("chpasswd:\n  expire: false\n  list:\n    - ops:Wn5-kRz7Qx\n",
                 {{"cloud_init.chpasswd_list", "Wn5-kRz7Qx"}},
                 "infra/cloud-config.yaml");
  ExpectFindings("chpasswd:\n  list: |\n    root:RANDOM\n", {},
                 "deploy/user-data");
}

// Service passwords in their own syntax: HAProxy's statistics page, SNMPv3
// users (net-snmp and Cisco), AUTH typed into redis-cli, an Anaconda token
// in a channel URL, the Snyk CLI's stored token.
TEST_F(ConfigRulesTest, StatsPagesSnmpUsersAndClientHistories) {
  ExpectFindings("listen stats\n  bind :8404\n  stats auth ops:Zr4-kWq8Lx\n",
                 {{"haproxy.stats_auth", "Zr4-kWq8Lx"}},
                 "etc/haproxy/haproxy.cfg");
  // The statistics line of some C program's output is not a config.
  ExpectFindings("stats auth ops:Zr4-kWq8Lx\n", {}, "src/report.c");
  ExpectFindings(
      "createUser monitor SHA \"Tn6-wQz3Lk8\" AES \"Pv2-xRm7Hd4\"\n"
      "rouser monitor priv\n",
      {{"snmp.v3_user", "Tn6-wQz3Lk8"}}, "etc/snmp/snmpd.conf");
  ExpectFindings(
      "snmp-server user nms NMS v3 auth sha Hk5-vTq2Wm9 priv aes 128 "
      "Hk5-vTq2Wm9\n",
      {{"snmp.v3_user", "Hk5-vTq2Wm9"}}, "switch01.cfg");
  ExpectFindings("KEYS *\nAUTH Qd8-mLz4Wx\nINFO\n",
                 {{"redis.cli_history_auth", "Qd8-mLz4Wx"}},
                 "home/ops/.rediscli_history");
  ExpectFindings(
      "channels:\n  - https://conda.anaconda.org/t/"
      "kq-6f1c2e9a-3b4d-4e8f-a1b2-c3d4e5f60718/corp\n  - defaults\n",
      {{"anaconda.token", "kq-6f1c2e9a-3b4d-4e8f-a1b2-c3d4e5f60718"}},
      "home/ops/.condarc");
  ExpectFindings(
      "{\"api\": \"6f1c2e9a-3b4d-4e8f-a1b2-c3d4e5f60718\"}\n",
      {{"snyk.cli_config_token", "6f1c2e9a-3b4d-4e8f-a1b2-c3d4e5f60718"}},
      "home/ops/.config/configstore/snyk.json");
}

// Keys and tokens in a dump's or seed's credential-named columns, at the
// column's index in the first row; one-time tokens and digests are not.
TEST_F(ConfigRulesTest, SecretColumnsOfSqlInserts) {
  ExpectFindings(
      "INSERT INTO `integrations` (`id`, `provider`, `api_key`, `enabled`) "
      "VALUES (3, 'weather', 'Tq8vNz3LkW5xRm2YpH7cJd4B', 1);\n",
      {{"sql.insert_secret_column", "Tq8vNz3LkW5xRm2YpH7cJd4B"}},
      "db/seed.sql");
  ExpectFindings(
      "insert into oauth_clients (client_id, client_secret) values "
      "('web', 'Kd3-Wq8vLz2xTn7RmY5pHc4');\n",
      {{"sql.insert_secret_column", "Kd3-Wq8vLz2xTn7RmY5pHc4"}},
      "backup/app.pgsql");
  ExpectFindings(
      "INSERT INTO users (id, email, reset_token) VALUES "
      "(1, 'a@corp.example', 'Tq8vNz3LkW5xRm2YpH7cJd4B');\n"
      "INSERT INTO blobs (id, token) VALUES "
      "(1, '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08');"
      "\n",
      {}, "db/seed.sql");
}

// A rule whose match ends at the end of a line also ends before the next
// line: RE2's `$` is the end of the text, so the patterns take a newline.
TEST_F(ConfigRulesTest, MatchesEndingAtALineEndFindTheLinesAbove) {
  const std::string tail = "\n# more below\n";
  ExpectFindings(
      "name,url,username,password\nnas,https://nas.example.org/,admin,"
      "Wq8#zT3vLm" +
          tail,
      {{"csv.password_manager_export", "Wq8#zT3vLm"}}, "logins.csv");
  ExpectFindings("DB_PASSWORD=Hk4vWz9qLm2T ./migrate" + tail,
                 {{"generic.shell.inline_env_secret", "Hk4vWz9qLm2T"}});
  ExpectFindings(
      "curl -u Tq8vNz3LkW5xRm2YpH7cJd4B: https://api.example.org/v1"
      "\ncurl -u Kd3Wq8vLz2xTn7RmY5pHc4Bw:" +
          tail,
      {{"http.curl_user_token", "Tq8vNz3LkW5xRm2YpH7cJd4B"},
       {"http.curl_user_token", "Kd3Wq8vLz2xTn7RmY5pHc4Bw"}});
}

// Logins saved by desktop clients, in the files they keep them in: plain,
// obfuscated with a key the program carries, or encrypted for the user.
TEST_F(ConfigRulesTest, SavedLoginsOfDesktopClients) {
  ExpectFindings(
      "[web]\nIP=ftp.corp.example\nuser=deploy\n"
      "pass=9B1E44C07A3F52D8E6C1B0A7\n",
      {{"flashfxp.password", "9B1E44C07A3F52D8E6C1B0A7"}},
      "FlashFXP/Sites.dat");
  ExpectFindings(
      "\"Host\"=\"ftp.corp.example\"\n\"PW\"=\"3FA9C2E7B18D4056\"\n"
      "\"SavePassword\"=dword:00000001\n"
      "\"ControlPassword\"=hex:1f,9c,03,e8,77,b2,5a,d4\n",
      {{"windows_registry.password_value", "3FA9C2E7B18D4056"},
       {"windows_registry.password_value", "1f,9c,03,e8,77,b2,5a,d4"}},
      "export/coreftp.reg");
  ExpectFindings(
      "Servers\\db\\User<|||>1<|||>root\n"
      "Servers\\db\\Password<|||>1<|||>7C4E19A2B0D35F6\n",
      {{"heidisql.password", "7C4E19A2B0D35F6"}}, "portable_settings.txt");
  ExpectFindings(
      "<StringRefAddr addrType=\"password\">\n"
      "<Contents>Vq3Lx8RnT2wYz6KpHd4M</Contents>\n</StringRefAddr>\n",
      {{"sqldeveloper.connection_password", "Vq3Lx8RnT2wYz6KpHd4M"}},
      "connections.xml");
  const std::string blob =
      "01000000D08C9DDF0115D1118C7A00C04FC297EB"
      "5e0b7c2a9d14f3866a0c2be19d47f5a3c81e6b90";
  ExpectFindings(
      "full address:s:ts1.corp.example\npassword 51:b:" + blob + "\n",
      {{"rdp.password_blob", blob}}, "desk.rdp");
  ExpectFindings(
      "[wifi-security]\nwep-key0=Rq7vLz3KwT9m\n[802-1x]\n"
      "identity=jdoe\npassword-flags=0\npassword=Ht5wQ9zLk2Rv\n",
      {{"networkmanager.secret", "Rq7vLz3KwT9m"},
       {"generic.password.unquoted", "Ht5wQ9zLk2Rv"}},
      "/etc/NetworkManager/system-connections/Corp.nmconnection");
  ExpectFindings(
      "<User ops>\n  <Pass password>\n    Method = sha256\n"
      "    Hash = 0c9a7e52b1d84f36a2e95c07d1b8f4a6\n"
      "    Salt = Lq7vRz2NxT\n  </Pass>\n</User>\n",
      {{"znc.user_password", "0c9a7e52b1d84f36a2e95c07d1b8f4a6"}},
      "/home/ops/.znc/configs/znc.conf");
  // Outside its file, a file-format rule is silent: the same lines in a
  // .txt are left to the generic rules (none takes these).
  ExpectFindings(
      "pass=9B1E44C07A3F52D8E6C1B0A7\n"
      "password 51:b:" +
          blob + "\n",
      {}, "notes.txt");
}

// Files that are nothing but credentials, known by where they live.
TEST_F(ConfigRulesTest, CredentialFilesOfServices) {
  ExpectFindings("svc-vpn\nQz8#wLk3Tv5n\n",
                 {{"openvpn.auth_user_pass_file", "Qz8#wLk3Tv5n"}},
                 "/etc/openvpn/client/auth.txt");
  // The pool file beside it is no user and password.
  ExpectFindings("client1,10.8.0.4\nclient2,10.8.0.5\n", {},
                 "/etc/openvpn/ipp.txt");
  ExpectFindings(
      "$USER1$=/usr/lib/nagios/plugins\n$USER2$=nagios\n"
      "$USER7$=Tk5!qW8zLv3\n",
      {{"nagios.resource_macro", "Tk5!qW8zLv3"}}, "/etc/nagios4/resource.cfg");
  // The same two lines elsewhere are not a credential file.
  ExpectFindings("svc-vpn\nQz8#wLk3Tv5n\n", {}, "notes/auth.txt");
}

TEST_F(ConfigRulesTest, SettingsRowsAndErlangTerms) {
  ExpectFindings(
      "INSERT INTO `settings` (`key`, `value`) VALUES "
      "('mail.smtp_password','Rt7vKz2QwL9x'),('site.name','Shop'),"
      "('reset_token_ttl','86400s');\n"
      "INSERT INTO core_config_data VALUES (7, 'default', 0, "
      "'payment/gateway/api_key', 'Nw4kT8vQz2LmX6rHc9Yd3Pf');\n",
      {{"sql.key_value_row", "Rt7vKz2QwL9x"},
       {"sql.key_value_row", "Nw4kT8vQz2LmX6rHc9Yd3Pf"}},
      "dump/shop.sql");
  ExpectFindings(
      "[{billing, [{db_host, \"db1\"}, {db_password, "
      "\"Qm3xV8rT2kLz\"}]},\n {kernel, [{api_key, "
      "<<\"Hc9Yd3PfNw4kT8vQz2Lm\">>}]}].\n",
      {{"erlang.config_secret", "Qm3xV8rT2kLz"},
       {"erlang.config_secret", "Hc9Yd3PfNw4kT8vQz2Lm"}},
      "config/sys.config");
  ExpectFindings("[{billing, [{db_password, {env, \"DB_PASSWORD\"}}]}].\n", {},
                 "config/sys.config");
}

// Application secrets under the names their frameworks give them: GitLab's
// key bases beside Rails' secret_key_base (in secrets.yml and gitlab.rb),
// Phoenix's endpoint secret_key_base in an .exs file.
TEST_F(ConfigRulesTest, FrameworkKeyBasesByName) {
  ExpectFindings(
      "production:\n"
      "  db_key_base: "
      "568946e1f019a87368a485c4fecca1869334a6d5d25c274645473a172de71133c376ee27"
      "b413d6b7ac718fbeb451805ffa5b0f87a14cf3278f2ecc340ffc2697\n"
      "  secret_key_base: "
      "4442599b6e1fa9aab6e1bfe599f05210690779d61d39cd8e67579eefc13ef987ea1cd72b"
      "60ff3d0597b1b0d6339dd04ef668aba2e0e40021b8b5574427016e75\n"
      "  otp_key_base: "
      "fdad9f916a6a2ec0169f82e757de8f55e790277147542e669bb61974e3cc9e23d74a40e3"
      "a3158c72ac0133130efbc997f647ba74a0b47cc152c78f7bb89f2e9b\n",
      {{"rails.secret_key_base",
        "568946e1f019a87368a485c4fecca1869334a6d5d25c274645473a172de71133c376ee"
        "27b413d6b7ac718fbeb451805ffa5b0f87a14cf3278f2ecc340ffc2697"},
       {"rails.secret_key_base",
        "4442599b6e1fa9aab6e1bfe599f05210690779d61d39cd8e67579eefc13ef987ea1cd7"
        "2b60ff3d0597b1b0d6339dd04ef668aba2e0e40021b8b5574427016e75"},
       {"rails.secret_key_base",
        "fdad9f916a6a2ec0169f82e757de8f55e790277147542e669bb61974e3cc9e23d74a40"
        "e3a3158c72ac0133130efbc997f647ba74a0b47cc152c78f7bb89f2e9b"}},
      "config/secrets.yml");
  ExpectFindings(
      "gitlab_rails['encrypted_settings_key_base'] = "
      "'8851d70465f15dea3827d591f9d4207b6c70e8e822ea0e0e713b9737f0f2c42f2416c44"
      "7763248f410c047102d671e29890d3f76672f495f409a366335fe2b16'\n",
      {{"rails.secret_key_base",
        "8851d70465f15dea3827d591f9d4207b6c70e8e822ea0e0e713b9737f0f2c42f2416c4"
        "47763248f410c047102d671e29890d3f76672f495f409a366335fe2b16"}},
      "etc/gitlab/gitlab.rb");
  ExpectFindings(
      "config :shop, ShopWeb.Endpoint,\n"
      "  url: [host: \"shop.corp.example\"],\n"
      "  secret_key_base: "
      "\"edGvE4Ki9xKcXNlqeCBZ3uTw4r28hAeTwM8E0CuB8kglv17Oaa34FE6xLCdE8bi5\"\n",
      {{"phoenix.secret_key_base",
        "edGvE4Ki9xKcXNlqeCBZ3uTw4r28hAeTwM8E0CuB8kglv17Oaa34FE6xLCdE8bi5"}},
      "config/prod.exs");
  // From the environment, or a key base of another name: nothing.
  ExpectFindings(
      "config :shop, ShopWeb.Endpoint,\n"
      "  secret_key_base: System.fetch_env!(\"SECRET_KEY_BASE\")\n"
      "  cache_key_base: "
      "\"edGvE4Ki9xKcXNlqeCBZ3uTw4r28hAeTwM8E0CuB8kglv17Oaa34FE6xLCdE8bi5\"\n",
      {}, "config/runtime.exs");
}

TEST_F(ConfigRulesTest, ConnectionStringsOfManySchemes) {
  ExpectFindings(
      "a=mongodb://app:Rk3Lz9Qw2x@m1.corp.example,m2.corp.example/app\n"
      "b=postgres://etl:Pa@5sWord77@pg.corp.example/dwh\n"
      "c=jdbc:mysql://crm:Vb8Nq2Lk4z@mysql.corp.example:3306/crm\n"
      "d=rediss://:Ty6Hj2Kd9q@cache.corp.example:6380/0\n"
      "e=Data Source=sql1;Initial Catalog=hr;User ID=hr;Pwd=Mz5Xc8Vb1n;\n"
      "f=ldaps://svc-ldap:Gf4Dq7Wz1k@dc1.corp.example\n"
      "sqlplus rpt/Lw9Ks3Pq6z@ora.corp.example:1521/RPT\n",
      {{"connection_string.mongodb", "Rk3Lz9Qw2x"},
       {"connection_string.postgres", "Pa@5sWord77"},
       {"connection_string.mysql", "Vb8Nq2Lk4z"},
       {"connection_string.redis", "Ty6Hj2Kd9q"},
       {"connection_string.ado_password", "Mz5Xc8Vb1n"},
       {"url.basic_auth", "Gf4Dq7Wz1k"},
       {"connection_string.oracle_ezconnect", "Lw9Ks3Pq6z"}});
}

// `terraform fmt`, gofmt and hand-aligned settings pad the names of a block
// to one column: any run of blanks before `=` and after `=` or `:`.
TEST_F(ConfigRulesTest, AlignedAssignmentsOfFormattedFiles) {
  ExpectFindings(
      "resource \"aws_db_instance\" \"orders\" {\n"
      "  identifier          = \"orders-prod\"\n"
      "  password            = \"Vq8rT2mXk4Lp9wZs\"\n}\n",
      {{"terraform.tfvars_secret", "Vq8rT2mXk4Lp9wZs"}}, "infra/main.tf");
  ExpectFindings(
      "DB_HOST          = \"db.internal\"\n"
      "DB_PASSWORD      = \"r7HkQ2vNx9PmW4tL\"\n"
      "API_SECRET       =      \"9fKq3LmZ7vXr2TpW8yNb\"\n",
      {{"generic.password.quoted", "r7HkQ2vNx9PmW4tL"},
       {"generic.secret.quoted", "9fKq3LmZ7vXr2TpW8yNb"}},
      "app/settings.py");
  ExpectFindings(
      "[database]\nhost         = db.internal\n"
      "password     = Nk4rX8mQz2TvL6pW\n",
      {{"generic.password.unquoted", "Nk4rX8mQz2TvL6pW"}}, "app.ini");
  ExpectFindings(
      "database:\n  host:          db.internal\n"
      "  password:      Tq9mXv3LkP7rZ2wN\n",
      {{"generic.password.unquoted", "Tq9mXv3LkP7rZ2wN"}}, "config.yml");
  ExpectFindings(
      "<?php\n$dbhost         = 'localhost';\n"
      "$client_secret  = 'Kr2vN8xQm5TzL7pW';\n",
      {{"generic.secret.quoted", "Kr2vN8xQm5TzL7pW"}}, "config.php");
}

// An e-mail address as the user name, its '@' not escaped as %40: the
// password is what lies between the address and the host's '@'.
TEST_F(ConfigRulesTest, UrlUserNamesWithAnAtSign) {
  ExpectFindings(
      "set smtp_url = \"smtps://ops@acme.example:Hv7qL2xNk9@mail.acme.example"
      ":465/\"\n"
      "url: postgres://svc@acme:Zr4mT8xQv2@pg.acme.example/app\n",
      {{"url.basic_auth", "Hv7qL2xNk9"},
       {"connection_string.postgres", "Zr4mT8xQv2"}});
  // Not a user name with an '@': a port, then a path.
  ExpectFindings("ssh://git@host.acme.example:2222/srv/repo.git@v1\n", {});
}

// A minifier joins a header's literals with '+'; wiki exports wrap a value
// in <code>; a Markdown table closes the cell after it.
TEST_F(ConfigRulesTest, BundlesWikiExportsAndTableCells) {
  ExpectFindings(
      "var h={headers:{Authorization:\"Bearer \"+"
      "\"Zk4mQ8vXr2Lt7WnB3pYc9Hd6Jf1Gs5Kq0Rx2Vt8N\"}};\n",
      {{"http.bearer_string", "Zk4mQ8vXr2Lt7WnB3pYc9Hd6Jf1Gs5Kq0Rx2Vt8N"}},
      "dist/vendor.js");
  ExpectFindings("h.Authorization=\"Bearer \"+token;\n", {}, "dist/vendor.js");
  ExpectFindings("<p>password: <code>Jq8mXv2LkT7rN4pW</code></p>\n",
                 {{"generic.password.unquoted", "Jq8mXv2LkT7rN4pW"}},
                 "export/runbook.html");
  ExpectFindings(
      "| env | service | creds |\n|---|---|---|\n"
      "| prod | rabbitmq | password: Tn7vQ2xLk9RmW4pZ |\n",
      {{"generic.password.unquoted", "Tn7vQ2xLk9RmW4pZ"}}, "docs/envs.md");
}

// Session cookies in captures, generated passwords in Terraform state, T-SQL
// logins and a Jenkins `withEnv` list (the thirty-first session's probes).
TEST_F(ConfigRulesTest, CookiesStateFilesLoginsAndEnvLists) {
  const std::string har =
      "{\"log\": {\"entries\": [{\"request\": {\n"
      "  \"headers\": [\n"
      "    {\n      \"name\": \"Cookie\",\n"
      "      \"value\": \"lang=en; "
      "connect.sid=s%3AqV8xLm2Kt9Rw4Zp7.Nb3Hc6Jd1Fg5\"\n"
      "    }\n  ],\n"
      "  \"cookies\": [\n    {\n      \"name\": \"_orbit_session\",\n"
      "      \"value\": \"Wm5Tz8Lq2Vx7Kp3Rb9Nc4Hd6Jf1Gs0A--e41c\",\n"
      "      \"path\": \"/\"\n    },\n"
      "    {\n      \"name\": \"session_timeout\",\n      \"value\": \"3600\"\n"
      "    }\n  ]\n}}]}}\n";
  ExpectFindings(
      har,
      {{"http.session_cookie", "s%3AqV8xLm2Kt9Rw4Zp7.Nb3Hc6Jd1Fg5"},
       {"http.session_cookie", "Wm5Tz8Lq2Vx7Kp3Rb9Nc4Hd6Jf1Gs0A--e41c"}},
      "captures/app.har");
  ExpectFindings("curl -b \"sessionid=$SESSION\" https://shop.corp.example/\n",
                 {}, "run.sh");

  const std::string state =
      "      \"type\": \"random_password\",\n      \"name\": \"db\",\n"
      "      \"instances\": [\n        {\n          \"attributes\": {\n"
      "            \"length\": 20,\n"
      "            \"result\": \"Xq7#Lm2Wz9-Rt4Kp8Nv3\",\n"
      "            \"special\": true\n";
  ExpectFindings(state,
                 {{"terraform.state_random_password", "Xq7#Lm2Wz9-Rt4Kp8Nv3"}},
                 "infra/terraform.tfstate");
  // Only state files keep a `result` that is a password.
  ExpectFindings(state, {}, "infra/notes.json");

  ExpectFindings(
      "CREATE LOGIN [etl_svc] WITH PASSWORD = N'Zk4#Wq8Lm2Vx', "
      "CHECK_POLICY = OFF;\n",
      {{"sql.login_password", "Zk4#Wq8Lm2Vx"}}, "db/logins.sql");
  ExpectFindings(
      "withEnv(['DB_USER=migrator', 'DB_PASS=Hq3#vLz8Pw2m']) {\n"
      "  sh './migrate.sh'\n}\n",
      {{"generic.password.unquoted", "Hq3#vLz8Pw2m"}}, "Jenkinsfile");
}

// Secret names beyond `secret`/`token`/`key` endings, and passwords written
// into sentences: the written-text rule yields to every other password rule
// and takes neither prose words nor `pass` as a verb.
TEST_F(ConfigRulesTest, MoreSecretNamesAndPasswordsInSentences) {
  ExpectFindings("const credentials = 'Vq8mT2xK9pL4wR7zN3cY6bH1';\n",
                 {{"generic.secret.quoted", "Vq8mT2xK9pL4wR7zN3cY6bH1"}},
                 "src/client.js");
  ExpectFindings(
      "[auth]\nhmac_key = 9c3e7a1f5b2d8c4e6a0f2b7d9e1c3a5f\n",
      {{"generic.secret.unquoted", "9c3e7a1f5b2d8c4e6a0f2b7d9e1c3a5f"}},
      "settings.ini");
  ExpectFindings(
      "SECRET_KEY_BASE=4f1a9c7e2b8d6f0a3c5e7b9d1f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e"
      "2b4d6f8a\n",
      {{"rails.secret_key_base",
        "4f1a9c7e2b8d6f0a3c5e7b9d1f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a"}},
      "deploy/app.env");
  ExpectFindings("[10:42] bob: try password Vw4!kTz9Lq on the staging box\n",
                 {{"generic.password.prose", "Vw4!kTz9Lq"}}, "chat/ops.txt");
  ExpectFindings("VPN for the new hire: user alice / Mq7#xLp2Wz\n",
                 {{"generic.password.prose", "Mq7#xLp2Wz"}}, "handover.txt");
  // Chats and notes set values in Markdown code spans.
  ExpectFindings("user `vendor-ro` / pass `Tn4$kWq9Pz2m` until Friday\n",
                 {{"generic.password.prose", "Tn4$kWq9Pz2m"}}, "handover.txt");
  ExpectFindings("- the admin password is `Kq7!vTz2Lm9p`\n",
                 {{"generic.password.prose", "Kq7!vTz2Lm9p"}}, "chat/ops.txt");
  // A shell's command substitution is no value.
  ExpectFindings("PASSWORD=`pwgen -s 16 1`\n", {}, "chat/ops.txt");
  // A query's value ends at the next parameter: the URL rule's value, not
  // a longer generic one beside it (one credential, one finding).
  ExpectFindings(
      "fetch(\"https://api.weather.example/v1/now?api_key="
      "Wq8vLm2xKz4Tn7Rb3Hc9&units=metric\")\n",
      {{"url.query_token", "Wq8vLm2xKz4Tn7Rb3Hc9"}}, "src/weather.js");
  ExpectFindings("client_secret=Pz6Kq2Wm9Xr4Lt7Bn3Vc&grant_type=refresh\n",
                 {{"generic.secret.unquoted", "Pz6Kq2Wm9Xr4Lt7Bn3Vc"}},
                 "logs/token.log");
  // Another password rule on the same value names it.
  ExpectFindings("connecting with password=Rk5!vTz8Nq3w to db\n",
                 {{"generic.password.logfmt", "Rk5!vTz8Nq3w"}}, "app.log");
  ExpectFindings(
      " * want to try it you can pass force=1 as argument to the module\n"
      " * REF_02 - Analog devices, Software User Guide, UG-206,\n"
      "The password is required and must have 12 characters.\n",
      {}, "drivers/x.c");
}

// Declarations whose type or form sits between the name and the value, and
// assignments without `=` (issue 12, languages beyond the first wave's).
TEST_F(ConfigRulesTest, TypedDeclarationsSetCommandsAndServerConfigs) {
  const std::string hex = "9f3b7d1e5a2c8f4b6d0e3a7c1f5b9d2e";
  ExpectFindings("const api_secret: []const u8 = \"" + hex + "\";\n",
                 {{"generic.secret.quoted", hex}}, "src/config.zig");
  ExpectFindings("constexpr std::string_view kSigningKey{\"" + hex + "\"};\n",
                 {{"generic.secret.quoted", hex}}, "src/keys.cpp");
  ExpectFindings("static const char smtp_pass[] = \"Tq8vLm2x-Kz4\";\n",
                 {{"generic.password.quoted", "Tq8vLm2x-Kz4"}}, "src/auth.c");
  ExpectFindings("  \"webhook_secret\" -> \"" + hex + "\",\n",
                 {{"generic.secret.quoted", hex}}, "src/Config.scala");
  ExpectFindings("export TOKEN := " + hex + "\n",
                 {{"generic.secret.unquoted", hex}}, "Makefile");
  ExpectFindings("set api_key {" + hex + "}\n",
                 {{"generic.secret.set_command", hex}}, "lib/db.tcl");
  ExpectFindings("set(UPLOAD_PASSWORD Vq7#Lm2xTz)\n",
                 {{"generic.secret.set_command", "Vq7#Lm2xTz"}},
                 "CMakeLists.txt");
  ExpectFindings("    SetEnv DB_PASSWORD Kx9!Tq4vLm\n",
                 {{"generic.secret.set_command", "Kx9!Tq4vLm"}},
                 "sites-available/intranet.conf");
  ExpectFindings("app.webhook.secret " + hex + "\n",
                 {{"generic.secret.properties_space", hex}},
                 "src/main/resources/application.properties");
  ExpectFindings("Environment=\"API_SECRET=" + hex + "\" \"LOG_LEVEL=info\"\n",
                 {{"generic.secret.unquoted", hex}}, "acme.service");
  ExpectFindings("    proxy_set_header X-Api-Key " + hex + ";\n",
                 {{"http.api_key_header", hex}}, "nginx/api.conf");
  ExpectFindings("<property name=\"clientSecret\">\n  <value>" + hex +
                     "</value>\n</property>\n",
                 {{"generic.xml.attribute", hex}}, "applicationContext.xml");
  // A parameter's type is not its value; variables are not values.
  ExpectFindings(
      "case class Smtp(host: String, smtpPass: String)\n"
      "set db_password $env(DB_PASSWORD)\n"
      "set(UPLOAD_PASSWORD $ENV{UPLOAD_PASSWORD})\n"
      "    proxy_set_header X-Api-Key $http_x_api_key;\n",
      {}, "src/mixed.txt");
}

// Lines in the shape of a git-style HTTP test suite (issue 12): URLs built
// from variables and %40-escaped placeholder words, user@host, and basic-auth
// URLs to localhost with literal placeholder words, repeated as a suite does.
TEST_F(ConfigRulesTest, TestSuiteUrlsAndCodeAreNotFindings) {
  std::string suite;
  for (int i = 0; i < 50; i++) {
    suite +=
        "\tgit clone \"$HTTPD_PROTO://user%40host:pass%40host@$HTTPD_DEST"
        "/smart/repo.git\" clone-" +
        std::to_string(i) + " &&\n";
    suite += "\texpect_askpass both user@host &&\n";
    suite +=
        "\tgit fetch http://user%40host:pass%40host@127.0.0.1:5541/r.git\n";
    suite += "\tcurl -u user:pass http://localhost:8080/auth\n";
    suite += "\tgit ls-remote http://user:pass@localhost:5541/repo.git\n";
    suite += "\tcheck https://user:password@127.0.0.1/x\n";
  }
  auto found = Scan(suite);
  EXPECT_TRUE(found.empty()) << found.size() << " findings, first "
                             << found[0].rule << " " << found[0].secret;
  // Code and templates in the places the rules look at.
  const char* code[] = {
      "DATABASE_URL=postgres://${DB_USER}:${DB_PASS}@${DB_HOST}/app\n",
      "url = f\"mysql://{user}:{password}@{host}/db\"\n",
      "MONGO=mongodb://{{ .Values.user }}:{{ .Values.pass }}@mongo:27017\n",
      "conn = \"Server=%s;Database=App;User Id=%s;Password=%s;\"\n",
      "ftp.login(user, password)\n",
      "sshpass -p \"$SSH_PASSWORD\" ssh deploy@web01\n",
      "mysql -u \"$DB_USER\" -p\"$DB_PASS\" app\n",
      "define( 'DB_PASSWORD', getenv('WP_DB_PASSWORD') );\n",
      "machine $host login $user password $pass\n",
      "$HOST:$PORT:$DB:$USER:$PASS\n",
      "'password' => env('DB_PASSWORD'),\n",
      "users:\n- name: ci\n  user:\n    token: ${KUBE_TOKEN}\n",
  };
  for (const char* c : code) {
    auto f = Scan(c);
    EXPECT_TRUE(f.empty()) << c << " -> " << (f.empty() ? "" : f[0].rule);
  }
}

TEST_F(ConfigRulesTest, AnsibleConnectionPasswords) {
  // An INI inventory (Ansible's default name, `hosts`, has no extension):
  // host variables on one line, login and become passwords apart.
  ExpectFindings(
      "[db]\n"
      "db1 ansible_host=10.9.0.4 ansible_user=ops ansible_ssh_pass=Pv8-kTr2Lm "
      "ansible_become_pass=larch-Quill7\n",
      {{"ansible.connection_password", "Pv8-kTr2Lm"},
       {"ansible.connection_password", "larch-Quill7"}},
      "inventory/hosts");
  // group_vars in YAML: a literal is found; a Jinja reference and a
  // vault-encrypted value are not.
  ExpectFindings(
      "ansible_user: deploy\n"
      "ansible_password: \"Wd3qZ8-vNc\"\n"
      "ansible_become_password: \"{{ vault_become_password }}\"\n"
      "ansible_httpapi_pass: !vault |\n"
      "  $ANSIBLE_VAULT;1.1;AES256\n"
      "  3961\n",
      {{"ansible.connection_password", "Wd3qZ8-vNc"}}, "group_vars/all.yml");
}

TEST_F(ConfigRulesTest, FormatsWhoseKeysOnlyLookLikePasswords) {
  // nsswitch.conf's `passwd` line names where the user database comes from.
  ExpectFindings("passwd:         files\ngroup:          files\n", {},
                 "etc/nsswitch.conf");
  // A package list: a package named passwd (or reset-password) beside its
  // version.
  ExpectFindings(
      "apt\tpasswd\t1:4.13+dfsg1-1+deb12u1\n"
      "odoo-addon-reset-password\t10.0.1.1.0.99.dev4\t2021-03\n",
      {}, "installed.txt");
  // In a MySQL option file `#` starts a comment, inside a value too: the
  // password ends there, one finding (not a second, longer one).
  ExpectFindings("[client]\nuser=backup\npassword=Tz4q#kept-out\n",
                 {{"mycnf.password", "Tz4q"}}, ".my.cnf");
}

// Headers written as name/value objects: a browser's HAR export
// (pretty-printed), a Postman collection, an Insomnia or Kubernetes probe's
// YAML list. The header's name says what the value is.
TEST_F(ConfigRulesTest, HeadersAsNameValueObjects) {
  ExpectFindings(
      "{\"log\": {\"entries\": [{\"request\": {\n"
      "  \"headers\": [\n"
      "    {\n      \"name\": \"Authorization\",\n"
      "      \"value\": \"Bearer Xq8vL2mT9kR4wZ7pN3cB6hJ1dF5gS0aY\"\n"
      "    },\n"
      "    {\n      \"name\": \"Proxy-Authorization\",\n"
      "      \"value\": \"Basic cmVwb3J0czpLZjR3LVRxOXpMbTI=\"\n"
      "    },\n"
      "    {\n      \"name\": \"Authorization\",\n"
      "      \"value\": \"Bearer {{access_token}}\"\n"
      "    }\n  ]\n}}]}}\n",
      {{"http.authorization_bearer", "Xq8vL2mT9kR4wZ7pN3cB6hJ1dF5gS0aY"},
       {"http.authorization_basic", "cmVwb3J0czpLZjR3LVRxOXpMbTI="}},
      "captures/login.har");
  ExpectFindings(
      "{\"header\": [{\"key\": \"X-Auth-Token\", \"value\": "
      "\"4f9c2e7a1b8d3f6e0a5c9b2d7e1f4a8c3b6d0e9f\", \"type\": \"text\"}]}\n",
      {{"http.api_key_header", "4f9c2e7a1b8d3f6e0a5c9b2d7e1f4a8c3b6d0e9f"}},
      "api.postman_collection.json");
  ExpectFindings(
      "headers:\n"
      "  - name: Authorization\n"
      "    value: Bearer Tn5wK8qZ2mLx7Vr4Hc9Jd3Bf6Yg1Sa0e\n"
      "  - name: Authorization\n"
      "    value: Bearer {{ _.token }}\n",
      {{"http.authorization_bearer", "Tn5wK8qZ2mLx7Vr4Hc9Jd3Bf6Yg1Sa0e"}},
      "insomnia.yaml");
}

TEST_F(ConfigRulesTest, ProviderTokensStillWinOverStructuralRules) {
  // A GitHub token in .git-credentials, a GitLab deploy token on a docker
  // login command line: the provider rule reports them once.
  // A valid checksum tail: github.pat.classic verifies it.
  std::string gh = "ghp_" + std::string("vUq5R3LeYSQxCxPzLXRpbWhaKUt7Kp2ihwH1");
  auto found = Scan("https://ops:" + gh + "@github.com\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].secret, gh);
  EXPECT_TRUE(found[0].rule.starts_with("github.")) << found[0].rule;
}

}  // namespace
}  // namespace keyward

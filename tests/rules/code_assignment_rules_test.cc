// rules/generic-code.yaml on whole made-up files: Go typed and multi-name
// declarations, tuple assignments, YAML lists of passwords and long numeric
// keys under a secret-named key are found with the value that belongs to the
// password's name; code, references and counting sequences are not findings.
// Then credentials in other shapes: JWT signing keys, form bodies, browser
// password exports, environment fallbacks, builders and header values.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/rules.h"
#include "support/builtin_matcher_test.h"

namespace keyward {
namespace {

using Pairs = std::set<std::pair<std::string, std::string>>;

class CodeAssignmentRulesTest : public test::BuiltinMatcherTest {
 protected:
  // (rule, secret) of every finding in `text`, as file `path` when given
  // (file-format rules run on their files only).
  static Pairs Scan(const std::string& text, std::string_view path = {}) {
    auto scratch = matcher_->NewScratch();
    std::vector<RuleMatch> out;
    EXPECT_TRUE(matcher_->Scan(text, scratch.get(), &out, path).ok());
    Pairs got;
    for (const auto& x : out) {
      got.insert({matcher_->rules()[x.rule].id,
                  text.substr(x.secret_start, x.secret_end - x.secret_start)});
    }
    return got;
  }
  // The secrets found in `text`, whichever rule found them.
  static std::set<std::string> Secrets(const std::string& text) {
    std::set<std::string> s;
    for (const auto& [rule, secret] : Scan(text)) s.insert(secret);
    return s;
  }
};

TEST_F(CodeAssignmentRulesTest, GoTypedAndMultiNameDeclarations) {
  const std::string go =
      "package main\n\n"
      "func main() {\n"
      "\tconst relayPassword, mirrorPassword string = \"Tq3wXn8Lb5\", "
      "\"Mv9kRc2Hz7\"\n"
      "\tvar smtpPassword string = \"Wd6pYs4Ke1\"\n"
      "\tvar backupPassword, fromEnv string = \"Jn2xQr7Tf4\", \"{password}\"\n"
      "\tuser, pass := \"deploy\", \"Ck8mVz3Pw6\"\n"
      "}\n";
  std::set<std::string> got = Secrets(go);
  for (const char* want :
       {"Tq3wXn8Lb5", "Mv9kRc2Hz7", "Wd6pYs4Ke1", "Jn2xQr7Tf4", "Ck8mVz3Pw6"}) {
    EXPECT_EQ(got.count(want), 1u) << want;
  }
  EXPECT_EQ(got.count("{password}"), 0u);
  // The second name's value, not the first's, is the password.
  EXPECT_EQ(Scan("user, pass := \"deploy\", \"Ck8mVz3Pw6\"\n"),
            (Pairs{{"generic.password.multi_assign", "Ck8mVz3Pw6"}}));
  EXPECT_EQ(Scan("username, password = \"svc_sync\", \"Rb5tWq9Nx2\"\n"),
            (Pairs{{"generic.password.multi_assign", "Rb5tWq9Nx2"}}));
}

TEST_F(CodeAssignmentRulesTest, TypedDeclarationsInOtherLanguages) {
  EXPECT_EQ(Secrets("const ldapPassword: string = \"Gf7nKw2Xs9\";\n"),
            (std::set<std::string>{"Gf7nKw2Xs9"}));
  EXPECT_EQ(Secrets("  val bindPassword: String = \"Hp4zLm8Qt3\"\n"),
            (std::set<std::string>{"Hp4zLm8Qt3"}));
}

TEST_F(CodeAssignmentRulesTest, CodeValuedDeclarationsAreNotFindings) {
  for (const char* code : {
           "var dbPassword string = os.Getenv(\"DB_PASSWORD\")\n",
           "user, pass := form.User, form.Pass\n",
           "user, pass := \"deploy\", os.Getenv(\"PASS\")\n",
           "user, password = \"admin\", \"${PASSWORD}\"\n",
           "var userPassword, other string = password, \"$password\"\n",
           "let userPassword: string = \"\";\n",
       }) {
    EXPECT_TRUE(Scan(code).empty()) << code;
  }
}

TEST_F(CodeAssignmentRulesTest, YamlOrJsonListOfPasswordsReportsEachItem) {
  const std::string yaml =
      "service:\n"
      "  retired_passwords:\n"
      "    - \"Vq8rTmL2xw\"\n"
      "    - Pz4nKe7sJd\n"
      "    - 'Hs6yWq3bNc'\n"
      "  port: 8080\n";
  EXPECT_EQ(Scan(yaml), (Pairs{{"generic.password.list", "Vq8rTmL2xw"},
                               {"generic.password.list_2", "Pz4nKe7sJd"},
                               {"generic.password.list_3", "Hs6yWq3bNc"}}));
  const std::string json =
      "{\"service\": {\n"
      "  \"retired_passwords\": [\n"
      "    \"Vq8rTmL2xw\",\n"
      "    \"Pz4nKe7sJd\"\n"
      "  ]\n"
      "}}\n";
  EXPECT_EQ(Scan(json), (Pairs{{"generic.password.list", "Vq8rTmL2xw"},
                               {"generic.password.list_2", "Pz4nKe7sJd"}}));
  // Validation rules and references are not passwords.
  EXPECT_TRUE(Scan("password:\n  - required\n  - minLength\n").empty());
  EXPECT_TRUE(Scan("passwords:\n  - ${PRIMARY}\n  - ${SECONDARY}\n").empty());
  // A list under another key is not.
  EXPECT_TRUE(Scan("mirrors:\n  - Vq8rTmL2xw\n").empty());
}

TEST_F(CodeAssignmentRulesTest, XmlElementNamedInThePlural) {
  EXPECT_EQ(Secrets("<relay_passwords>\n"
                    "  <relay_1_passwords>Vq8rTmL2xw</relay_1_passwords>\n"
                    "</relay_passwords>\n"),
            (std::set<std::string>{"Vq8rTmL2xw"}));
}

TEST_F(CodeAssignmentRulesTest, LongNumericKeyUnderASecretName) {
  EXPECT_EQ(Scan("BILLING_APIKEY: 6620418837291046573912\n"),
            (Pairs{{"generic.secret.numeric", "6620418837291046573912"}}));
  EXPECT_EQ(Secrets("{\"app_secret\": \"50918273645091827364\"}\n"),
            (std::set<std::string>{"50918273645091827364"}));
  for (const char* not_secret : {
           "api_key: 1234567890123456789012\n",     // a counting sequence
           "api_key: 0000000000000000000000\n",     // fill
           "api_key: 66204188372\n",                // too short
           "session_id: 6620418837291046573912\n",  // not a secret's name
           "secret_id: 6620418837291046573912\n",
       }) {
    EXPECT_TRUE(Scan(not_secret).empty()) << not_secret;
  }
}

TEST_F(CodeAssignmentRulesTest, CredentialsPassedToCalls) {
  // Go: a MySQL driver DSN, smtp.PlainAuth, SetBasicAuth, url.Values.Set.
  const std::string go =
      "db, _ := sql.Open(\"mysql\", "
      "\"orders:Hs6yWq3bNc@tcp(db.internal:3306)/orders\")\n"
      "auth := smtp.PlainAuth(\"\", \"alerts@corp.example\", "
      "\"Gk2pRv9tMx\", \"smtp.corp.example\")\n"
      "req.SetBasicAuth(\"deploy\", \"Lb7cXn4wQe\")\n"
      "form.Set(\"password\", \"Jn2xQr7Tf4\")\n";
  EXPECT_EQ(Scan(go), (Pairs{{"connection_string.go_mysql_dsn", "Hs6yWq3bNc"},
                             {"code.credential_call_third_arg", "Gk2pRv9tMx"},
                             {"code.login_call", "Lb7cXn4wQe"},
                             {"code.keyed_setter_secret", "Jn2xQr7Tf4"}}));
  // Java: JDBC getConnection and Properties.setProperty; Python requests.
  EXPECT_EQ(Secrets("Connection c = DriverManager.getConnection(url, \"crm\", "
                    "\"Xt7bQm2Wz9\");\n"
                    "props.setProperty(\"mail.smtp.password\", "
                    "\"Rb5tWq9Nx2\");\n"
                    "r = requests.get(url, auth=(\"svc\", \"Ck8mVz3Pw6\"))\n"),
            (std::set<std::string>{"Xt7bQm2Wz9", "Rb5tWq9Nx2", "Ck8mVz3Pw6"}));
}

TEST_F(CodeAssignmentRulesTest, PhpConnectWithALiteralPasswordOnly) {
  EXPECT_EQ(Scan("$conn = new mysqli($servername, $username, \"Hs6yWq3bNc\", "
                 "$dbname);\n"),
            (Pairs{{"code.db_connect_literal_password", "Hs6yWq3bNc"}}));
  EXPECT_TRUE(
      Scan("$conn = new mysqli($servername, $username, $password, $db);\n")
          .empty());
}

// Perl DBI: a literal password as connect's third argument, with a literal
// data source or beside variables; none when all three are variables.
TEST_F(CodeAssignmentRulesTest, PerlDbiConnectWithALiteralPassword) {
  EXPECT_EQ(Scan("my $dbh = DBI->connect(\"dbi:mysql:database=shop;host=db\", "
                 "\"shop\", \"Mz4qTn8Wv2\", {RaiseError => 1});\n"),
            (Pairs{{"code.db_connect_call", "Mz4qTn8Wv2"}}));
  EXPECT_EQ(Scan("my $dbh = DBI->connect_cached($dsn, $user, 'Kp7wRx3Ln9');\n"),
            (Pairs{{"code.db_connect_literal_password", "Kp7wRx3Ln9"}}));
  EXPECT_EQ(
      Scan("my $dbh = DBI->connect($dsn, \"reports\", \"Tq8mXv3LkR7z\");\n"),
      (Pairs{{"code.credential_call_third_arg", "Tq8mXv3LkR7z"}}));
  EXPECT_TRUE(
      Scan("my $dbh = DBI->connect($dsn, $user, $ENV{DB_PASS});\n").empty());
}

// Rust's reqwest wraps the optional password in Some(...); Spark's readers
// take options as (name, value) pairs.
TEST_F(CodeAssignmentRulesTest, WrappedPasswordsAndNamedOptions) {
  EXPECT_EQ(Scan("let r = c.get(u).basic_auth(\"reports\", "
                 "Some(\"Wz7kQ2vLx9Tm\")).send()?;\n"),
            (Pairs{{"code.login_call", "Wz7kQ2vLx9Tm"}}));
  EXPECT_EQ(Scan("val df = spark.read.format(\"jdbc\")\n"
                 "  .option(\"user\", \"etl\")\n"
                 "  .option(\"password\", \"Hv4nQ8xLm2Tz\")\n"),
            (Pairs{{"code.keyed_setter_secret", "Hv4nQ8xLm2Tz"}}));
  EXPECT_TRUE(Scan("c.get(u).basic_auth(\"reports\", Some(pw))\n"
                   "  .option(\"password\", sys.env(\"JDBC_PASSWORD\"))\n")
                  .empty());
}

// A literal user:password a program base64-encodes for a Basic header, in
// five languages; built from variables it is no finding.
TEST_F(CodeAssignmentRulesTest, BasicAuthEncodedFromALiteral) {
  EXPECT_EQ(Scan("fetch(url, {headers: {Authorization: 'Basic ' + "
                 "btoa('jdoe:Gx5-wTq2Lm8')}});\n"),
            (Pairs{{"code.basic_auth_encoded_literal", "Gx5-wTq2Lm8"}}));
  EXPECT_EQ(Scan("token = base64.b64encode('ops:Vr3-kWz9Pd4'.encode())\n"),
            (Pairs{{"code.basic_auth_encoded_literal", "Vr3-kWz9Pd4"}}));
  EXPECT_EQ(Scan("auth := base64.StdEncoding.EncodeToString([]byte("
                 "\"ci:Hm7-qLx2Zt6\"))\n"),
            (Pairs{{"code.basic_auth_encoded_literal", "Hm7-qLx2Zt6"}}));
  EXPECT_EQ(Scan("$h = 'Basic ' . base64_encode('api:Tn4-vRz8Kw3');\n"),
            (Pairs{{"code.basic_auth_encoded_literal", "Tn4-vRz8Kw3"}}));
  EXPECT_EQ(Scan("req['Authorization'] = \"Basic #{Base64.strict_encode64("
                 "'bot:Lq9-mXw4Rd2')}\"\n"),
            (Pairs{{"code.basic_auth_encoded_literal", "Lq9-mXw4Rd2"}}));
  for (const char* line : {
           "btoa(user + ':' + pass)\n",
           "base64.b64encode(f'{user}:{pw}'.encode())\n",
           "Buffer.from(`${user}:${pass}`).toString('base64')\n",
           "base64_encode('user:password')\n",
       }) {
    EXPECT_TRUE(Scan(line).empty()) << line;
  }
}

// Calls whose second and third arguments are a user and a password:
// Sequelize's constructor, PHP's ftp_login and ldap_bind.
TEST_F(CodeAssignmentRulesTest, CredentialsAsSecondAndThirdArguments) {
  EXPECT_EQ(Scan("const db = new Sequelize('shop', 'app', 'Qm4-Wz8xLt2', "
                 "{dialect: 'postgres'});\n"),
            (Pairs{{"code.credential_call_third_arg", "Qm4-Wz8xLt2"}}));
  EXPECT_EQ(Scan("<?php ftp_login($conn, 'mirror', 'Hs6-pLx2Vq9');\n"),
            (Pairs{{"code.credential_call_third_arg", "Hs6-pLx2Vq9"}}));
  EXPECT_EQ(Scan("<?php ldap_bind($ds, 'cn=svc,dc=corp', 'Tr8-kMw3Zq5');\n"),
            (Pairs{{"code.credential_call_third_arg", "Tr8-kMw3Zq5"}}));
  EXPECT_TRUE(Scan("<?php ftp_login($conn, $user, $pass);\n").empty());
}

// A placeholder's literal default under a secret's name: Spring's
// `${NAME:default}` (YAML, properties, @Value), Compose's `${NAME:-default}`;
// not an empty, placeholder, URL, path or nested default.
TEST_F(CodeAssignmentRulesTest, PlaceholderDefaultsOfSecrets) {
  EXPECT_EQ(
      Scan("spring:\n  datasource:\n    password: ${DB_PW:Rv6-kTq2Xm}\n"
           "jwt:\n  secret: ${JWT_SECRET:Lq8mWz3VxN5tRb7YcK2pHs9D}\n"),
      (Pairs{{"code.placeholder_default_secret", "Rv6-kTq2Xm"},
             {"code.placeholder_default_secret", "Lq8mWz3VxN5tRb7YcK2pHs9D"}}));
  EXPECT_EQ(
      Scan("@Value(\"${payment.api-key:Zk4nRq7WvT2xLm9pYb3cHs6D}\")\n"),
      (Pairs{{"code.placeholder_default_secret", "Zk4nRq7WvT2xLm9pYb3cHs6D"}}));
  EXPECT_EQ(
      Scan("      MYSQL_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD:-Wn5-xPq8Lt}\n"),
      (Pairs{{"code.placeholder_default_secret", "Wn5-xPq8Lt"}}));
  for (const char* line : {
           "password: ${DB_PASSWORD:}",
           "password: ${DB_PASSWORD:changeme}",
           "token-uri: ${TOKEN_URI:https://auth.corp.example/oauth/token}",
           "secret-file: ${SECRET_FILE:-/run/secrets/db}",
           "password: ${DB_PASSWORD:${LEGACY_PASSWORD}}",
       }) {
    EXPECT_TRUE(Scan(std::string(line) + "\n").empty()) << line;
  }
}

// A random literal handed to a setter named for a key or token, or given as
// a client's `auth` option; not an environment lookup, an identifier or a
// placeholder.
TEST_F(CodeAssignmentRulesTest, KeysAndTokensPassedToTheirSetters) {
  const std::string v = "Hq3xW8mZk2Lv7RtN5pYc9BsD";
  for (const std::string& line : {
           "sgMail.setApiKey(\"" + v + "\");",
           "$r = Http::withToken('" + v + "')->get($url);",
           "let r = client.get(url).bearer_auth(\"" + v + "\").send();",
           "client.set_access_token(\"" + v + "\")",
           "opts.SetClientSecret(\"" + v + "\", true);",
       }) {
    EXPECT_EQ(Scan(line + "\n"), (Pairs{{"code.secret_setter", v}})) << line;
  }
  // A client's `auth` option.
  EXPECT_EQ(Scan("const octokit = new Octokit({ auth: \"" + v + "\" });\n"),
            (Pairs{{"generic.secret.auth_option", v}}));
  for (const std::string& line : {
           std::string(
               "const n = new Client({ auth: process.env.NOTION_KEY });"),
           std::string("{\"auth\": \"oauth2-client-credentials-flow\"}"),
           std::string("sgMail.setApiKey(process.env.SENDGRID_API_KEY);"),
           std::string("lexer.setToken(\"STRING_LITERAL_OR_NAME\");"),
           std::string("b.withSecret(\"${SECRET_NAME}\")"),
           std::string("client.setApiKey(\"your-api-key-here\");"),
       }) {
    EXPECT_TRUE(Scan(line + "\n").empty()) << line;
  }
}

TEST_F(CodeAssignmentRulesTest, InlineEnvironmentSecretBeforeACommand) {
  const std::string sh =
      "#!/bin/sh\n"
      "PGPASSWORD=Hs6yWq3bNc psql -h db.internal -U app orders\n"
      "MYSQL_PWD=Wr5kLz8Tq2 mysqldump -u backup shop > shop.sql\n"
      "DEPLOY_TOKEN=Nq3vXr7Kp9Lm2Wt6 ./deploy.sh prod\n";
  EXPECT_EQ(Scan(sh),
            (Pairs{{"generic.shell.inline_env_secret", "Hs6yWq3bNc"},
                   {"generic.shell.inline_env_secret", "Wr5kLz8Tq2"},
                   {"generic.shell.inline_env_secret", "Nq3vXr7Kp9Lm2Wt6"}}));
  for (const char* code : {
           "PGPASSWORD=$DB_PASSWORD psql -h db -U app\n",
           "PGPASSWORD=\"${PGPASS}\" psql -h db\n",
           "PGPASSWORD_FILE=/run/secrets/pg psql -h db\n",
       }) {
    EXPECT_TRUE(Scan(code).empty()) << code;
  }
}

TEST_F(CodeAssignmentRulesTest, CallsWithVariablesOrStockValuesAreNot) {
  for (const char* code : {
           "dsn := fmt.Sprintf(\"%s:%s@tcp(%s)/%s\", user, pass, host, db)\n",
           "sql.Open(\"mysql\", \"root:root@tcp(127.0.0.1:3306)/test\")\n",
           "sql.Open(\"mysql\", \"app:${DB_PASSWORD}@tcp(db:3306)/app\")\n",
           "smtp.PlainAuth(\"\", from, os.Getenv(\"SMTP_PASSWORD\"), host)\n",
           "req.SetBasicAuth(cfg.User, cfg.Password)\n",
           "requests.get(url, auth=(user, password))\n",
           "props.setProperty(\"mail.smtp.password\", password);\n",
           "props.setProperty(\"password.policy\", \"strict\");\n",
       }) {
    EXPECT_TRUE(Scan(code).empty()) << code;
  }
}

// Credential shapes in code, requests and exported files.
class CredentialShapesTest : public CodeAssignmentRulesTest {};

TEST_F(CredentialShapesTest, JwtSigningSecretsInCode) {
  const std::string py =
      "token = jwt.encode(claims, \"Qm4vT8xZ2kLp9WcR\", algorithm=\"HS256\")\n";
  EXPECT_EQ(Scan(py), (Pairs{{"code.jwt_signing_secret", "Qm4vT8xZ2kLp9WcR"}}));
  EXPECT_EQ(Secrets("const t = jwt.sign({ sub: u.id, role: \"ops\" }, "
                    "'Hb7nR2xWq9TzL4mK', { expiresIn: '1h' });\n"),
            (std::set<std::string>{"Hb7nR2xWq9TzL4mK"}));
  EXPECT_EQ(Secrets("var algorithm = Algorithm.HMAC256(\"Zp3kW8vNq2RxT6bM\");\n"
                    "s, _ := tok.SignedString([]byte(\"Lt5xQ9mWc3VzR7nB\"))\n"),
            (std::set<std::string>{"Zp3kW8vNq2RxT6bM", "Lt5xQ9mWc3VzR7nB"}));
  // References, settings and stand-ins are not the secret.
  for (const std::string& line : {
           "token = jwt.encode(claims, settings.SECRET_KEY, "
           "algorithm=\"HS256\")",
           "const t = jwt.sign(payload, process.env.JWT_SECRET);",
           "jwt.verify(token, \"your-256-bit-secret\")",
           "s, _ := tok.SignedString([]byte(os.Getenv(\"JWT_KEY\")))",
       }) {
    EXPECT_TRUE(Scan(line + "\n").empty()) << line;
  }
}

TEST_F(CredentialShapesTest, PasswordInAFormEncodedBody) {
  // The value stops at the next field (a generic rule would read on).
  EXPECT_EQ(Scan("curl -d \"username=admin&password=fx7SnHT#Nlzb\" "
                 "https://example.org/login\n"),
            (Pairs{{"http.form_password", "fx7SnHT#Nlzb"}}));
  EXPECT_EQ(Scan("body = \"grant_type=password&username=ops&password="
                 "Rk4vQ8mZ2t&scope=read\"\n"),
            (Pairs{{"http.form_password", "Rk4vQ8mZ2t"}}));
  for (const std::string& line : {
           "curl -d \"username=$USER&password=$PASS\" https://example.org/",
           "form = \"user=%s&password=%s\" % (u, p)",
           "data = \"username=admin&password=\" + password",
       }) {
    EXPECT_TRUE(Scan(line + "\n").empty()) << line;
  }
}

TEST_F(CredentialShapesTest, PasswordManagerExportsByFileName) {
  const std::string chrome =
      "name,url,username,password,note\n"
      "nas.example.org,https://nas.example.org/,admin,Wq8#zT3vLm,\n"
      "mail.example.net,https://mail.example.net/,ops@example.net,Hc5xR9bN2q,"
      "\n";
  // Every row is a credential: both are found, with the user as the id.
  Pairs both{{"csv.password_manager_export", "Wq8#zT3vLm"},
             {"csv.password_manager_export", "Hc5xR9bN2q"}};
  EXPECT_EQ(Scan(chrome, "backup/Chrome Passwords.csv"), both);
  EXPECT_EQ(Scan(chrome, "logins.csv"), both);
  EXPECT_EQ(Confidences(chrome, "bitwarden_export_20240101.csv"),
            (std::vector<Confidence>{Confidence::kHigh, Confidence::kHigh}));
  // Firefox's quoting: the first URL is the site, not the form's origin.
  EXPECT_EQ(Scan("\"url\",\"username\",\"password\",\"httpRealm\","
                 "\"formActionOrigin\"\n"
                 "\"https://shop.example.com\",\"alice\",\"Tz6mQ2wXr8\",,"
                 "\"https://shop.example.com\"\n",
                 "logins.csv"),
            (Pairs{{"csv.password_manager_export", "Tz6mQ2wXr8"}}));
  // A data file of URLs and two more columns is not an export.
  EXPECT_TRUE(Scan(chrome, "data/sites.csv").empty());
}

TEST_F(CredentialShapesTest, SecretsInFallbacksBuildersAndHeaderValues) {
  const std::string v = "Hb7nR2xWq9TzL4mKc8Vd3Pf";
  for (const auto& [line, rule] :
       std::vector<std::pair<std::string, std::string>>{
           {"const KEY = process.env.MAPS_API_KEY || \"" + v + "\";",
            "code.env_default_secret"},
           {"API_KEY = os.environ.get(\"API_KEY\", default=\"" + v + "\")",
            "code.env_default_secret"},
           {"token = ENV[\"SLACK_TOKEN\"] || \"" + v + "\"",
            "code.env_default_secret"},
           {"Client c = new Client.Builder().apiKey(\"" + v + "\").build();",
            "code.builder_secret"},
           {"req.setValue(\"Bearer " + v + "\", forHTTPHeaderField: \"Auth\")",
            "http.bearer_string"},
           {"curl -u " + v + ": https://api.example.org/v1/charges",
            "http.curl_user_token"},
       }) {
    EXPECT_EQ(Scan(line + "\n"), (Pairs{{rule, v}})) << line;
  }
  // A header named beside the value is http.authorization_bearer's.
  EXPECT_EQ(Scan("headers = {\"Authorization\": \"Bearer " + v + "\"}\n"),
            (Pairs{{"http.authorization_bearer", v}}));
  // Terraform: a secret-named variable's default, in .tf files only.
  const std::string tf =
      "variable \"db_password\" {\n  sensitive   = true\n"
      "  default     = \"" +
      v + "\"\n}\n";
  EXPECT_EQ(Scan(tf, "infra/variables.tf"),
            (Pairs{{"terraform.variable_default_secret", v}}));
  EXPECT_TRUE(Scan(tf, "docs/variables.md").empty());
  for (const std::string& line : {
           "const KEY = process.env.MAPS_API_KEY || \"\";",
           "const PORT = process.env.PORT || \"30001234567890\";",
           "c = new Client.Builder().apiKey(System.getenv(\"API_KEY\"));",
           "req.setValue(\"Bearer \\(token)\", forHTTPHeaderField: \"Auth\")",
           "curl -u $API_KEY: https://api.example.org/v1/charges",
       }) {
    EXPECT_TRUE(Scan(line + "\n").empty()) << line;
  }
}

// Shell history: management and network tools that take a password as an
// argument, and the MinIO client's secret key.
TEST_F(CredentialShapesTest, PasswordsOnAdministrationToolCommandLines) {
  const std::string v = "Gqi4A1Ac4Hz";
  for (const std::string& line : {
           "ipmitool -I lanplus -H 10.20.0.14 -U ADMIN -P " + v + " sel list",
           "snmpget -v3 -l authPriv -u mon -a SHA -A " + v +
               " -x AES -X Xq -- 10.20.0.1 sysName.0",
           "wmic /node:fs01 /user:CORP\\ops /password:" + v + " os get",
           "ncftpget -u mirror -p " + v + " ftp.corp.example . /pub/x.tar",
           "openssl enc -d -aes-256-cbc -k " + v + " -in db.enc -out db.sql",
           "usermod -p \"$(openssl passwd -1 -salt ab " + v + ")\" ops",
       }) {
    EXPECT_EQ(Scan(line + "\n"), (Pairs{{"cli.remote_admin_password", v}}))
        << line;
  }
  const std::string secret = "RJCZ0Lo2dyOHdMKa0XgeQr0oS8K3C2TaG1het0cR";
  EXPECT_EQ(Scan("mc alias set prod https://minio.corp.example:9000 "
                 "HPPWGQIKZ83TAG1HET0C " +
                 secret + "\n"),
            (Pairs{{"minio.mc_alias_secret", secret}}));
  for (const std::string& line : {
           "ipmitool -I lanplus -H $BMC -U ADMIN -E sdr",
           "ipmitool -P \"$IPMI_PASSWORD\" -H bmc01 power status",
           "openssl enc -aes-256-cbc -pass file:/run/secrets/k -in db.sql",
           "openssl passwd -6 -stdin",
           "mc alias set prod https://minio.corp.example $AK $SK",
       }) {
    EXPECT_TRUE(Scan(line + "\n").empty()) << line;
  }
}

// A literal key given to an HMAC or a cipher, in each language's call; a
// variable, an environment lookup or an algorithm's name in its place is not.
TEST_F(CredentialShapesTest, LiteralKeysGivenToHmacAndCipherCalls) {
  const std::string v = "Vb7qK2xTm9Lw4Rz8Np3Hs6Dc";
  const std::string hex =
      "5c2e9a41f07b38d6e1a94c0b72f5d83e6a1c09b47e2d58f3a60c19e84b7d2f05";
  for (const std::string& line : {
           "sig = hmac.new(b'" + v + "', body, hashlib.sha256).hexdigest()",
           "cipher = AES.new(b'" + v + "', AES.MODE_GCM)",
           "box = Fernet('" + v + "=')",
           "const s = crypto.createHmac('sha256', '" + v + "').digest('hex');",
           "var ct = CryptoJS.AES.encrypt(JSON.stringify(d), '" + v + "');",
           "Key k = new SecretKeySpec(\"" + v + "\".getBytes(UTF_8), \"AES\");",
           "using var h = new HMACSHA256(Encoding.UTF8.GetBytes(\"" + v +
               "\"));",
           "mac := hmac.New(sha256.New, []byte(\"" + v + "\"))",
           "$sig = hash_hmac('sha256', $payload, '" + v + "');",
           "$c = openssl_encrypt($d, 'aes-256-cbc', '" + v + "', 0, $iv);",
           "sig = OpenSSL::HMAC.hexdigest('SHA256', '" + v + "', data)",
       }) {
    std::string want = v;
    if (line.find("Fernet") != std::string::npos) want += "=";
    EXPECT_EQ(Scan(line + "\n"), (Pairs{{"code.crypto_key_literal", want}}))
        << line;
  }
  // A hex key is a key here, not a digest.
  EXPECT_EQ(Scan("const c = crypto.createCipheriv('aes-256-cbc', "
                 "Buffer.from('" +
                 hex + "', 'hex'), iv);\n"),
            (Pairs{{"code.crypto_key_literal", hex}}));
  for (const std::string& line : {
           "sig = hmac.new(settings.WEBHOOK_KEY, body, hashlib.sha256)",
           "box = Fernet(os.environ['FERNET_KEY'])",
           "const s = crypto.createHmac('sha256', secret).digest('hex');",
           "k = SecretKeySpec(\"HmacSHA256\".toByteArray(), \"HmacSHA256\")",
           "mac := hmac.New(sha256.New, []byte(os.Getenv(\"HOOK_KEY\")))",
           "$sig = hash_hmac('sha256', $payload, $this->secret);",
       }) {
    EXPECT_TRUE(Scan(line + "\n").empty()) << line;
  }
}

}  // namespace
}  // namespace keyward

// End-to-end: the real keyward binary on fixture trees.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward {
namespace {

using test::ReadFile;
using test::RunKeyward;
using test::TempDir;

using test::FakeGithubToken;

void ExpectNoSecret(const test::RunResult& r, const std::string& secret) {
  EXPECT_EQ(r.out.find(secret), std::string::npos) << "secret in stdout";
  EXPECT_EQ(r.err.find(secret), std::string::npos) << "secret in stderr";
  // Not even a long fragment of it.
  EXPECT_EQ(r.out.find(secret.substr(4, 20)), std::string::npos);
}

TEST(ScanCliTest, CleanTreeExitsZero) {
  TempDir dir;
  dir.Write("src/main.c", "int main(void) { return 0; }\n");
  auto r = RunKeyward({"scan", dir.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("0 findings in 1 file"), std::string::npos) << r.err;
}

// The binary carries the built-in rules' databases (KEYWARD_PREBUILT_DB):
// a first run with an empty cache compiles nothing, writes no cache file and
// says nothing about compiling. Extra rules compile once, with a progress
// line and the time in the summary, and are cached.
TEST(ScanCliTest, FirstRunLoadsPrebuiltDatabases) {
  if (!KEYWARD_PREBUILT_DB_BUILT) {
    GTEST_SKIP() << "built with -DKEYWARD_PREBUILT_DB=OFF";
  }
  test::TempDir dir, cache;
  dir.Write("app.env", "x=1\n");
  std::vector<std::string> env = {"XDG_CACHE_HOME=" + cache.path()};
  auto r = RunKeyward({"scan", "--format", "json", "."}, "", env, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["stats"]["compile_seconds"], 0.0);
  EXPECT_EQ(r.err.find("compiling"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(cache.path() + "/keyward"));
  // Standard input too: its stream database (the one without the
  // file-format rules, none of which applies to `-`) is in the pack.
  auto in = RunKeyward({"scan", "--format", "json", "-"}, "x=1\n", env);
  ASSERT_EQ(in.exit_code, 0) << in.err;
  EXPECT_EQ(nlohmann::json::parse(in.out)["stats"]["compile_seconds"], 0.0);
  EXPECT_EQ(in.err.find("compiling"), std::string::npos) << in.err;
  EXPECT_FALSE(std::filesystem::exists(cache.path() + "/keyward"));

  dir.Write("extra.yaml",
            "rules:\n  - id: t.extra\n    name: extra\n    kind: api-key\n"
            "    pattern: '\\b(xq_[a-z]{12})\\b'\n");
  auto c = RunKeyward({"scan", "--rules", "extra.yaml", "app.env"}, "", env,
                      dir.path());
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.err.find("keyward: compiling the rule database"),
            std::string::npos)
      << c.err;
  EXPECT_NE(c.err.find("s compiling rules)"), std::string::npos) << c.err;
  auto again = RunKeyward({"scan", "--rules", "extra.yaml", "app.env"}, "", env,
                          dir.path());
  EXPECT_EQ(again.err.find("compiling"), std::string::npos) << again.err;
}

// SARIF artifact URIs are relative to the repository top whatever the
// working directory and however the path was given (absolute, relative,
// from a subdirectory), never file:// URIs; --sarif-root moves the base.
TEST(ScanCliTest, SarifPathsAreRelativeToTheRepositoryTop) {
  test::TempDir dir;
  ASSERT_EQ(test::RunProgram({"git", "init", "-q", dir.path()}).exit_code, 0);
  dir.Write("svc/conf/app.env", "GITHUB_TOKEN=" + FakeGithubToken(71) + "\n");
  auto uris = [](const test::RunResult& r) {
    std::vector<std::string> out;
    auto j = nlohmann::json::parse(r.out);
    for (const auto& res : j["runs"][0]["results"]) {
      const auto& loc = res["locations"][0]["physicalLocation"];
      out.push_back(loc["artifactLocation"]["uri"]);
    }
    return out;
  };
  const std::vector<std::string> want = {"svc/conf/app.env"};
  struct Case {
    std::vector<std::string> args;
    std::string cwd;
  };
  for (const Case& c : std::vector<Case>{{{dir.path()}, "/"},
                                         {{dir.path() + "/svc"}, "/"},
                                         {{"."}, dir.path()},
                                         {{"conf"}, dir.path() + "/svc"},
                                         {{"."}, dir.path() + "/svc/conf"}}) {
    std::vector<std::string> args = {"scan", "--format", "sarif"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = RunKeyward(args, "", {}, c.cwd);
    ASSERT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(uris(r), want) << c.args[0] << " from " << c.cwd;
  }
  auto rooted = RunKeyward(
      {"scan", "--format", "sarif", "--sarif-root", dir.path() + "/svc", "."},
      "", {}, dir.path());
  EXPECT_EQ(uris(rooted), std::vector<std::string>{"conf/app.env"});
}

// A private key block longer than the default 16 KiB window (a PGP key with
// subkeys, an RSA key with 16k bits) is one secret from BEGIN to END, so its
// fingerprint identifies the key: in a file (block mode) and on stdin in
// small chunks (stream mode) alike.
TEST(ScanCliTest, LongPrivateKeyBlockIsFoundWhole) {
  std::mt19937 rng(77);
  static const char kB64[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string block = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n";
  while (block.size() < 24000) {
    for (int i = 0; i < 64; i++) block += kB64[rng() % 64];
    block += "\n";
  }
  block += "=Ab1c\n-----END PGP PRIVATE KEY BLOCK-----";
  test::TempDir dir;
  dir.Write("backup/key.asc", "exported:\n" + block + "\n");
  auto secret_of = [](const test::RunResult& r) {
    auto j = nlohmann::json::parse(r.out);
    for (const auto& f : j["findings"]) {
      if (f["rule_id"] == "private_key.pgp") {
        return f["secret"].get<std::string>();
      }
    }
    return std::string();
  };
  auto file = RunKeyward({"scan", "--format", "json", "--show-secrets", "."},
                         "", {}, dir.path());
  ASSERT_EQ(file.exit_code, 1) << file.err;
  EXPECT_EQ(secret_of(file), block);
  auto stream = RunKeyward({"scan", "--format", "json", "--show-secrets",
                            "--chunk-size", "4096", "-"},
                           "exported:\n" + block + "\n", {}, dir.path());
  ASSERT_EQ(stream.exit_code, 1) << stream.err;
  EXPECT_EQ(secret_of(stream), block);
}

TEST(ScanCliTest, TextOutputIsRedactedAndExitsOne) {
  TempDir dir;
  std::string tok = FakeGithubToken(1);
  dir.Write("app/config.sh", "# deploy\nexport GITHUB_TOKEN=" + tok + "\n");
  auto r = RunKeyward({"scan", "."}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("app/config.sh:2:21  github.pat.classic  ghp_…" +
                       tok.substr(36)),
            std::string::npos)
      << r.out;
  ExpectNoSecret(r, tok);
  EXPECT_NE(r.err.find("1 finding in 1 file"), std::string::npos) << r.err;
}

TEST(ScanCliTest, RuleProfileListsPhaseTwoCostPerRule) {
  TempDir dir;
  std::string tok = FakeGithubToken(11);
  dir.Write("a.env",
            "GITHUB_TOKEN=" + tok + "\nGH2=" + FakeGithubToken(12) + "\n");
  auto plain = RunKeyward({"scan", "."}, "", {}, dir.path());
  EXPECT_EQ(plain.err.find("rule (phase 2)"), std::string::npos);
  auto r =
      RunKeyward({"scan", "."}, "", {"KEYWARD_PROFILE_RULES=1"}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, plain.out);  // the report itself is unchanged
  ASSERT_NE(r.err.find("rule (phase 2)"), std::string::npos) << r.err;
  // One row per rule with candidates: id, ends, clusters, matches, ms,
  // reverse ms, window, prefilter.
  size_t row = r.err.find("\ngithub.pat.classic ");
  ASSERT_NE(row, std::string::npos) << r.err;
  std::istringstream fields(r.err.substr(row + 1));
  std::string id;
  unsigned long ends = 0, clusters = 0, matches = 0;
  double ms = -1, reverse_ms = -1;
  fields >> id >> ends >> clusters >> matches >> ms >> reverse_ms;
  EXPECT_EQ(ends, 2u);
  // The reverse probes are part of the rule's confirming time.
  EXPECT_GE(reverse_ms, 0.0);
  EXPECT_LE(reverse_ms, ms);
  EXPECT_EQ(clusters, 2u);  // farther apart than the rule's 40-byte window
  EXPECT_EQ(matches, 2u);
  ExpectNoSecret(r, tok);
}

TEST(ScanCliTest, JsonContract) {
  TempDir dir;
  std::string tok = FakeGithubToken(2);
  dir.Write("a.txt", "x\n  token " + tok + "\n");
  auto r =
      RunKeyward({"scan", "--format", "json", "a.txt"}, "", {}, dir.path());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ExpectNoSecret(r, tok);
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["version"], 1);
  ASSERT_EQ(doc["findings"].size(), 1u);
  const auto& f = doc["findings"][0];
  EXPECT_EQ(f["rule_id"], "github.pat.classic");
  EXPECT_TRUE(f["rule_name"].is_string());
  EXPECT_TRUE(f["severity"].is_string());
  EXPECT_EQ(f["path"], "a.txt");
  EXPECT_EQ(f["line"], 2);
  EXPECT_EQ(f["column"], 9);
  EXPECT_EQ(f["end_line"], 2);
  EXPECT_EQ(f["end_column"], 9 + 40);
  EXPECT_EQ(f["secret"], "ghp_…" + tok.substr(36));
  EXPECT_EQ(f["fingerprint"].get<std::string>().rfind("hmac-sha256:", 0), 0u);
  EXPECT_EQ(f["fingerprint"].get<std::string>().size(), 12u + 64u);
  for (const char* k :
       {"files", "bytes", "skipped_binary", "unreadable", "seconds"}) {
    EXPECT_TRUE(doc["stats"].contains(k)) << k;
  }
  EXPECT_EQ(doc["stats"]["files"], 1);
}

TEST(ScanCliTest, ShowSecretsRevealsAndJsonlHasOneObjectPerLine) {
  TempDir dir;
  std::string t1 = FakeGithubToken(3), t2 = FakeGithubToken(4);
  dir.Write("f.env", "A=" + t1 + "\nB=" + t2 + "\n");
  auto r = RunKeyward({"scan", "--format", "jsonl", "--show-secrets", "f.env"},
                      "", {}, dir.path());
  ASSERT_EQ(r.exit_code, 1);
  std::vector<nlohmann::json> lines;
  size_t pos = 0, nl;
  while ((nl = r.out.find('\n', pos)) != std::string::npos) {
    lines.push_back(nlohmann::json::parse(r.out.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["secret"], t1);
  EXPECT_EQ(lines[1]["secret"], t2);
}

TEST(ScanCliTest, StdinIsScannedInStreamModeAcrossChunks) {
  std::string tok = FakeGithubToken(5);
  std::string input(5000, 'a');
  input += "\nlog line with " + tok + " in it\n";
  // A chunk size that splits the token.
  auto r = RunKeyward({"scan", "--format", "json", "--chunk-size", "5020", "-"},
                      input);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 1u);
  EXPECT_EQ(doc["findings"][0]["path"], "-");
  EXPECT_EQ(doc["findings"][0]["line"], 2);
  EXPECT_EQ(doc["findings"][0]["column"], 15);
  ExpectNoSecret(r, tok);
}

TEST(ScanCliTest, LargeFileUsesStreamModeWithSameResult) {
  TempDir dir;
  std::string tok = FakeGithubToken(6);
  std::string body;
  for (int i = 0; i < 20000; i++)
    body += "filler line number " + std::to_string(i) + "\n";
  body += "key=" + tok + "\n";
  body += std::string(3000, 'z') + "\n";
  dir.Write("big.log", body);
  auto block =
      RunKeyward({"scan", "--format", "json", "big.log"}, "", {}, dir.path());
  auto stream = RunKeyward({"scan", "--format", "json", "--stream-threshold",
                            "1000", "--chunk-size", "4099", "big.log"},
                           "", {}, dir.path());
  ASSERT_EQ(block.exit_code, 1);
  ASSERT_EQ(stream.exit_code, 1);
  auto b = nlohmann::json::parse(block.out)["findings"];
  auto s = nlohmann::json::parse(stream.out)["findings"];
  EXPECT_EQ(b, s);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0]["line"], 20001);
}

TEST(ScanCliTest, BinaryEmptyAndUnreadableFilesAreHandled) {
  TempDir dir;
  std::string tok = FakeGithubToken(7);
  dir.Write("bin.dat", std::string("\x7f"
                                   "ELF\0\0",
                                   6) +
                           tok);
  dir.Write("empty.txt", "");
  dir.Write("ok.txt", tok + "\n");
  // A directory entry that is gone by the time it is read (a dangling link,
  // followed) is what a file deleted during the walk looks like.
  ASSERT_EQ(symlink("gone.txt", (dir.path() + "/vanished.txt").c_str()), 0);
  auto r = RunKeyward({"scan", "--stats", "--follow", "--format", "json", "."},
                      "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["findings"].size(), 1u);
  EXPECT_EQ(doc["findings"][0]["path"], "ok.txt");
  EXPECT_EQ(doc["stats"]["skipped_binary"], 1);
  EXPECT_EQ(doc["stats"]["unreadable"], 1);
  EXPECT_NE(r.err.find("warning: vanished.txt: No such file"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("skipped binary:  1"), std::string::npos) << r.err;
}

// A worker's first file being empty is read into no buffer at all; the
// sanitizer builds fail this test if that empty view reaches memchr.
TEST(ScanCliTest, EmptyFileAsAWorkersFirstFile) {
  TempDir dir;
  dir.Write("empty.txt", "");
  auto r = RunKeyward(
      {"scan", "-j", "1", "--stats", "--format", "json", "empty.txt"}, "", {},
      dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["findings"].size(), 0u);
  EXPECT_EQ(doc["stats"]["skipped_binary"], 0);
  EXPECT_EQ(doc["stats"]["unreadable"], 0);
}

TEST(ScanCliTest, NamedPathThatDoesNotExistExitsTwoAndSarifSaysSo) {
  TempDir dir;
  dir.Write("ok.txt", FakeGithubToken(7) + "\n");
  auto r = RunKeyward({"scan", "--format", "sarif", ".", "does-not-exist"}, "",
                      {}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("error: does-not-exist: No such file or directory"),
            std::string::npos)
      << r.err;
  // The other paths are still scanned and reported.
  auto sarif = nlohmann::json::parse(r.out);
  const auto& run = sarif["runs"][0];
  EXPECT_EQ(run["results"].size(), 1u);
  const auto& inv = run["invocations"][0];
  EXPECT_EQ(inv["executionSuccessful"], false);
  ASSERT_EQ(inv["toolExecutionNotifications"].size(), 1u);
  EXPECT_EQ(inv["toolExecutionNotifications"][0]["level"], "error");
  EXPECT_NE(inv["toolExecutionNotifications"][0]["message"]["text"]
                .get<std::string>()
                .find("does-not-exist"),
            std::string::npos);

  // Something that is neither a file nor a directory cannot be scanned.
  r = RunKeyward({"scan", "/dev/null"}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("/dev/null: not a regular file or directory"),
            std::string::npos)
      << r.err;

  // A clean run still says it succeeded.
  r = RunKeyward({"scan", "--format", "sarif", "ok.txt"}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(nlohmann::json::parse(
                r.out)["runs"][0]["invocations"][0]["executionSuccessful"],
            true);
}

// Root reads anything, so as root (CI) keyward runs as `nobody` here.
TEST(ScanCliTest, PermissionDeniedFileWarnsAndScanGoesOn) {
  TempDir dir;
  test::MakeWorldReadable(dir.path());
  std::string locked = dir.Write("locked.txt", FakeGithubToken(8));
  chmod(locked.c_str(), 0);
  std::string open = dir.Write("open.txt", FakeGithubToken(9));
  chmod(open.c_str(), 0644);
  auto r = test::RunKeywardUnprivileged({"scan", "."}, {}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("locked.txt: Permission denied"), std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("open.txt"), std::string::npos);
}

TEST(ScanCliTest, IgnoreFilesAreHonouredUnlessNamedOrNoIgnore) {
  TempDir dir;
  dir.Write(".gitignore", "generated/\n");
  dir.Write(".keywardignore", "fixtures/*.txt\n");
  dir.Write("generated/a.js", FakeGithubToken(10));
  dir.Write("fixtures/b.txt", FakeGithubToken(11));
  dir.Write("src/c.py", FakeGithubToken(12));
  auto r = RunKeyward({"scan", "--format", "jsonl", "."}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("src/c.py"), std::string::npos);
  EXPECT_EQ(r.out.find("generated/a.js"), std::string::npos);
  EXPECT_EQ(r.out.find("fixtures/b.txt"), std::string::npos);
  // Named explicitly: scanned.
  auto named = RunKeyward({"scan", "generated/a.js"}, "", {}, dir.path());
  EXPECT_EQ(named.exit_code, 1);
  // --no-ignore: everything.
  auto all = RunKeyward({"scan", "--format", "jsonl", "--no-ignore", "."}, "",
                        {}, dir.path());
  EXPECT_NE(all.out.find("generated/a.js"), std::string::npos);
  EXPECT_NE(all.out.find("fixtures/b.txt"), std::string::npos);
}

TEST(ScanCliTest, GitDirectoryIsSkippedAndSymlinkLoopsTerminate) {
  TempDir dir;
  dir.Write(".git/HEAD", FakeGithubToken(13));
  dir.Write(".git/logs/HEAD", FakeGithubToken(14));
  dir.Write("d/x.txt", "clean\n");
  ASSERT_EQ(symlink("..", (dir.path() + "/d/loop").c_str()), 0);
  auto r = RunKeyward({"scan", "--follow", "."}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(ScanCliTest, TokenInGitRemoteUrlIsFound) {
  TempDir dir;
  dir.Write(".git/config",
            "[remote \"origin\"]\n\turl = https://x-access-token:" +
                FakeGithubToken(15) + "@github.com/acme/app.git\n");
  auto r = RunKeyward({"scan", "--format", "jsonl", "."}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("\".git/config\""), std::string::npos) << r.out;
}

TEST(ScanCliTest, OutputFileAndParallelismGiveSameFindings) {
  TempDir dir;
  for (int i = 0; i < 50; i++) {
    dir.Write("d" + std::to_string(i % 5) + "/f" + std::to_string(i) + ".txt",
              i % 7 == 0 ? "t=" + FakeGithubToken(100 + i) + "\n" : "clean\n");
  }
  auto one =
      RunKeyward({"scan", "-j", "1", "--format", "json", "-o",
                  dir.path() + "/one.json", "d0", "d1", "d2", "d3", "d4"},
                 "", {}, dir.path());
  auto four =
      RunKeyward({"scan", "-j", "4", "--format", "json", "-o",
                  dir.path() + "/four.json", "d0", "d1", "d2", "d3", "d4"},
                 "", {}, dir.path());
  ASSERT_EQ(one.exit_code, 1);
  ASSERT_EQ(four.exit_code, 1);
  EXPECT_EQ(one.out, "");
  auto a = nlohmann::json::parse(ReadFile(dir.path() + "/one.json"));
  auto b = nlohmann::json::parse(ReadFile(dir.path() + "/four.json"));
  EXPECT_EQ(a["findings"], b["findings"]);
  EXPECT_EQ(a["findings"].size(), 8u);
}

TEST(ScanCliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunKeyward({"scan", "--format", "xml", "."}).exit_code, 2);
  EXPECT_EQ(RunKeyward({"scan", "--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(RunKeyward({"frobnicate"}).exit_code, 2);
  auto v = RunKeyward({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("Hyperscan"), std::string::npos);
}

}  // namespace
}  // namespace keyward

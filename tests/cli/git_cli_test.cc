// `keyward scan --git / --staged / --since / --range` end to end.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "support/git_fixture.h"

namespace keyward::test {
namespace {

class GitCliTest : public GitCliFixture {
 public:
  void WriteFile(const std::string& rel, const std::string& content) {
    Write(rel, content);
  }
  std::string Commit(const std::string& message) { return CommitAll(message); }
};

TEST_F(GitCliTest, HistoryTextShowsCommitPathLineAndRedacts) {
  Init();
  const std::string token = FakeGithubToken(51);
  Write("deploy/.env", "x=1\nGITHUB_TOKEN=" + token + "\n");
  std::string leak = CommitAll("leak");
  Write("deploy/.env", "x=1\n");
  CommitAll("remove");
  // A plain directory scan sees nothing: the secret lives in history only.
  EXPECT_EQ(Scan({"."}).exit_code, 0);

  RunResult r = Scan({"--git", "-j2"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find(leak.substr(0, 12) + ":deploy/.env:2"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find(token), std::string::npos) << "secret printed";
}

TEST_F(GitCliTest, HistoryJsonHasCommitAuthorEmailDate) {
  Init();
  Write("a.txt", "t=" + FakeGithubToken(52) + "\n");
  std::string leak = CommitAll("leak");
  RunResult r = Scan({"--git", "--format", "json", dir_.path()});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 1u);
  const auto& f = j["findings"][0];
  EXPECT_EQ(f["commit"], leak);
  EXPECT_EQ(f["author"], "Ada Tester");
  EXPECT_EQ(f["email"], "ada@example.test");
  EXPECT_EQ(f["date"], "2024-01-10T12:00:00Z");
  EXPECT_EQ(f["path"], "a.txt");
}

TEST_F(GitCliTest, StagedExitCodes) {
  Init();
  Write("a.txt", "clean\n");
  CommitAll("clean");
  EXPECT_EQ(Scan({"--staged"}).exit_code, 0);
  Write("b.txt", "t=" + FakeGithubToken(53) + "\n");
  EXPECT_EQ(Scan({"--staged"}).exit_code, 0) << "unstaged is not reported";
  Git({"add", "b.txt"});
  RunResult r = Scan({"--staged"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("b.txt:1"), std::string::npos) << r.out;
}

TEST_F(GitCliTest, RangeAndSince) {
  Init();
  Write("a.txt", "a\n");
  std::string base = CommitAll("base");
  Write("b.txt", "t=" + FakeGithubToken(54) + "\n");
  CommitAll("leak");
  EXPECT_EQ(Scan({"--range", base + "..HEAD"}).exit_code, 1);
  EXPECT_EQ(Scan({"--range", "HEAD..HEAD"}).exit_code, 0);
  EXPECT_EQ(Scan({"--since", base}).exit_code, 1);
  EXPECT_EQ(Scan({"--since", "HEAD"}).exit_code, 0);
}

// A secret that several commits of a pull request carry is one finding, at
// its place in the newest commit that holds it (line numbers of HEAD), with
// every commit's sighting among its occurrences.
TEST_F(GitCliTest, RangeReportsEachSecretOnceAtItsNewestPlace) {
  Init();
  Write("a.txt", "a\n");
  std::string base = CommitAll("base");
  const std::string token = FakeGithubToken(63);
  Write("conf/app.env", "GITHUB_TOKEN=" + token + "\n");
  CommitAll("add");
  Write("conf/app.env", "# header\n\nGITHUB_TOKEN=" + token + "\n");
  CommitAll("move down");
  Write("conf/app.env", "# header\n\nx=1\nGITHUB_TOKEN=" + token + "\n");
  std::string head = CommitAll("move again");
  for (const std::vector<std::string>& mode :
       {std::vector<std::string>{"--since", base},
        std::vector<std::string>{"--range", base + "..HEAD"}}) {
    std::vector<std::string> args = mode;
    args.insert(args.end(), {"--format", "json"});
    RunResult r = Scan(args);
    ASSERT_EQ(r.exit_code, 1) << r.err;
    auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["findings"].size(), 1u) << r.out;
    const auto& f = j["findings"][0];
    EXPECT_EQ(f["line"], 4) << f.dump();
    EXPECT_EQ(f["commit"], head) << f.dump();
    EXPECT_EQ(f["occurrence_count"], 3) << f.dump();
  }
}

// A file-format rule (pgpass.line has `paths: [.pgpass, ...]`) runs on files
// of its format only: in a directory scan, in history (where blobs are
// scanned before their paths are known), in a staged scan and in a range
// scan alike.
TEST_F(GitCliTest, FileFormatRuleRunsOnItsFilesOnly) {
  Init();
  Write("README.md", "hello\n");
  std::string base = CommitAll("base");
  Write(".pgpass", "db.internal:5432:orders:app:Q7w9Er2Ty4Ui\n");
  Write("notes/hosts.txt", "db.internal:5432:orders:app:Zx8Cv6Bn4Ml2\n");
  auto pgpass_paths = [](const RunResult& r) {
    std::vector<std::string> paths;
    auto j = nlohmann::json::parse(r.out);
    for (const auto& f : j["findings"]) {
      if (f["rule_id"] == "pgpass.line") paths.push_back(f["path"]);
    }
    return paths;
  };
  const std::vector<std::string> want = {".pgpass"};
  Git({"add", "-A"});
  RunResult staged = Scan({"--staged", "--format", "json"});
  EXPECT_EQ(staged.exit_code, 1) << staged.err;
  EXPECT_EQ(pgpass_paths(staged), want) << staged.out;
  CommitAll("hosts");
  RunResult dir = Scan({"--format", "json", "."});
  EXPECT_EQ(dir.exit_code, 1) << dir.err;
  std::vector<std::string> dir_paths = pgpass_paths(dir);
  ASSERT_EQ(dir_paths.size(), 1u) << dir.out;
  EXPECT_NE(dir_paths[0].find(".pgpass"), std::string::npos);
  RunResult history = Scan({"--git", "--format", "json"});
  EXPECT_EQ(history.exit_code, 1) << history.err;
  EXPECT_EQ(pgpass_paths(history), want) << history.out;
  // A range scans the blobs it introduces before it knows their paths.
  RunResult range = Scan({"--range", base + "..HEAD", "--format", "json"});
  EXPECT_EQ(range.exit_code, 1) << range.err;
  EXPECT_EQ(pgpass_paths(range), want) << range.out;
  // Packed, with the file's tree a delta of trees before it: the walk that
  // names it reads the packed trees, not libgit2's.
  for (int i = 0; i < 4; ++i) {
    Write("notes/n" + std::to_string(i) + ".txt", "note\n");
    CommitAll("note " + std::to_string(i));
  }
  Git({"repack", "-adfq"});
  RunResult packed = Scan({"--git", "--format", "json"});
  EXPECT_EQ(packed.exit_code, 1) << packed.err;
  EXPECT_EQ(pgpass_paths(packed), want) << packed.out;
}

// A range reports what a directory scan of the same change reports: the
// same rules on the same files (file-format rules only on their files) with
// the same confidence, which reads each file's path (a test fixture is lower
// than a configuration file).
TEST_F(GitCliTest, RangeFindingsAreTheDirectoryScansOfTheChange) {
  Init();
  Write("README.md", "hello\n");
  std::string base = CommitAll("base");
  const std::string token = FakeGithubToken(64);
  Write("deploy/app.env", "DB_PASSWORD=orchard\nGITHUB_TOKEN=" + token + "\n");
  Write("src/settings.c", "dbpass = orchard\n");
  Write("tests/fixtures/client.py", "password = \"Wint3rGarden2025\"\n");
  Write("conf/client.py", "password = \"Summ3rOrchard2024\"\n");
  CommitAll("change");
  auto rows = [](const RunResult& r) {
    std::set<std::string> out;
    auto j = nlohmann::json::parse(r.out);
    for (const auto& f : j["findings"]) {
      std::string path = f["path"];
      if (path.rfind("./", 0) == 0) path = path.substr(2);
      out.insert(path + ":" + std::to_string(int(f["line"])) + " " +
                 std::string(f["rule_id"]) + " " +
                 std::string(f["confidence"]));
    }
    return out;
  };
  RunResult dir = Scan({"--format", "json", "--min-confidence", "low", "."});
  ASSERT_EQ(dir.exit_code, 1) << dir.err;
  RunResult range = Scan({"--range", base + "..HEAD", "--format", "json",
                          "--min-confidence", "low"});
  ASSERT_EQ(range.exit_code, 1) << range.err;
  std::set<std::string> want = rows(dir);
  EXPECT_EQ(rows(range), want) << range.out;
  // What the comparison rests on: the weak password is found in the .env
  // file only, and the test fixture's finding is lowered.
  std::string all;
  for (const std::string& w : want) all += w + "\n";
  EXPECT_NE(all.find("deploy/app.env:1 generic.password.config_file"),
            std::string::npos)
      << all;
  EXPECT_EQ(all.find("src/settings.c"), std::string::npos) << all;
  EXPECT_NE(all.find("tests/fixtures/client.py:1 generic.password.quoted low"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("conf/client.py:1 generic.password.quoted high"),
            std::string::npos)
      << all;
}

// A change under review cannot switch the scanner off: --since/--range read
// .keyward.yaml (and the baseline it names) from the base commit, and say
// that the change edits them. The base's own configuration still applies.
TEST_F(GitCliTest, RangeScanUsesTheBaseCommitsConfiguration) {
  Init();
  Write(".keyward.yaml",
        "exclude: ['vendor/']\nbaseline: keyward-baseline.json\n");
  Write("README.md", "hello\n");
  std::string base = CommitAll("base");
  // The change adds a leak, excludes it, disables the rule and baselines it.
  const std::string token = FakeGithubToken(61);
  Write("deploy/app.env", "GITHUB_TOKEN=" + token + "\n");
  Write("vendor/lib.env", "GITHUB_TOKEN=" + FakeGithubToken(62) + "\n");
  RunResult baseline_out = Scan({"--format", "json", "--baseline-out",
                                 "keyward-baseline.json", "deploy"});
  ASSERT_EQ(baseline_out.exit_code, 1) << baseline_out.err;
  Write(".keyward.yaml",
        "exclude: ['deploy/', 'vendor/']\ndisable_rules: "
        "[github.pat.fine_grained, github.pat.classic]\n"
        "baseline: keyward-baseline.json\n");
  CommitAll("change");
  for (const std::vector<std::string>& mode :
       {std::vector<std::string>{"--since", base},
        std::vector<std::string>{"--range", base + "..HEAD"}}) {
    std::vector<std::string> args = mode;
    args.insert(args.end(), {"--format", "json"});
    RunResult r = Scan(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    auto j = nlohmann::json::parse(r.out);
    std::vector<std::string> paths;
    for (const auto& f : j["findings"]) {
      if (!f.value("suppressed", false)) paths.push_back(f["path"]);
    }
    // deploy/ is found; vendor/ stays excluded by the base's configuration.
    EXPECT_EQ(paths, std::vector<std::string>{"deploy/app.env"}) << r.out;
    EXPECT_NE(r.err.find(".keyward.yaml differs between"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("baseline keyward-baseline.json differs"),
              std::string::npos)
        << r.err;
  }
  // --config still decides (the CI maintainer's explicit choice).
  RunResult explicit_config =
      Scan({"--since", base, "--config", ".keyward.yaml"});
  EXPECT_EQ(explicit_config.exit_code, 0) << explicit_config.err;
}

// The rule files and directories the base's configuration names are read
// from the base commit too: a change cannot weaken the custom rule that
// would catch its own leak.
TEST_F(GitCliTest, RangeScanUsesTheBaseCommitsRuleFiles) {
  const std::string rule =
      "rules:\n  - id: t.acme\n    name: Acme key\n    kind: api-key\n"
      "    pattern: '\\b(acme_[a-z0-9]{20})\\b'\n";
  const std::string weakened =
      "rules:\n  - id: t.acme\n    name: Acme key\n    kind: api-key\n"
      "    pattern: '\\b(acme_NEVER[0-9]{40})\\b'\n";
  for (const std::string& named : {"security", "security/acme.yaml"}) {
    SCOPED_TRACE(named);
    Init();
    Write(".keyward.yaml", "rules: [" + named + "]\n");
    Write("security/acme.yaml", rule);
    std::string base = CommitAll("base");
    Write("security/acme.yaml", weakened);
    Write("app/settings.env", "ACME_KEY=acme_k3v9x2m7q4w8z1p5r6t0\n");
    CommitAll("change");
    RunResult r = Scan({"--range", base + "..HEAD", "--format", "json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["findings"].size(), 1u) << r.out;
    EXPECT_EQ(j["findings"][0]["rule_id"], "t.acme");
    EXPECT_NE(r.err.find("notice: rules security"), std::string::npos) << r.err;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
      std::filesystem::remove_all(e.path());
    }
  }
}

TEST_F(GitCliTest, UsageErrorsExitTwo) {
  Init();
  EXPECT_EQ(Scan({"--git", "--staged"}).exit_code, 2);
  EXPECT_EQ(Scan({"--all-objects"}).exit_code, 2);
  EXPECT_EQ(Scan({"--range", "nonsense"}).exit_code, 2);
  RunResult r = Scan({"--range", "nope..HEAD"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
  TempDir not_a_repo;
  EXPECT_EQ(Scan({"--git", not_a_repo.path()}).exit_code, 2);
}

// One secret in four blob versions of one file and a copy in another path:
// the history the tests below scan. Returns the first commit that leaked it.
std::string LeakInFiveBlobs(GitCliTest* t, const std::string& token);

TEST_F(GitCliTest, HistoryGroupsOneSecretIntoOneFinding) {
  Init();
  const std::string token = FakeGithubToken(61);
  std::string first = LeakInFiveBlobs(this, token);

  RunResult r = Scan({"--git", "--format", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 1u) << r.out;
  const auto& f = j["findings"][0];
  EXPECT_EQ(f["commit"], first);
  EXPECT_EQ(f["path"], "tests/run.sh");
  EXPECT_EQ(f["line"], 2);
  EXPECT_EQ(f["occurrence_count"], 5);
  ASSERT_EQ(f["occurrences"].size(), 5u);
  EXPECT_EQ(f["occurrences"][0]["commit"], first);
  EXPECT_EQ(f["occurrences"][0]["path"], "tests/run.sh");
  EXPECT_EQ(f["occurrences"][4]["path"], "ci/env.sh");
  EXPECT_EQ(f["occurrences"][4]["line"], 3);
  for (const auto& o : f["occurrences"]) {
    for (const char* k : {"path", "line", "column", "end_line", "end_column",
                          "commit", "author", "date", "blob"}) {
      EXPECT_TRUE(o.contains(k)) << k;
    }
  }
  EXPECT_EQ(j["stats"]["findings"], 1);
  EXPECT_EQ(r.out.find(token), std::string::npos) << "secret printed";

  // JSONL: the same finding, one line.
  r = Scan({"--git", "--format", "jsonl"});
  ASSERT_EQ(r.exit_code, 1);
  ASSERT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["occurrences"].size(), 5u);

  // Text: one line, with the count, paths and first sighting.
  r = Scan({"--git"});
  ASSERT_EQ(r.exit_code, 1);
  ASSERT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_NE(r.out.find(first.substr(0, 12) + ":tests/run.sh:2:"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(5 occurrences in 2 paths, first seen " +
                       first.substr(0, 12) + " 2024-01-10)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("1 finding in"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find(token), std::string::npos) << "secret printed";
}

TEST_F(GitCliTest, AllOccurrencesListsEveryBlobAsBefore) {
  Init();
  std::string first = LeakInFiveBlobs(this, FakeGithubToken(62));
  RunResult r = Scan({"--git", "--all-occurrences", "--format", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 5u);
  std::set<std::string> blobs;
  for (const auto& f : j["findings"]) {
    EXPECT_FALSE(f.contains("occurrences"));
    blobs.insert(f["blob"].get<std::string>());
  }
  EXPECT_EQ(blobs.size(), 5u);
  r = Scan({"--git", "--all-occurrences"});
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 5) << r.out;
  EXPECT_EQ(r.out.find("occurrences in"), std::string::npos) << r.out;
  // Only for history modes.
  EXPECT_EQ(Scan({"--all-occurrences", "."}).exit_code, 2);
  EXPECT_EQ(Scan({"--staged", "--all-occurrences"}).exit_code, 2);
}

TEST_F(GitCliTest, HistorySarifIsOneResultWithRelatedLocations) {
  Init();
  std::string first = LeakInFiveBlobs(this, FakeGithubToken(63));
  RunResult r = Scan({"--git", "--format", "sarif"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  const auto& results = j["runs"][0]["results"];
  ASSERT_EQ(results.size(), 1u);
  const auto& res = results[0];
  EXPECT_EQ(res["locations"].size(), 1u);
  EXPECT_EQ(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "tests/run.sh");
  ASSERT_EQ(res["relatedLocations"].size(), 4u);
  EXPECT_EQ(
      res["relatedLocations"][3]["physicalLocation"]["artifactLocation"]["uri"],
      "ci/env.sh");
  EXPECT_EQ(
      res["relatedLocations"][3]["physicalLocation"]["region"]["startLine"], 3);
  EXPECT_EQ(res["properties"]["occurrenceCount"], 5);
  EXPECT_EQ(res["properties"]["occurrencePaths"], 2);
  EXPECT_EQ(res["properties"]["commit"], first);
  EXPECT_FALSE(res["properties"].contains("relatedLocationsOmitted"));
}

TEST_F(GitCliTest, OldPerBlobBaselineSuppressesTheGroupedFinding) {
  Init();
  const std::string token = FakeGithubToken(64);
  LeakInFiveBlobs(this, token);
  TempDir out;
  // The per-blob rows, as keyward wrote baselines before grouping.
  std::string old_baseline = out.path() + "/old.json";
  RunResult r =
      Scan({"--git", "--all-occurrences", "--baseline-out", old_baseline});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  // Grouped output writes the very same baseline: entries are per path.
  std::string new_baseline = out.path() + "/new.json";
  ASSERT_EQ(Scan({"--git", "--baseline-out", new_baseline}).exit_code, 1);
  auto old_bytes = RunProgram({"cat", old_baseline}).out;
  EXPECT_EQ(old_bytes, RunProgram({"cat", new_baseline}).out);
  EXPECT_EQ(nlohmann::json::parse(old_bytes)["entries"].size(), 2u)
      << "one entry per (rule, secret, path)";

  r = Scan({"--git", "--baseline", old_baseline, "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["findings"].empty());
  r = Scan({"--git", "--baseline", old_baseline, "--show-suppressed",
            "--format", "json"});
  EXPECT_EQ(r.exit_code, 0);
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["suppression"], "baseline");
  EXPECT_EQ(j["findings"][0]["occurrence_count"], 5);

  // The same secret copied to a path the baseline does not list is new
  // there: reported (exit 1) with that occurrence only.
  Write("docs/howto.md", "use " + token + "\n");
  std::string copied = CommitAll("copy to docs");
  r = Scan({"--git", "--baseline", old_baseline, "--format", "json"});
  EXPECT_EQ(r.exit_code, 1);
  j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 1u) << r.out;
  EXPECT_EQ(j["findings"][0]["path"], "docs/howto.md");
  EXPECT_EQ(j["findings"][0]["commit"], copied);
  EXPECT_EQ(j["findings"][0]["occurrence_count"], 1);
}

TEST_F(GitCliTest, InlineAllowedBlobVersionsGroupApart) {
  Init();
  const std::string token = FakeGithubToken(65);
  Write("a.sh", "T=" + token + "\n");
  CommitAll("leak");
  Write("a.sh", "T=" + token + "  # keyward:allow test fixture\n");
  CommitAll("allow");
  Write("a.sh", "# moved\nT=" + token + "  # keyward:allow test fixture\n");
  CommitAll("move");
  RunResult r = Scan({"--git", "--show-suppressed", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << "the first version was never allowed";
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 2u) << r.out;
  int suppressed = 0;
  for (const auto& f : j["findings"]) {
    if (f.value("suppressed", false)) {
      ++suppressed;
      EXPECT_EQ(f["occurrence_count"], 2);
    } else {
      EXPECT_EQ(f["occurrence_count"], 1);
    }
  }
  EXPECT_EQ(suppressed, 1);
}

TEST_F(GitCliTest, TicketsFromGroupedHistoryListEachPathOnce) {
  Init();
  const std::string token = FakeGithubToken(66);
  std::string first = LeakInFiveBlobs(this, token);
  TempDir out;
  RunResult r = Scan({"--git", "--tickets", out.path()});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto index = nlohmann::json::parse(
      RunProgram({"cat", out.path() + "/index.json"}).out);
  ASSERT_TRUE(index.contains("tickets")) << index.dump();
  ASSERT_EQ(index["tickets"].size(), 1u);
  std::string id = index["tickets"][0]["id"];
  auto t = nlohmann::json::parse(
      RunProgram({"cat", out.path() + "/" + id + ".json"}).out);
  ASSERT_EQ(t["locations"].size(), 2u) << t.dump(2);
  std::map<std::string, nlohmann::json> by_path;
  for (const auto& l : t["locations"]) by_path[l["path"]] = l;
  EXPECT_EQ(by_path["tests/run.sh"]["commit"], first);
  EXPECT_EQ(by_path["tests/run.sh"]["line"], 2);
  EXPECT_EQ(by_path["ci/env.sh"]["line"], 3);
  // The same from a saved grouped JSON report (keyward tickets --from).
  std::string report = out.path() + "/report.json";
  Scan({"--git", "--format", "json", "-o", report});
  TempDir out2;
  r = RunKeyward({"tickets", "--from", report, "--out", out2.path()}, "",
                 {"XDG_CACHE_HOME=" + cache_->path()}, dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto t2 = nlohmann::json::parse(
      RunProgram({"cat", out2.path() + "/" + id + ".json"}).out);
  EXPECT_EQ(t2["locations"].size(), 2u) << t2.dump(2);
}

std::string LeakInFiveBlobs(GitCliTest* t, const std::string& token) {
  std::string first;
  for (int i = 0; i < 4; ++i) {
    t->WriteFile("tests/run.sh",
                 "# run " + std::to_string(i) + "\n--token " + token + "\n");
    std::string c = t->Commit("edit " + std::to_string(i));
    if (i == 0) first = c;
  }
  t->WriteFile("ci/env.sh", "x=1\ny=2\nTOKEN=" + token + "\n");
  t->Commit("copy");
  return first;
}

}  // namespace
}  // namespace keyward::test

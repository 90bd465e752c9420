// Every keyward command line printed in README.md, docs/*.md and the
// `--help` examples runs on a fixture tree without a usage error, so the
// documentation cannot drift from the program again (issue 13: the README's
// own `--report ... --report ... .` line exited 2).
//
// Extraction: lines of ```sh (or unlabelled) code blocks and inline `code`
// spans in Markdown, and the "Examples:" lines of every help text, that run
// keyward (`keyward ...`, `... | keyward ...`, `<(keyward ...)`). Trailing
// `# comments` and help descriptions (after two spaces) are cut, `\`
// continuations joined. A code block is one scenario, run in order in one
// fresh fixture; an inline span or a help example runs alone in its own.
// A line with a placeholder (ID, FILE, ...), an outside program or a
// system path must be rewritten in kRewrites; the test fails on a new line
// it cannot run and on a rewrite the docs no longer print.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "support/archive_writer.h"
#include "support/fake_secrets.h"
#include "support/gzip.h"
#include "support/run.h"

namespace keyward {
namespace {

namespace fs = std::filesystem;
using test::RunKeyward;
using test::RunProgram;
using test::RunResult;
using test::TempDir;

struct DocCommand {
  std::string where;  // "README.md:22" or "keyward scan --help"
  std::string text;   // the cleaned command line
};

// A documented line that cannot run as printed -> what runs instead (bash).
// An empty replacement: not run (the comment says why).
const std::map<std::string, std::string> kRewrites = {
    // Outside programs.
    {"kubectl logs app | keyward scan -", "cat app.log | keyward scan -"},
    {"kubectl logs app | keyward scan - --stdin-filename app.log",
     "cat app.log | keyward scan - --stdin-filename app.log"},
    {"keyward --help; keyward COMMAND --help; man keyward",
     "keyward --help && keyward scan --help"},  // man: installed pages only
    // Rewriting an existing baseline (docs/ci.md, upgrading fingerprints):
    // the fixture has none yet.
    {"keyward scan --baseline .keyward-baseline.json --baseline-out "
     ".keyward-baseline.json .",
     "keyward scan --baseline-out .keyward-baseline.json . ; keyward scan "
     "--baseline .keyward-baseline.json --baseline-out "
     ".keyward-baseline.json ."},
    // Placeholders.
    {"keyward inventory add --name \"Warehouse sync - production - Ops\" ... "
     "--secret-stdin",
     "keyward inventory init && keyward inventory add --name \"Warehouse sync "
     "- production - Ops\" --owner ops --secret-stdin"},
    // `rules check my-rules/` is a help example of its own (it compiles
    // every rule: run once).
    {"keyward rules list | show ID | check [PATH...]",
     "keyward rules list && keyward rules show aws.access_key_id"},
    {"keyward COMMAND --help", "keyward scan --help"},
    {"keyward scan FILE...", "keyward scan file.env app.log"},
    {"keyward scan --inventory FILE", "keyward scan --inventory inv.json"},
    {"keyward inventory rotate ID",
     "keyward inventory --inventory inv.json rotate warehouse-sync "
     "--secret-stdin"},
    {"keyward inventory import export.csv [--owner ops --environment "
     "production ...]",
     "keyward inventory init && keyward inventory import export.csv --owner "
     "ops --environment production"},
    {"keyward inventory audit [--format json] [--fail-on SEVERITY]",
     "keyward inventory init && keyward inventory audit --format json "
     "--fail-on high"},
    // Names the command group in prose, not a command line.
    {"keyward inventory", ""},
    // System paths: written to the fixture instead.
    {"keyward completion bash > "
     "/usr/share/bash-completion/completions/keyward",
     "keyward completion bash > keyward.bash"},
    {"keyward completion fish > ~/.config/fish/completions/keyward.fish",
     "keyward completion fish > keyward.fish"},
    // Audits (docs/audit.md): the fixture repository is the one target.
    {"keyward audit --targets targets.txt --out results",
     "echo . > targets.txt && keyward audit --targets targets.txt --out "
     "results"},
    {"keyward audit --targets targets.txt --shard 0/4 --out results",
     "echo . > targets.txt && keyward audit --targets targets.txt --shard 0/4 "
     "--out results"},
    {"keyward audit --targets targets.txt --out results --report "
     "json=audit.json",
     "echo . > targets.txt && keyward audit --targets targets.txt --out "
     "results --report json=audit.json"},
    // A fingerprint the merge before it stored.
    {"keyward triage hmac-sha256:0123abcd --state revoked --note \"rotated "
     "in the provider\"",
     "keyward triage \"$(keyward findings list --format json | sed -n "
     "'s/.*\"fingerprint\": \"\\(.*\\)\".*/\\1/p' | head -n 1)\" --state "
     "revoked --note \"rotated in the provider\""},
    // zsh is not installed here; its script is checked in
    // output_options_test.cc.
    {"source <(keyward completion zsh)", ""},
};

// Lines that need what the lines before them set up: rewritten only where
// they run alone (an inline span or a help example); in a code block they
// run as printed, after the block's earlier lines.
const std::map<std::string, std::string> kAloneRewrites = {
    {"keyward scan --baseline .keyward-baseline.json .",
     "keyward scan --baseline-out .keyward-baseline.json . >/dev/null; "
     "keyward scan --baseline .keyward-baseline.json ."},
    {"keyward inventory add",
     "keyward inventory init && keyward inventory add --name \"Mailer - "
     "staging - Web\" --owner web --secret-stdin"},
    {"keyward inventory audit",
     "keyward inventory init && keyward inventory audit"},
    {"keyward merge --in results --report sarif=audit.sarif",
     "echo . > targets.txt && keyward audit --targets targets.txt --out "
     "results && keyward merge --in results --report sarif=audit.sarif"},
    {"keyward merge --in results --report json=audit.json --report "
     "sarif=audit.sarif",
     "echo . > targets.txt && keyward audit --targets targets.txt --out "
     "results && keyward merge --in results --report json=audit.json "
     "--report sarif=audit.sarif"},
};

// True for a line that runs keyward (not "keyward: ..." output).
bool RunsKeyward(const std::string& line) {
  static const std::regex re(R"((^|\| |<\()keyward [A-Za-z-])");
  return std::regex_search(line, re);
}

std::string Clean(std::string s) {
  if (s.rfind("$ ", 0) == 0) s = s.substr(2);
  static const std::regex comment(R"(\s+#\s.*$)");
  static const std::regex described(R"(\s{2,}\S.*$)");
  s = std::regex_replace(s, comment, "");
  s = std::regex_replace(s, described, "");
  size_t end = s.find_last_not_of(" \t");
  return end == std::string::npos ? "" : s.substr(0, end + 1);
}

// Code blocks (each a scenario) and inline spans of one Markdown file.
void FromMarkdown(const std::string& rel,
                  std::vector<std::vector<DocCommand>>* blocks,
                  std::vector<DocCommand>* inline_spans) {
  std::ifstream in(std::string(KEYWARD_SOURCE_DIR) + "/" + rel);
  ASSERT_TRUE(in) << rel;
  std::string line, pending;
  bool in_block = false, shell_block = false;
  std::vector<DocCommand> block;
  static const std::regex span("`([^`]+)`");
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.rfind("```", 0) == 0) {
      if (!in_block) {
        std::string lang = line.substr(3);
        shell_block = lang.empty() || lang == "sh" || lang == "bash" ||
                      lang == "console" || lang == "shell";
      } else if (!block.empty()) {
        blocks->push_back(std::move(block));
        block.clear();
      }
      in_block = !in_block;
      continue;
    }
    if (in_block) {
      if (!shell_block) continue;
      // A continuation line joins without its indentation.
      std::string text =
          pending.empty()
              ? line
              : pending + line.substr(std::min(line.find_first_not_of(" \t"),
                                               line.size()));
      if (!text.empty() && text.back() == '\\') {
        text.pop_back();
        pending = text;
        continue;
      }
      pending.clear();
      if (RunsKeyward(text)) {
        block.push_back({rel + ":" + std::to_string(n), Clean(text)});
      }
      continue;
    }
    for (auto it = std::sregex_iterator(line.begin(), line.end(), span);
         it != std::sregex_iterator(); ++it) {
      std::string text = (*it)[1];
      if (RunsKeyward(text) && text.rfind("keyward", 0) == 0) {
        inline_spans->push_back({rel + ":" + std::to_string(n), Clean(text)});
      }
    }
  }
}

// The example lines of `keyward ARGS --help` and of every subcommand below.
void FromHelp(const std::vector<std::string>& args,
              std::vector<DocCommand>* out) {
  std::vector<std::string> argv = args;
  argv.push_back("--help");
  RunResult r = RunKeyward(argv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string where = "keyward";
  for (const auto& a : argv) where += " " + a;
  std::istringstream in(r.out);
  std::string line;
  bool examples = false, subcommands = false;
  std::vector<std::string> subs;
  while (std::getline(in, line)) {
    if (line == "Examples:") {
      examples = true;
      continue;
    }
    if (line == "Subcommands:") {
      subcommands = true;
      continue;
    }
    if (line.rfind("  ", 0) != 0) {
      examples = subcommands = false;
      continue;
    }
    std::string body = line.substr(2);
    if (examples && RunsKeyward(body)) out->push_back({where, Clean(body)});
    if (subcommands) subs.push_back(body.substr(0, body.find(' ')));
  }
  for (const auto& s : subs) {
    std::vector<std::string> next = args;
    next.push_back(s);
    FromHelp(next, out);
  }
}

// The fixture: a git repository with a committed leak since origin/main, a
// staged one, logs, env files, an inventory with one credential, a saved
// report, a CSV export and a rule directory. Built once, copied per run.
class DocCommandsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    template_ = new TempDir();
    std::string repo = template_->path() + "/repo";
    auto git = [&](std::vector<std::string> args) {
      args.insert(args.begin(), "git");
      RunResult r = RunProgram(args, "", {}, repo);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    };
    fs::create_directories(repo);
    git({"init", "-q"});
    git({"config", "user.email", "dev@example.org"});
    git({"config", "user.name", "Dev"});
    git({"config", "commit.gpgsign", "false"});
    auto write = [&](const std::string& rel, const std::string& text) {
      template_->Write("repo/" + rel, text);
    };
    write("README.md", "# demo\n");
    write("docs/setup.md", "Run make.\n");
    git({"add", "."});
    git({"commit", "-q", "-m", "start"});
    git({"update-ref", "refs/remotes/origin/main", "HEAD"});
    write("src/app.py", "TOKEN = '" + test::FakeGithubToken(61) + "'\n");
    git({"add", "."});
    git({"commit", "-q", "-m", "leak"});
    write("staged.env", "GH=" + test::FakeGithubToken(62) + "\n");
    git({"add", "staged.env"});
    write("file.env", "GH=" + test::FakeGithubToken(63) + "\n");
    write("app.log", "login token=" + test::FakeGithubToken(64) + "\n");
    write("token.txt", test::FakeGithubToken(65) + "\n");
    write("logs/app.log.gz", test::Gzip("GH=" + test::FakeGithubToken(66)));
    write("release.zip",
          test::MakeArchive(test::ArchiveFormat::kZip,
                            {{"app/.env", "GH=" + test::FakeGithubToken(67)}}));
    write("dist/app.js.map",
          R"({"version":3,"sources":["src/a.ts"],"sourcesContent":["x"]})");
    write("export.csv",
          "name,password,url\nBilling,Zq8#vL2m!pR7xW4k,https://billing\n");
    write("my-rules/widget.yaml", R"(rules:
  - id: local.widget
    name: Widget key
    provider: Local
    kind: api-key
    severity: high
    pattern: '\b(wdg_[a-z0-9]{20})\b'
    examples: ['wdg_k3j5h7g9f2d4s6a8p0o1']
)");
    for (const std::string inv : {"inv.json", "ops/keyward-inventory.json"}) {
      fs::create_directories(fs::path(repo + "/" + inv).parent_path());
      ASSERT_EQ(
          RunKeyward({"inventory", "--inventory", inv, "init"}, "", {}, repo)
              .exit_code,
          0);
      RunResult add = RunKeyward(
          {"inventory", "--inventory", inv, "add", "--id", "warehouse-sync",
           "--name", "Warehouse sync - production - Ops", "--owner", "ops",
           "--environment", "production", "--secret-stdin"},
          test::FakeGithubToken(61) + "\n", {}, repo);
      ASSERT_EQ(add.exit_code, 0) << add.err;
    }
    RunResult report = RunKeyward(
        {"scan", "--format", "json", "-o", "report.json", "src"}, "", {}, repo);
    ASSERT_EQ(report.exit_code, 1) << report.err;
    std::string bin = template_->path() + "/bin";
    fs::create_directories(bin);
    fs::create_symlink(KEYWARD_BINARY, bin + "/keyward");
  }
  static void TearDownTestSuite() {
    delete template_;
    template_ = nullptr;
  }

  // A fresh copy of the fixture repository.
  std::string FreshRepo(const TempDir& dir) {
    std::string repo = dir.path() + "/repo";
    fs::copy(template_->path() + "/repo", repo, fs::copy_options::recursive);
    return repo;
  }

  // Runs one command line (bash) in `repo`, with keyward on PATH and a
  // GitHub-shaped token on stdin; checks the exit code and named outputs.
  void RunDocumented(const DocCommand& c, const std::string& repo,
                     const std::string& home, bool alone) {
    SCOPED_TRACE(c.where + ": " + c.text);
    std::string command = c.text;
    if (auto it = kRewrites.find(c.text); it != kRewrites.end()) {
      if (it->second.empty()) return;
      command = it->second;
    } else if (auto a = kAloneRewrites.find(c.text);
               alone && a != kAloneRewrites.end()) {
      command = a->second;
    }
    static const std::regex placeholder(
        R"(\b(ID|FILE|PATH|COMMAND|SEVERITY|DIR)\b|\.\.\.|\[|kubectl|/usr/|~/)");
    ASSERT_FALSE(std::regex_search(command, placeholder))
        << "cannot run as printed: add a rewrite to kRewrites";
    const char* path = std::getenv("PATH");
    std::string env_path =
        "PATH=" + template_->path() + "/bin:" + (path ? path : "/usr/bin:/bin");
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* real_home = std::getenv("HOME");
    // The compiled rule database stays where it is cached already.
    std::string cache = xdg && *xdg ? xdg
                        : real_home ? std::string(real_home) + "/.cache"
                                    : home + "/.cache";
    RunResult r =
        RunProgram({"bash", "-c", command}, test::FakeGithubToken(66) + "\n",
                   {env_path, "HOME=" + home, "XDG_CACHE_HOME=" + cache,
                    "CI=true", "KEYWARD_INVENTORY="},
                   repo);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1)
        << "exit " << r.exit_code << "\n"
        << r.err;
    EXPECT_EQ(r.err.find("error:"), std::string::npos) << r.err;
    // What the command says it writes is there afterwards.
    static const std::regex outputs(
        R"((?:^|\s)(?:-o|--output|--baseline-out|--out|--tickets|>)\s+(\S+)|--report [a-z]+=(\S+))");
    for (auto it =
             std::sregex_iterator(command.begin(), command.end(), outputs);
         it != std::sregex_iterator(); ++it) {
      std::string out = (*it)[1].matched ? (*it)[1] : (*it)[2];
      EXPECT_TRUE(fs::exists(repo + "/" + out)) << out << " not written";
    }
  }

  static TempDir* template_;
};

TempDir* DocCommandsTest::template_ = nullptr;

TEST_F(DocCommandsTest, EveryDocumentedCommandLineRuns) {
  std::vector<std::string> docs = {"README.md"};
  for (const auto& e :
       fs::directory_iterator(std::string(KEYWARD_SOURCE_DIR) + "/docs")) {
    if (e.path().extension() == ".md") {
      docs.push_back("docs/" + e.path().filename().string());
    }
  }
  std::sort(docs.begin(), docs.end());
  std::vector<std::vector<DocCommand>> blocks;
  std::vector<DocCommand> singles;
  for (const auto& d : docs) FromMarkdown(d, &blocks, &singles);
  FromHelp({}, &singles);
  size_t block_lines = 0;
  for (const auto& b : blocks) block_lines += b.size();
  // The README's usage block alone has 18.
  ASSERT_GE(block_lines, 25u);
  ASSERT_GT(singles.size(), 30u);

  std::set<std::string> seen;
  for (const auto& block : blocks) {
    TempDir dir;
    std::string repo = FreshRepo(dir);
    for (const auto& c : block) {
      seen.insert(c.text);
      RunDocumented(c, repo, dir.path(), /*alone=*/false);
    }
  }
  std::set<std::string> ran_alone;
  for (const auto& c : singles) {
    seen.insert(c.text);
    if (!ran_alone.insert(c.text).second) continue;
    TempDir dir;
    RunDocumented(c, FreshRepo(dir), dir.path(), /*alone=*/true);
  }
  for (const auto* table : {&kRewrites, &kAloneRewrites}) {
    for (const auto& [doc, rewrite] : *table) {
      EXPECT_TRUE(seen.count(doc)) << "no longer documented: " << doc;
    }
  }
}

// The extraction itself: a drifted line is caught, not skipped.
TEST(DocCommandExtractionTest, CleansCommentsDescriptionsAndOutput) {
  EXPECT_EQ(Clean("keyward scan --git .        full history: one line"),
            "keyward scan --git .");
  EXPECT_EQ(Clean("keyward scan src/ docs/     # files and directories"),
            "keyward scan src/ docs/");
  EXPECT_EQ(Clean("$ keyward scan ."), "keyward scan .");
  EXPECT_TRUE(RunsKeyward("kubectl logs app | keyward scan -"));
  EXPECT_TRUE(RunsKeyward("source <(keyward completion bash)"));
  EXPECT_FALSE(RunsKeyward("keyward: 1 finding in 1 file"));
  EXPECT_FALSE(RunsKeyward("git commit --no-verify"));
}

// Each `keyward:allow` line docs/ci.md shows (one per comment syntax)
// suppresses the key on it, and the same line without the marker does not.
TEST(DocAllowSyntaxTest, EveryDocumentedCommentSyntaxSuppresses) {
  std::ifstream in(std::string(KEYWARD_SOURCE_DIR) + "/docs/ci.md");
  ASSERT_TRUE(in);
  std::string line;
  std::vector<std::string> examples;
  static const std::regex row(R"(^\|[^|]+\| `([^`]*keyward:allow[^`]*)` \|$)");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, row)) examples.push_back(m[1]);
  }
  ASSERT_GE(examples.size(), 7u);
  TempDir dir;
  std::string key = test::FakeAwsKeyId(71);
  for (std::string text : examples) {
    SCOPED_TRACE(text);
    size_t at = text.find("AKIA...");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 7, key);
    dir.Write("sample.src", text + "\n");
    auto allowed = RunKeyward({"scan", "sample.src"}, "", {}, dir.path());
    EXPECT_EQ(allowed.exit_code, 0) << allowed.out << allowed.err;
    EXPECT_NE(allowed.err.find("1 suppressed"), std::string::npos)
        << allowed.err;
    std::string bare = text.substr(0, text.find("keyward:allow"));
    dir.Write("sample.src", bare + "\n");
    auto found = RunKeyward({"scan", "sample.src"}, "", {}, dir.path());
    EXPECT_EQ(found.exit_code, 1) << found.out << found.err;
  }
}

}  // namespace
}  // namespace keyward

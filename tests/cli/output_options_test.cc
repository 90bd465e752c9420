// End-to-end: what a person sees around the findings: --quiet, --color, the
// count grammar, the allow hint with the fingerprint, shell completion, and
// the inventory lock file that must not linger.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/fake_secrets.h"
#include "support/run.h"

namespace keyward {
namespace {

using test::FakeGithubToken;
using test::RunKeyward;
using test::RunProgram;
using test::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

std::string FingerprintOf(const std::string& dir, const std::string& file) {
  auto r = RunKeyward({"scan", "--format", "json", file}, "", {}, dir);
  return nlohmann::json::parse(r.out)["findings"][0]["fingerprint"];
}

TEST(OutputOptionsTest, SummaryGrammarAndAllowHintWithTheFingerprint) {
  TempDir dir;
  std::string token = FakeGithubToken(41);
  dir.Write("one.env", "GH_TOKEN=" + token + "\n");
  dir.Write("two.env",
            "A=" + FakeGithubToken(42) + "\nB=" + FakeGithubToken(43) + "\n");
  auto one = RunKeyward({"scan", "one.env"}, "", {}, dir.path());
  EXPECT_EQ(one.exit_code, 1) << one.err;
  EXPECT_THAT(one.err, HasSubstr("keyward: 1 finding in 1 file ("));
  // The hint names the fingerprint to put in `allow:`, never the secret.
  std::string fp = FingerprintOf(dir.path(), "one.env");
  ASSERT_EQ(fp.rfind("hmac-sha256:", 0), 0u);
  EXPECT_THAT(one.err, HasSubstr("allow:\n    - fingerprint: " + fp));
  EXPECT_THAT(one.err, HasSubstr("keyward:allow"));
  EXPECT_THAT(one.out + one.err, Not(HasSubstr(token)));

  auto two = RunKeyward({"scan", "two.env", "one.env"}, "", {}, dir.path());
  EXPECT_THAT(two.err, HasSubstr("keyward: 3 findings in 2 files ("));
  EXPECT_THAT(two.err, Not(HasSubstr("1 findings")));
}

TEST(OutputOptionsTest, QuietDropsTheSummaryAndHintButNotFindings) {
  TempDir dir;
  dir.Write("one.env", "GH_TOKEN=" + FakeGithubToken(44) + "\n");
  for (const char* flag : {"--quiet", "-q"}) {
    auto r = RunKeyward({"scan", flag, "one.env"}, "", {}, dir.path());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_THAT(r.out, HasSubstr("one.env:1:"));
    EXPECT_EQ(r.err, "") << flag;
  }
  // Errors still show.
  auto missing = RunKeyward({"scan", "-q", "nope"}, "", {}, dir.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("nope"));
}

TEST(OutputOptionsTest, ColorFollowsTheFlagAndNoColor) {
  TempDir dir;
  dir.Write("one.env", "GH_TOKEN=" + FakeGithubToken(45) + "\n");
  const std::string kEsc = "\033[";
  auto always =
      RunKeyward({"scan", "--color", "always", "one.env"}, "", {}, dir.path());
  EXPECT_EQ(always.exit_code, 1);
  // github.pat.classic is critical: bold red around the rule id, a reset.
  EXPECT_THAT(always.out, HasSubstr("\033[1;31mgithub.pat.classic\033[0m"));
  auto never =
      RunKeyward({"scan", "--color", "never", "one.env"}, "", {}, dir.path());
  EXPECT_THAT(never.out, Not(HasSubstr(kEsc)));
  EXPECT_THAT(never.out, HasSubstr("github.pat.classic"));
  // auto: the output here is a pipe, not a terminal.
  auto piped = RunKeyward({"scan", "one.env"}, "", {}, dir.path());
  EXPECT_THAT(piped.out, Not(HasSubstr(kEsc)));
  // auto on a terminal: coloured unless NO_COLOR is set. `script` gives the
  // command a pseudo-terminal.
  if (access("/usr/bin/script", X_OK) == 0) {
    std::string cmd = std::string(KEYWARD_BINARY) + " scan -q one.env";
    auto tty =
        RunProgram({"script", "-qec", cmd, "/dev/null"}, "", {}, dir.path());
    EXPECT_THAT(tty.out, HasSubstr("\033[1;31mgithub.pat.classic"));
    auto no_color = RunProgram({"script", "-qec", cmd, "/dev/null"}, "",
                               {"NO_COLOR=1"}, dir.path());
    EXPECT_THAT(no_color.out, HasSubstr("github.pat.classic"));
    EXPECT_THAT(no_color.out, Not(HasSubstr(kEsc)));
  }
  // JSON never carries colour, whatever the flag.
  auto json =
      RunKeyward({"scan", "--color", "always", "--format", "json", "one.env"},
                 "", {}, dir.path());
  EXPECT_THAT(json.out, Not(HasSubstr(kEsc)));
  auto bad = RunKeyward({"scan", "--color", "sometimes", "one.env"}, "", {},
                        dir.path());
  EXPECT_EQ(bad.exit_code, 2);
}

// Subcommands listed in `keyward --help`.
std::vector<std::string> HelpSubcommands(const std::string& help) {
  std::vector<std::string> out;
  std::istringstream in(help.substr(help.find("Subcommands:")));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line) && !line.empty()) {
    std::istringstream words(line);
    std::string name;
    if (words >> name) out.push_back(name);
  }
  return out;
}

TEST(OutputOptionsTest, BashCompletionParsesAndCompletesEverySubcommand) {
  TempDir dir;
  auto help = RunKeyward({"--help"});
  std::vector<std::string> subcommands = HelpSubcommands(help.out);
  ASSERT_GE(subcommands.size(), 6u) << help.out;
  EXPECT_THAT(subcommands, ::testing::Contains("completion"));

  auto bash = RunKeyward({"completion", "bash"});
  ASSERT_EQ(bash.exit_code, 0) << bash.err;
  std::string script = dir.Write("keyward.bash", bash.out);
  auto syntax = RunProgram({"bash", "-n", script});
  EXPECT_EQ(syntax.exit_code, 0) << syntax.err;
  for (const auto& name : subcommands) {
    // Offered first, and a case arm of its own for its options.
    EXPECT_THAT(bash.out, HasSubstr("\"" + name + " \"*)")) << name;
  }
  // Loaded into bash, it answers like a shell would ask.
  auto complete = [&](const std::string& words, int cword) {
    std::string program = "source " + script + "; COMP_WORDS=(" + words +
                          "); COMP_CWORD=" + std::to_string(cword) +
                          "; _keyward; echo \"${COMPREPLY[*]}\"";
    return RunProgram({"bash", "-c", program}).out;
  };
  EXPECT_EQ(complete("keyward sc", 1), "scan\n");
  EXPECT_EQ(complete("keyward inventory ro", 2), "rotate\n");
  EXPECT_THAT(complete("keyward scan --col", 2), HasSubstr("--color"));
  EXPECT_EQ(complete("keyward completion z", 2), "zsh\n");
  EXPECT_EQ(complete("keyward scan sr", 2), "\n");  // a path: files

  for (const char* shell : {"zsh", "fish"}) {
    auto r = RunKeyward({"completion", shell});
    ASSERT_EQ(r.exit_code, 0) << shell;
    for (const auto& name : subcommands) {
      EXPECT_THAT(r.out, HasSubstr(name)) << shell << " " << name;
    }
    std::string bin = std::string("/usr/bin/") + shell;
    if (access(bin.c_str(), X_OK) == 0) {
      std::string file = dir.Write(std::string("keyward.") + shell, r.out);
      EXPECT_EQ(RunProgram({bin, "-n", file}).exit_code, 0) << shell;
    }
  }
  EXPECT_THAT(RunKeyward({"completion", "fish"}).out,
              HasSubstr("__fish_seen_subcommand_from scan' -l color"));
  EXPECT_EQ(RunKeyward({"completion", "powershell"}).exit_code, 2);
}

TEST(OutputOptionsTest, InventoryLockFileDoesNotLinger) {
  TempDir dir;
  std::string inv = dir.path() + "/inv.json";
  auto init = RunKeyward({"inventory", "--inventory", inv, "init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto add = RunKeyward(
      {"inventory", "--inventory", inv, "add", "--name",
       "Warehouse sync - production - Ops", "--owner", "ops", "--secret-stdin"},
      FakeGithubToken(46) + "\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(e.path().filename().string());
  }
  EXPECT_THAT(names, ::testing::ElementsAre("inv.json"));
}

}  // namespace
}  // namespace keyward

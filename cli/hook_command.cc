// `keyward install-hook`: writes .git/hooks/pre-commit running
// `keyward scan --staged`.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "keyward/config.h"

namespace keyward::cli {
namespace {

namespace fs = std::filesystem;

// How the hook should call us: plain "keyward" when that is what PATH finds
// (survives upgrades and moves), else this binary's absolute path.
std::string SelfCommand() {
  std::error_code ec;
  fs::path self = fs::canonical("/proc/self/exe", ec);
  if (ec) return "keyward";
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      if (dir.empty()) continue;
      fs::path candidate = fs::path(dir) / "keyward";
      if (access(candidate.c_str(), X_OK) == 0 &&
          fs::equivalent(candidate, self, ec)) {
        return "keyward";
      }
    }
  }
  return self.string();
}

struct HookArgs {
  bool force = false;
  std::string repo = ".";
};

int RunInstallHook(const HookArgs& args) {
  auto installed = InstallPreCommitHook(args.repo, SelfCommand(), args.force);
  if (!installed.ok()) {
    // A foreign hook we refused to touch is a problem, not a usage error.
    bool refused = installed.status().code() == Status::Code::kInvalidArgument;
    int code = Fail(installed.status().message());
    return refused ? 1 : code;
  }
  if (!installed->backup.empty()) {
    std::cerr << "keyward: saved the previous hook as " << installed->backup
              << "\n";
  }
  std::cerr << "keyward: " << installed->path
            << (installed->changed ? ": installed" : ": already up to date")
            << " (runs `keyward scan --staged` before each commit)\n";
  return 0;
}

}  // namespace

void RegisterHook(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<HookArgs>();
  CLI::App* cmd = app.add_subcommand(
      "install-hook",
      "Install a git pre-commit hook that blocks commits adding credentials");
  cmd->add_flag("--force", args->force,
                "Replace an existing pre-commit hook that keyward did not "
                "write (it is saved as pre-commit.keyward-backup)");
  cmd->add_option("--repo", args->repo,
                  "Repository to install into (default: the one holding the "
                  "current directory)")
      ->capture_default_str();
  cmd->footer(
      "Examples:\n"
      "  keyward install-hook            in the repository to protect\n"
      "  keyward install-hook --force    replace another pre-commit hook\n"
      "  git commit --no-verify          skip the hook once, knowingly\n"
      "With the pre-commit framework, use the `keyward` hook from this\n"
      "repository's .pre-commit-hooks.yaml instead (docs/ci.md).\n"
      "Exit codes: 0 installed or up to date, 1 another hook is in the way,\n"
      "2 not a git repository or I/O error.");
  cmd->callback([args, &ctx] { ctx.exit_code = RunInstallHook(*args); });
}

}  // namespace keyward::cli

// keyward: find leaked credentials, match them to the inventory, hand out
// tickets. Parses the command line, runs the subcommand, maps to exit codes.
#include <hs/hs.h>

#include <exception>
#include <iostream>
#include <string>

#include "base/visible_text.h"
#include "cli/commands.h"

namespace keyward::cli {

int Fail(const std::string& msg) {
  // Messages quote file names from scanned trees: no raw control bytes.
  std::cerr << "keyward: error: " << VisibleText(msg, true) << "\n";
  return 2;
}

void Warn(const std::string& msg) {
  std::cerr << "keyward: warning: " << VisibleText(msg) << "\n";
}

// Every repeatable option takes exactly one value per occurrence: a vector
// option would otherwise swallow the paths after it (`--report sarif=x .`
// read `.` as a second report, `--rules r.yaml leak.env` read the file as a
// rule file).
void OneValuePerOccurrence(CLI::App* app) {
  for (CLI::Option* opt : app->get_options()) {
    if (!opt->get_positional() && opt->get_items_expected_max() > 1) {
      opt->allow_extra_args(false);
    }
  }
  for (CLI::App* sub : app->get_subcommands({})) OneValuePerOccurrence(sub);
}

}  // namespace keyward::cli

int main(int argc, char** argv) {
  using namespace keyward::cli;
  CLI::App app{
      "keyward: find leaked credentials in files, logs and git history,\n"
      "match them against the credential inventory, and emit revoke/rotate\n"
      "tickets and SARIF.",
      "keyward"};
  app.set_version_flag("--version", std::string("keyward ") + KEYWARD_VERSION +
                                        " (Hyperscan " + hs_version() + ")");
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  keyward scan .                      scan a tree (exit 1 on findings)\n"
      "  cat app.log | keyward scan -        scan stdin\n"
      "  keyward scan --format json -o r.json src/\n"
      "  keyward rules list\n"
      "  keyward install-hook                block commits that add secrets\n"
      "  keyward scan --baseline-out .keyward-baseline.json .   adopt\n"
      "  source <(keyward completion bash)   shell completion (zsh, fish)\n"
      "  keyward audit --targets targets.txt --shard 0/4 --out results\n"
      "  keyward merge --in results --report sarif=audit.sarif\n"
      "Run `keyward COMMAND --help` for a command's options and examples;\n"
      "configuration (.keyward.yaml), hooks and CI: docs/ci.md, man keyward.\n"
      "Exit codes: 0 nothing found, 1 findings, 2 usage or input error.");
  Context ctx;
  RegisterScan(app, ctx);
  RegisterRules(app, ctx);
  RegisterInventory(app, ctx);
  RegisterTickets(app, ctx);
  RegisterRevoke(app, ctx);
  RegisterHook(app, ctx);
  RegisterAudit(app, ctx);
  RegisterMerge(app, ctx);
  RegisterStore(app, ctx);
  RegisterCompletion(app, ctx);
  OneValuePerOccurrence(&app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const std::exception& e) {
    // A dependency may still throw (JSON, YAML, allocation): never abort.
    return Fail(std::string("internal error: ") + e.what());
  } catch (...) {
    return Fail("internal error: an unknown exception");
  }
  return ctx.exit_code;
}

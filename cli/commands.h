// The keyward command line: one Register function per subcommand. Each adds
// its subcommand and options to the app and a callback that sets
// ctx.exit_code (0 clean, 1 findings/problems, 2 usage/config/input error).
// All logic lives in the library; these files only parse flags, call it and
// print.
#ifndef KEYWARD_CLI_COMMANDS_H_
#define KEYWARD_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "keyward/finding.h"
#include "keyward/matcher.h"
#include "keyward/rules.h"
#include "keyward/status.h"

namespace keyward::cli {

struct Context {
  int exit_code = 0;
};

// "1 finding", "3 findings": a count with its noun in the right number.
// `plural` defaults to `singular` + "s".
inline std::string CountOf(uint64_t n, const std::string& singular,
                           const std::string& plural = "") {
  return std::to_string(n) + " " +
         (n == 1           ? singular
          : plural.empty() ? singular + "s"
                           : plural);
}

// Prints "keyward: error: <msg>" on stderr and returns 2.
int Fail(const std::string& msg);
void Warn(const std::string& msg);

// Loads the fingerprint key (LoadFingerprintKey: $KEYWARD_FINGERPRINT_KEY,
// $KEYWARD_FINGERPRINT_KEY_FILE, else the per-user key file, created on
// first use with a notice) and installs it for this process. Commands that
// write or read fingerprints call it before anything else.
Status InstallFingerprintKey();

// The built-in rules plus `extra` rule files/directories (later ids
// override), minus `disabled`, validated.
// `builtin` says whether the built-in rules' regexes are compiled and their
// examples loaded (rules check, rules show); a scan needs neither.
// `disabled_where` ("file:line" per id, may be shorter) names where an
// unknown id was written.
Result<RuleSet> LoadRules(const std::vector<std::string>& extra,
                          const std::vector<std::string>& disabled,
                          const BuiltinOptions& builtin = {},
                          const std::vector<std::string>& disabled_where = {});
// The rule databases compiled at build time (scanner/gen/dbgen.cc), linked
// in by cli/prebuilt/prebuilt_db.cc; empty when the build made none.
std::string_view PrebuiltDatabases();
// Compiles rules, using the prebuilt databases and the on-disk database
// cache unless `no_cache`.
Result<std::unique_ptr<Matcher>> BuildMatcher(const RuleSet& rules,
                                              bool no_cache);

void RegisterScan(CLI::App& app, Context& ctx);
void RegisterRules(CLI::App& app, Context& ctx);
void RegisterInventory(CLI::App& app, Context& ctx);
void RegisterTickets(CLI::App& app, Context& ctx);
// `scan --tickets DIR` / `--report tickets=DIR` (cli/tickets_command.cc):
// merges the scan's findings into the ticket directory, all formats.
// `security_team` empty: "security-team".
Status WriteScanTickets(const std::string& dir,
                        const std::vector<Finding>& findings,
                        const std::vector<Rule>& rules,
                        const std::string& security_team);
void RegisterHook(CLI::App& app, Context& ctx);
// `keyward audit`, `keyward merge` (cli/audit_command.cc) and the findings
// store's `keyward triage`, `keyward findings list` (cli/store_command.cc).
void RegisterAudit(CLI::App& app, Context& ctx);
void RegisterMerge(CLI::App& app, Context& ctx);
void RegisterStore(CLI::App& app, Context& ctx);
// `keyward revoke` (cli/revoke_command.cc).
void RegisterRevoke(CLI::App& app, Context& ctx);
// `keyward completion bash|zsh|fish`; reads `app`'s subcommands and options
// when it runs, so register it last.
void RegisterCompletion(CLI::App& app, Context& ctx);

}  // namespace keyward::cli

#endif  // KEYWARD_CLI_COMMANDS_H_

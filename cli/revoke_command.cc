// `keyward revoke`: make a leaked key stop working, with the provider's own
// revocation call (the `revoke:` part of a rule's `verify:` block). Never
// automatic: each key is confirmed on the terminal (or --yes, for
// automation); the result goes to the inventory (status revoked, date)
// and to the tickets. Secrets are found the way `scan` finds them.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "cli/commands.h"
#include "cli/verify_options.h"
#include "keyward/date.h"
#include "keyward/inventory.h"
#include "keyward/scan.h"

namespace keyward::cli {
namespace {

struct RevokeArgs {
  std::vector<std::string> paths;
  bool yes = false;
  std::string inventory;
  std::string tickets;
  std::string today;  // hidden, for tests
  VerifyArgs verify;  // redirects, CA file, timeout
};

// "y" or "yes" on the terminal (never stdin: it may carry the secrets).
bool Confirm(const std::string& question, FILE* tty) {
  std::cerr << question << " [y/N] " << std::flush;
  char buf[16] = {0};
  if (!tty || !std::fgets(buf, sizeof buf, tty)) return false;
  std::string answer(buf);
  return answer == "y\n" || answer == "yes\n" || answer == "Y\n";
}

// The inventory a match came from: --inventory, $KEYWARD_INVENTORY, else
// ./keyward-inventory.json (as AnnotateFromInventory picks it).
std::string InventoryFile(const std::string& flag) {
  if (!flag.empty()) return flag;
  InventoryEnv env = InventoryEnv::FromEnvironment();
  if (!env.path.empty()) return env.path;
  return "keyward-inventory.json";
}

int RunRevoke(const RevokeArgs& args) {
  if (Status s = InstallFingerprintKey(); !s.ok()) return Fail(s.ToString());
  auto rules = LoadRules({}, {});
  if (!rules.ok()) return Fail(rules.status().message());
  auto matcher = BuildMatcher(*rules, false);
  if (!matcher.ok()) return Fail(matcher.status().message());
  ScanOptions opts;
  opts.warn = [](const std::string& msg) { Warn(msg); };
  Scanner scanner(**matcher, opts);
  ScanResult result;
  std::vector<std::string> paths = args.paths;
  if (paths.empty()) paths.push_back("-");
  if (Status s = scanner.ScanPaths(paths, &result); !s.ok()) {
    return Fail(s.ToString());
  }
  Status s = AnnotateFromInventory(
      args.inventory, InventoryEnv::FromEnvironment(), &result.findings);
  if (!s.ok()) return Fail(s.ToString());
  auto options = MakeVerifyOptions(args.verify);
  if (!options.ok()) return Fail(options.status().ToString());
  const std::string today =
      args.today.empty() ? SystemClock().Today() : args.today;

  std::unique_ptr<FILE, int (*)(FILE*)> tty(
      args.yes ? nullptr : std::fopen("/dev/tty", "r"), &std::fclose);
  if (!args.yes && !tty) {
    return Fail("confirm each revocation on a terminal, or pass --yes");
  }
  std::map<std::string, std::string> done;  // rule+secret -> verdict
  std::vector<Finding> revoked;
  int candidates = 0, failures = 0;
  for (Finding& f : result.findings) {
    const Rule* rule = rules->Find(f.rule_id);
    if (!rule || rule->verify.empty()) continue;
    auto spec = ParseVerifySpec(rule->verify);
    if (!spec.ok() || !spec->can_revoke) continue;
    const std::string key = f.rule_id + '\n' + f.identifier + '\n' + f.secret;
    if (done.count(key)) continue;  // one key, found in several places
    candidates++;
    std::string where = f.path + ":" + std::to_string(f.line);
    if (!args.yes && !Confirm("Revoke " + f.rule_id + " " + f.redacted + " (" +
                                  where + ") with " + f.provider + "?",
                              tty.get())) {
      done[key] = "skipped";
      std::cout << where << "  " << f.rule_id << "  " << f.redacted
                << "  skipped\n";
      continue;
    }
    VerifyOutcome o = RevokeSecret(*spec, f.secret, f.identifier, *options);
    done[key] = o.status;
    std::cout << where << "  " << f.rule_id << "  " << f.redacted << "  "
              << o.status << (o.detail.empty() ? "" : " (" + o.detail + ")")
              << "\n";
    if (o.status != "revoked") {
      failures++;
      continue;
    }
    f.verification = Verification{"revoked", "", "", "", today};
    revoked.push_back(f);
    if (f.credential && f.credential->status == "active") {
      const std::string id = f.credential->id;
      s = EditInventoryFile(
          InventoryFile(args.inventory), InventoryEnv::FromEnvironment().pepper,
          false, false,
          [&](Inventory& inv) { return inv.SetStatus(id, "revoked", today); });
      if (!s.ok()) Warn("inventory not updated: " + s.message());
    }
  }
  if (!args.tickets.empty() && !revoked.empty()) {
    s = WriteScanTickets(args.tickets, revoked, (*matcher)->rules(), "");
    if (!s.ok()) return Fail(s.ToString());
  }
  if (candidates == 0) {
    std::cerr << "keyward: no key found that a provider lets its holder "
                 "revoke\n";
  }
  return failures ? 1 : 0;
}

}  // namespace

void RegisterRevoke(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<RevokeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "revoke",
      "Revoke leaked keys with the provider's own API (GitHub, GitLab, "
      "Slack), each confirmed");
  cmd->add_option("paths", args->paths,
                  "Files and directories holding the keys; - or none reads "
                  "stdin");
  cmd->add_flag("--yes", args->yes,
                "Revoke without asking (automation): every key found");
  cmd->add_option("--inventory", args->inventory,
                  "Mark matched credentials revoked in this inventory");
  cmd->add_option("--tickets", args->tickets,
                  "Record each revocation in the tickets in DIR");
  cmd->add_option("--today", args->today)->group("");
  cmd->add_option("--verify-redirect", args->verify.redirects,
                  "HOST=URL: send HOST's requests to URL (tests, proxies)");
  cmd->add_option("--verify-ca-file", args->verify.ca_file,
                  "Also trust the CA certificates in FILE (PEM)");
  cmd->footer(
      "Exit codes: 0 every confirmed key revoked (or none found), 1 a "
      "revocation failed, 2 usage or input error.");
  cmd->callback([args, &ctx] { ctx.exit_code = RunRevoke(*args); });
}

}  // namespace keyward::cli

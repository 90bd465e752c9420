// `keyward tickets --from REPORT.json [--inventory FILE] --out DIR`: turns a
// saved `keyward scan --format json` report into revoke/rotate tickets.
#include <cstdlib>
#include <iostream>
#include <optional>

#include "base/json_file.h"
#include "cli/commands.h"
#include "keyward/atomic_file.h"
#include "keyward/inventory.h"
#include "keyward/report.h"
#include "keyward/tickets.h"

namespace keyward::cli {
namespace {

struct TicketsArgs {
  std::string from;
  std::string inventory;
  std::string out;
  std::string formats = "json,md,csv";
  std::string security_team = "security-team";
  std::string today;
  bool no_audit = false;
};

int RunTickets(const TicketsArgs& args) {
  // Ticket keys are fingerprints; the report's seals open under this key.
  if (Status s = InstallFingerprintKey(); !s.ok()) return Fail(s.ToString());
  std::vector<TicketFormat> formats;
  Status s = ParseTicketFormats(args.formats, &formats);
  if (!s.ok()) return Fail(s.message());
  // Rules only add revoke guidance and redaction prefixes: tickets are still
  // worth writing without them.
  RuleSet rules;
  if (auto loaded = LoadRules({}, {}); loaded.ok()) {
    rules = std::move(*loaded);
  } else {
    Warn("no revoke guidance: " + loaded.status().ToString());
  }

  auto text = ReadFileToString(args.from);
  if (!text.ok()) return Fail(text.status().ToString());
  auto parsed = ParseJsonFile(*text, args.from);
  if (!parsed.ok()) return Fail(parsed.status().message());
  const nlohmann::json& report = *parsed;
  if (!report.is_object() || !report.contains("findings") ||
      !report["findings"].is_array()) {
    return Fail(args.from +
                ": not a keyward JSON report (keyward scan --format json)");
  }
  std::vector<Finding> findings;
  for (const auto& j : report["findings"]) {
    auto f = FindingFromJson(j, &rules);
    if (!f.ok()) return Fail(args.from + ": " + f.status().message());
    findings.push_back(std::move(f.value()));
  }
  // Reports from before keyed fingerprints carry "sha256:<hex>": the
  // tickets get the keyed fingerprint of the same secret instead.
  size_t legacy = 0, sealed_elsewhere = 0;
  for (Finding& f : findings) {
    if (IsLegacyFingerprint(f.fingerprint) && f.secret_digest.size() == 32) {
      f.fingerprint = FingerprintFromDigest(f.secret_digest);
      ++legacy;
    } else if (f.secret_digest.empty()) {
      ++sealed_elsewhere;
    }
  }
  if (legacy > 0) {
    Warn("notice: " + args.from + " holds " +
         CountOf(legacy, "old unkeyed `sha256:` fingerprint") +
         "; its tickets use keyed fingerprints. Rescan to get a report that "
         "holds none (docs/ci.md, \"Fingerprint key\")");
  }
  if (sealed_elsewhere > 0) {
    Warn(CountOf(sealed_elsewhere, "finding") + " in " + args.from +
         " were fingerprinted under another fingerprint key (this run uses "
         "key " +
         FingerprintKeyId() +
         "): they cannot be matched to the inventory by fingerprint, and "
         "their tickets get other ids than that key gives. Run `keyward "
         "tickets` with the scan's KEYWARD_FINGERPRINT_KEY (docs/ci.md)");
  }

  TicketOptions opts;
  opts.security_team = args.security_team;
  opts.today = args.today.empty() ? SystemClock().Today() : args.today;
  if (!IsIsoDate(opts.today)) return Fail("--today expects YYYY-MM-DD");

  std::vector<AuditItem> audit;
  const InventoryEnv env = InventoryEnv::FromEnvironment();
  std::string inventory_path =
      args.inventory.empty() ? env.path : args.inventory;
  if (!inventory_path.empty()) {
    auto inv = LoadInventory(inventory_path, env.pepper);
    if (!inv.ok()) return Fail(inv.status().ToString());
    s = inv->Annotate(&findings);
    if (!s.ok()) return Fail(s.ToString());
    if (!args.no_audit) {
      audit = AuditItemsFromInventory(
          *inv, AuditInventory(*inv, FixedClock(opts.today)));
    }
  }

  std::vector<Ticket> fresh =
      BuildTickets(findings, audit, rules.rules(), opts);
  std::vector<Ticket> written;
  s = TicketStore(args.out).Update(fresh, formats, opts, &written);
  if (!s.ok()) return Fail(s.ToString());
  size_t unseen = 0;
  for (const Ticket& t : written) unseen += t.presence != "seen";
  std::cerr << "keyward: " << CountOf(fresh.size(), "ticket")
            << " from this run, " << written.size() << " in " << args.out
            << " (" << unseen << " not seen this time)\n";
  return 0;
}

}  // namespace

Status WriteScanTickets(const std::string& dir,
                        const std::vector<Finding>& findings,
                        const std::vector<Rule>& rules,
                        const std::string& security_team) {
  TicketOptions opts;
  opts.today = SystemClock().Today();
  if (!security_team.empty()) opts.security_team = security_team;
  // A scan runs no inventory audit: keep audit tickets as they are.
  opts.audit_included = false;
  std::vector<TicketFormat> all = {TicketFormat::kJson, TicketFormat::kMarkdown,
                                   TicketFormat::kCsv};
  return TicketStore(dir).Update(BuildTickets(findings, {}, rules, opts), all,
                                 opts);
}

void RegisterTickets(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<TicketsArgs>();
  CLI::App* cmd = app.add_subcommand(
      "tickets", "Turn a saved JSON scan report into revoke/rotate tickets");
  cmd->add_option("--from", args->from,
                  "Report from `keyward scan --format json`")
      ->required();
  cmd->add_option("--out", args->out, "Ticket directory (created if needed)")
      ->required();
  cmd->add_option("--inventory", args->inventory,
                  "Inventory file: matches findings to owners and adds "
                  "rotate/review-access tickets from its audit "
                  "(default: $KEYWARD_INVENTORY)");
  cmd->add_option("--format", args->formats,
                  "Comma list of json, md, csv (JSON is always written: it "
                  "holds the ticket state)")
      ->capture_default_str();
  cmd->add_option("--security-team", args->security_team,
                  "Assignee when the inventory names no owner")
      ->capture_default_str();
  cmd->add_option("--today", args->today,
                  "Date to record, YYYY-MM-DD (default: today, UTC)");
  cmd->add_flag("--no-audit", args->no_audit,
                "Do not add tickets from the inventory audit");
  cmd->footer(
      "Reruns update DIR in place: new locations are added, status, notes and\n"
      "ticked steps are kept, and tickets not found again are marked\n"
      "`not seen since DATE` (never closed).\n"
      "Example:\n"
      "  keyward scan --format json -o report.json . \n"
      "  keyward tickets --from report.json --inventory "
      "ops/keyward-inventory.json --out ops/tickets");
  cmd->callback([args, &ctx] {
    try {
      ctx.exit_code = RunTickets(*args);
    } catch (const std::exception& e) {
      ctx.exit_code = Fail(e.what());
    }
  });
}

}  // namespace keyward::cli

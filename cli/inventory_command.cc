// `keyward inventory ...`: flags in, library calls, text out. The secret for
// add/rotate/fingerprint comes from stdin (--secret-stdin) or a no-echo
// prompt, never from argv, and is never printed.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/inventory_args.h"
#include "cli/inventory_verify.h"
#include "keyward/atomic_file.h"
#include "keyward/inventory.h"
#include "report/inventory_render.h"

namespace keyward::cli {
namespace {

namespace view = keyward::inventory;

int FailStatus(const Status& s) { return Fail(s.message()); }

// Runs a locked edit and prints what changed (the diff on --dry-run).
// `done` is called after a successful change, for the message.
int Edit(const InventoryArgs& a, bool create,
         const std::function<Status(Inventory&)>& change,
         const std::function<std::string()>& done) {
  std::string path = InventoryPath(a);
  InventoryEdit edit;
  Status s =
      EditInventoryFile(path, Pepper(), a.dry_run, create, change, &edit);
  if (!s.ok()) return FailStatus(s);
  if (a.dry_run) {
    std::cout << view::LineDiff(edit.before, edit.after) << "dry run: " << path
              << " not changed\n";
  } else {
    std::cout << done() << "\n";
  }
  return 0;
}

int Edit(const InventoryArgs& a, bool create,
         const std::function<Status(Inventory&)>& change,
         const std::string& done) {
  return Edit(a, create, change, [&] { return done; });
}

int RunAdd(const CLI::App& cmd, const InventoryArgs& a) {
  if (a.name.empty()) return Fail("--name is required");
  std::string secret;
  if (!a.no_secret) {
    auto s = ReadSecret(a);
    if (!s.ok()) return FailStatus(s.status());
    secret = std::move(s.value());
  }
  auto clock = MakeClock(a);
  std::string id;
  auto change = [&](Inventory& inv) -> Status {
    Credential c;
    Status s = ApplyFields(cmd, a, &c);
    if (!s.ok()) return s;
    if (c.created.empty()) c.created = clock->Today();
    if (!secret.empty()) {
      if (auto dup = inv.MatchSecret(secret); dup && !a.allow_duplicate) {
        return Status::InvalidArgument(
            "this secret is already recorded as '" + dup->credential->id +
            "' (use --allow-duplicate to record it again)");
      }
      c.fingerprints.push_back(inv.MakeFingerprint(secret, clock->Today()));
    }
    c.id = a.id.empty() ? inv.NewId(c.name) : a.id;
    id = c.id;
    return inv.Add(std::move(c));
  };
  return Edit(a, false, change,
              [&] { return "added " + id + " to " + InventoryPath(a); });
}

int RunImport(const CLI::App& cmd, const InventoryArgs& a) {
  auto text = ReadFileToString(a.csv);
  if (!text.ok()) return FailStatus(text.status());
  Credential defaults;
  Status s = ApplyFields(cmd, a, &defaults);
  if (!s.ok()) return FailStatus(s);
  auto clock = MakeClock(a);
  ImportReport report;
  int rc = Edit(
      a, false,
      [&](Inventory& inv) {
        return ImportCsv(text.value(), a.csv, defaults, *clock, &inv, &report);
      },
      "");
  if (rc != 0) return rc;
  std::cout << (a.dry_run ? "would import " : "imported ")
            << report.added.size() << " of " << CountOf(report.rows, "row")
            << " from " << a.csv << "\n";
  for (const auto& skip : report.skipped) {
    std::cout << "  skipped " << a.csv << ":" << skip.line << ": "
              << skip.reason << "\n";
  }
  if (!report.ignored_columns.empty()) {
    std::cout << "  ignored columns:";
    for (const auto& c : report.ignored_columns) std::cout << " " << c;
    std::cout << "\n";
  }
  return report.skipped.empty() ? 0 : 1;
}

Result<Inventory> Load(const InventoryArgs& a) {
  return LoadInventory(InventoryPath(a), Pepper());
}

int RunList(const InventoryArgs& a) {
  auto inv = Load(a);
  if (!inv.ok()) return FailStatus(inv.status());
  std::vector<const Credential*> shown;
  for (const auto& c : inv->credentials()) {
    if (!a.status_filter.empty() && c.status != a.status_filter) continue;
    if (!a.owner.empty() && c.use.owner != a.owner) continue;
    if (!a.environment.empty() && c.use.environment != a.environment) continue;
    shown.push_back(&c);
  }
  std::cout << (a.format == "json" ? view::CredentialListJson(shown)
                                   : view::CredentialTable(shown));
  return 0;
}

int RunShow(const InventoryArgs& a) {
  auto inv = Load(a);
  if (!inv.ok()) return FailStatus(inv.status());
  const Credential* c = inv->Find(a.id);
  if (!c) return Fail("no credential '" + a.id + "' in " + InventoryPath(a));
  std::cout << (a.format == "json" ? view::CredentialJson(*c)
                                   : view::CredentialDetails(*c));
  return 0;
}

// Names the inventory file in a "no credential" error of an edit.
Status InFile(const InventoryArgs& a, Status s) {
  if (s.code() != Status::Code::kNotFound) return s;
  return Status::NotFound(s.message() + " in " + InventoryPath(a));
}

// Applies `change` to credential a.id inside a locked edit.
int EditCredential(const InventoryArgs& a, const std::string& done,
                   const std::function<Status(Credential&)>& change) {
  return Edit(
      a, false,
      [&](Inventory& inv) -> Status {
        Credential* c = inv.FindMutable(a.id);
        if (!c) {
          return Status::NotFound("no credential '" + a.id + "' in " +
                                  InventoryPath(a));
        }
        return change(*c);
      },
      done);
}

int RunRotate(const InventoryArgs& a) {
  auto secret = ReadSecret(a);
  if (!secret.ok()) return FailStatus(secret.status());
  std::string date = a.date.empty() ? MakeClock(a)->Today() : a.date;
  return Edit(
      a, false,
      [&](Inventory& inv) {
        return InFile(a, inv.Rotate(a.id, secret.value(), date));
      },
      "rotated " + a.id);
}

int RunSetStatus(const InventoryArgs& a, const std::string& status) {
  std::string date = a.date.empty() ? MakeClock(a)->Today() : a.date;
  if (status == "retired" && !a.system.empty()) {
    return Edit(
        a, false,
        [&](Inventory& inv) {
          inv.RetireSystem(a.system, date);
          return Status::OK();
        },
        "marked system " + a.system + " retired on " + date);
  }
  if (a.id.empty()) return Fail("give a credential ID");
  return Edit(
      a, false,
      [&](Inventory& inv) {
        return InFile(a, inv.SetStatus(a.id, status, date));
      },
      status + " " + a.id + " on " + date);
}

int RunFingerprint(const InventoryArgs& a) {
  auto inv = Load(a);
  if (!inv.ok()) return FailStatus(inv.status());
  auto secret = ReadSecret(a);
  if (!secret.ok()) return FailStatus(secret.status());
  StoredFingerprint fp = inv->MakeFingerprint(secret.value(), "");
  std::cout << "fingerprint: " << fp.value << "\nhint: " << fp.hint
            << "\nkeyed_by: " << (inv->keyed_by_pepper() ? "pepper" : "salt")
            << "\n";
  if (auto m = inv->MatchSecret(secret.value())) {
    CredentialRef ref = MakeCredentialRef(*m);
    std::cout << "matches: " << ref.id << " (" << ref.status
              << (ref.note.empty() ? "" : "; " + ref.note) << ")\n";
  } else {
    std::cout << "matches: none\n";
  }
  return 0;
}

int RunAudit(const InventoryArgs& a) {
  Severity fail_on;
  if (!ParseSeverity(a.fail_on, &fail_on)) {
    return Fail("--fail-on must be low, medium, high or critical");
  }
  auto inv = Load(a);
  if (!inv.ok()) return FailStatus(inv.status());
  auto results = AuditInventory(inv.value(), *MakeClock(a));
  std::cout << (a.format == "json" ? view::AuditJson(results)
                                   : view::AuditTable(results));
  for (const auto& r : results) {
    if (r.severity >= fail_on) return 1;
  }
  return 0;
}

}  // namespace

void RegisterInventory(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<InventoryArgs>();
  CLI::App* inv = app.add_subcommand(
      "inventory", "Record credentials (never their secrets), audit them");
  inv->require_subcommand(1);
  inv->fallthrough();  // --inventory may follow the sub-subcommand
  inv->add_option("--inventory", a->file,
                  "Inventory file (default: $KEYWARD_INVENTORY, else "
                  "./keyward-inventory.json)");
  inv->add_option("--today", a->today)
      ->group("")
      ->check([](const std::string& v) {
        return IsIsoDate(v) ? "" : "--today must be YYYY-MM-DD";
      });
  inv->footer(
      "Secrets are read from stdin (--secret-stdin) or a no-echo prompt and\n"
      "stored only as keyed hashes. KEYWARD_INVENTORY_PEPPER keys new\n"
      "fingerprints with a pepper instead of the file's salt.\n"
      "Exit codes: 0 ok, 1 audit problems or skipped import rows, 2 error.");

  auto run = [&ctx](CLI::App* cmd, std::function<int()> body) {
    cmd->callback([&ctx, body] {
      try {
        ctx.exit_code = body();
      } catch (const std::exception& e) {
        ctx.exit_code = Fail(e.what());
      }
    });
  };
  auto dry = [a](CLI::App* cmd) {
    cmd->add_flag("--dry-run", a->dry_run, "Show the change, write nothing");
  };
  auto secret_opts = [a](CLI::App* cmd) {
    cmd->add_flag("--secret-stdin", a->secret_stdin,
                  "Read the secret from standard input");
  };
  auto format = [a](CLI::App* cmd) {
    cmd->add_option("--format", a->format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
  };

  CLI::App* init = inv->add_subcommand("init", "Create an empty inventory");
  dry(init);
  run(init, [a] {
    std::string path = InventoryPath(*a);
    if (ReadFileToString(path).ok()) return Fail(path + " already exists");
    return Edit(
        *a, true, [](Inventory&) { return Status::OK(); }, "created " + path);
  });

  CLI::App* add = inv->add_subcommand("add", "Record a credential");
  AddRecordOptions(add, a.get());
  add->add_option("--id", a->id, "Id (default: derived from --name)");
  secret_opts(add);
  add->add_flag("--no-secret", a->no_secret,
                "Record it without a fingerprint (identifiers only)");
  add->add_flag("--allow-duplicate", a->allow_duplicate,
                "Record a secret that another credential already has");
  dry(add);
  run(add, [a, add] { return RunAdd(*add, *a); });

  CLI::App* import = inv->add_subcommand(
      "import", "Import a password-manager CSV export (secrets fingerprinted)");
  import->add_option("csv", a->csv, "CSV file")->required();
  AddFieldOptions(import, a.get());
  dry(import);
  run(import, [a, import] { return RunImport(*import, *a); });

  CLI::App* list = inv->add_subcommand("list", "List credentials");
  format(list);
  list->add_option("--status", a->status_filter, "active, revoked, retired");
  list->add_option("--owner", a->owner, "Only this owner");
  list->add_option("--environment", a->environment, "Only this environment");
  run(list, [a] { return RunList(*a); });

  CLI::App* show = inv->add_subcommand("show", "Show one credential");
  show->add_option("id", a->id, "Credential id")->required();
  format(show);
  run(show, [a] { return RunShow(*a); });

  CLI::App* update = inv->add_subcommand("update", "Change a credential");
  update->add_option("id", a->id, "Credential id")->required();
  AddRecordOptions(update, a.get());
  update->add_option("--add-system", a->add_systems, "Add a system");
  update->add_option("--remove-system", a->remove_systems, "Remove a system");
  dry(update);
  run(update, [a, update] {
    return EditCredential(*a, "updated " + a->id, [&](Credential& c) {
      return ApplyFields(*update, *a, &c);
    });
  });

  CLI::App* rotate = inv->add_subcommand(
      "rotate", "Record a new secret; the old fingerprint is kept as retired");
  rotate->add_option("id", a->id, "Credential id")->required();
  rotate->add_option("--date", a->date, "Rotation date (default today)");
  secret_opts(rotate);
  dry(rotate);
  run(rotate, [a] { return RunRotate(*a); });

  for (const char* verb : {"revoke", "retire"}) {
    bool retire = std::string(verb) == "retire";
    CLI::App* cmd = inv->add_subcommand(
        verb, retire ? "Mark a credential (or with --system, a system) retired"
                     : "Mark a credential revoked");
    cmd->add_option("id", a->id, "Credential id")->required(!retire);
    if (retire) {
      cmd->add_option("--system", a->system,
                      "Retire a system instead: the audit flags active keys "
                      "still used by it");
    }
    cmd->add_option("--date", a->date, "Date (default today)");
    dry(cmd);
    run(cmd, [a, retire] {
      return RunSetStatus(*a, retire ? "retired" : "revoked");
    });
  }

  CLI::App* fp = inv->add_subcommand(
      "fingerprint", "Print what would be stored for a secret, and any match");
  secret_opts(fp);
  run(fp, [a] { return RunFingerprint(*a); });

  CLI::App* audit = inv->add_subcommand("audit", "Check the inventory itself");
  format(audit);
  audit->add_option("--fail-on", a->fail_on,
                    "Exit 1 when a result is at or above this severity "
                    "(low, medium, high, critical; default low)");
  run(audit, [a] { return RunAudit(*a); });

  auto v = std::make_shared<VerifyArgs>();
  CLI::App* verify = inv->add_subcommand(
      "verify",
      "Ask providers whether the keys on stdin work (e.g. a new key before "
      "the old one is revoked); exit 0 when all are active");
  AddInventoryVerifyOptions(verify, v.get());
  run(verify, [a, v] { return RunInventoryVerify(a->file, *v); });
}

}  // namespace keyward::cli

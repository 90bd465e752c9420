// The findings store's commands (keyward/findings_store.h):
// `keyward triage FINGERPRINT --state S --note N` records a decision;
// `keyward findings list [--state S] [--since DATE]` shows what the merges
// recorded. (cli/triage.cc is the scan's config and baseline handling.)
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/visible_text.h"
#include "cli/commands.h"
#include "keyward/date.h"
#include "keyward/findings_store.h"

namespace keyward::cli {
namespace {

struct StoreTriageArgs {
  std::string fingerprint;
  std::string state;
  std::string note;
  std::string by;
  std::string store = kDefaultStorePath;
};

std::string DefaultWho() {
  for (const char* var : {"KEYWARD_USER", "USER", "LOGNAME"}) {
    const char* v = std::getenv(var);
    if (v && *v) return v;
  }
  return "unknown";
}

int RunTriage(const StoreTriageArgs& args) {
  if (!IsTriageState(args.state)) {
    return Fail(
        "--state must be one of open, false-positive, "
        "test-credential, revoked, accepted-risk; got `" +
        args.state + "`");
  }
  auto store = FindingsStore::Open(args.store);
  if (!store.ok()) return Fail(store.status().ToString());
  std::string who = args.by.empty() ? DefaultWho() : args.by;
  Status s =
      (*store)->Triage(args.fingerprint, args.state, who, args.note, NowUtc());
  if (!s.ok()) return Fail(s.ToString());
  std::cerr << "keyward: " << VisibleText(args.fingerprint) << " is "
            << args.state << " (" << VisibleText(who) << ")\n";
  return 0;
}

struct ListArgs {
  std::string state;
  std::string since;
  bool all = false;
  std::string format = "text";
  std::string store = kDefaultStorePath;
};

int RunList(const ListArgs& args) {
  if (!args.state.empty() && args.state != "resolved" &&
      !IsTriageState(args.state)) {
    return Fail(
        "--state must be one of open, false-positive, "
        "test-credential, revoked, accepted-risk, resolved; got `" +
        args.state + "`");
  }
  if (!args.since.empty() && !IsIsoDate(args.since.substr(0, 10))) {
    return Fail("--since expects a date YYYY-MM-DD, got `" + args.since + "`");
  }
  auto store = FindingsStore::Open(args.store);
  if (!store.ok()) return Fail(store.status().ToString());
  StoreFilter filter;
  filter.state = args.state;
  filter.since = args.since;
  filter.include_resolved = args.all;
  auto rows = (*store)->List(filter);
  if (!rows.ok()) return Fail(rows.status().ToString());
  if (args.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const StoredFinding& f : *rows) {
      const StoreRecord& r = f.record;
      out.push_back({{"target", r.target},
                     {"path", r.path},
                     {"line", r.line},
                     {"rule_id", r.rule_id},
                     {"severity", r.severity},
                     {"secret", r.redacted},
                     {"fingerprint", r.fingerprint},
                     {"first_seen", f.first_seen},
                     {"last_seen", f.last_seen},
                     {"resolved_at", f.resolved_at},
                     {"state", f.state},
                     {"triaged_by", f.triaged_by},
                     {"triaged_at", f.triaged_at},
                     {"note", f.note}});
    }
    std::cout << out.dump(2, ' ', false,
                          nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    for (const StoredFinding& f : *rows) {
      const StoreRecord& r = f.record;
      std::string line = r.target + "/" + r.path + ":" +
                         std::to_string(r.line) + "  " + r.rule_id + "  " +
                         r.redacted + "  " + f.state;
      if (!f.resolved_at.empty()) line += " (resolved " + f.resolved_at + ")";
      line += "  first seen " + f.first_seen + "  " + r.fingerprint;
      if (!f.note.empty()) line += "  # " + f.triaged_by + ": " + f.note;
      std::cout << VisibleText(line) << "\n";
    }
  }
  std::cerr << "keyward: " << CountOf(rows->size(), "finding") << " in "
            << args.store << "\n";
  return 0;
}

}  // namespace

void RegisterStore(CLI::App& app, Context& ctx) {
  auto targs = std::make_shared<StoreTriageArgs>();
  CLI::App* triage = app.add_subcommand(
      "triage", "Record a decision on a finding in the findings store");
  triage
      ->add_option("fingerprint", targs->fingerprint,
                   "The finding's fingerprint (hmac-sha256:...)")
      ->required();
  triage
      ->add_option("--state", targs->state,
                   "open, false-positive, test-credential, revoked, "
                   "accepted-risk")
      ->required();
  triage->add_option("--note", targs->note, "Why (kept with who and when)");
  triage->add_option("--by", targs->by,
                     "Who decides (default: $KEYWARD_USER, else $USER)");
  triage->add_option("--store", targs->store, "Findings store")
      ->capture_default_str();
  triage->footer(
      "The state belongs to the secret: every location with this\n"
      "fingerprint, in every repository, now and in later merges.");
  triage->callback([targs, &ctx] { ctx.exit_code = RunTriage(*targs); });

  auto largs = std::make_shared<ListArgs>();
  CLI::App* findings = app.add_subcommand(
      "findings", "Query the findings store that `keyward merge` updates");
  findings->require_subcommand(1);
  CLI::App* list = findings->add_subcommand("list", "List stored findings");
  list->add_option("--state", largs->state,
                   "Only this triage state (open, false-positive, "
                   "test-credential, revoked, accepted-risk) or resolved");
  list->add_option("--since", largs->since,
                   "Only findings first seen on or after DATE (YYYY-MM-DD)");
  list->add_flag("--all", largs->all, "Include resolved findings");
  list->add_option("--format", largs->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  list->add_option("--store", largs->store, "Findings store")
      ->capture_default_str();
  list->footer(
      "Examples:\n"
      "  keyward findings list --state open --since 2026-01-01\n"
      "  keyward findings list --state resolved --format json");
  list->callback([largs, &ctx] { ctx.exit_code = RunList(*largs); });
}

}  // namespace keyward::cli

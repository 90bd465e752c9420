// `keyward audit --targets FILE [--shard K/N] --out DIR` scans many
// repositories, one result file each; `keyward merge` (or an audit that is
// not sharded, given --report/--tickets) turns results into one JSON
// report, one SARIF and one ticket set, and records them in the findings
// store (keyward/audit.h, keyward/findings_store.h, docs/audit.md).
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "keyward/atomic_file.h"
#include "keyward/audit.h"
#include "keyward/findings_store.h"

namespace keyward::cli {
namespace {

namespace fs = std::filesystem;

// What a merge writes: shared by `merge` and an unsharded `audit`.
struct MergeOutputs {
  std::vector<std::string> reports;  // json=PATH, sarif=PATH, tickets=DIR
  std::vector<std::string> tickets;
  std::string security_team;
  std::string store = kDefaultStorePath;
  bool no_store = false;
  std::vector<std::string> rule_paths;
};

void AddMergeOptions(CLI::App* cmd, MergeOutputs* m) {
  cmd->add_option("--report", m->reports,
                  "Merged report FORMAT=PATH, repeatable: json, sarif (one "
                  "run per repository), tickets=DIR");
  cmd->add_option("--tickets", m->tickets,
                  "Write/update revoke-rotate tickets in DIR");
  cmd->add_option("--security-team", m->security_team,
                  "Ticket assignee (default: security-team)");
  cmd->add_option("--store", m->store,
                  "Findings store to update (SQLite; triage is kept)")
      ->capture_default_str();
  cmd->add_flag("--no-store", m->no_store, "Do not update the findings store");
  cmd->add_option("--rules", m->rule_paths,
                  "Extra rule file or directory (repeatable)");
}

std::vector<StoreRecord> StoreRecords(const std::vector<TargetResult>& rs) {
  std::vector<StoreRecord> out;
  for (const TargetResult& r : rs) {
    for (const Finding& f : r.scan.findings) {
      if (f.suppressed) continue;
      out.push_back({r.target, f.path, f.line, f.fingerprint, f.rule_id,
                     SeverityName(f.severity), f.redacted});
    }
  }
  return out;
}

// Merges `results` and writes every output asked for. Exit code: 2 when a
// target failed or an output cannot be written, 1 when there are findings.
int WriteMerged(std::vector<TargetResult> results, const RuleSet& rules,
                const MergeOutputs& m) {
  std::vector<std::string> ticket_dirs = m.tickets;
  std::vector<std::pair<std::string, std::string>> wanted;
  for (const std::string& spec : m.reports) {
    size_t eq = spec.find('=');
    std::string kind = spec.substr(0, eq);
    if (eq == std::string::npos ||
        (kind != "json" && kind != "sarif" && kind != "tickets")) {
      return Fail(
          "--report expects json=PATH, sarif=PATH or tickets=DIR; "
          "got `" +
          spec + "`");
    }
    if (kind == "tickets") {
      ticket_dirs.push_back(spec.substr(eq + 1));
    } else {
      wanted.emplace_back(kind, spec.substr(eq + 1));
    }
  }
  // A target that failed this time keeps its stored findings as they are:
  // "could not clone" is not "fixed".
  std::vector<std::string> targets;
  for (const TargetResult& r : results) {
    if (r.scan.errors.empty()) targets.push_back(r.target);
  }
  std::vector<StoreRecord> records = StoreRecords(results);
  const size_t merged_targets = results.size();
  auto merged = MergeResults(std::move(results), rules.rules());
  if (!merged.ok()) return Fail(merged.status().ToString());
  for (const auto& [kind, path] : wanted) {
    Status s =
        WriteFileAtomic(path, kind == "json" ? merged->json : merged->sarif);
    if (!s.ok()) return Fail(s.ToString());
  }
  for (const std::string& dir : ticket_dirs) {
    Status s =
        WriteScanTickets(dir, merged->findings, rules.rules(), m.security_team);
    if (!s.ok()) return Fail(s.ToString());
  }
  if (!m.no_store) {
    auto store = FindingsStore::Open(m.store);
    if (!store.ok()) return Fail(store.status().ToString());
    StoreCounts counts;
    Status s = (*store)->Record(targets, records, NowUtc(), &counts);
    if (!s.ok()) return Fail(s.ToString());
    std::cerr << "keyward: store " << m.store << ": "
              << CountOf(counts.added, "new finding") << ", " << counts.seen
              << " seen again, " << counts.resolved << " resolved\n";
  }
  size_t shown = 0;
  for (const Finding& f : merged->findings) shown += !f.suppressed;
  std::cerr << "keyward: merged " << CountOf(merged_targets, "target") << ", "
            << CountOf(shown, "finding") << "\n";
  if (merged->errors) {
    Fail("some targets could not be audited (see \"errors\" in the report)");
    return 2;
  }
  return shown > 0 ? 1 : 0;
}

struct AuditArgs {
  std::string targets;
  std::string shard = "0/1";
  std::string out;
  std::string work_dir;
  bool git = false;
  int threads = 0;
  bool no_cache = false;
  MergeOutputs merge;
};

int RunAudit(const AuditArgs& args) {
  if (Status s = InstallFingerprintKey(); !s.ok()) return Fail(s.ToString());
  int k = 0, n = 1;
  if (Status s = ParseShard(args.shard, &k, &n); !s.ok()) {
    return Fail(s.message());
  }
  const bool merging =
      !args.merge.reports.empty() || !args.merge.tickets.empty();
  if (merging && n > 1) {
    return Fail(
        "--report and --tickets need every target: run `keyward "
        "merge` after the shards instead");
  }
  auto targets = LoadTargets(args.targets);
  if (!targets.ok()) return Fail(targets.status().ToString());
  auto rules = LoadRules(args.merge.rule_paths, {});
  if (!rules.ok()) return Fail(rules.status().message());
  auto matcher = BuildMatcher(*rules, args.no_cache);
  if (!matcher.ok()) return Fail(matcher.status().message());
  std::error_code ec;
  fs::create_directories(args.out, ec);
  if (ec) return Fail(args.out + ": " + ec.message());

  AuditOptions opts;
  opts.out_dir = args.out;
  opts.work_dir = args.work_dir;
  opts.git_history = args.git;
  opts.rules_digest = rules->Digest();
  opts.scan.threads = args.threads;
  opts.scan.warn = [](const std::string& msg) { Warn(msg); };
  size_t mine = 0, scanned = 0, current = 0, failed = 0;
  uint64_t findings = 0;
  for (const AuditTarget& t : *targets) {
    if (ShardOf(t, n) != k) continue;
    ++mine;
    AuditOutcome outcome;
    Status s = AuditOne(**matcher, t, opts, &outcome);
    if (!s.ok()) return Fail(s.ToString());
    switch (outcome.kind) {
      case AuditOutcome::Kind::kScanned:
        ++scanned;
        findings += outcome.findings;
        break;
      case AuditOutcome::Kind::kCurrent:
        ++current;
        break;
      case AuditOutcome::Kind::kFailed:
        ++failed;
        Warn(outcome.error);
        break;
    }
  }
  std::cerr << "keyward: audit shard " << k << "/" << n << ": "
            << CountOf(mine, "target") << " (" << scanned << " scanned, "
            << current << " current, " << failed << " failed), "
            << CountOf(findings, "new finding") << " in " << args.out << "\n";
  if (merging) {
    std::vector<TargetResult> results;
    for (const AuditTarget& t : *targets) {
      auto r =
          ReadResult((fs::path(args.out) / (t.id + ".json")).string(), &*rules);
      if (!r.ok()) return Fail(r.status().ToString());
      results.push_back(std::move(*r));
    }
    return WriteMerged(std::move(results), *rules, args.merge);
  }
  // A shard's findings are in its results; only `merge` judges them.
  return failed > 0 ? 2 : 0;
}

struct MergeArgs {
  std::vector<std::string> results;
  std::vector<std::string> in_dirs;
  MergeOutputs merge;
};

int RunMerge(const MergeArgs& args) {
  if (Status s = InstallFingerprintKey(); !s.ok()) return Fail(s.ToString());
  std::vector<std::string> files = args.results;
  for (const std::string& dir : args.in_dirs) {
    auto listed = ListResultFiles(dir);
    if (!listed.ok()) return Fail(listed.status().ToString());
    files.insert(files.end(), listed->begin(), listed->end());
  }
  if (files.empty()) {
    return Fail("no result files: give RESULT... or --in DIR");
  }
  auto rules = LoadRules(args.merge.rule_paths, {});
  if (!rules.ok()) return Fail(rules.status().message());
  std::vector<TargetResult> results;
  for (const std::string& f : files) {
    auto r = ReadResult(f, &*rules);
    if (!r.ok()) return Fail(r.status().ToString());
    if (r->rules_digest != rules->Digest()) {
      Warn(f + ": audited with another rule set than this merge's");
    }
    results.push_back(std::move(*r));
  }
  return WriteMerged(std::move(results), *rules, args.merge);
}

}  // namespace

void RegisterAudit(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<AuditArgs>();
  CLI::App* cmd = app.add_subcommand(
      "audit", "Audit many repositories (one shard of them), a result each");
  cmd->add_option("--targets", args->targets,
                  "File of targets: local paths or clone URLs, one a line")
      ->required();
  cmd->add_option("--shard", args->shard,
                  "Audit shard K of N (K from 0, e.g. $JOB_COMPLETION_INDEX)")
      ->capture_default_str();
  cmd->add_option("--out", args->out, "Directory of result files")->required();
  cmd->add_option("--work-dir", args->work_dir,
                  "Where clones go (default: OUT/.work); each is removed "
                  "after its scan");
  cmd->add_flag("--git", args->git,
                "Scan each repository's full history (default: the tree at "
                "HEAD; clone URLs are cloned with --depth 1)");
  cmd->add_option("-j,--threads", args->threads,
                  "Scan threads per target (default: number of cores)")
      ->check(CLI::Range(0, 1024));
  cmd->add_flag("--no-cache", args->no_cache,
                "Do not use the compiled rule database cache");
  AddMergeOptions(cmd, &args->merge);
  cmd->footer(
      "Examples:\n"
      "  keyward audit --targets targets.txt --shard 0/4 --out results\n"
      "  keyward audit --targets targets.txt --out results --report "
      "json=audit.json\n"
      "A rerun skips targets whose result is current (same HEAD, same rules).\n"
      "Exit codes: 0 every target has a result, 2 a target failed; with\n"
      "--report or --tickets as `merge`.");
  cmd->callback([args, &ctx] { ctx.exit_code = RunAudit(*args); });
}

void RegisterMerge(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<MergeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Merge audit results into one report, SARIF, tickets, store");
  cmd->add_option("results", args->results, "Result files of `keyward audit`");
  cmd->add_option("--in", args->in_dirs,
                  "Directory of result files (repeatable)");
  AddMergeOptions(cmd, &args->merge);
  cmd->footer(
      "Examples:\n"
      "  keyward merge --in results --report json=audit.json --report "
      "sarif=audit.sarif\n"
      "Exit codes: 0 nothing found, 1 findings, 2 a target failed or an\n"
      "input error.");
  cmd->callback([args, &ctx] { ctx.exit_code = RunMerge(*args); });
}

}  // namespace keyward::cli

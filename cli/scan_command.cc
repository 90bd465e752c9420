// `keyward scan`: sources -> matcher -> findings -> (inventory, suppressions)
// -> reporters -> exit code.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/content_options.h"
#include "cli/finding_stream.h"
#include "cli/progress_line.h"
#include "cli/summary.h"
#include "cli/triage.h"
#include "cli/verify_options.h"
#include "keyward/atomic_file.h"
#include "keyward/git.h"
#include "keyward/inventory.h"
#include "keyward/report.h"
#include "keyward/scan.h"

namespace keyward::cli {
namespace {

// Limits on what the machine can honour: each thread holds a matcher scratch
// and a chunk buffer; a chunk is one allocation.
constexpr int kMaxThreads = 1024;
constexpr uint64_t kMaxChunkSize = uint64_t{1} << 30;

struct ScanArgs {
  std::vector<std::string> paths;
  std::string stdin_filename;  // --stdin-filename NAME
  std::string format = "text";
  std::string output;
  std::vector<std::string> rule_paths;
  std::vector<std::string> reports;  // "FORMAT=PATH"
  std::string inventory;             // --inventory FILE
  std::vector<std::string> tickets;  // --tickets DIR (issue 6)
  int threads = 0;
  bool follow = false;
  bool no_ignore = false;
  ContentArgs content;  // gzip, source maps... (cli/content_options.h)
  bool show_secrets = false;
  bool show_suppressed = false;
  bool verbose = false;
  bool stats = false;
  bool quiet = false;          // no summary line, hint or progress line
  std::string color = "auto";  // text output: auto, always, never
  bool no_cache = false;
  std::string sarif_root;  // --sarif-root
  // Git sources (include/keyward/git.h); the positional paths are repos.
  bool git = false;
  // Git objects that cannot be read are warnings only (default: exit 2).
  bool allow_unreadable = false;
  bool all_objects = false;
  bool all_occurrences = false;  // history: one row per blob occurrence
  bool staged = false;
  std::string since;
  std::string range;
  uint64_t stream_threshold = 256ull << 20;
  uint64_t chunk_size = 4ull << 20;
  TriageArgs triage;  // config, baseline, --fail-on (cli/triage.h)
  VerifyArgs verify;  // --verify... (cli/verify_options.h)
};

// --color: auto colours text written to a terminal unless NO_COLOR is set
// to a non-empty value (no-color.org).
bool UseColor(const std::string& mode, const std::string& output) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return (output.empty() || output == "-") && isatty(STDOUT_FILENO);
}

// Writes one report to `path` ("-" = stdout). A regular file (or a new one)
// is replaced atomically: a full disk or a kill leaves the old report, not
// a partial one. Anything else (/dev/stdout, a FIFO) is written in place.
Status WriteReport(ReportFormat format, const ScanResult& result,
                   const Matcher& matcher, const ReportOptions& ropts,
                   const std::string& path) {
  std::ostringstream buffer;
  std::ofstream file;
  std::ostream* out = &buffer;
  struct stat st;
  bool atomic =
      path != "-" && (stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode));
  if (path == "-") {
    out = &std::cout;
  } else if (!atomic) {
    file.open(path, std::ios::binary | std::ios::trunc);
    if (!file) return Status::IoError(path + ": cannot write report");
    out = &file;
  }
  switch (format) {
    case ReportFormat::kText:
      WriteText(result, ropts, *out);
      break;
    case ReportFormat::kJson:
      WriteJson(result, ropts, *out);
      break;
    case ReportFormat::kJsonl:
      WriteJsonl(result, ropts, *out);
      break;
    case ReportFormat::kSarif:
      WriteSarif(result, matcher.rules(), ropts, *out);
      break;
    case ReportFormat::kGitlab:
      WriteGitlab(result, matcher.rules(), ropts, *out);
      break;
  }
  if (atomic) return WriteFileAtomic(path, buffer.str());
  out->flush();
  if (!*out) return Status::IoError(path + ": write failed");
  return Status::OK();
}

// --git / --staged / --since / --range over each repository in `repos`.
Status ScanGitRepos(const ScanArgs& args, const Scanner& scanner,
                    const std::vector<std::string>& repos, ScanResult* result) {
  int modes =
      args.git + args.staged + !args.since.empty() + !args.range.empty();
  if (modes > 1) {
    return Status::InvalidArgument(
        "choose one of --git, --staged, --since, --range");
  }
  if (args.all_objects && !args.git) {
    return Status::InvalidArgument("--all-objects needs --git");
  }
  if (args.all_occurrences && (args.staged || modes == 0)) {
    return Status::InvalidArgument(
        "--all-occurrences needs --git, --since or --range");
  }
  std::string base, head;
  if (!args.range.empty()) {
    Status s = ParseGitRange(args.range, &base, &head);
    if (!s.ok()) return s;
  }
  for (const std::string& repo : repos) {
    Status s;
    const uint64_t unreadable_before = result->stats.unreadable;
    if (args.git) {
      GitHistoryOptions h;
      h.repo = repo;
      h.all_objects = args.all_objects;
      s = ScanGitHistory(scanner, h, result);
    } else if (args.staged) {
      s = ScanGitStaged(scanner, repo, result);
    } else if (!args.since.empty()) {
      s = ScanGitSince(scanner, repo, args.since, result);
    } else {
      s = ScanGitRange(scanner, repo, base, head, result);
    }
    if (!s.ok()) return s;
    // A repository's objects do not change under a scan the way a working
    // tree does: one that cannot be read (a truncated pack, a corrupt or
    // missing object, a blob too large to load) means the history was not
    // all scanned, and "no findings" would be a lie. Each object is named in
    // a warning; the run fails unless --allow-unreadable.
    if (uint64_t n = result->stats.unreadable - unreadable_before;
        n > 0 && !args.allow_unreadable) {
      result->errors.push_back(
          repo + ": " + std::to_string(n) +
          " git object(s) could not be read (named above), so part of what "
          "was asked was not scanned (--allow-unreadable: warn only)");
    }
  }
  return Status::OK();
}

// The end of a streamed scan (FindingStream): the findings are written
// already; the summary, the allow hint and the exit code remain.
int FinishStreamed(const ScanArgs& args, const FindingStream& stream,
                   ScanResult* result) {
  stream.FillStats(&result->stats);
  if (args.stats) std::cerr << StatsBlock(result->stats);
  if (args.format == "text" && !args.quiet) {
    std::cerr << "keyward: " << SummaryLine(result->stats) << "\n";
    std::cerr << AllowHint(stream.hint_findings(), stream.more_fingerprints());
  }
  if (!result->errors.empty()) {
    for (const std::string& e : result->errors) Fail(e);
    return 2;
  }
  return stream.failed() ? 1 : 0;
}

int RunScan(const ScanArgs& args) {
  // Every fingerprint this run writes or compares is keyed with it.
  if (Status s = InstallFingerprintKey(); !s.ok()) return Fail(s.ToString());
  // Configuration first: it adds and disables rules (docs/ci.md). A scan of
  // a change under review reads it from the change's base.
  const std::string start = args.paths.empty() ? "." : args.paths[0];
  Result<Config> config = Config{};
  struct RemoveTemp {
    std::string path;
    ~RemoveTemp() {
      std::error_code ec;
      if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
  } temp_dir;
  if (!args.since.empty() || !args.range.empty()) {
    std::string base, head = "HEAD";
    if (!args.since.empty()) {
      auto b = SinceBase(start, args.since);
      if (!b.ok()) return Fail(b.status().ToString());
      base = *b;
    } else if (Status s = ParseGitRange(args.range, &base, &head); !s.ok()) {
      return Fail(s.ToString());
    }
    config = LoadRangeConfig(args.triage, start, base, head, &temp_dir.path);
  } else {
    config = LoadScanConfig(args.triage, start);
  }
  if (!config.ok()) return Fail(config.status().ToString());
  // Rules and matcher.
  std::vector<std::string> rule_paths = config->rules;
  rule_paths.insert(rule_paths.end(), args.rule_paths.begin(),
                    args.rule_paths.end());
  auto rules = LoadRules(rule_paths, config->disable_rules, {},
                         config->disable_rules_where);
  if (!rules.ok()) return Fail(rules.status().message());
  auto matcher = BuildMatcher(*rules, args.no_cache);
  if (!matcher.ok()) return Fail(matcher.status().message());

  ReportFormat format;
  if (!ParseReportFormat(args.format, &format)) {
    return Fail("unknown --format `" + args.format +
                "` (text, json, jsonl, sarif, gitlab)");
  }
  std::vector<std::pair<ReportFormat, std::string>> reports;
  std::vector<std::string> ticket_dirs = args.tickets;
  for (const auto& spec : args.reports) {
    size_t eq = spec.find('=');
    if (spec.rfind("tickets=", 0) == 0) {  // --report tickets=DIR
      ticket_dirs.push_back(spec.substr(eq + 1));
      continue;
    }
    ReportFormat f;
    if (eq == std::string::npos || !ParseReportFormat(spec.substr(0, eq), &f)) {
      return Fail(
          "--report expects FORMAT=PATH with FORMAT one of text, "
          "json, jsonl, sarif, gitlab; got `" +
          spec + "`");
    }
    reports.emplace_back(f, spec.substr(eq + 1));
  }

  // Sources.
  ScanOptions opts;
  opts.threads = args.threads;
  opts.follow_symlinks = args.follow;
  opts.no_ignore = args.no_ignore;
  opts.stream_threshold = args.stream_threshold;
  opts.chunk_size = args.chunk_size;
  opts.exclude = config->exclude;
  opts.stdin_name = args.stdin_filename;
  ApplyContentOptions(args.content, *config, &opts);
  // A report must never replace a file it is made from.
  if (!args.output.empty()) opts.outputs.push_back(args.output);
  for (const auto& report : reports) opts.outputs.push_back(report.second);
  opts.warn = [](const std::string& msg) { Warn(msg); };
  std::vector<std::string> paths = args.paths;
  if (paths.empty()) paths.push_back(".");
  bool git_mode = args.git || args.all_objects || args.staged ||
                  !args.since.empty() || !args.range.empty() ||
                  args.all_occurrences;
  if (!args.stdin_filename.empty() &&
      (git_mode || std::find(paths.begin(), paths.end(), "-") == paths.end())) {
    return Fail("--stdin-filename names what stdin holds: give - as a path");
  }

  ReportOptions ropts;
  ropts.show_secrets = args.show_secrets;
  ropts.show_suppressed = args.show_suppressed;
  ropts.verbose = args.verbose;
  ReportOptions main_opts = ropts;  // colour only in the main text output
  main_opts.color = UseColor(args.color, args.output);

  // stdin to stdout in text or JSONL, with nothing that needs every finding
  // at once (other reports, tickets, a baseline to write): each finding is
  // written as soon as it is confirmed and none is kept (FindingStream).
  const bool streamed =
      !git_mode && paths == std::vector<std::string>{"-"} &&
      (format == ReportFormat::kText || format == ReportFormat::kJsonl) &&
      (args.output.empty() || args.output == "-") && reports.empty() &&
      ticket_dirs.empty() && args.triage.baseline_out.empty() &&
      !args.triage.report_stale && !args.verify.verify;
  std::unique_ptr<FindingStream> stream;
  if (streamed) {
    auto opened = FindingStream::Open(args.triage, *config, args.inventory,
                                      format, main_opts, std::cout);
    if (!opened.ok()) return Fail(opened.status().ToString());
    stream = std::move(*opened);
    opts.on_stream_findings = [&](std::vector<Finding>* batch) {
      stream->Write(batch);
    };
  }
  // A progress line on the terminal the streamed findings go to would be
  // torn by them.
  ProgressLine progress(!args.quiet && ShouldShowProgress() &&
                        !(streamed && isatty(STDOUT_FILENO)));
  opts.progress = progress.Callback();
  Scanner scanner(**matcher, opts);
  ScanResult result;
  Status s = git_mode ? ScanGitRepos(args, scanner, paths, &result)
                      : scanner.ScanPaths(paths, &result);
  progress.Finish();
  result.stats.compile_seconds = (*matcher)->compile_seconds();
  if (!s.ok()) return Fail(s.ToString());
  if (stream) return FinishStreamed(args, *stream, &result);
  // Config excludes: applied by the walker, and by git/ for git scans.
  // Below --min-confidence: not reported, never fails the run.
  DropBelowConfidence(config->min_confidence, &result);
  // Inventory: whose key each finding is (docs/inventory.md).
  s = AnnotateFromInventory(
      args.inventory.empty() ? config->inventory : args.inventory,
      InventoryEnv::FromEnvironment(), &result.findings);
  if (!s.ok()) return Fail(s.ToString());
  // Triage: allowlist and baseline suppressions, --baseline-out.
  s = ApplyTriage(args.triage, *config, &result);
  if (!s.ok()) return Fail(s.ToString());
  // History: one finding per secret with its occurrences. After triage, so
  // every blob's row met the baseline and allowlist as it always did (and
  // --baseline-out listed every path); the verdict is the rows' verdict.
  if (git_mode && !args.staged && !args.all_occurrences) {
    // A change under review: at the newest sighting, where the fix goes.
    GroupHistoryFindings(&result, /*at_last_seen=*/!args.git);
  }
  // Live verification, when asked: once per distinct secret.
  s = RunVerifyIfAsked(args.verify, *config, args.staged, *rules, &result);
  if (!s.ok()) return Fail(s.ToString());

  // Reports.
  {
    std::error_code ec;
    namespace fs = std::filesystem;
    ropts.sarif_root =
        fs::absolute(
            args.sarif_root.empty() ? WorkingTreeTop(start) : args.sarif_root,
            ec)
            .lexically_normal()
            .string();
    ropts.path_base =
        git_mode ? WorkingTreeTop(start) : fs::current_path(ec).string();
  }
  main_opts.sarif_root = ropts.sarif_root;
  main_opts.path_base = ropts.path_base;
  s = WriteReport(format, result, **matcher, main_opts,
                  args.output.empty() ? "-" : args.output);
  if (!s.ok()) return Fail(s.ToString());
  for (const auto& [f, path] : reports) {
    s = WriteReport(f, result, **matcher, ropts, path);
    if (!s.ok()) return Fail(s.ToString());
  }
  for (const auto& dir : ticket_dirs) {  // docs/tickets.md
    s = WriteScanTickets(dir, result.findings, (*matcher)->rules(),
                         config->ticket_assignee);
    if (!s.ok()) return Fail(s.ToString());
  }
  if (args.stats) std::cerr << StatsBlock(result.stats);
  if (format == ReportFormat::kText && !args.quiet) {
    std::cerr << "keyward: " << SummaryLine(result.stats) << "\n";
    // The blocked-commit help below carries the same hint.
    if (!args.staged) std::cerr << AllowHint(result.findings);
  }
  if (!result.errors.empty()) {
    // Reports are written (SARIF says executionSuccessful: false), but a
    // path the user named and we could not scan fails the run.
    for (const std::string& e : result.errors) Fail(e);
    return 2;
  }
  // Suppressed findings and findings below fail_on never fail the run.
  bool failed = args.verify.fail_on_verified ? AnyVerifiedActive(result)
                                             : FailsRun(*config, result);
  if (failed && args.staged) PrintBlockedCommitHelp(result.findings);
  return failed ? 1 : 0;
}

}  // namespace

void RegisterScan(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ScanArgs>();
  CLI::App* cmd = app.add_subcommand(
      "scan", "Scan files, directories or stdin for leaked credentials");
  cmd->add_option("paths", args->paths,
                  "Files and directories to scan (default: .); - reads stdin");
  cmd->add_option("--stdin-filename", args->stdin_filename,
                  "Scan stdin as a file of this NAME (app.log, .env, "
                  "config/prod.yaml): its type decides the confidence and "
                  "the file-format rules, and findings carry it as their "
                  "path");
  cmd->add_option("-f,--format", args->format,
                  "Output format: text, json, jsonl, sarif, gitlab (GitLab's "
                  "secret detection report)")
      ->capture_default_str();
  cmd->add_option("-o,--output", args->output, "Write the report to FILE");
  cmd->add_option("--report", args->reports,
                  "Extra report FORMAT=PATH, repeatable "
                  "(e.g. --report sarif=out.sarif, --report tickets=DIR)");
  cmd->add_option("--tickets", args->tickets,
                  "Write/update revoke-rotate tickets in DIR "
                  "(docs/tickets.md)");
  cmd->add_option("--inventory", args->inventory,
                  "Match findings against this credential inventory "
                  "(default: $KEYWARD_INVENTORY, else "
                  "./keyward-inventory.json if it exists)");
  cmd->add_option("--rules", args->rule_paths,
                  "Extra rule file or directory (repeatable; same id "
                  "overrides a built-in rule)");
  cmd->add_option("-j,--threads", args->threads,
                  "Worker threads, 1 to 1024 (default: number of cores)")
      ->check(CLI::Range(0, kMaxThreads));
  cmd->add_flag("--follow", args->follow, "Follow symbolic links");
  cmd->add_flag("--no-ignore", args->no_ignore,
                "Do not honour .gitignore / .keywardignore");
  AddContentOptions(cmd, &args->content);
  cmd->add_flag("--show-secrets", args->show_secrets,
                "Print secret values in full (default: redacted)");
  cmd->add_flag("--show-suppressed", args->show_suppressed,
                "List suppressed findings too");
  cmd->add_flag("-v,--verbose", args->verbose,
                "Text output: add each finding's confidence (high, medium, "
                "low; `checksum verified` when a checksum passed)");
  cmd->add_flag("--stats", args->stats, "Print scan statistics on stderr");
  cmd->add_option("--sarif-root", args->sarif_root,
                  "SARIF artifact paths are relative to DIR (default: the top "
                  "of the scanned git working tree, else the scanned "
                  "directory)");
  cmd->add_flag("-q,--quiet", args->quiet,
                "No summary line, allow hint or progress line on stderr "
                "(findings, warnings and errors are still printed)");
  cmd->add_option("--color", args->color,
                  "Colour the text output by severity: auto (a terminal, "
                  "NO_COLOR unset), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_flag("--no-cache", args->no_cache,
                "Do not use the compiled rule database cache");
  cmd->add_flag("--git", args->git,
                "Scan the full git history of the repositories given as "
                "paths (every blob once)");
  cmd->add_flag("--all-objects", args->all_objects,
                "With --git: also scan objects no ref reaches");
  cmd->add_flag("--all-occurrences", args->all_occurrences,
                "With --git, --since or --range: one finding per blob in "
                "which a secret occurs (default: one per secret and rule, "
                "listing its occurrences)");
  cmd->add_flag("--allow-unreadable", args->allow_unreadable,
                "Git modes: objects that cannot be read (corrupt, missing, "
                "too large) are warnings only; default: exit 2");
  cmd->add_flag("--staged", args->staged,
                "Scan what is staged for the next commit (pre-commit)");
  cmd->add_option("--since", args->since,
                  "Scan what HEAD adds since its merge base with REV (CI)");
  cmd->add_option("--range", args->range,
                  "Scan what the commits in A..B add over A");
  cmd->add_option("--stream-threshold", args->stream_threshold,
                  "Files larger than BYTES are scanned in chunks (stream "
                  "mode)")
      ->capture_default_str();
  cmd->add_option("--chunk-size", args->chunk_size,
                  "Chunk size in BYTES for stream mode (stdin, large files), "
                  "1 to 1 GiB")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, kMaxChunkSize));
  AddTriageOptions(cmd, &args->triage);
  AddVerifyOptions(cmd, &args->verify);
  cmd->footer(
      "Examples:\n"
      "  keyward scan .\n"
      "  keyward scan --format json -o findings.json src/ docs/\n"
      "  kubectl logs app | keyward scan -\n"
      "  keyward scan --git .        full history: one line per secret\n"
      "  keyward scan --git --all-occurrences .   one line per blob version\n"
      "  keyward scan --staged       pre-commit: only what the commit adds\n"
      "  keyward scan --since origin/main   CI on a pull request\n"
      "  keyward scan --report sarif=keyward.sarif --report json=out.json .\n"
      "  keyward scan --baseline-out .keyward-baseline.json .   (adopt)\n"
      "  keyward scan --baseline .keyward-baseline.json .       (new only)\n"
      "  keyward scan --min-confidence low -v .   everything, with confidence\n"
      "Exit codes: 0 nothing found, 1 findings, 2 usage or input error.");
  cmd->callback([args, &ctx] { ctx.exit_code = RunScan(*args); });
}

}  // namespace keyward::cli

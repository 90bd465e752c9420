#include "cli/triage.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include "base/visible_text.h"
#include "cli/commands.h"
#include "keyward/atomic_file.h"
#include "keyward/git.h"

namespace keyward::cli {

void AddTriageOptions(CLI::App* cmd, TriageArgs* args) {
  cmd->add_option("--config", args->config,
                  "Configuration file (default: .keyward.yaml at the top of "
                  "the scanned working tree, if present)");
  cmd->add_flag("--no-config", args->no_config,
                "Ignore .keyward.yaml (built-in defaults only)");
  cmd->add_option("--fail-on", args->fail_on,
                  "Lowest severity that makes the scan exit 1: low, medium, "
                  "high, critical (default: low, or the config's fail_on); "
                  "lower findings are still reported");
  cmd->add_option("--min-confidence", args->min_confidence,
                  "Lowest confidence reported: low, medium, high (default: "
                  "medium, or the config's min_confidence); findings below "
                  "it are not shown and do not fail the run. Confidence "
                  "comes from the rule, a verified checksum, the value's "
                  "randomness and the file (config files raise it; docs, "
                  "tests and examples lower it)");
  cmd->add_option("--baseline", args->baseline,
                  "Suppress findings listed in this baseline file (same rule, "
                  "same secret, same path)");
  cmd->add_option("--baseline-out", args->baseline_out,
                  "Write every unsuppressed (or baselined) finding to this "
                  "baseline file, sorted, without line numbers");
  cmd->add_flag("--report-stale-baseline", args->report_stale,
                "List --baseline entries that were not found any more");
}

Result<Config> ApplyConfigFlags(const TriageArgs& args, Config config);

Result<Config> LoadScanConfig(const TriageArgs& args,
                              const std::string& start) {
  Config config;
  std::string path = args.config;
  if (path.empty() && !args.no_config) path = FindConfigFile(start);
  if (!path.empty()) {
    auto loaded = LoadConfig(path);
    if (!loaded.ok()) {
      if (loaded.status().code() == Status::Code::kNotFound) {
        return Status::NotFound(path + ": configuration file not found");
      }
      return loaded.status();
    }
    config = std::move(*loaded);
  }
  return ApplyConfigFlags(args, std::move(config));
}

Result<Config> ApplyConfigFlags(const TriageArgs& args, Config config) {
  if (!args.fail_on.empty() && !ParseSeverity(args.fail_on, &config.fail_on)) {
    return Status::InvalidArgument(
        "--fail-on expects low, medium, high or "
        "critical; got `" +
        args.fail_on + "`");
  }
  if (!args.min_confidence.empty() &&
      !ParseConfidence(args.min_confidence, &config.min_confidence)) {
    return Status::InvalidArgument(
        "--min-confidence expects low, medium or high; got `" +
        args.min_confidence + "`");
  }
  return config;
}

namespace {

constexpr char kBaseCopyPrefix[] = "keyward-base-";

// The pid in a base copy's name ("keyward-base-<pid>-XXXXXX"), or 0.
pid_t BaseCopyOwner(const std::string& name) {
  if (name.rfind(kBaseCopyPrefix, 0) != 0) return 0;
  const char* digits = name.c_str() + sizeof(kBaseCopyPrefix) - 1;
  char* end = nullptr;
  long pid = std::strtol(digits, &end, 10);
  if (end == digits || *end != '-' || pid <= 0) return 0;
  return static_cast<pid_t>(pid);
}

}  // namespace

void RemoveStaleBaseCopies(const std::string& tmp) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(tmp, ec), end; !ec && it != end;
       it.increment(ec)) {
    pid_t pid = BaseCopyOwner(it->path().filename().string());
    struct stat st;
    if (pid == 0 || lstat(it->path().c_str(), &st) != 0 ||
        !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
      continue;
    }
    // Only a process that no longer exists; a live one (or one that is
    // not ours to signal) keeps its copy.
    if (kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code rm;
    std::filesystem::remove_all(it->path(), rm);
  }
}

Result<Config> LoadRangeConfig(const TriageArgs& args, const std::string& repo,
                               const std::string& base, const std::string& head,
                               std::string* temp_dir) {
  std::error_code tmp_ec;
  const std::string tmp = std::filesystem::temp_directory_path(tmp_ec).string();
  // A scan killed before it removed its copies leaves them: the next one
  // removes those whose process is gone.
  if (!tmp_ec) RemoveStaleBaseCopies(tmp);
  if (!args.config.empty() || args.no_config) {
    return LoadScanConfig(args, repo);
  }
  const std::string top = WorkingTreeTop(repo);
  const std::string label = base.substr(0, 12);
  auto at_base = FileAtRevision(repo, base, ".keyward.yaml");
  if (!at_base.ok()) return at_base.status();
  auto at_head = FileAtRevision(repo, head, ".keyward.yaml");
  if (!at_head.ok()) return at_head.status();
  Config config;
  if (*at_base) {
    auto parsed = ParseConfigIn(**at_base, label + ":.keyward.yaml", top);
    if (!parsed.ok()) return parsed.status();
    config = std::move(*parsed);
  }
  if (*at_head != *at_base) {
    Warn("notice: .keyward.yaml differs between " + label + " and " + head +
         "; this scan uses the base commit's (a change under review cannot "
         "configure its own scan; docs/ci.md)");
  }
  // Files the configuration names inside the repository (the baseline, rule
  // files and directories): their base versions too, copied into a private
  // temporary directory.
  auto in_repo = [&](const std::string& path) -> std::optional<std::string> {
    std::filesystem::path rel =
        std::filesystem::path(path).lexically_relative(top);
    if (path.empty() || rel.empty() ||
        *rel.begin() == std::filesystem::path("..")) {
      return std::nullopt;
    }
    return rel.generic_string();
  };
  auto temp = [&]() -> Result<std::string> {
    if (temp_dir->empty()) {
      // Named after this process, so that the next scan can tell a copy
      // whose scan was killed (RemoveStaleBaseCopies).
      std::string tmpl = (tmp_ec ? std::string("/tmp") : tmp) + "/" +
                         kBaseCopyPrefix + std::to_string(getpid()) + "-XXXXXX";
      if (!mkdtemp(tmpl.data())) {
        return Status::IoError("cannot create a temporary directory in " +
                               tmpl.substr(0, tmpl.rfind('/')));
      }
      *temp_dir = tmpl;
    }
    return *temp_dir;
  };
  auto notice_if_changed = [&](const std::string& what, const std::string& rel,
                               const auto& at_base) {
    auto h = FilesAtRevision(repo, head, rel);
    if (h.ok() && *h != at_base) {
      Warn("notice: " + what + " differs between " + label + " and " + head +
           "; this scan uses the base commit's");
    }
  };
  if (auto rel = in_repo(config.baseline)) {
    auto b = FilesAtRevision(repo, base, *rel);
    if (!b.ok()) return b.status();
    notice_if_changed("baseline " + *rel, *rel, *b);
    if (!*b || (*b)->directory) {
      config.baseline.clear();  // none at the base: nothing is baselined
    } else {
      auto dir = temp();
      if (!dir.ok()) return dir.status();
      // Named after the commit and path, so messages still say which file.
      config.baseline = *dir + "/" + label + "/" + *rel;
      std::error_code ec;
      std::filesystem::create_directories(
          std::filesystem::path(config.baseline).parent_path(), ec);
      if (Status s = WriteFileAtomic(config.baseline, (*b)->files[0].content);
          !s.ok()) {
        return s;
      }
    }
  }
  for (size_t i = 0; i < config.rules.size(); ++i) {
    auto rel = in_repo(config.rules[i]);
    if (!rel) continue;  // outside the repository: not part of the change
    auto files = FilesAtRevision(repo, base, *rel);
    if (!files.ok()) return files.status();
    if (!*files) {
      return Status::Config(label + ":.keyward.yaml: rule file or directory " +
                            *rel + " is not in the base commit");
    }
    notice_if_changed("rules " + *rel, *rel, *files);
    auto dir = temp();
    if (!dir.ok()) return dir.status();
    // Named after the commit and path, so rule errors still say which file.
    std::filesystem::path copy = std::filesystem::path(*dir) / label / *rel;
    std::filesystem::path copy_dir =
        (*files)->directory ? copy : copy.parent_path();
    std::error_code ec;
    std::filesystem::create_directories(copy_dir, ec);
    if (ec) return Status::IoError(copy_dir.string() + ": " + ec.message());
    for (const RevisionFile& f : (*files)->files) {
      if (Status s = WriteFileAtomic((copy_dir / f.name).string(), f.content);
          !s.ok()) {
        return s;
      }
    }
    config.rules[i] = copy.string();
  }
  return ApplyConfigFlags(args, std::move(config));
}

// Baselines and allowlists written before keyed fingerprints still match
// (on the in-memory digest), but they hold SHA-256 of the secret: say how to
// rewrite them. A baseline made under another key matches nothing: say why.
void WarnOldFingerprints(const Config& config, const std::string& path,
                         const Baseline& baseline,
                         const std::vector<Finding>& findings) {
  if (baseline.legacy_entries() > 0) {
    Warn("notice: baseline " + path + " holds " +
         CountOf(baseline.legacy_entries(),
                 "old unkeyed `sha256:` fingerprint") +
         " (a guessable secret can be confirmed from them by hashing a "
         "dictionary). They still match for now; rewrite the file with keyed "
         "fingerprints: keyward scan --baseline " +
         path + " --baseline-out " + path +
         " ... (docs/ci.md, \"Fingerprint key\")");
  }
  if (!baseline.key_id().empty() && baseline.key_id() != FingerprintKeyId()) {
    Warn("baseline " + path + " was written with fingerprint key " +
         baseline.key_id() + " but this run uses key " + FingerprintKeyId() +
         ": its entries cannot match. Use the same key on every machine "
         "(KEYWARD_FINGERPRINT_KEY: docs/ci.md, \"Fingerprint key\")");
  }
  for (const AllowedSecret& a : config.allow) {
    if (!IsLegacyFingerprint(a.fingerprint)) continue;
    std::string now;
    for (const Finding& f : findings) {
      if (f.secret_digest.size() == 32 &&
          LegacyFingerprint(f.secret_digest) == a.fingerprint) {
        now = f.fingerprint;
        break;
      }
    }
    Warn("notice: " + config.path + ":" + std::to_string(a.line) +
         ": `allow` entry with an old unkeyed `sha256:` fingerprint (a "
         "guessable secret can be confirmed from it by hashing a "
         "dictionary); it still matches for now. " +
         (now.empty() ? std::string("Replace it with the `hmac-sha256:` "
                                    "fingerprint a scan reports for it")
                      : "Replace it with `fingerprint: " + now + "`") +
         " (docs/ci.md, \"Fingerprint key\")");
  }
}

Status LoadTriageBaseline(const TriageArgs& args, const Config& config,
                          Baseline* out, bool* have) {
  // --baseline wins over the configuration's `baseline`; only the flag
  // insists that the file exists (a configured one may not be written yet).
  const std::string& path =
      args.baseline.empty() ? config.baseline : args.baseline;
  *have = !path.empty();
  if (path.empty()) return Status::OK();
  auto loaded = Baseline::Load(path);
  if (loaded.ok()) {
    *out = std::move(*loaded);
  } else if (loaded.status().code() != Status::Code::kNotFound) {
    return loaded.status();
  } else if (!args.baseline.empty()) {
    return Status::NotFound(path + ": baseline file not found");
  }
  return Status::OK();
}

Status ApplyTriage(const TriageArgs& args, const Config& config,
                   ScanResult* result) {
  Baseline baseline;
  bool have = false;
  if (Status s = LoadTriageBaseline(args, config, &baseline, &have); !s.ok()) {
    return s;
  }
  ApplySuppressions(config, have ? &baseline : nullptr, result);
  const std::string& path =
      args.baseline.empty() ? config.baseline : args.baseline;
  WarnOldFingerprints(config, path, baseline, result->findings);
  if (args.report_stale && have) {
    auto stale = StaleBaselineEntries(baseline, result->findings);
    for (const auto& e : stale) {
      // An old entry holds SHA-256 of the secret: not for CI logs in full.
      std::string fp = IsLegacyFingerprint(e.fingerprint)
                           ? e.fingerprint.substr(0, 15) + "… (old, unkeyed)"
                           : e.fingerprint;
      std::cerr << "keyward: stale baseline entry: "
                << VisibleText(e.path + " " + e.rule_id + " " + fp) << "\n";
    }
    std::cerr << "keyward: " << stale.size() << " of "
              << CountOf(baseline.entries().size(), "baseline entry",
                         "baseline entries")
              << " no longer found\n";
  }
  if (!args.baseline_out.empty()) {
    Status s =
        Baseline::FromFindings(result->findings).Write(args.baseline_out);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

std::string AllowHint(const std::vector<Finding>& findings,
                      size_t more_fingerprints) {
  constexpr size_t kShown = 5;
  std::set<std::string> seen;
  std::string entries;
  size_t more = 0;
  for (const Finding& f : findings) {
    if (f.suppressed || f.fingerprint.empty()) continue;
    if (!seen.insert(f.fingerprint).second) continue;
    if (seen.size() > kShown) {
      ++more;
      continue;
    }
    // The fingerprint is already in every JSON report and baseline; the
    // secret itself never appears here.
    entries += "    - fingerprint: " + f.fingerprint + "   # " + f.path + ":" +
               std::to_string(f.line) + " " + f.rule_id +
               "\n      reason: <why this is not a leak>\n";
  }
  if (seen.empty()) return "";
  more += more_fingerprints;
  std::string hint =
      "keyward: not a leak (a test value, a public example)? Allow it by "
      "fingerprint in .keyward.yaml:\n  allow:\n" +
      entries;
  if (more > 0) {
    hint += "    # and " + CountOf(more, "more fingerprint") +
            ": keyward scan --format json lists them all\n";
  }
  hint +=
      "  or end its line with a `keyward:allow <reason>` comment (docs/ci.md "
      "shows the syntax per language).\n";
  return hint;
}

void PrintBlockedCommitHelp(const std::vector<Finding>& findings) {
  std::set<std::string> leaks;
  for (const Finding& f : findings) {
    if (!f.suppressed) leaks.insert(f.fingerprint);
  }
  bool one = leaks.size() == 1;
  std::cerr << "keyward: commit blocked: the staged changes add "
            << (one ? "the credential" : "the credentials") << " above.\n"
            << (one ? "  Remove it (and revoke it if it was real"
                    : "  Remove them (and revoke them if they were real")
            << ": treat a key that\n"
               "  reached a commit as exposed), then `git add` and commit "
               "again.\n"
               "  Skip the check once: git commit --no-verify\n"
            << AllowHint(findings);
}

}  // namespace keyward::cli

// One target of an audit: resolve HEAD, skip a current result, clone when
// needed, scan, write the result atomically (keyward/audit.h).
#include <chrono>
#include <filesystem>

#include "audit/git_process.h"
#include "audit/result_file.h"
#include "base/json_file.h"
#include "keyward/atomic_file.h"
#include "keyward/audit.h"
#include "keyward/git.h"

namespace keyward {
namespace {

namespace fs = std::filesystem;

const char* ModeName(const AuditOptions& opts) {
  return opts.git_history ? "git" : "tree";
}

// Removes the clone however the scan ends.
struct CloneDir {
  std::string path;
  ~CloneDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

// Findings of a tree scan name "LOCATION/rel": keep "rel".
void MakeRelative(const std::string& root, ScanResult* r) {
  const std::string prefix = root + "/";
  auto strip = [&](std::string* p) {
    if (p->rfind(prefix, 0) == 0) p->erase(0, prefix.size());
  };
  for (Finding& f : r->findings) {
    strip(&f.path);
    for (Occurrence& o : f.occurrences) strip(&o.path);
  }
  std::sort(r->findings.begin(), r->findings.end(), FindingLess);
}

Status Scan(const Matcher& matcher, const std::string& dir,
            const AuditOptions& opts, ScanResult* result) {
  Scanner scanner(matcher, opts.scan);
  if (opts.git_history) {
    GitHistoryOptions h;
    h.repo = dir;
    Status s = ScanGitHistory(scanner, h, result);
    if (!s.ok()) return s;
    if (result->stats.unreadable > 0) {
      result->errors.push_back(std::to_string(result->stats.unreadable) +
                               " git object(s) could not be read");
    }
    GroupHistoryFindings(result);
  } else {
    Status s = scanner.ScanPaths({dir}, result);
    if (!s.ok()) return s;
  }
  MakeRelative(dir, result);
  return Status::OK();
}

}  // namespace

bool ResultIsCurrent(const std::string& result_path, const AuditTarget& target,
                     const std::string& head, const AuditOptions& opts) {
  if (head.empty()) return false;  // a plain directory: always rescanned
  auto text = ReadFileToString(result_path);
  if (!text.ok()) return false;
  auto doc = ParseJsonFile(*text, result_path);
  if (!doc.ok() || !doc->is_object()) return false;
  const nlohmann::json& j = *doc;
  auto str = [&](const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : "";
  };
  return j.value("keyward_audit_result", 0) == kAuditResultVersion &&
         str("target") == target.text && str("head") == head &&
         str("rules_digest") == opts.rules_digest &&
         str("mode") == ModeName(opts) && j.contains("errors") &&
         j["errors"].is_array() && j["errors"].empty();
}

Status AuditOne(const Matcher& matcher, const AuditTarget& target,
                const AuditOptions& opts, AuditOutcome* outcome) {
  *outcome = AuditOutcome{};
  const auto start = std::chrono::steady_clock::now();
  const std::string result_path = ResultPath(opts.out_dir, target);
  ScanResult scan;
  std::string head;
  std::string error;
  CloneDir clone;
  std::string dir = target.location;
  if (target.remote) {
    auto remote_head = RemoteHead(target.location);
    if (!remote_head.ok()) {
      error = remote_head.status().message();
    } else if (ResultIsCurrent(result_path, target, *remote_head, opts)) {
      outcome->kind = AuditOutcome::Kind::kCurrent;
      outcome->head = *remote_head;
      return Status::OK();
    }
    if (error.empty()) {
      std::string work =
          opts.work_dir.empty() ? opts.out_dir + "/.work" : opts.work_dir;
      std::error_code ec;
      fs::create_directories(work, ec);
      clone.path = (fs::path(work) / target.id).string();
      fs::remove_all(clone.path, ec);
      // The tree needs one commit; history needs every object (a partial
      // clone would leave blobs to fetch one by one).
      std::vector<std::string> args =
          opts.git_history ? std::vector<std::string>{"clone", "-q", "--mirror"}
                           : std::vector<std::string>{
                                 "clone", "-q",        "--depth",
                                 "1",     "--no-tags", "--single-branch"};
      args.insert(args.end(), {"--", target.location, clone.path});
      auto r = RunGit(args);
      if (!r.ok()) {
        error = r.status().message();
      } else if (r->exit_code != 0) {
        std::string err = r->err;
        while (!err.empty() && (err.back() == '\n' || err.back() == '\r'))
          err.pop_back();
        error = target.text + ": git clone failed: " + err;
      } else {
        dir = clone.path;
      }
    }
  } else {
    std::error_code ec;
    if (!fs::is_directory(target.location, ec)) {
      error = target.text + ": not a directory";
    }
  }
  if (error.empty()) {
    head = LocalHead(dir);
    if (!target.remote && ResultIsCurrent(result_path, target, head, opts)) {
      outcome->kind = AuditOutcome::Kind::kCurrent;
      outcome->head = head;
      return Status::OK();
    }
    if (opts.git_history && head.empty()) {
      error = target.text + ": not a git repository with commits (--git)";
    } else if (Status s = Scan(matcher, dir, opts, &scan); !s.ok()) {
      error = target.text + ": " + s.message();
    }
  }
  if (!error.empty()) {
    scan = ScanResult{};
    scan.errors.push_back(error);
  } else if (!scan.errors.empty()) {
    error = scan.errors.front();
  }
  outcome->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  outcome->head = head;
  outcome->findings = scan.findings.size();
  outcome->error = error;
  outcome->kind = error.empty() ? AuditOutcome::Kind::kScanned
                                : AuditOutcome::Kind::kFailed;
  return WriteFileAtomic(
      result_path, ResultToText(target, head, ModeName(opts), opts.rules_digest,
                                scan, outcome->seconds));
}

}  // namespace keyward

// GitLab's secret detection report (`--format gitlab`), which GitLab reads
// from a job's `artifacts: reports: secret_detection` file and shows in merge
// requests and the vulnerability report.
//
// The format is GitLab's security report schema, type
// "secret-detection-report-format", version 15: {version, scan: {analyzer,
// scanner, type, start_time, end_time, status}, vulnerabilities: [{id, name,
// description, severity, solution, identifiers, location: {file, start_line,
// end_line, commit: {sha}}}]}. Like the SARIF writer, it never carries a
// secret value (GitLab stores and displays the report): names and
// descriptions use Finding::redacted even with --show-secrets. One
// vulnerability per finding; a grouped history finding is one vulnerability
// at its first-seen occurrence. `id` is a UUID derived from the rule, the
// keyed fingerprint and the location, so a rerun gives the same ids (GitLab
// tracks vulnerabilities across pipelines by identifiers and location).
#include <ctime>
#include <map>

#include "base/crypto.h"
#include "keyward/report.h"
#include "report/paths.h"

#ifndef KEYWARD_VERSION
#define KEYWARD_VERSION "0.0.0"
#endif

namespace keyward {
namespace {

using nlohmann::json;

constexpr char kSchemaVersion[] = "15.0.7";
// Without a commit (a directory scan, stdin, staged changes) GitLab's own
// secret detection analyzer reports this placeholder sha; so does keyward.
constexpr char kNoCommit[] = "0000000";

const char* GitlabSeverity(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return "Critical";
    case Severity::kHigh:
      return "High";
    case Severity::kMedium:
      return "Medium";
    case Severity::kLow:
      return "Low";
  }
  return "Unknown";
}

// A UUID (version 5 layout: name-based, SHA) of `name`.
std::string StableUuid(const std::string& name) {
  std::string h = Sha256Hex("keyward-gitlab:" + name).substr(0, 32);
  h[12] = '5';
  static const char kVariant[] = "89ab";
  h[16] = kVariant[(h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0') & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
         h.substr(16, 4) + "-" + h.substr(20, 12);
}

// GitLab's date-time form: UTC, seconds, no zone suffix.
std::string GitlabTime(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

// The runbook for an exposed secret: it is compromised whoever owns it.
std::string Solution(const Finding& f, const Rule* rule) {
  std::string s =
      "This credential is exposed: revoke it now, then issue a replacement, "
      "update the systems that use it and review the provider's activity "
      "since its first exposure. Finding the owner runs beside the "
      "revocation, not before it.";
  if (rule && !rule->revoke.empty()) s += " How to revoke: " + rule->revoke;
  if (f.credential && !f.credential->id.empty() &&
      !f.credential->use.owner.empty()) {
    s += " Inventory owner: " + f.credential->use.owner + ".";
  }
  return s;
}

std::string Description(const Finding& f) {
  std::string d = f.rule_name + " " + f.redacted + " exposed";
  if (f.git && !f.git->commit.empty()) {
    d += " in commit " + f.git->commit.substr(0, 12);
  }
  if (f.occurrence_count > 1) d += " (" + OccurrenceSummary(f) + ")";
  d += ". Confidence: ";
  d += ConfidenceName(f.confidence);
  d += ". keyward fingerprint: " + f.fingerprint + ".";
  return d;
}

}  // namespace

void WriteGitlab(const ScanResult& r, const std::vector<Rule>& rules,
                 const ReportOptions& opts, std::ostream& out) {
  std::map<std::string, const Rule*> by_id;
  for (const Rule& rule : rules) by_id.emplace(rule.id, &rule);
  json vulns = json::array();
  for (const Finding& f : r.findings) {
    if (f.suppressed) continue;  // GitLab has no suppressed state to map to
    std::string path = RootRelativePath(f.path, opts);
    if (IsStdinPath(path)) path = "stdin";
    const std::string sha =
        f.git && !f.git->commit.empty() ? f.git->commit : kNoCommit;
    auto rule = by_id.find(f.rule_id);
    json v = {
        {"id", StableUuid(f.rule_id + '\0' + f.fingerprint + '\0' + path +
                          '\0' + std::to_string(f.line) + '\0' + sha)},
        {"name", f.rule_name},
        {"description", Description(f)},
        {"severity", GitlabSeverity(f.severity)},
        {"solution", Solution(f, rule == by_id.end() ? nullptr : rule->second)},
        {"identifiers",
         {{{"type", "keyward_rule_id"},
           {"name", "keyward rule " + f.rule_id},
           {"value", f.rule_id}}}},
        {"location",
         {{"file", path},
          {"start_line", std::max(1, f.line)},
          {"end_line", std::max(std::max(1, f.line), f.end_line)},
          {"commit", {{"sha", sha}}}}}};
    vulns.push_back(std::move(v));
  }
  const std::time_t end = std::time(nullptr);
  const std::time_t start = end - static_cast<std::time_t>(r.stats.seconds);
  const json tool = {{"id", "keyward"},
                     {"name", "keyward"},
                     {"version", KEYWARD_VERSION},
                     {"vendor", {{"name", "keyward"}}}};
  json report = {{"version", kSchemaVersion},
                 {"vulnerabilities", std::move(vulns)},
                 {"scan",
                  {{"analyzer", tool},
                   {"scanner", tool},
                   {"type", "secret_detection"},
                   {"start_time", GitlabTime(start)},
                   {"end_time", GitlabTime(end)},
                   {"status", r.errors.empty() ? "success" : "failure"}}}};
  if (!r.errors.empty()) {
    json messages = json::array();
    for (const std::string& e : r.errors) {
      messages.push_back({{"level", "error"}, {"value", e}});
    }
    report["scan"]["messages"] = std::move(messages);
  }
  out << report.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace keyward

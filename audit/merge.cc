// Results -> one JSON report, one SARIF with a run per repository, and the
// findings for tickets and the store (keyward/audit.h). Built with the
// scan's own reporters, from results only, so the bytes do not depend on
// how many shards wrote them.
#include <algorithm>
#include <set>
#include <sstream>

#include "keyward/audit.h"
#include "keyward/report.h"

namespace keyward {
namespace {

using nlohmann::json;

std::string Dump(const json& j) {
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string Prefixed(const std::string& target, const std::string& path) {
  return path.empty() ? target : target + "/" + path;
}

// One SARIF run: the reporter's run for this repository alone, with the
// rules its results use and the repository it describes.
json SarifRun(const TargetResult& r, const std::vector<Rule>& rules) {
  std::set<std::string> used;
  for (const Finding& f : r.scan.findings) used.insert(f.rule_id);
  std::vector<Rule> subset;
  for (const Rule& rule : rules) {
    if (used.count(rule.id)) subset.push_back(rule);
  }
  std::ostringstream out;
  WriteSarif(r.scan, subset, ReportOptions{}, out);
  json doc = json::parse(out.str(), nullptr, /*allow_exceptions=*/false);
  json run = doc.is_object() && doc.contains("runs") && !doc["runs"].empty()
                 ? doc["runs"][0]
                 : json::object();
  run["automationDetails"] = {{"id", "keyward/audit/" + r.target + "/"}};
  if (r.target.find("://") != std::string::npos && !r.head.empty()) {
    run["versionControlProvenance"] = {
        {{"repositoryUri", r.target}, {"revisionId", r.head}}};
  }
  run["properties"] = {
      {"target", r.target}, {"head", r.head}, {"mode", r.mode}};
  return run;
}

}  // namespace

Result<AuditReports> MergeResults(std::vector<TargetResult> results,
                                  const std::vector<Rule>& rules) {
  std::sort(results.begin(), results.end(),
            [](const TargetResult& a, const TargetResult& b) {
              return a.target < b.target;
            });
  for (size_t i = 1; i < results.size(); ++i) {
    if (results[i].target == results[i - 1].target) {
      return Status::InvalidArgument(
          "two results for target `" + results[i].target +
          "`: " + results[i - 1].file + " and " + results[i].file);
    }
  }
  AuditReports out;
  ScanResult all;
  json targets = json::array();
  json runs = json::array();
  for (const TargetResult& r : results) {
    for (Finding f : r.scan.findings) {
      f.path = Prefixed(r.target, f.path);
      for (Occurrence& o : f.occurrences) o.path = Prefixed(r.target, o.path);
      all.findings.push_back(std::move(f));
    }
    all.stats.Add(r.scan.stats);
    for (const std::string& e : r.scan.errors) all.errors.push_back(e);
    out.errors = out.errors || !r.scan.errors.empty();
    targets.push_back({{"target", r.target},
                       {"head", r.head},
                       {"mode", r.mode},
                       {"findings", r.scan.findings.size()},
                       {"errors", r.scan.errors}});
    runs.push_back(SarifRun(r, rules));
  }
  std::stable_sort(all.findings.begin(), all.findings.end(), FindingLess);
  all.stats.seconds = all.stats.compile_seconds = 0;

  std::ostringstream report;
  ReportOptions ropts;
  ropts.show_suppressed = true;
  WriteJson(all, ropts, report);
  json doc = json::parse(report.str(), nullptr, false);
  doc["targets"] = std::move(targets);
  out.json = Dump(doc);

  json sarif = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                {"version", "2.1.0"},
                {"runs", std::move(runs)}};
  out.sarif = Dump(sarif);
  out.findings = std::move(all.findings);
  return out;
}

}  // namespace keyward

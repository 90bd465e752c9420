// Writing and reading per-target result files (keyward/audit.h).
#include "audit/result_file.h"

#include <algorithm>
#include <filesystem>

#include "base/json_file.h"
#include "keyward/atomic_file.h"
#include "keyward/report.h"

namespace keyward {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// StatsToJson's counters, read back (timings stay 0).
ScanStats StatsFromJson(const json& j) {
  ScanStats s;
  auto get = [&](const char* name, uint64_t* v) {
    if (j.contains(name) && j[name].is_number_unsigned()) {
      *v = j[name].get<uint64_t>();
    }
  };
  get("files", &s.files);
  get("bytes", &s.bytes);
  get("skipped_binary", &s.skipped_binary);
  get("skipped_ignored", &s.skipped_ignored);
  get("unreadable", &s.unreadable);
  get("findings", &s.findings);
  get("suppressed", &s.suppressed);
  get("below_min_confidence", &s.below_confidence);
  get("decompressed", &s.decompressed);
  get("decompressed_bytes", &s.decompressed_bytes);
  get("decompress_limited", &s.decompress_limited);
  get("source_maps", &s.source_maps);
  return s;
}

}  // namespace

std::string ResultPath(const std::string& out_dir, const AuditTarget& t) {
  return (fs::path(out_dir) / (t.id + ".json")).string();
}

std::string ResultToText(const AuditTarget& target, const std::string& head,
                         const std::string& mode,
                         const std::string& rules_digest,
                         const ScanResult& scan, double seconds) {
  ReportOptions ropts;  // redacted: a result never holds a secret
  ropts.show_suppressed = true;
  json findings = json::array();
  for (const Finding& f : scan.findings) {
    findings.push_back(FindingToJson(f, ropts));
  }
  ScanStats stats = scan.stats;
  stats.seconds = stats.compile_seconds = 0;
  json doc = {{"keyward_audit_result", kAuditResultVersion},
              {"target", target.text},
              {"id", target.id},
              {"head", head},
              {"mode", mode},
              {"rules_digest", rules_digest},
              {"findings", std::move(findings)},
              {"stats", StatsToJson(stats)},
              {"errors", scan.errors},
              {"seconds", seconds}};
  return doc.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<TargetResult> ReadResult(const std::string& path, const RuleSet* rules) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  auto doc = ParseJsonFile(*text, path);
  if (!doc.ok()) return doc.status();
  TargetResult r;
  r.file = path;
  Status s = ReadJsonFields(path, [&]() -> Status {
    const json& j = *doc;
    if (!j.is_object() || !j.contains("keyward_audit_result")) {
      return Status::Corruption(path + ": not a keyward audit result");
    }
    if (j.at("keyward_audit_result").get<int>() != kAuditResultVersion) {
      return Status::Corruption(path + ": unsupported audit result version");
    }
    r.target = j.at("target").get<std::string>();
    r.head = j.at("head").get<std::string>();
    r.mode = j.at("mode").get<std::string>();
    r.rules_digest = j.at("rules_digest").get<std::string>();
    for (const json& f : j.at("findings")) {
      auto finding = FindingFromJson(f, rules);
      if (!finding.ok()) {
        return Status::Corruption(path + ": " + finding.status().message());
      }
      r.scan.findings.push_back(std::move(*finding));
    }
    r.scan.stats = StatsFromJson(j.at("stats"));
    r.scan.errors = j.at("errors").get<std::vector<std::string>>();
    return Status::OK();
  });
  if (!s.ok()) return s;
  return r;
}

Result<std::vector<std::string>> ListResultFiles(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> out;
  fs::directory_iterator it(dir, ec);
  if (ec) return Status::IoError(dir + ": " + ec.message());
  for (const auto& e : it) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.') continue;  // temporaries, .work
    if (e.path().extension() == ".json" && e.is_regular_file(ec)) {
      out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace keyward

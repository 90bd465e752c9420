// Text, JSON and JSONL reporters.
#include "keyward/report.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "base/visible_text.h"
#include "keyward/fingerprint.h"

namespace keyward {
namespace {

bool Visible(const Finding& f, const ReportOptions& opts) {
  return !f.suppressed || opts.show_suppressed;
}

const char* SeverityColor(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return "\033[1;31m";
    case Severity::kHigh:
      return "\033[31m";
    case Severity::kMedium:
      return "\033[33m";
    case Severity::kLow:
      return "\033[36m";
  }
  return "";
}

}  // namespace

size_t DistinctPaths(const Finding& f) {
  std::set<std::string_view> paths;
  for (const Occurrence& o : f.occurrences) paths.insert(o.path);
  return paths.empty() ? 1 : paths.size();
}

std::string OccurrenceSummary(const Finding& f) {
  uint64_t n = std::max<uint64_t>(f.occurrence_count, 1);
  size_t paths = DistinctPaths(f);
  std::string s = std::to_string(n) +
                  (n == 1 ? " occurrence" : " occurrences") + " in " +
                  std::to_string(paths) + (paths == 1 ? " path" : " paths");
  // Occurrences are oldest first; a range finding sits at its newest one.
  if (!f.occurrences.empty() && !f.occurrences.front().commit.empty()) {
    s += ", first seen " + f.occurrences.front().commit.substr(0, 12) + " " +
         f.occurrences.front().date.substr(0, 10);
  } else if (f.git && !f.git->commit.empty()) {
    s += ", first seen " + f.git->commit.substr(0, 12) + " " +
         f.git->date.substr(0, 10);
  }
  return s;
}

bool ParseReportFormat(const std::string& text, ReportFormat* out) {
  if (text == "text") {
    *out = ReportFormat::kText;
  } else if (text == "json") {
    *out = ReportFormat::kJson;
  } else if (text == "jsonl") {
    *out = ReportFormat::kJsonl;
  } else if (text == "sarif") {
    *out = ReportFormat::kSarif;
  } else if (text == "gitlab") {
    *out = ReportFormat::kGitlab;
  } else {
    return false;
  }
  return true;
}

nlohmann::json FindingToJson(const Finding& f, const ReportOptions& opts) {
  nlohmann::json j = {
      {"rule_id", f.rule_id},
      {"rule_name", f.rule_name},
      {"provider", f.provider},
      {"kind", f.kind},
      {"severity", SeverityName(f.severity)},
      {"confidence", ConfidenceName(f.confidence)},
      {"path", f.path},
      {"line", f.line},
      {"column", f.column},
      {"end_line", f.end_line},
      {"end_column", f.end_column},
      {"secret", opts.show_secrets ? f.secret : f.redacted},
      {"fingerprint", f.fingerprint},
  };
  // Lets `keyward tickets` match a saved report against the inventory
  // (keyward/fingerprint.h): opens only under the key that made it.
  if (f.secret_digest.size() == 32 && IsKeyedFingerprint(f.fingerprint)) {
    j["fingerprint_seal"] = SealDigest(f.fingerprint, f.secret_digest);
  }
  if (!f.identifier.empty()) j["identifier"] = f.identifier;
  if (!f.encoding.empty()) j["encoding"] = f.encoding;
  if (f.checksum_verified) j["checksum_verified"] = true;
  if (f.checksum_failed) j["checksum_failed"] = true;
  if (f.git) {
    j["commit"] = f.git->commit;
    j["author"] = f.git->author;
    j["email"] = f.git->email;
    j["date"] = f.git->date;
    j["blob"] = f.git->blob;
    j["commit_count"] = f.git->commit_count;
  }
  if (f.occurrence_count > 0) {
    nlohmann::json occurrences = nlohmann::json::array();
    for (const Occurrence& o : f.occurrences) {
      occurrences.push_back({{"path", o.path},
                             {"line", o.line},
                             {"column", o.column},
                             {"end_line", o.end_line},
                             {"end_column", o.end_column},
                             {"commit", o.commit},
                             {"author", o.author},
                             {"date", o.date},
                             {"blob", o.blob}});
    }
    j["occurrence_count"] = f.occurrence_count;
    j["occurrences"] = std::move(occurrences);
  }
  if (!f.related.empty()) {
    nlohmann::json related = nlohmann::json::array();
    for (const RelatedLocation& r : f.related) {
      related.push_back({{"path", r.path},
                         {"line", r.line},
                         {"column", r.column},
                         {"end_line", r.end_line},
                         {"end_column", r.end_column},
                         {"role", r.role}});
    }
    j["related_locations"] = std::move(related);
  }
  if (f.credential) {
    const CredentialRef& c = *f.credential;
    if (c.status == "unknown") {
      j["credential"] = "unknown";
    } else {
      j["credential"] = {{"id", c.id},
                         {"name", c.name},
                         {"owner", c.use.owner},
                         {"environment", c.use.environment},
                         {"access", c.use.access},
                         {"systems", c.use.systems},
                         {"status", c.status}};
      if (!c.note.empty()) j["credential"]["note"] = c.note;
    }
  }
  if (f.verification) {  // keyward/verify.h
    const Verification& v = *f.verification;
    j["verification"] = v.status;
    nlohmann::json detail = {{"date", v.date}};
    if (!v.account.empty()) detail["account"] = v.account;
    if (!v.scope.empty()) detail["scope"] = v.scope;
    if (!v.detail.empty()) detail["detail"] = v.detail;
    j["verification_detail"] = std::move(detail);
  }
  if (f.suppressed) {
    j["suppressed"] = true;
    j["suppression"] = f.suppression;
  }
  return j;
}

namespace {

// FindingFromJson's body; nlohmann's accessors throw on a field of the
// wrong type, which FindingFromJson turns into a Status.
Finding ReadFinding(const nlohmann::json& j, const RuleSet* rules) {
  Finding f;
  f.rule_id = j.value("rule_id", "");
  f.rule_name = j.value("rule_name", "");
  f.provider = j.value("provider", "");
  f.kind = j.value("kind", "");
  ParseSeverity(j.value("severity", "high"), &f.severity);
  ParseConfidence(j.value("confidence", "medium"), &f.confidence);
  f.checksum_verified = j.value("checksum_verified", false);
  f.checksum_failed = j.value("checksum_failed", false);
  if (j.contains("verification")) {
    Verification v;
    v.status = j.value("verification", "");
    const nlohmann::json d =
        j.value("verification_detail", nlohmann::json::object());
    v.date = d.value("date", "");
    v.account = d.value("account", "");
    v.scope = d.value("scope", "");
    v.detail = d.value("detail", "");
    f.verification = v;
  }
  f.path = j.value("path", "");
  f.line = j.value("line", 0);
  f.column = j.value("column", 0);
  f.end_line = j.value("end_line", 0);
  f.end_column = j.value("end_column", 0);
  f.redacted = j.value("secret", "");
  f.fingerprint = j.value("fingerprint", "");
  // The digest comes back only under the key that sealed it, or from a
  // report written before keyed fingerprints ("sha256:<hex>").
  if (auto d = OpenSeal(f.fingerprint, j.value("fingerprint_seal", ""))) {
    f.secret_digest = *d;
  } else if (auto legacy = DigestFromLegacy(f.fingerprint)) {
    f.secret_digest = *legacy;
  }
  // A raw secret (a --show-secrets report): keep only what identifies it.
  if (!f.redacted.empty() && f.redacted.find("…") == std::string::npos) {
    if (f.secret_digest.empty()) f.secret_digest = SecretDigest(f.redacted);
    if (f.fingerprint.empty()) {
      f.fingerprint = FingerprintFromDigest(f.secret_digest);
    }
    const Rule* rule = rules ? rules->Find(f.rule_id) : nullptr;
    f.redacted = Redact(f.redacted, rule ? rule->prefix : "");
  }
  f.identifier = j.value("identifier", "");
  f.encoding = j.value("encoding", "");
  if (j.contains("commit")) {
    GitProvenance g;
    g.commit = j.value("commit", "");
    g.author = j.value("author", "");
    g.email = j.value("email", "");
    g.date = j.value("date", "");
    g.blob = j.value("blob", "");
    g.commit_count = j.value("commit_count", 0);
    f.git = g;
  }
  if (auto it = j.find("occurrences"); it != j.end() && it->is_array()) {
    for (const auto& oj : *it) {
      if (!oj.is_object()) continue;
      Occurrence o;
      o.path = oj.value("path", "");
      o.line = oj.value("line", 0);
      o.column = oj.value("column", 0);
      o.end_line = oj.value("end_line", 0);
      o.end_column = oj.value("end_column", 0);
      o.commit = oj.value("commit", "");
      o.author = oj.value("author", "");
      o.date = oj.value("date", "");
      o.blob = oj.value("blob", "");
      f.occurrences.push_back(std::move(o));
    }
    f.occurrence_count = j.value("occurrence_count",
                                 static_cast<uint64_t>(f.occurrences.size()));
  }
  if (auto it = j.find("related_locations"); it != j.end() && it->is_array()) {
    for (const auto& rj : *it) {
      if (!rj.is_object()) continue;
      f.related.push_back({rj.value("path", ""), rj.value("line", 0),
                           rj.value("column", 0), rj.value("end_line", 0),
                           rj.value("end_column", 0), rj.value("role", "")});
    }
  }
  if (j.contains("credential")) {
    CredentialRef c;
    const auto& cj = j["credential"];
    if (cj.is_string()) {
      c.status = "unknown";
    } else {
      c.id = cj.value("id", "");
      c.name = cj.value("name", "");
      c.use.owner = cj.value("owner", "");
      c.use.environment = cj.value("environment", "");
      c.use.access = cj.value("access", "");
      c.status = cj.value("status", "");
      c.note = cj.value("note", "");
      if (cj.contains("systems")) {
        c.use.systems = cj["systems"].get<std::vector<std::string>>();
      }
    }
    f.credential = c;
  }
  f.suppressed = j.value("suppressed", false);
  f.suppression = j.value("suppression", "");
  return f;
}

}  // namespace

Result<Finding> FindingFromJson(const nlohmann::json& j, const RuleSet* rules) {
  try {
    return ReadFinding(j, rules);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("malformed finding: ") +
                                   e.what());
  }
}

nlohmann::json StatsToJson(const ScanStats& s) {
  return {{"files", s.files},
          {"bytes", s.bytes},
          {"skipped_binary", s.skipped_binary},
          {"skipped_ignored", s.skipped_ignored},
          {"unreadable", s.unreadable},
          {"findings", s.findings},
          {"suppressed", s.suppressed},
          {"below_min_confidence", s.below_confidence},
          {"decompressed", s.decompressed},
          {"decompressed_bytes", s.decompressed_bytes},
          {"decompress_limited", s.decompress_limited},
          {"source_maps", s.source_maps},
          {"pdfs", s.pdfs},
          {"pdf_pages", s.pdf_pages},
          {"notebooks", s.notebooks},
          {"notebook_cells", s.notebook_cells},
          {"documents_unreadable", s.documents_unreadable},
          {"documents_limited", s.documents_limited},
          {"bundle_findings_folded", s.bundle_findings_folded},
          {"decoded_spans", s.decoded_spans},
          {"decoded_bytes", s.decoded_bytes},
          {"decoded_findings", s.decoded_findings},
          {"decode_limited", s.decode_limited},
          {"archives", s.archives},
          {"archive_entries", s.archive_entries},
          {"archive_limited", s.archive_limited},
          {"seconds", s.seconds},
          {"compile_seconds", s.compile_seconds}};
}

void WriteText(const ScanResult& r, const ReportOptions& opts,
               std::ostream& out) {
  for (const auto& f : r.findings) WriteTextFinding(f, opts, out);
}

void WriteTextFinding(const Finding& f, const ReportOptions& opts,
                      std::ostream& out) {
  {
    if (!Visible(f, opts)) return;
    // One finding, one line: every control character in it (from a file
    // name, an author, matched text) is escaped; only the colour codes
    // around the rule id are written as they are.
    std::ostringstream head, line;
    if (f.git) head << f.git->commit.substr(0, 12) << ":";
    head << f.path << ":" << f.line << ":" << f.column << "  ";
    line << "  " << (opts.show_secrets ? f.secret : f.redacted);
    if (opts.verbose) {
      line << "  confidence " << ConfidenceName(f.confidence);
      if (f.checksum_verified) line << " (checksum verified)";
      if (f.checksum_failed) line << " (checksum does not verify)";
      if (!f.encoding.empty()) line << "  encoded " << f.encoding;
    }
    if (f.occurrence_count > 1) line << "  (" << OccurrenceSummary(f) << ")";
    if (!f.related.empty()) {
      const RelatedLocation& r = f.related.front();
      line << "  (also in " << (r.role.empty() ? "" : r.role + " ") << r.path
           << ":" << r.line << ":" << r.column;
      if (f.related.size() > 1)
        line << " and " << f.related.size() - 1 << " more";
      line << ")";
    }
    if (f.credential) {
      const auto& c = *f.credential;
      if (c.status == "unknown") {
        line << "  [unknown credential]";
      } else {
        line << "  [" << c.id << ": " << c.name << ", owner " << c.use.owner;
        if (!c.note.empty()) line << "; " << c.note;
        line << "]";
      }
    }
    if (f.verification) {  // an active key is the one to revoke first
      const Verification& v = *f.verification;
      if (v.status == "active") {
        line << "  [ACTIVE: verified live";
        if (!v.account.empty()) line << ", account " << v.account;
        line << "]";
      } else {
        line << "  [verification: " << v.status;
        if (!v.detail.empty()) line << ", " << v.detail;
        line << "]";
      }
    }
    if (f.suppressed) line << "  (suppressed: " << f.suppression << ")";
    out << VisibleText(head.str());
    if (opts.color) {
      out << SeverityColor(f.severity) << VisibleText(f.rule_id) << "\033[0m";
    } else {
      out << VisibleText(f.rule_id);
    }
    out << VisibleText(line.str()) << "\n";
  }
}

void WriteJson(const ScanResult& r, const ReportOptions& opts,
               std::ostream& out) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : r.findings) {
    if (Visible(f, opts)) findings.push_back(FindingToJson(f, opts));
  }
  nlohmann::json doc = {{"version", 1},
                        {"findings", std::move(findings)},
                        {"stats", StatsToJson(r.stats)}};
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
      << "\n";
}

void WriteJsonl(const ScanResult& r, const ReportOptions& opts,
                std::ostream& out) {
  for (const auto& f : r.findings) WriteJsonlFinding(f, opts, out);
}

void WriteJsonlFinding(const Finding& f, const ReportOptions& opts,
                       std::ostream& out) {
  if (!Visible(f, opts)) return;
  out << FindingToJson(f, opts).dump(-1, ' ', false,
                                     nlohmann::json::error_handler_t::replace)
      << "\n";
}

}  // namespace keyward

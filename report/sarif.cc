// SARIF 2.1.0 for code-scanning platforms.
//
// Besides the OASIS schema, GitHub code scanning has upload rules of its own
// (rule name/descriptions/help/tags/security-severity/precision, one location
// per result with a full region, partialFingerprints); this writer meets both.
// The file is uploaded to a third party, so it never carries a secret value:
// messages use Finding::redacted even with --show-secrets, and there are no
// snippets (the line around a secret contains the secret). A grouped history
// finding (Finding::occurrences) is one result at its first-seen occurrence;
// the others are relatedLocations, capped at kMaxRelatedLocations.
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "base/crypto.h"
#include "keyward/report.h"
#include "report/paths.h"

#ifndef KEYWARD_VERSION
#define KEYWARD_VERSION "0.0.0"
#endif

namespace keyward {
namespace {

using nlohmann::json;

const char* Level(Severity s) {
  switch (s) {
    case Severity::kCritical:
    case Severity::kHigh:
      return "error";
    case Severity::kMedium:
      return "warning";
    case Severity::kLow:
      return "note";
  }
  return "error";
}

// GitHub maps security-severity to critical (>= 9.0), high (7.0-8.9),
// medium (4.0-6.9) and low (0.1-3.9).
const char* SecuritySeverity(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return "9.5";
    case Severity::kHigh:
      return "8.0";
    case Severity::kMedium:
      return "5.5";
    case Severity::kLow:
      return "3.0";
  }
  return "8.0";
}

std::string Precision(const std::string& confidence) {
  if (confidence == "very-high" || confidence == "high" ||
      confidence == "medium" || confidence == "low") {
    return confidence;
  }
  return "medium";
}

// Percent-encodes what may not appear in a URI path (RFC 3986), keeping '/'.
std::string EncodePath(const std::string& path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' ||
        c == '~' || c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' ||
        c == ')' || c == '*' || c == '+' || c == ',' || c == ';' || c == '=' ||
        c == ':' || c == '@') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

json ArtifactLocation(const std::string& named, const ReportOptions& opts) {
  const std::string path = RootRelativePath(named, opts);
  if (IsStdinPath(path)) {
    // Standard input has no file; GitHub still requires a location, so the
    // result points at a pseudo-artifact "stdin" under the source root.
    return {{"uri", "stdin"},
            {"uriBaseId", "%SRCROOT%"},
            {"description", {{"text", "standard input (no file)"}}}};
  }
  if (!path.empty() && path[0] == '/') {
    return {{"uri", "file://" + EncodePath(path)}};
  }
  std::string uri = EncodePath(path);
  // A relative reference whose first segment has a ':' would parse as a
  // scheme ("c:foo"); "./" keeps it a path.
  if (uri.find(':') != std::string::npos && uri.find(':') < uri.find('/')) {
    uri = "./" + uri;
  }
  return {{"uri", uri}, {"uriBaseId", "%SRCROOT%"}};
}

json Region(int line, int column, int end_line, int end_column) {
  return {{"startLine", std::max(1, line)},
          {"startColumn", std::max(1, column)},
          {"endLine", std::max(std::max(1, line), end_line)},
          {"endColumn", std::max(1, end_column)}};
}

// Related locations listed per grouped history finding (the rest is counted
// in the result's properties).
constexpr size_t kMaxRelatedLocations = 100;

std::string HelpMarkdown(const Rule& r) {
  std::string md = "**" + r.name + "**";
  if (!r.provider.empty()) md += " (" + r.provider + ", " + r.kind + ")";
  md += "\n\n";
  if (!r.description.empty()) md += r.description + "\n\n";
  md +=
      "An exposed secret is compromised. Revoke it in the provider first, "
      "create a replacement, update every system that uses it, then review "
      "the provider's activity log since the first exposure.\n\n";
  md += "**Revoke:** " +
        (r.revoke.empty() ? std::string("see the provider's documentation.")
                          : r.revoke) +
        "\n";
  for (const auto& ref : r.references) md += "\n- " + ref;
  return md;
}

std::string HelpText(const Rule& r) {
  std::string text =
      r.name +
      ". An exposed secret is compromised: revoke it "
      "first, then replace and update its users. "
      "Revoke: " +
      (r.revoke.empty() ? "see the provider's documentation." : r.revoke);
  for (const auto& ref : r.references) text += " " + ref;
  return text;
}

json RuleToSarif(const Rule& r) {
  std::string full = r.description.empty()
                         ? r.name + " (" + r.provider + " " + r.kind +
                               ") found in the scanned content."
                         : r.description;
  json tags = {"security", "secret"};
  if (!r.kind.empty()) tags.push_back(r.kind);
  for (const auto& t : r.tags) {
    if (t != "security" && t != "secret" && t != r.kind) tags.push_back(t);
  }
  json rule = {{"id", r.id},
               {"name", r.name.empty() ? r.id : r.name},
               {"shortDescription", {{"text", r.name.empty() ? r.id : r.name}}},
               {"fullDescription", {{"text", full}}},
               {"help", {{"text", HelpText(r)}, {"markdown", HelpMarkdown(r)}}},
               {"defaultConfiguration", {{"level", Level(r.severity)}}},
               {"properties",
                {{"tags", tags},
                 {"security-severity", SecuritySeverity(r.severity)},
                 {"precision", Precision(r.confidence)},
                 {"provider", r.provider}}}};
  // helpUri must be an absolute URI; references are usually https links.
  if (!r.references.empty() && r.references[0].rfind("https://", 0) == 0) {
    rule["helpUri"] = r.references[0];
  }
  return rule;
}

// A rule described only by its findings (a saved report without the rule
// set): enough for GitHub's required fields.
Rule RuleFromFinding(const Finding& f) {
  Rule r;
  r.id = f.rule_id;
  r.name = f.rule_name.empty() ? f.rule_id : f.rule_name;
  r.provider = f.provider;
  r.kind = f.kind;
  r.severity = f.severity;
  r.confidence = f.generic ? "medium" : "high";
  return r;
}

}  // namespace

void WriteSarif(const ScanResult& r, const std::vector<Rule>& rules,
                const ReportOptions& opts, std::ostream& out) {
  std::vector<const Finding*> findings;
  for (const Finding& f : r.findings) {
    if (!f.suppressed || opts.show_suppressed) findings.push_back(&f);
  }

  std::map<std::string, int> rule_index;
  json sarif_rules = json::array();
  auto add_rule = [&](const Rule& rule) {
    if (rule_index.count(rule.id)) return;
    rule_index[rule.id] = static_cast<int>(sarif_rules.size());
    sarif_rules.push_back(RuleToSarif(rule));
  };
  for (const Rule& rule : rules) add_rule(rule);
  for (const Finding* f : findings) add_rule(RuleFromFinding(*f));

  json results = json::array();
  // primaryLocationLineHash counts repeats of the same secret in one file,
  // like GitHub's own "<hash>:<n>" form, so each stays distinct.
  std::map<std::string, int> occurrences;
  for (const Finding* f : findings) {
    std::string path = IsStdinPath(f->path) ? "stdin" : f->path;
    std::string line_key = f->rule_id + '\0' + f->fingerprint + '\0' + path;
    int n = ++occurrences[line_key];
    json region = Region(f->line, f->column, f->end_line, f->end_column);
    // Never leak the secret: the hint is at most prefix + last 4 characters.
    std::string message = f->rule_name + " " + f->redacted + " exposed";
    if (f->git) message += " in commit " + f->git->commit.substr(0, 12);
    if (f->occurrence_count > 1) message += " (" + OccurrenceSummary(*f) + ")";
    if (f->credential && !f->credential->id.empty() &&
        f->credential->status != "unknown") {
      message += " (inventory: " + f->credential->name + ", " +
                 f->credential->status + ")";
    }
    json result = {
        {"ruleId", f->rule_id},
        {"ruleIndex", rule_index[f->rule_id]},
        {"level", Level(f->severity)},
        {"message", {{"text", message}}},
        {"locations",
         {{{"physicalLocation",
            {{"artifactLocation", ArtifactLocation(f->path, opts)},
             {"region", region}}}}}},
        {"partialFingerprints",
         {{"primaryLocationLineHash",
           Sha256Hex(line_key).substr(0, 16) + ":" + std::to_string(n)},
          // Derived from the fingerprint, not the line: survives line moves
          // and reruns, and one more hash keeps it from being the raw
          // SHA-256 of the secret that a dictionary attack would target.
          {"keywardSecretHash/v1",
           Sha256Hex("keyward-sarif:" + f->fingerprint)}}}};
    json props = {{"secretHint", f->redacted},
                  {"confidence", ConfidenceName(f->confidence)}};
    if (f->checksum_verified) props["checksumVerified"] = true;
    if (f->checksum_failed) props["checksumFailed"] = true;
    // Found in decoded text; the region is the encoded span.
    if (!f->encoding.empty()) props["encoding"] = f->encoding;
    if (f->verification) {  // keyward/verify.h
      props["verification"] = f->verification->status;
      props["verificationDate"] = f->verification->date;
      if (!f->verification->account.empty())
        props["verificationAccount"] = f->verification->account;
      if (!f->verification->scope.empty())
        props["verificationScope"] = f->verification->scope;
    }
    if (IsStdinPath(f->path)) props["source"] = "stdin";
    if (f->git) {
      props["commit"] = f->git->commit;
      props["author"] = f->git->author;
      props["date"] = f->git->date;
      props["blob"] = f->git->blob;
    }
    if (f->occurrence_count > 0) {
      // The other occurrences of a grouped history finding, first seen
      // first, as related locations (capped: a secret in thousands of blob
      // versions must not make the log unreadable); the totals say how many.
      json related = json::array();
      size_t shown = 0;
      for (size_t k = 1; k < f->occurrences.size(); ++k) {
        if (shown == kMaxRelatedLocations) break;
        const Occurrence& o = f->occurrences[k];
        std::string text = "Also ";
        text += o.commit.empty() ? "in blob " + o.blob.substr(0, 12)
                                 : "in commit " + o.commit.substr(0, 12) +
                                       " (" + o.date.substr(0, 10) + ")";
        related.push_back(
            {{"id", static_cast<int>(k)},
             {"physicalLocation",
              {{"artifactLocation", ArtifactLocation(o.path, opts)},
               {"region", Region(o.line, o.column, o.end_line, o.end_column)}}},
             {"message", {{"text", text}}}});
        ++shown;
      }
      if (!related.empty()) result["relatedLocations"] = std::move(related);
      props["occurrenceCount"] = f->occurrence_count;
      props["occurrencePaths"] = DistinctPaths(*f);
      uint64_t others = f->occurrence_count - 1;
      if (others > shown) props["relatedLocationsOmitted"] = others - shown;
    }
    if (!f->related.empty()) {
      // Bundle findings folded into this source-map finding: the built
      // file the secret also ships in (capped like occurrences).
      json& related = result["relatedLocations"];
      if (related.is_null()) related = json::array();
      int id = static_cast<int>(f->occurrences.size());
      for (const RelatedLocation& o : f->related) {
        if (related.size() >= kMaxRelatedLocations) break;
        related.push_back(
            {{"id", ++id},
             {"physicalLocation",
              {{"artifactLocation", ArtifactLocation(o.path, opts)},
               {"region", Region(o.line, o.column, o.end_line, o.end_column)}}},
             {"message",
              {{"text", o.role == "bundle" ? "Also in the built bundle"
                                           : "Also here"}}}});
      }
    }
    if (f->credential && !f->credential->id.empty() &&
        f->credential->status != "unknown") {
      props["credentialId"] = f->credential->id;
      props["owner"] = f->credential->use.owner;
    }
    result["properties"] = props;
    if (f->suppressed) {
      result["suppressions"] = {
          {{"kind",
            f->suppression.rfind("inline", 0) == 0 ? "inSource" : "external"},
           {"justification", f->suppression}}};
    }
    results.push_back(std::move(result));
  }

  // A path named on the command line that could not be scanned makes the run
  // unsuccessful (exit 2); each one is an error notification.
  json invocation = {{"executionSuccessful", r.errors.empty()}};
  for (const std::string& e : r.errors) {
    invocation["toolExecutionNotifications"].push_back(
        {{"level", "error"}, {"message", {{"text", e}}}});
  }
  json log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs",
               {{{"tool",
                  {{"driver",
                    {{"name", "keyward"},
                     {"semanticVersion", KEYWARD_VERSION},
                     {"version", KEYWARD_VERSION},
                     {"rules", sarif_rules}}}}},
                 {"columnKind", "unicodeCodePoints"},
                 {"invocations", {invocation}},
                 {"results", results}}}}};
  out << log.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace keyward

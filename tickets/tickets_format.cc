// Tickets as JSON (the state), Markdown (issue bodies) and CSV (RFC 4180).
#include <algorithm>
#include <sstream>
#include <tuple>

#include "base/visible_text.h"
#include "keyward/tickets.h"

namespace keyward {
namespace {

using nlohmann::json;

json LocationToJson(const TicketLocation& l) {
  json j = {{"path", l.path},          {"line", l.line},
            {"column", l.column},      {"rule_id", l.rule_id},
            {"exposure", l.exposure},  {"first_seen", l.first_seen},
            {"last_seen", l.last_seen}};
  if (!l.commit.empty()) {
    j["commit"] = l.commit;
    j["author"] = l.author;
    j["date"] = l.date;
  }
  return j;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

int Int(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int>() : 0;
}

// "a; b; c": lists in one Markdown or CSV cell.
std::string JoinList(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "; " : "") + v[i];
  return s;
}

std::vector<std::string> Strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& e : *it) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

std::string LocationText(const TicketLocation& l) {
  std::string path =
      (l.path == "-" || l.path == "<stdin>") ? "<stdin>" : l.path;
  std::string s = path + ":" + std::to_string(l.line);
  if (!l.commit.empty()) {
    s += " in commit " + l.commit.substr(0, 12) + " by " + l.author;
    if (!l.date.empty()) s += " on " + l.date.substr(0, 10);
  }
  return s;
}

// Inline code that survives backticks in the text (CommonMark: a longer
// backtick fence than any run inside, padded with spaces).
std::string Code(const std::string& s) {
  size_t longest = 0, run = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(longest + 1, '`');
  return fence + " " + s + " " + fence;
}

// Table cells cannot hold newlines or unescaped pipes.
std::string Cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out.empty() ? "-" : out;
}

// RFC 4180 field. Cells a spreadsheet would evaluate as a formula get a
// leading apostrophe: paths and names come from scanned, untrusted input.
std::string CsvField(std::string s) {
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                     s[0] == '\t' || s[0] == '\r')) {
    s = "'" + s;
  }
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

json TicketToJson(const Ticket& t) {
  json checklist = json::array();
  for (const auto& c : t.checklist) {
    checklist.push_back({{"step", c.text}, {"done", c.done}});
  }
  json locations = json::array();
  for (const auto& l : t.locations) locations.push_back(LocationToJson(l));
  json j = {{"version", 1},
            {"id", t.id},
            {"key", t.key},
            {"title", t.title},
            {"action", TicketActionName(t.action)},
            {"priority", t.priority},
            {"priority_score", t.priority_score},
            {"priority_reasons", t.priority_reasons},
            {"assignee", t.assignee},
            {"provider", t.provider},
            {"rule_id", t.rule_id},
            {"rule_name", t.rule_name},
            {"severity", t.severity},
            {"secret_hint", t.secret_hint},
            {"revoke_guidance", t.revoke_guidance},
            {"references", t.references},
            {"credential",
             {{"id", t.credential_id},
              {"name", t.credential_name},
              {"environment", t.environment},
              {"access", t.access}}},
            {"systems", t.systems},
            {"audit", t.audit},
            {"checklist", checklist},
            {"locations", locations},
            {"first_seen", t.first_seen},
            {"last_seen", t.last_seen},
            {"status", t.status},
            {"presence", t.presence},
            {"notes", t.notes}};
  if (!t.identifiers.empty()) j["identifiers"] = t.identifiers;
  if (!t.previous_id.empty()) j["previous_id"] = t.previous_id;
  if (!t.verification.empty()) j["verification"] = t.verification;
  return j;
}

Result<Ticket> TicketFromJson(const json& j) {
  if (!j.is_object()) return Status::Corruption("ticket is not a JSON object");
  Ticket t;
  t.id = Str(j, "id");
  t.key = Str(j, "key");
  if (t.key.empty() || t.id != TicketId(t.key)) {
    return Status::Corruption("ticket id '" + t.id +
                              "' does not match its key");
  }
  t.title = Str(j, "title");
  if (!ParseTicketAction(Str(j, "action"), &t.action)) {
    return Status::Corruption("ticket " + t.id + ": unknown action '" +
                              Str(j, "action") + "'");
  }
  t.priority = Str(j, "priority");
  t.priority_score = Int(j, "priority_score");
  t.priority_reasons = Strings(j, "priority_reasons");
  t.assignee = Str(j, "assignee");
  t.provider = Str(j, "provider");
  t.rule_id = Str(j, "rule_id");
  t.rule_name = Str(j, "rule_name");
  t.severity = Str(j, "severity");
  t.secret_hint = Str(j, "secret_hint");
  t.identifiers = Strings(j, "identifiers");
  t.revoke_guidance = Str(j, "revoke_guidance");
  t.references = Strings(j, "references");
  if (auto c = j.find("credential"); c != j.end() && c->is_object()) {
    t.credential_id = Str(*c, "id");
    t.credential_name = Str(*c, "name");
    t.environment = Str(*c, "environment");
    t.access = Str(*c, "access");
  }
  t.systems = Strings(j, "systems");
  t.audit = Strings(j, "audit");
  if (auto c = j.find("checklist"); c != j.end() && c->is_array()) {
    for (const auto& s : *c) {
      if (!s.is_object()) continue;
      auto done = s.find("done");
      t.checklist.push_back(
          {Str(s, "step"), done != s.end() && done->is_boolean() && *done});
    }
  }
  if (auto ls = j.find("locations"); ls != j.end() && ls->is_array()) {
    for (const auto& e : *ls) {
      if (!e.is_object()) continue;
      TicketLocation l;
      l.path = Str(e, "path");
      l.line = Int(e, "line");
      l.column = Int(e, "column");
      l.rule_id = Str(e, "rule_id");
      l.commit = Str(e, "commit");
      l.author = Str(e, "author");
      l.date = Str(e, "date");
      l.exposure = Str(e, "exposure");
      l.first_seen = Str(e, "first_seen");
      l.last_seen = Str(e, "last_seen");
      t.locations.push_back(std::move(l));
    }
  }
  t.first_seen = Str(j, "first_seen");
  t.last_seen = Str(j, "last_seen");
  t.status = Str(j, "status");
  if (t.status.empty()) t.status = "open";
  t.presence = Str(j, "presence");
  if (t.presence.empty()) t.presence = "seen";
  t.notes = Str(j, "notes");
  t.previous_id = Str(j, "previous_id");
  t.verification = Str(j, "verification");
  return t;
}

std::string TicketToMarkdown(const Ticket& t) {
  std::ostringstream md;
  // Every value is escaped (VisibleText): a file name or author from a
  // scanned tree cannot add a line, a heading or a terminal escape.
  auto esc = [](const std::string& s) { return VisibleText(s); };
  md << "# " << esc(t.id) << ": " << esc(t.title) << "\n\n";
  if (!t.previous_id.empty()) {
    md << "Formerly " << esc(t.previous_id) << ".\n\n";
  }
  md << "| Field | Value |\n| --- | --- |\n";
  auto row = [&](const char* k, const std::string& v) {
    md << "| " << k << " | " << Cell(VisibleText(v)) << " |\n";
  };
  row("Action", TicketActionName(t.action));
  row("Priority", t.priority);
  row("Assignee", t.assignee);
  row("Status", t.status);
  row("Presence", t.presence);
  if (!t.verification.empty()) row("Verification", t.verification);
  row("Provider", t.provider);
  if (!t.rule_id.empty()) row("Rule", t.rule_name + " (" + t.rule_id + ")");
  row("Severity", t.severity);
  if (!t.secret_hint.empty()) row("Secret", t.secret_hint);
  if (!t.identifiers.empty()) {
    row(t.identifiers.size() == 1 ? "Identifier" : "Identifiers",
        JoinList(t.identifiers));
  }
  row("Credential", t.credential_id.empty()
                        ? "unknown (no inventory match)"
                        : t.credential_name + " (" + t.credential_id + ")");
  row("Environment", t.environment);
  row("Access", t.access);
  row("First seen", t.first_seen);
  row("Last seen", t.last_seen);

  md << "\n## Checklist\n\n";
  for (const auto& c : t.checklist) {
    md << "- [" << (c.done ? "x" : " ") << "] " << esc(c.text) << "\n";
  }
  md << "\n## Systems to update\n\n";
  if (t.systems.empty()) md << "None recorded in the inventory.\n";
  for (const auto& s : t.systems) md << "- " << esc(s) << "\n";
  md << "\n## Locations\n\n";
  if (t.locations.empty())
    md << "None: this ticket comes from the inventory audit.\n";
  for (const auto& l : t.locations) {
    md << "- " << Code(esc(LocationText(l))) << " (" << esc(l.exposure)
       << ", seen " << esc(l.first_seen);
    if (l.last_seen != l.first_seen) md << " to " << esc(l.last_seen);
    md << ")\n";
  }
  if (!t.audit.empty()) {
    md << "\n## Inventory audit\n\n";
    for (const auto& a : t.audit) md << "- " << esc(a) << "\n";
  }
  md << "\n## Revoke guidance\n\n"
     << (t.revoke_guidance.empty() ? "See the provider's documentation."
                                   : VisibleText(t.revoke_guidance, true))
     << "\n";
  for (const auto& r : t.references) md << "- " << esc(r) << "\n";
  md << "\n## Why this priority\n\n";
  for (const auto& r : t.priority_reasons) md << "- " << esc(r) << "\n";
  md << "\n## Notes\n\n"
     << (t.notes.empty() ? "-" : VisibleText(t.notes, true)) << "\n";
  return md.str();
}

std::string TicketsToCsv(const std::vector<Ticket>& tickets) {
  static const char* kHeader[] = {
      "id",       "priority",    "action",      "title",
      "assignee", "status",      "presence",    "provider",
      "rule_id",  "secret_hint", "identifiers", "credential",
      "systems",  "locations",   "first_seen",  "last_seen"};
  std::string out;
  for (size_t i = 0; i < std::size(kHeader); ++i) {
    if (i) out += ',';
    out += kHeader[i];
  }
  out += "\r\n";
  for (const Ticket& t : tickets) {
    std::vector<std::string> locations;
    for (const auto& l : t.locations) locations.push_back(LocationText(l));
    std::vector<std::string> row = {t.id,
                                    t.priority,
                                    TicketActionName(t.action),
                                    t.title,
                                    t.assignee,
                                    t.status,
                                    t.presence,
                                    t.provider,
                                    t.rule_id,
                                    t.secret_hint,
                                    JoinList(t.identifiers),
                                    t.credential_id,
                                    JoinList(t.systems),
                                    JoinList(locations),
                                    t.first_seen,
                                    t.last_seen};
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      out += CsvField(row[i]);
    }
    out += "\r\n";
  }
  return out;
}

std::string TicketIndexJson(const std::vector<Ticket>& tickets) {
  std::vector<const Ticket*> order;
  for (const Ticket& t : tickets) order.push_back(&t);
  std::sort(order.begin(), order.end(), [](const Ticket* a, const Ticket* b) {
    return std::tie(a->priority, a->id) < std::tie(b->priority, b->id);
  });
  json list = json::array();
  for (const Ticket* t : order) {
    list.push_back({{"id", t->id},
                    {"title", t->title},
                    {"action", TicketActionName(t->action)},
                    {"priority", t->priority},
                    {"assignee", t->assignee},
                    {"status", t->status},
                    {"presence", t->presence},
                    {"locations", t->locations.size()},
                    {"last_seen", t->last_seen},
                    {"file", t->id + ".json"}});
  }
  json index = {{"version", 1}, {"tickets", list}};
  return index.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace keyward

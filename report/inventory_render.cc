#include "report/inventory_render.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "git/repo.h"

namespace keyward::inventory {
namespace {

using nlohmann::json;

// Width in characters, counting UTF-8 continuation bytes as nothing so
// names with accents and the hint's "…" line up.
size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) {
      width[i] = std::max(width[i], DisplayWidth(r[i]));
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (size_t i = 0; i < cells.size(); ++i) {
      l += cells[i];
      if (i + 1 < cells.size()) {
        l += std::string(width[i] - DisplayWidth(cells[i]) + 2, ' ');
      }
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
  return out;
}

std::string Or(const std::string& s, const char* dash = "-") {
  return s.empty() ? dash : s;
}

std::string CurrentHint(const Credential& c) {
  for (const auto& fp : c.fingerprints) {
    if (fp.retired.empty()) return fp.hint;
  }
  return "";
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out;
}

}  // namespace

std::string CredentialJson(const Credential& c) {
  // Reuse the file's own serialization so both views agree.
  Inventory one = Inventory::Create(std::nullopt, "");
  // An empty inventory takes any one credential (Add refuses duplicates).
  (void)one.Add(c);
  json j = json::parse(one.Serialize())["credentials"][0];
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string CredentialListJson(const std::vector<const Credential*>& creds) {
  json list = json::array();
  for (const auto* c : creds) list.push_back(json::parse(CredentialJson(*c)));
  json root = {{"credentials", list}};
  return root.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string CredentialTable(const std::vector<const Credential*>& creds) {
  std::vector<std::vector<std::string>> rows;
  for (const auto* c : creds) {
    rows.push_back({c->id, Or(c->name), Or(c->use.owner),
                    Or(c->use.environment), Or(c->use.access), c->status,
                    Or(c->last_rotated.empty() ? c->created : c->last_rotated),
                    Or(CurrentHint(*c))});
  }
  return Table(
      {"ID", "NAME", "OWNER", "ENV", "ACCESS", "STATUS", "ROTATED", "HINT"},
      rows);
}

std::string CredentialDetails(const Credential& c) {
  std::ostringstream o;
  auto field = [&](const char* k, const std::string& v) {
    if (!v.empty()) o << k << ": " << v << "\n";
  };
  field("id", c.id);
  field("name", c.name);
  field("status", c.status);
  field("revoked", c.revoked);
  field("retired", c.retired);
  field("provider", c.provider);
  field("type", c.type);
  field("owner", c.use.owner);
  field("provider_account", c.provider_account);
  field("purpose", c.purpose);
  field("environment", c.use.environment);
  field("access", c.use.access);
  field("scopes", Join(c.scopes));
  field("systems", Join(c.use.systems));
  field("identifiers", Join(c.identifiers));
  field("created", c.created);
  field("last_rotated", c.last_rotated);
  o << "rotate_every_days: " << c.RotateEveryDays()
    << (c.rotate_every_days ? "" : " (default)") << "\n";
  field("notes", c.notes);
  o << "fingerprints:" << (c.fingerprints.empty() ? " none" : "") << "\n";
  for (const auto& fp : c.fingerprints) {
    o << "  " << fp.hint << "  added " << Or(fp.added, "?")
      << (fp.retired.empty() ? "  current" : "  retired " + fp.retired) << "\n";
  }
  return o.str();
}

std::string AuditTable(const std::vector<AuditResult>& results) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : results) {
    rows.push_back({SeverityName(r.severity), r.id, r.check, r.message});
  }
  return Table({"SEVERITY", "ID", "CHECK", "MESSAGE"}, rows);
}

std::string AuditJson(const std::vector<AuditResult>& results) {
  json list = json::array();
  json summary = {{"critical", 0}, {"high", 0}, {"medium", 0}, {"low", 0}};
  for (const auto& r : results) {
    list.push_back({{"id", r.id},
                    {"credential", r.credential},
                    {"check", r.check},
                    {"severity", SeverityName(r.severity)},
                    {"message", r.message}});
    summary[SeverityName(r.severity)] =
        summary[SeverityName(r.severity)].get<int>() + 1;
  }
  json root = {{"results", list}, {"summary", summary}};
  return root.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string LineDiff(const std::string& before, const std::string& after) {
  if (before == after) return "";
  git::EnsureLibgit2();
  git_diff_options opts;
  git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
  opts.context_lines = 2;
  opts.flags = GIT_DIFF_FORCE_TEXT;
  std::string out;
  auto hunk = [](const git_diff_delta*, const git_diff_hunk* h,
                 void* payload) -> int {
    static_cast<std::string*>(payload)->append(h->header, h->header_len);
    return 0;
  };
  auto line = [](const git_diff_delta*, const git_diff_hunk*,
                 const git_diff_line* l, void* payload) -> int {
    auto* o = static_cast<std::string*>(payload);
    if (l->origin != GIT_DIFF_LINE_CONTEXT &&
        l->origin != GIT_DIFF_LINE_ADDITION &&
        l->origin != GIT_DIFF_LINE_DELETION) {
      return 0;  // "\ No newline at end of file" markers
    }
    o->push_back(l->origin);
    o->append(l->content, l->content_len);
    if (l->content_len == 0 || l->content[l->content_len - 1] != '\n') {
      o->push_back('\n');
    }
    return 0;
  };
  if (git_diff_buffers(before.data(), before.size(), "before", after.data(),
                       after.size(), "after", &opts, nullptr, nullptr, hunk,
                       line, &out) != 0) {
    return "(no diff: " + git::LastError() + ")\n";
  }
  return out;
}

}  // namespace keyward::inventory

#include "report/inventory_render.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

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
  auto split = [](const std::string& s) {
    std::vector<std::string> lines;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  };
  std::vector<std::string> a = split(before), b = split(after);
  // Trim the common head and tail; edits to the inventory are local, so
  // what remains is small enough for a plain LCS table.
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  size_t n = a.size() - head - tail, m = b.size() - head - tail;
  if (n == 0 && m == 0) return "";
  std::vector<std::string> ops;  // " x", "-x", "+x"
  if (n * m <= 4'000'000) {
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (size_t i = n; i-- > 0;) {
      for (size_t j = m; j-- > 0;) {
        lcs[i][j] = a[head + i] == b[head + j]
                        ? lcs[i + 1][j + 1] + 1
                        : std::max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[head + i] == b[head + j]) {
        ops.push_back(" " + a[head + i++]);
        ++j;
      } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
        ops.push_back("+" + b[head + j++]);
      } else {
        ops.push_back("-" + a[head + i++]);
      }
    }
  } else {
    for (size_t i = 0; i < n; ++i) ops.push_back("-" + a[head + i]);
    for (size_t j = 0; j < m; ++j) ops.push_back("+" + b[head + j]);
  }
  std::string out = "@@ line " + std::to_string(head + 1) + " @@\n";
  for (size_t k = head >= 2 ? head - 2 : 0; k < head; ++k) {
    out += " " + a[k] + "\n";
  }
  for (const auto& op : ops) out += op + "\n";
  for (size_t k = 0; k < std::min<size_t>(2, tail); ++k) {
    out += " " + a[a.size() - tail + k] + "\n";
  }
  return out;
}

}  // namespace keyward::inventory

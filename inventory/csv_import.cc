// CSV import: password-manager exports mapped onto credentials by header.
#include <algorithm>
#include <cctype>
#include <map>

#include "inventory/csv.h"
#include "keyward/inventory.h"

namespace keyward {
namespace {

enum class Field {
  kSecret,
  kName,
  kAccount,
  kUrl,
  kNotes,
  kOwner,
  kProvider,
  kType,
  kPurpose,
  kEnvironment,
  kAccess,
  kScopes,
  kSystems,
  kIdentifiers,
  kCreated,
  kLastRotated,
  kRotateEvery,
  kId,
  kStatus,
};

// Normalized header name -> field. Covers the common exports (KeePass,
// Bitwarden, 1Password, LastPass, browsers) and keyward's own field names.
const std::map<std::string, Field>& HeaderMap() {
  static const auto* m = new std::map<std::string, Field>{
      {"password", Field::kSecret},
      {"secret", Field::kSecret},
      {"token", Field::kSecret},
      {"value", Field::kSecret},
      {"api_key", Field::kSecret},
      {"apikey", Field::kSecret},
      {"login_password", Field::kSecret},
      {"credential", Field::kSecret},
      {"name", Field::kName},
      {"title", Field::kName},
      {"label", Field::kName},
      {"username", Field::kAccount},
      {"login", Field::kAccount},
      {"user", Field::kAccount},
      {"login_username", Field::kAccount},
      {"email", Field::kAccount},
      {"provider_account", Field::kAccount},
      {"account", Field::kAccount},
      {"url", Field::kUrl},
      {"uri", Field::kUrl},
      {"login_uri", Field::kUrl},
      {"website", Field::kUrl},
      {"notes", Field::kNotes},
      {"note", Field::kNotes},
      {"extra", Field::kNotes},
      {"comments", Field::kNotes},
      {"owner", Field::kOwner},
      {"provider", Field::kProvider},
      {"type", Field::kType},
      {"purpose", Field::kPurpose},
      {"environment", Field::kEnvironment},
      {"env", Field::kEnvironment},
      {"access", Field::kAccess},
      {"scopes", Field::kScopes},
      {"systems", Field::kSystems},
      {"used_by", Field::kSystems},
      {"identifiers", Field::kIdentifiers},
      {"identifier", Field::kIdentifiers},
      {"key_id", Field::kIdentifiers},
      {"access_key_id", Field::kIdentifiers},
      {"created", Field::kCreated},
      {"last_rotated", Field::kLastRotated},
      {"rotate_every_days", Field::kRotateEvery},
      {"id", Field::kId},
      {"status", Field::kStatus},
  };
  return *m;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string NormalizeHeader(std::string_view h) {
  std::string out;
  for (char c : Trim(h)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '-' || c == '.') {
      out.push_back('_');
    } else {
      out.push_back(static_cast<char>(std::tolower(u)));
    }
  }
  return out;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ";") {
    if (c == ';' || c == ',') {
      std::string t = Trim(cur);
      if (!t.empty()) out.push_back(t);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  return out;
}

std::string UrlHost(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/:?#", start);
  std::string host = url.substr(
      start, end == std::string::npos ? std::string::npos : end - start);
  if (host.rfind("www.", 0) == 0) host = host.substr(4);
  return host;
}

template <typename T>
void Default(T* field, const T& fallback) {
  if (field->empty()) *field = fallback;
}

}  // namespace

Status ImportCsv(std::string_view csv, const std::string& path,
                 const Credential& defaults, const Clock& clock,
                 Inventory* inventory, ImportReport* report) {
  *report = ImportReport();
  std::vector<inventory::CsvRow> rows;
  Status s = inventory::ParseCsv(csv, path, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) return Status::Corruption(path + ": no header row");

  const auto& header = rows[0].fields;
  std::map<Field, std::vector<size_t>> columns;  // field -> column indexes
  for (size_t i = 0; i < header.size(); ++i) {
    auto it = HeaderMap().find(NormalizeHeader(header[i]));
    if (it == HeaderMap().end()) {
      if (!Trim(header[i]).empty()) {
        report->ignored_columns.push_back(Trim(header[i]));
      }
      continue;
    }
    columns[it->second].push_back(i);
  }
  if (!columns.count(Field::kSecret)) {
    return Status::InvalidArgument(
        path +
        ": no secret column (expected a header named password, "
        "secret, token, value or api_key)");
  }
  const std::string secret_header = Trim(header[columns[Field::kSecret][0]]);
  const std::string today = clock.Today();

  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    ++report->rows;
    auto skip = [&](std::string reason) {
      report->skipped.push_back({row.line, std::move(reason)});
    };
    if (row.fields.size() < header.size() ||
        (row.fields.size() > header.size() &&
         std::any_of(row.fields.begin() + header.size(), row.fields.end(),
                     [](const std::string& f) { return !f.empty(); }))) {
      skip("row has " + std::to_string(row.fields.size()) +
           " fields, the header has " + std::to_string(header.size()));
      continue;
    }
    // The first non-empty column mapped to a field wins.
    auto get = [&](Field f) -> std::string {
      auto it = columns.find(f);
      if (it == columns.end()) return "";
      for (size_t i : it->second) {
        // Secrets are taken verbatim: spaces may be part of a password.
        std::string v =
            f == Field::kSecret ? row.fields[i] : Trim(row.fields[i]);
        if (!v.empty()) return v;
      }
      return "";
    };
    const std::string secret = get(Field::kSecret);
    if (secret.empty()) {
      skip("empty " + secret_header + " column");
      continue;
    }
    Credential c;
    c.name = get(Field::kName);
    std::string url = get(Field::kUrl);
    c.provider_account = get(Field::kAccount);
    if (c.name.empty() && !url.empty()) {
      c.name = UrlHost(url) +
               (c.provider_account.empty() ? "" : " - " + c.provider_account);
    }
    if (c.name.empty()) {
      skip("no name (no name/title column value and no url)");
      continue;
    }
    c.provider = get(Field::kProvider);
    if (c.provider.empty() && !url.empty()) c.provider = UrlHost(url);
    c.notes = get(Field::kNotes);
    c.use.owner = get(Field::kOwner);
    c.type = get(Field::kType);
    c.purpose = get(Field::kPurpose);
    c.use.environment = get(Field::kEnvironment);
    c.use.access = get(Field::kAccess);
    c.scopes = SplitList(get(Field::kScopes));
    c.use.systems = SplitList(get(Field::kSystems));
    c.identifiers = SplitList(get(Field::kIdentifiers));
    c.created = get(Field::kCreated);
    c.last_rotated = get(Field::kLastRotated);
    c.status = get(Field::kStatus);
    Default(&c.status, std::string("active"));
    if (c.status != "active" && c.status != "revoked" &&
        c.status != "retired") {
      // Values are never echoed: a password with an unquoted comma shifts
      // its tail into the next column (here, or id or rotate_every_days).
      skip("the status column is not active, revoked or retired");
      continue;
    }
    if ((!c.created.empty() && !IsIsoDate(c.created)) ||
        (!c.last_rotated.empty() && !IsIsoDate(c.last_rotated))) {
      skip("created/last_rotated is not a date YYYY-MM-DD");
      continue;
    }
    if (std::string every = get(Field::kRotateEvery); !every.empty()) {
      if (every.size() > 5 ||
          every.find_first_not_of("0123456789") != std::string::npos) {
        skip("the rotate_every_days column is not a number of days");
        continue;
      }
      c.rotate_every_days = std::stoi(every);
    }
    Default(&c.use.owner, defaults.use.owner);
    Default(&c.use.environment, defaults.use.environment);
    Default(&c.provider, defaults.provider);
    Default(&c.type, defaults.type);
    Default(&c.purpose, defaults.purpose);
    Default(&c.use.access, defaults.use.access);
    Default(&c.use.systems, defaults.use.systems);
    Default(&c.created, today);
    if (auto dup = inventory->MatchSecret(secret)) {
      skip("same secret as credential '" + dup->credential->id + "'");
      continue;
    }
    c.id = get(Field::kId);
    if (c.id.empty()) {
      c.id = inventory->NewId(c.name);
    } else if (inventory->Find(c.id)) {
      skip("id '" + c.id + "' already exists");
      continue;
    }
    c.fingerprints.push_back(inventory->MakeFingerprint(secret, today));
    std::string id = c.id;
    if (Status added = inventory->Add(std::move(c)); !added.ok()) {
      skip(
          "the id column is not a valid id (lowercase letters, digits, "
          "'.', '_' and '-')");
      continue;
    }
    report->added.push_back(id);
  }
  return Status::OK();
}

}  // namespace keyward

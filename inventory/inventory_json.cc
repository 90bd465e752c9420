// Inventory <-> JSON. Parsing never throws out of here and names the place
// of every problem; serializing is deterministic so the file diffs cleanly.
#include <algorithm>

#include "base/crypto.h"
#include "base/json_file.h"
#include "keyward/inventory.h"

namespace keyward {
namespace {

using nlohmann::json;

constexpr int kSchemaVersion = 1;

std::string PepperId(const std::string& pepper) {
  return HexEncode(HmacSha256(pepper, "keyward-inventory-pepper-check"))
      .substr(0, 16);
}

// A wrong value as an error may show it: short ones are quoted, longer ones
// (a token pasted into the wrong field) only counted.
std::string Shown(const std::string& value) {
  if (value.size() <= 12) return "'" + value + "'";
  return "a value of " + std::to_string(value.size()) +
         " characters (not shown)";
}

// Reads one credential's fields; the first problem goes to *error.
class FieldReader {
 public:
  FieldReader(const json& obj, std::string where, std::string* error)
      : obj_(obj), where_(std::move(where)), error_(error) {}

  void String(const char* key, std::string* out) {
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return;
    if (!it->is_string()) return Fail(key, "must be a string");
    *out = it->get<std::string>();
  }
  void Date(const char* key, std::string* out) {
    String(key, out);
    if (!out->empty() && !IsIsoDate(*out)) {
      Fail(key, "must be a date YYYY-MM-DD, not " + Shown(*out));
    }
  }
  void Strings(const char* key, std::vector<std::string>* out) {
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return;
    if (!it->is_array()) return Fail(key, "must be an array of strings");
    for (const auto& v : *it) {
      if (!v.is_string()) return Fail(key, "must be an array of strings");
      out->push_back(v.get<std::string>());
    }
  }
  void Int(const char* key, int* out) {
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return;
    if (!it->is_number_integer() || it->get<long long>() < 0 ||
        it->get<long long>() > 100000) {
      return Fail(key, "must be a whole number of days");
    }
    *out = it->get<int>();
  }
  void Fail(const char* key, const std::string& what) {
    if (error_->empty()) *error_ = where_ + ": \"" + key + "\" " + what;
  }

 private:
  const json& obj_;
  std::string where_;
  std::string* error_;
};

const char* const kCredentialKeys[] = {
    "id",      "name",         "provider",
    "type",    "owner",        "provider_account",
    "purpose", "environment",  "access",
    "scopes",  "systems",      "identifiers",
    "created", "last_rotated", "rotate_every_days",
    "status",  "revoked",      "retired",
    "notes",   "fingerprints"};

Status ParseCredential(const json& obj, const std::string& where,
                       Credential* c) {
  if (!obj.is_object()) return Status::Corruption(where + ": not an object");
  std::string error;
  FieldReader r(obj, where, &error);
  r.String("id", &c->id);
  r.String("name", &c->name);
  r.String("provider", &c->provider);
  r.String("type", &c->type);
  r.String("owner", &c->use.owner);
  r.String("provider_account", &c->provider_account);
  r.String("purpose", &c->purpose);
  r.String("environment", &c->use.environment);
  r.String("access", &c->use.access);
  r.Strings("scopes", &c->scopes);
  r.Strings("systems", &c->use.systems);
  r.Strings("identifiers", &c->identifiers);
  r.Date("created", &c->created);
  r.Date("last_rotated", &c->last_rotated);
  r.Int("rotate_every_days", &c->rotate_every_days);
  r.String("status", &c->status);
  r.Date("revoked", &c->revoked);
  r.Date("retired", &c->retired);
  r.String("notes", &c->notes);
  if (c->status.empty()) c->status = "active";
  if (c->status != "active" && c->status != "revoked" &&
      c->status != "retired") {
    r.Fail("status",
           "must be active, revoked or retired, not " + Shown(c->status));
  }
  if (c->id.empty()) r.Fail("id", "is missing");
  auto fps = obj.find("fingerprints");
  if (fps != obj.end() && !fps->is_null()) {
    if (!fps->is_array()) r.Fail("fingerprints", "must be an array");
    for (size_t i = 0; error.empty() && fps->is_array() && i < fps->size();
         ++i) {
      const json& f = (*fps)[i];
      std::string fwhere = where + ".fingerprints[" + std::to_string(i) + "]";
      if (!f.is_object()) return Status::Corruption(fwhere + ": not an object");
      StoredFingerprint fp;
      FieldReader fr(f, fwhere, &error);
      fr.String("value", &fp.value);
      fr.String("hint", &fp.hint);
      fr.Date("added", &fp.added);
      fr.Date("retired", &fp.retired);
      if (fp.value.rfind("hmac-sha256:", 0) != 0) {
        fr.Fail("value", "must start with hmac-sha256:");
      }
      c->fingerprints.push_back(std::move(fp));
    }
  }
  if (!error.empty()) return Status::Corruption(error);
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(std::begin(kCredentialKeys), std::end(kCredentialKeys),
                  it.key()) == std::end(kCredentialKeys)) {
      c->extra[it.key()] = it.value();
    }
  }
  return Status::OK();
}

void PutString(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void PutStrings(json& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}

json CredentialJson(const Credential& c) {
  json j = c.extra.is_object() ? c.extra : json::object();
  j["id"] = c.id;
  j["name"] = c.name;
  j["status"] = c.status;
  PutString(j, "provider", c.provider);
  PutString(j, "type", c.type);
  PutString(j, "owner", c.use.owner);
  PutString(j, "provider_account", c.provider_account);
  PutString(j, "purpose", c.purpose);
  PutString(j, "environment", c.use.environment);
  PutString(j, "access", c.use.access);
  PutStrings(j, "scopes", c.scopes);
  PutStrings(j, "systems", c.use.systems);
  PutStrings(j, "identifiers", c.identifiers);
  PutString(j, "created", c.created);
  PutString(j, "last_rotated", c.last_rotated);
  if (c.rotate_every_days > 0) j["rotate_every_days"] = c.rotate_every_days;
  PutString(j, "revoked", c.revoked);
  PutString(j, "retired", c.retired);
  PutString(j, "notes", c.notes);
  json fps = json::array();
  for (const auto& fp : c.fingerprints) {
    json f = {{"value", fp.value}, {"hint", fp.hint}};
    PutString(f, "added", fp.added);
    PutString(f, "retired", fp.retired);
    fps.push_back(std::move(f));
  }
  j["fingerprints"] = std::move(fps);
  return j;
}

}  // namespace

Result<Inventory> Inventory::Parse(std::string_view text,
                                   const std::string& path,
                                   std::optional<std::string> pepper) {
  auto parsed = ParseJsonFile(text, path);
  if (!parsed.ok()) return parsed.status();
  Inventory inv;
  Status s = ReadJsonFields(
      path, [&] { return inv.ReadRoot(*parsed, path, std::move(pepper)); });
  if (!s.ok()) return s;
  inv.RebuildIndex();
  return inv;
}

Status Inventory::ReadRoot(const json& root, const std::string& path,
                           std::optional<std::string> pepper) {
  Inventory& inv = *this;
  if (!root.is_object()) {
    return Status::Corruption(path + ": not an inventory (expected an object)");
  }
  auto version = root.find("schema_version");
  if (version == root.end() || !version->is_number_integer()) {
    return Status::Corruption(path + ": missing \"schema_version\"");
  }
  if (version->get<long long>() != kSchemaVersion) {
    return Status::Corruption(
        path + ": schema_version " + version->dump() +
        " is not supported by this keyward (it reads version 1)");
  }
  std::string keyed_by = root.value("keyed_by", std::string("salt"));
  if (auto salt = root.find("salt"); salt != root.end()) {
    std::string raw;
    if (!salt->is_string() || !HexDecode(salt->get<std::string>(), &raw) ||
        raw.size() < 16) {
      return Status::Corruption(path +
                                ": \"salt\" must be at least 16 bytes "
                                "of hex");
    }
    inv.salt_hex_ = salt->get<std::string>();
  }
  if (keyed_by == "pepper") {
    if (!pepper) {
      return Status::InvalidArgument(
          path + " is keyed by a pepper: set KEYWARD_INVENTORY_PEPPER");
    }
    std::string want = root.value("pepper_id", std::string());
    if (!want.empty() && want != PepperId(*pepper)) {
      return Status::InvalidArgument(
          "KEYWARD_INVENTORY_PEPPER is not the pepper " + path +
          " was keyed with (pepper_id differs)");
    }
  } else if (keyed_by == "salt") {
    if (inv.salt_hex_.empty()) {
      return Status::Corruption(path + ": \"salt\" is missing");
    }
  } else {
    return Status::Corruption(path + ": \"keyed_by\" must be salt or pepper");
  }
  inv.pepper_ = std::move(pepper);

  auto creds = root.find("credentials");
  if (creds != root.end() && !creds->is_array()) {
    return Status::Corruption(path + ": \"credentials\" must be an array");
  }
  if (creds != root.end()) {
    for (size_t i = 0; i < creds->size(); ++i) {
      Credential c;
      const json& obj = (*creds)[i];
      std::string where = path + ": credentials[" + std::to_string(i) + "]";
      if (obj.is_object() && obj.contains("id") && obj["id"].is_string()) {
        where += " (" + obj["id"].get<std::string>() + ")";
      }
      Status s = ParseCredential(obj, where, &c);
      if (!s.ok()) return s;
      std::string id = c.id;
      if (!inv.credentials_.try_emplace(std::move(id), std::move(c)).second) {
        return Status::Corruption(where + ": duplicate id '" + c.id + "'");
      }
    }
  }
  if (auto sys = root.find("retired_systems"); sys != root.end()) {
    if (!sys->is_object()) {
      return Status::Corruption(path +
                                ": \"retired_systems\" must map names "
                                "to dates");
    }
    for (auto it = sys->begin(); it != sys->end(); ++it) {
      if (!it->is_string() || !IsIsoDate(it->get<std::string>())) {
        return Status::Corruption(path + ": retired_systems \"" + it.key() +
                                  "\" must be a date YYYY-MM-DD");
      }
      inv.retired_systems_[it.key()] = it->get<std::string>();
    }
  }
  for (auto it = root.begin(); it != root.end(); ++it) {
    static const char* const kKnown[] = {"schema_version", "keyed_by",
                                         "salt",           "pepper_id",
                                         "credentials",    "retired_systems"};
    if (std::find(std::begin(kKnown), std::end(kKnown), it.key()) ==
        std::end(kKnown)) {
      inv.extra_[it.key()] = it.value();
    }
  }
  return Status::OK();
}

std::string Inventory::Serialize() const {
  json root = extra_.is_object() ? extra_ : json::object();
  root["schema_version"] = kSchemaVersion;
  root["keyed_by"] = pepper_ ? "pepper" : "salt";
  if (!salt_hex_.empty()) root["salt"] = salt_hex_;
  if (pepper_) root["pepper_id"] = PepperId(*pepper_);
  if (!retired_systems_.empty()) root["retired_systems"] = retired_systems_;
  json creds = json::array();
  for (const auto& [id, c] : credentials_) creds.push_back(CredentialJson(c));
  root["credentials"] = std::move(creds);
  // Replace invalid UTF-8 rather than fail: a stray byte in a note must not
  // make the inventory unwritable.
  return root.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace keyward

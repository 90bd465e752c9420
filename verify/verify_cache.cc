// VerifyCache (verify/verify_cache.h).
#include "verify/verify_cache.h"

#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "keyward/atomic_file.h"
#include "keyward/fingerprint.h"

namespace keyward {

VerifyCache VerifyCache::Load(
    const std::string& path,
    const std::function<void(const std::string&)>& warn) {
  VerifyCache cache;
  cache.path_ = path;
  auto text = ReadFileToString(path, 64 << 20);
  if (!text.ok()) {
    if (text.status().code() != Status::Code::kNotFound && warn) {
      warn(text.status().ToString());
    }
    return cache;
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("entries") ||
      !j["entries"].is_object()) {
    if (warn) warn(path + ": not a verification cache; starting afresh");
    return cache;
  }
  for (const auto& [key, e] : j["entries"].items()) {
    if (!e.is_object()) continue;
    CachedVerification c;
    c.status = e.value("status", "");
    c.account = e.value("account", "");
    c.scope = e.value("scope", "");
    c.date = e.value("date", "");
    c.checked = e.value("checked", 0.0);
    if (c.status == "active" || c.status == "inactive" ||
        c.status == "unknown") {
      cache.entries_[key] = c;
    }
  }
  return cache;
}

std::string VerifyCache::Key(const std::string& rule_id, const std::string& id,
                             const std::string& secret) {
  std::string material = id;
  material.push_back('\0');
  material += secret;
  return rule_id + " " + SecretFingerprint(material);
}

std::optional<CachedVerification> VerifyCache::Find(const std::string& key,
                                                    double now,
                                                    double ttl) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || now - it->second.checked > ttl ||
      it->second.checked > now + 60) {
    return std::nullopt;
  }
  return it->second;
}

void VerifyCache::Put(const std::string& key, CachedVerification entry) {
  entries_[key] = std::move(entry);
}

Status VerifyCache::Save(double now, double ttl) const {
  nlohmann::json entries = nlohmann::json::object();
  for (const auto& [key, e] : entries_) {
    if (now - e.checked > ttl) continue;
    entries[key] = {{"status", e.status},
                    {"account", e.account},
                    {"scope", e.scope},
                    {"date", e.date},
                    {"checked", e.checked}};
  }
  nlohmann::json j = {{"version", 1}, {"entries", entries}};
  std::filesystem::path dir = std::filesystem::path(path_).parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IoError(dir.string() + ": " + ec.message());
  }
  // Account names and scopes are not secret, but they are nobody else's
  // business: the file is the user's alone.
  mode_t old = umask(077);
  Status s = WriteFileAtomic(path_, j.dump(1) + "\n");
  umask(old);
  return s;
}

}  // namespace keyward

// Baseline files: sorted {rule_id, fingerprint, path} entries, nothing that
// churns (no lines, no dates), so reruns and code moves leave the bytes alone
// and two branches adding different findings merge as two separate hunks.
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>

#include "base/json_file.h"
#include "keyward/atomic_file.h"
#include "keyward/config.h"

namespace keyward {
namespace {

std::string NormalisePath(std::string_view p) {
  while (p.size() > 2 && p.substr(0, 2) == "./") p.remove_prefix(2);
  return std::string(p);
}

BaselineEntry EntryFor(const Finding& f) {
  return {f.rule_id, f.fingerprint, NormalisePath(f.path)};
}

// The entry a baseline written before keyed fingerprints holds for `f`.
std::optional<BaselineEntry> LegacyEntryFor(const Finding& f) {
  if (f.secret_digest.size() != 32) return std::nullopt;
  return BaselineEntry{f.rule_id, LegacyFingerprint(f.secret_digest),
                       NormalisePath(f.path)};
}

}  // namespace

bool operator<(const BaselineEntry& a, const BaselineEntry& b) {
  return std::tie(a.path, a.rule_id, a.fingerprint) <
         std::tie(b.path, b.rule_id, b.fingerprint);
}

bool operator==(const BaselineEntry& a, const BaselineEntry& b) {
  return a.path == b.path && a.rule_id == b.rule_id &&
         a.fingerprint == b.fingerprint;
}

Result<Baseline> Baseline::Parse(std::string_view json,
                                 const std::string& display_path) {
  auto bad = [&](const std::string& why) {
    return Status::Corruption(display_path +
                              ": not a keyward baseline: " + why);
  };
  auto parsed = ParseJsonFile(json, display_path);
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json& doc = *parsed;
  if (!doc.is_object() || !doc.contains("entries") ||
      !doc["entries"].is_array()) {
    return bad("expected {\"version\": 1, \"entries\": [...]}");
  }
  auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer()) {
    return bad("\"version\" must be the number 1");
  }
  if (version->get<long long>() != 1) return bad("unsupported version");
  Baseline b;
  if (auto key = doc.find("fingerprint_key");
      key != doc.end() && key->is_string()) {
    b.key_id_ = key->get<std::string>();
  }
  size_t index = 0;
  for (const auto& e : doc["entries"]) {
    auto field = [&](const char* name) -> const nlohmann::json* {
      auto it = e.find(name);
      return it != e.end() && it->is_string() ? &*it : nullptr;
    };
    const nlohmann::json* rule = e.is_object() ? field("rule_id") : nullptr;
    const nlohmann::json* fp = e.is_object() ? field("fingerprint") : nullptr;
    const nlohmann::json* path = e.is_object() ? field("path") : nullptr;
    if (!rule || !fp || !path) {
      return bad("entry " + std::to_string(index) +
                 " needs string rule_id, fingerprint and path");
    }
    std::string fingerprint = fp->get<std::string>();
    if (IsLegacyFingerprint(fingerprint)) {
      ++b.legacy_entries_;
      std::transform(fingerprint.begin(), fingerprint.end(),
                     fingerprint.begin(),
                     [](unsigned char c) { return std::tolower(c); });
    }
    b.entries_.push_back({rule->get<std::string>(), std::move(fingerprint),
                          NormalisePath(path->get<std::string>())});
    ++index;
  }
  // Hand-edited or merged files may be out of order; matching needs order.
  std::sort(b.entries_.begin(), b.entries_.end());
  b.entries_.erase(std::unique(b.entries_.begin(), b.entries_.end()),
                   b.entries_.end());
  return b;
}

Result<Baseline> Baseline::Load(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

Baseline Baseline::FromFindings(const std::vector<Finding>& findings) {
  Baseline b;
  b.key_id_ = FingerprintKeyId();
  for (const Finding& f : findings) {
    if (f.suppressed && f.suppression != "baseline") continue;
    b.entries_.push_back(EntryFor(f));
  }
  std::sort(b.entries_.begin(), b.entries_.end());
  b.entries_.erase(std::unique(b.entries_.begin(), b.entries_.end()),
                   b.entries_.end());
  return b;
}

std::string Baseline::Serialize() const {
  // nlohmann::json objects keep keys sorted, so the output is canonical.
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : entries_) {
    entries.push_back({{"rule_id", e.rule_id},
                       {"fingerprint", e.fingerprint},
                       {"path", e.path}});
  }
  nlohmann::json doc = {{"version", 1}, {"entries", entries}};
  // Names (never reveals) the key the fingerprints were made with, so a
  // run with another key can say why nothing matches.
  if (!key_id_.empty()) doc["fingerprint_key"] = key_id_;
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

Status Baseline::Write(const std::string& path) const {
  return WriteFileAtomic(path, Serialize());
}

bool Baseline::Contains(const Finding& f) const {
  if (std::binary_search(entries_.begin(), entries_.end(), EntryFor(f)))
    return true;
  if (legacy_entries_ == 0) return false;
  auto legacy = LegacyEntryFor(f);
  return legacy &&
         std::binary_search(entries_.begin(), entries_.end(), *legacy);
}

std::vector<BaselineEntry> StaleBaselineEntries(
    const Baseline& baseline, const std::vector<Finding>& findings) {
  std::vector<BaselineEntry> found;
  for (const Finding& f : findings) {
    found.push_back(EntryFor(f));
    if (baseline.legacy_entries() == 0) continue;
    if (auto legacy = LegacyEntryFor(f)) found.push_back(*legacy);
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  std::vector<BaselineEntry> stale;
  std::set_difference(baseline.entries().begin(), baseline.entries().end(),
                      found.begin(), found.end(), std::back_inserter(stale));
  return stale;
}

}  // namespace keyward

// Inventory audit: one result per problem, against an injected clock.
//
// Per-credential checks are rows of a table (name, severity, predicate);
// checks that compare credentials (duplicates) run once over the whole set.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "keyward/inventory.h"

namespace keyward {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Collapse(std::string_view s) {  // lowercase, single spaces
  std::string out;
  for (char c : Lower(s)) {
    bool space =
        std::isspace(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    if (space) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Purposes that only need to read: a full-access key for them is excess.
const char* const kReadOnlyPurposeWords[] = {
    "report",   "dashboard",  "backup",    "search",  "audit",  "read-only",
    "readonly", "monitoring", "analytics", "metrics", "export", "read only"};

// Names that say nothing about what a key is for.
const char* const kVagueNames[] = {
    "new key",  "key",     "test",      "test key", "testing", "temp",
    "tmp",      "token",   "new token", "api key",  "apikey",  "secret",
    "password", "default", "untitled",  "my key",   "misc",    "foo",
    "asdf",     "key 1",   "key1",      "new"};

struct AuditContext {
  const Inventory& inventory;
  long today = 0;
  std::string today_text;
};

using CheckFn = std::optional<std::string> (*)(const Credential&,
                                               const AuditContext&);

struct CredentialCheck {
  const char* name;
  Severity severity;
  CheckFn check;
};

std::optional<std::string> NoOwner(const Credential& c, const AuditContext&) {
  if (!c.use.owner.empty()) return std::nullopt;
  return "no owner: nobody is answerable for this key";
}

std::optional<std::string> NoPurpose(const Credential& c, const AuditContext&) {
  if (!c.purpose.empty()) return std::nullopt;
  return "no purpose: what is this key for?";
}

std::optional<std::string> NoEnvironment(const Credential& c,
                                         const AuditContext&) {
  if (!c.use.environment.empty()) return std::nullopt;
  return "no environment (production, staging, development, migration)";
}

std::optional<std::string> RotationOverdue(const Credential& c,
                                           const AuditContext& ctx) {
  const std::string& since =
      c.last_rotated.empty() ? c.created : c.last_rotated;
  if (since.empty() || !IsIsoDate(since)) return std::nullopt;
  long due = DaysFromEpoch(since) + c.RotateEveryDays();
  if (due >= ctx.today) return std::nullopt;
  return std::string(c.last_rotated.empty() ? "created " : "last rotated ") +
         since + ", rotate every " + std::to_string(c.RotateEveryDays()) +
         " days: due " + DateFromDays(due) + ", " +
         std::to_string(ctx.today - due) + " days overdue";
}

std::optional<std::string> RotationUnknown(const Credential& c,
                                           const AuditContext&) {
  if (!c.last_rotated.empty() || !c.created.empty()) return std::nullopt;
  return "neither created nor last_rotated is set: rotation cannot be tracked";
}

std::optional<std::string> ExcessAccess(const Credential& c,
                                        const AuditContext&) {
  if (Lower(c.use.access) != "full") return std::nullopt;
  std::string purpose = Lower(c.purpose);
  for (const char* word : kReadOnlyPurposeWords) {
    if (purpose.find(word) != std::string::npos) {
      return "full access for read-only work (purpose: \"" + c.purpose +
             "\"): replace it with a read-only or scoped key";
    }
  }
  return std::nullopt;
}

std::optional<std::string> VagueName(const Credential& c, const AuditContext&) {
  std::string name = Collapse(c.name);
  if (name.size() < 4)
    return "name \"" + c.name + "\" is too short to say what the key is";
  for (const char* vague : kVagueNames) {
    if (name == vague)
      return "vague name \"" + c.name +
             "\": name it after system, environment and owner";
  }
  return std::nullopt;
}

std::optional<std::string> RetiredSystem(const Credential& c,
                                         const AuditContext& ctx) {
  std::vector<std::string> retired;
  for (const auto& s : c.use.systems) {
    auto it = ctx.inventory.retired_systems().find(s);
    if (it != ctx.inventory.retired_systems().end() &&
        DaysFromEpoch(it->second) <= ctx.today) {
      retired.push_back(s + " (retired " + it->second + ")");
    }
  }
  if (retired.empty()) return std::nullopt;
  std::string list;
  for (size_t i = 0; i < retired.size(); ++i)
    list += (i ? ", " : "") + retired[i];
  if (retired.size() == c.use.systems.size()) {
    return "still active but every system using it is retired: " + list +
           "; revoke or retire it";
  }
  return "still lists retired systems: " + list;
}

std::optional<std::string> NoSystems(const Credential& c, const AuditContext&) {
  if (!c.use.systems.empty()) return std::nullopt;
  return "no systems listed: a rotation would not know what to update";
}

std::optional<std::string> Unmatchable(const Credential& c,
                                       const AuditContext&) {
  for (const auto& fp : c.fingerprints) {
    if (fp.retired.empty()) return std::nullopt;
  }
  if (!c.identifiers.empty()) return std::nullopt;
  return "no current fingerprint or identifier: findings can never match it "
         "(record one with: keyward inventory rotate " +
         c.id + ")";
}

const CredentialCheck kCredentialChecks[] = {
    {"no-owner", Severity::kHigh, NoOwner},
    {"no-purpose", Severity::kMedium, NoPurpose},
    {"no-environment", Severity::kMedium, NoEnvironment},
    {"rotation-overdue", Severity::kHigh, RotationOverdue},
    {"rotation-unknown", Severity::kMedium, RotationUnknown},
    {"excess-access", Severity::kHigh, ExcessAccess},
    {"vague-name", Severity::kLow, VagueName},
    {"retired-system", Severity::kMedium, RetiredSystem},
    {"no-systems", Severity::kLow, NoSystems},
    {"unmatchable", Severity::kLow, Unmatchable},
};

AuditResult MakeResult(const Credential& c, const char* check,
                       Severity severity, std::string message) {
  return {c.id, c.name, check, severity, std::move(message)};
}

// The same secret recorded under several credentials: in several
// environments it is one key shared across a boundary (high); otherwise a
// duplicate record (medium).
void SameKeyChecks(const Inventory& inv, std::vector<AuditResult>* out) {
  std::map<std::string, std::vector<const Credential*>> by_key;
  for (const auto& c : inv.credentials()) {
    if (c.status != "active") continue;
    std::vector<std::string> keys;
    for (const auto& fp : c.fingerprints) {
      if (fp.retired.empty()) keys.push_back(fp.value);
    }
    for (const auto& id : c.identifiers) keys.push_back("identifier:" + id);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const auto& k : keys) by_key[k].push_back(&c);
  }
  std::map<std::string, AuditResult> results;  // one per credential+check
  for (const auto& [key, creds] : by_key) {
    if (creds.size() < 2) continue;
    std::vector<std::string> envs;
    for (const auto* c : creds) envs.push_back(c->use.environment);
    std::sort(envs.begin(), envs.end());
    envs.erase(std::unique(envs.begin(), envs.end()), envs.end());
    bool cross_env = envs.size() > 1;
    for (const auto* c : creds) {
      std::string others;
      for (const auto* o : creds) {
        if (o == c) continue;
        others +=
            (others.empty() ? "" : ", ") + o->id +
            (o->use.environment.empty() ? "" : " (" + o->use.environment + ")");
      }
      const char* check =
          cross_env ? "same-key-several-environments" : "duplicate-key";
      std::string msg = cross_env
                            ? "the same key is also recorded for " + others +
                                  ": use one key per environment"
                            : "the same key is also recorded as " + others;
      results.emplace(
          c->id + "/" + check,
          MakeResult(*c, check, cross_env ? Severity::kHigh : Severity::kMedium,
                     msg));
    }
  }
  for (auto& [k, r] : results) out->push_back(std::move(r));
}

void DuplicateNames(const Inventory& inv, std::vector<AuditResult>* out) {
  std::map<std::string, std::vector<const Credential*>> by_name;
  for (const auto& c : inv.credentials()) {
    if (!c.name.empty()) by_name[Collapse(c.name)].push_back(&c);
  }
  for (const auto& [name, creds] : by_name) {
    if (creds.size() < 2) continue;
    for (const auto* c : creds) {
      std::string others;
      for (const auto* o : creds) {
        if (o != c) others += (others.empty() ? "" : ", ") + o->id;
      }
      out->push_back(
          MakeResult(*c, "duplicate-name", Severity::kMedium,
                     "name \"" + c->name + "\" is also used by " + others));
    }
  }
}

}  // namespace

std::vector<AuditResult> AuditInventory(const Inventory& inventory,
                                        const Clock& clock) {
  AuditContext ctx{inventory, 0, clock.Today()};
  ctx.today = IsIsoDate(ctx.today_text) ? DaysFromEpoch(ctx.today_text) : 0;
  std::vector<AuditResult> out;
  for (const auto& c : inventory.credentials()) {
    if (c.status != "active") continue;  // revoked/retired keys need no care
    for (const auto& check : kCredentialChecks) {
      if (auto msg = check.check(c, ctx)) {
        out.push_back(MakeResult(c, check.name, check.severity, *msg));
      }
    }
  }
  SameKeyChecks(inventory, &out);
  DuplicateNames(inventory, &out);
  std::sort(out.begin(), out.end(),
            [](const AuditResult& a, const AuditResult& b) {
              if (a.severity != b.severity) return a.severity > b.severity;
              if (a.id != b.id) return a.id < b.id;
              return a.check < b.check;
            });
  return out;
}

std::vector<std::pair<std::string, Severity>> AuditChecks() {
  std::vector<std::pair<std::string, Severity>> out;
  for (const auto& c : kCredentialChecks) out.emplace_back(c.name, c.severity);
  out.emplace_back("same-key-several-environments", Severity::kHigh);
  out.emplace_back("duplicate-key", Severity::kMedium);
  out.emplace_back("duplicate-name", Severity::kMedium);
  return out;
}

}  // namespace keyward

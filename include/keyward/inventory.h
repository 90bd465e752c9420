// Inventory: the organisation's record of credentials, and how findings are
// matched against it.
//
//   keyward::SystemClock clock;
//   auto inv = keyward::LoadInventory("keyward-inventory.json", pepper);
//   if (!inv.ok()) { ...inv.status().ToString()... }
//   inv->Annotate(&findings);           // fills Finding::credential
//   auto problems = keyward::AuditInventory(*inv, clock);
//
// The file (keyward-inventory.json) never holds a secret. A secret is stored as
//
//   "hmac-sha256:" + hex(HMAC-SHA256(key, SHA-256(secret)))
//
// where key is the inventory's random salt (raw bytes of the hex "salt"
// field) or, when the file says "keyed_by": "pepper", the bytes of
// KEYWARD_INVENTORY_PEPPER. Hashing SHA-256(secret) rather than the secret
// lets findings be matched on Finding::secret_digest without the secret: a
// saved scan report gives it back from its `fingerprint_seal` under the
// fingerprint key (keyward/fingerprint.h), an old report from its
// "sha256:<hex>" fingerprint. Each fingerprint also has a hint for humans
// (provider prefix + last 4 characters, see keyward::Redact) and the date it
// was added.
//
// Dates are ISO "YYYY-MM-DD" strings. Nothing here reads the system clock:
// operations that need "today" take a Clock.
//
// Thread safety: an Inventory is a plain value; const methods may be called
// from several threads at once, mutation needs external synchronisation.
// Files are read and written under FileLock (see atomic_file.h).
#ifndef KEYWARD_INVENTORY_H_
#define KEYWARD_INVENTORY_H_

#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "keyward/date.h"
#include "keyward/finding.h"
#include "keyward/rules.h"
#include "keyward/status.h"

namespace keyward {

// === The records ===

inline constexpr int kDefaultRotateEveryDays = 90;

struct StoredFingerprint {
  std::string value;    // "hmac-sha256:<64 hex>"
  std::string hint;     // e.g. "ghp_…a1b2"; never more than Redact shows
  std::string added;    // date
  std::string retired;  // date it was rotated out; empty while current
};

struct Credential {
  std::string id;  // stable, [a-z0-9][a-z0-9._-]*
  std::string name;
  std::string provider;
  std::string type;   // api-key, oauth, basic-auth, service-account, ...
  CredentialUse use;  // owner, environment, access, systems
  std::string provider_account;
  std::string purpose;
  std::vector<std::string> scopes;
  std::vector<std::string> identifiers;  // non-secret ids, stored in clear
  std::string created;
  std::string last_rotated;
  int rotate_every_days = 0;      // 0: kDefaultRotateEveryDays
  std::string status = "active";  // active | revoked | retired
  std::string revoked;            // date, when status is revoked
  std::string retired;            // date, when status is retired
  std::string notes;
  std::vector<StoredFingerprint> fingerprints;
  // Fields this version does not know, kept so a rewrite loses nothing.
  nlohmann::json extra = nlohmann::json::object();

  int RotateEveryDays() const {
    return rotate_every_days > 0 ? rotate_every_days : kDefaultRotateEveryDays;
  }
};

// What a fingerprint or identifier lookup found. Pointers are into the
// Inventory and valid until it is next modified.
struct CredentialMatch {
  const Credential* credential = nullptr;
  const StoredFingerprint* fingerprint = nullptr;  // null: identifier match
};

// === The inventory ===

class Inventory {
 public:
  // An empty inventory. With a pepper it is keyed by the pepper; otherwise
  // `salt_hex` (from NewSalt()) keys it.
  static Inventory Create(std::optional<std::string> pepper,
                          std::string salt_hex);
  // 32 random bytes as hex, from the OS CSPRNG.
  static Result<std::string> NewSalt();

  // Parses file text. `path` names the file in errors, which give line and
  // column for syntax errors and the entry for schema errors. `pepper` is
  // KEYWARD_INVENTORY_PEPPER (nullopt when unset); a pepper-keyed file
  // without it, or with a different one, is an error. When a pepper is given
  // for a salt-keyed file, new fingerprints use the pepper from now on and
  // old ones still match through the salt.
  static Result<Inventory> Parse(std::string_view text, const std::string& path,
                                 std::optional<std::string> pepper);
  // Deterministic JSON: sorted keys, credentials sorted by id, 2-space
  // indent, trailing newline. The pepper itself is never written.
  std::string Serialize() const;

  // Every credential, sorted by id: a view of const Credential, valid until
  // the inventory changes. (Hand-written rather than std::views::values,
  // which clang 14 with libstdc++ 12 rejects: the sanitizer builds use it.)
  class CredentialView {
   public:
    using Map = std::map<std::string, Credential, std::less<>>;
    class iterator {
     public:
      using value_type = Credential;
      using difference_type = std::ptrdiff_t;
      iterator() = default;
      explicit iterator(Map::const_iterator it) : it_(it) {}
      const Credential& operator*() const { return it_->second; }
      const Credential* operator->() const { return &it_->second; }
      iterator& operator++() {
        ++it_;
        return *this;
      }
      iterator operator++(int) {
        iterator old = *this;
        ++it_;
        return old;
      }
      bool operator==(const iterator&) const = default;

     private:
      Map::const_iterator it_;
    };
    explicit CredentialView(const Map& map) : map_(&map) {}
    iterator begin() const { return iterator(map_->begin()); }
    iterator end() const { return iterator(map_->end()); }
    size_t size() const { return map_->size(); }
    bool empty() const { return map_->empty(); }

   private:
    const Map* map_;
  };
  CredentialView credentials() const { return CredentialView(credentials_); }
  // O(log n).
  const Credential* Find(std::string_view id) const;
  // A credential to change in place. Until the next Add or Parse, fingerprint
  // and identifier lookups then scan every credential (the change may add or
  // retire a fingerprint), which is correct but linear.
  Credential* FindMutable(std::string_view id);
  bool keyed_by_pepper() const { return pepper_.has_value(); }

  // Systems marked retired (`inventory retire --system`): name -> date.
  const std::map<std::string, std::string>& retired_systems() const {
    return retired_systems_;
  }
  void RetireSystem(const std::string& name, const std::string& date) {
    retired_systems_[name] = date;
  }

  // The fingerprint this inventory would store for `secret`.
  std::string FingerprintSecret(std::string_view secret) const;
  // Same, from "sha256:<hex>" (a report's Finding::fingerprint). Empty when
  // the argument is not of that form.
  std::string FingerprintFromSha256(std::string_view sha256_fingerprint) const;
  // A StoredFingerprint for `secret` added on `today`.
  StoredFingerprint MakeFingerprint(std::string_view secret,
                                    const std::string& today) const;

  // Looks up "sha256:<hex>" among every fingerprint (current and retired)
  // under every key this inventory knows (salt and/or pepper).
  std::optional<CredentialMatch> MatchFingerprint(
      const std::string& sha256_fingerprint) const;
  // Same, from the raw 32-byte SHA-256(secret) (Finding::secret_digest).
  std::optional<CredentialMatch> MatchDigest(std::string_view digest) const;
  std::optional<CredentialMatch> MatchSecret(std::string_view secret) const;
  std::optional<CredentialMatch> MatchIdentifier(
      std::string_view identifier) const;

  // Sets Finding::credential on every finding: a match by fingerprint (or,
  // failing that, by identifier) copies the credential's details and a note
  // for a revoked/retired key or rotated-out fingerprint; no match gives a
  // CredentialRef whose status is "unknown" and whose id is empty.
  Status Annotate(std::vector<Finding>* findings) const;

  // Adds a credential. Its id must be new and valid (see NewId()).
  Status Add(Credential credential);

  // Lifecycle (inventory/lifecycle.cc). On error the inventory is unchanged.
  // Rotation: `secret` becomes credential `id`'s current fingerprint, added
  // on `date`; every earlier fingerprint is retired on `date` and
  // last_rotated becomes `date`. kNotFound ("no credential '<id>'") for an
  // unknown id; kInvalidArgument when the credential is not active or the
  // secret is already recorded.
  Status Rotate(std::string_view id, std::string_view secret,
                const std::string& date);
  // Status transition of credential `id` to "revoked" or "retired" on
  // `date` (Credential::revoked or ::retired). kNotFound as for Rotate;
  // kInvalidArgument for any other status.
  Status SetStatus(std::string_view id, const std::string& status,
                   const std::string& date);
  // A valid, unused id derived from `name` ("Warehouse sync - prod" ->
  // "warehouse-sync-prod", then "-2", "-3" ...).
  std::string NewId(std::string_view name) const;

 private:
  std::vector<std::string> MatchKeys() const;  // raw HMAC keys to try
  // Parse() after the JSON is parsed; may throw nlohmann::json::exception.
  Status ReadRoot(const nlohmann::json& root, const std::string& path,
                  std::optional<std::string> pepper);

  // Adds `c`'s fingerprints and identifiers to the lookup index.
  void IndexCredential(const Credential& c);
  void RebuildIndex();

  std::map<std::string, Credential, std::less<>> credentials_;  // by id
  // Lookup index, so matching a finding or importing a row does not scan
  // every credential: stored fingerprint value -> (credential id, position
  // in its fingerprints), and identifier -> the first credential (by id)
  // naming it. Ids, not pointers: a copied Inventory stays valid.
  struct IndexEntry {
    std::string id;
    uint32_t fingerprint;
  };
  std::unordered_map<std::string, std::vector<IndexEntry>> by_fingerprint_;
  std::unordered_map<std::string, std::string> by_identifier_;
  bool index_stale_ = false;  // FindMutable handed out a credential
  std::map<std::string, std::string> retired_systems_;
  std::string salt_hex_;               // may be empty for pepper-only files
  std::optional<std::string> pepper_;  // never serialized
  nlohmann::json extra_ = nlohmann::json::object();
};

// CredentialRef for a match (see Annotate).
CredentialRef MakeCredentialRef(const CredentialMatch& match);

// === Files ===

// Reads and parses `path` (kNotFound when it does not exist).
Result<Inventory> LoadInventory(const std::string& path,
                                std::optional<std::string> pepper);

// Read-modify-write of `path` under its FileLock: loads the inventory,
// calls `change`, and writes the result atomically unless `dry_run`. The
// file is left untouched if loading, `change` or serialization fails.
// `before`/`after` (optional) receive the old and new file text, for
// showing a dry run. A missing file is an error unless `create_if_missing`
// (then the change starts from Inventory::Create(pepper, NewSalt())).
struct InventoryEdit {
  std::string before;
  std::string after;
  bool changed() const { return before != after; }
};
Status EditInventoryFile(const std::string& path,
                         std::optional<std::string> pepper, bool dry_run,
                         bool create_if_missing,
                         const std::function<Status(Inventory&)>& change,
                         InventoryEdit* edit = nullptr);

// Where the inventory is and what keys it, from the environment: one rule
// for every command. KEYWARD_INVENTORY names the file, KEYWARD_INVENTORY_PEPPER
// is the pepper; a variable set to the empty string counts as unset.
struct InventoryEnv {
  std::string path;                   // empty: not set
  std::optional<std::string> pepper;  // nullopt: not set
  static InventoryEnv FromEnvironment();
};

// The inventory AnnotateFromInventory would use (same choice of file), or
// nullopt when there is none; for annotating findings one at a time.
Result<std::optional<Inventory>> LoadScanInventory(const std::string& flag,
                                                   const InventoryEnv& env);

// For `keyward scan`: picks the inventory (`flag` when non-empty, else
// env.path, else ./keyward-inventory.json only if it exists), loads it with
// env.pepper and annotates `findings`. With no inventory to use, findings are
// left untouched and OK is returned. A named inventory that is missing or
// malformed is an error.
Status AnnotateFromInventory(const std::string& flag, const InventoryEnv& env,
                             std::vector<Finding>* findings);

// === Import ===

struct ImportReport {
  int rows = 0;                    // data rows read (header excluded)
  std::vector<std::string> added;  // ids
  struct Skipped {
    int line = 0;  // 1-based line in the CSV where the row starts
    std::string reason;
  };
  std::vector<Skipped> skipped;
  std::vector<std::string> ignored_columns;  // headers mapped to nothing
};

// Imports a password-manager style CSV export (RFC 4180 quoting, optional
// UTF-8 BOM, CRLF or LF). Columns are mapped by header name (see
// docs/inventory.md); the secret column is fingerprinted and dropped.
// `defaults` supplies fields a row leaves empty (owner, environment, ...).
// A row is skipped, with its reason in the report, when it has no secret, no
// usable name, a wrong field count, or a secret already in the inventory.
// A file that cannot be parsed at all (no header, no secret column,
// unterminated quote) is an error and nothing is added.
Status ImportCsv(std::string_view csv, const std::string& path,
                 const Credential& defaults, const Clock& clock,
                 Inventory* inventory, ImportReport* report);

// === Audit ===

struct AuditResult {
  std::string id;          // credential id
  std::string credential;  // credential name
  std::string check;       // e.g. "rotation-overdue"
  Severity severity = Severity::kMedium;
  std::string message;
};

// Checks every active credential (and, for duplicate names, all of them).
// Results are sorted by severity (highest first), then id, then check.
std::vector<AuditResult> AuditInventory(const Inventory& inventory,
                                        const Clock& clock);

// The names of every audit check, with their default severity, for docs and
// `--help`.
std::vector<std::pair<std::string, Severity>> AuditChecks();

}  // namespace keyward

#endif  // KEYWARD_INVENTORY_H_

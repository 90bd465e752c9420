// The findings store: what audits found, across runs, and what people
// decided about it (audit/findings_store.cc, SQLite).
//
//   auto store = FindingsStore::Open(".keyward/findings.db");
//   Status s = (*store)->Record(targets, records, "2026-12-02T17:00:00Z");
//   s = (*store)->Triage(fp, TriageState::kRevoked, "ada", "rotated", now);
//   auto open = (*store)->List({.state = "open"});
//
// A finding is keyed by fingerprint, rule, target, path and line (one row per
// location) and has first/last seen times. Triage belongs to the secret, by
// fingerprint: it holds for every location, and when a finding moves to
// another file or line. Record() is one merge: it adds or refreshes the
// rows it is given and marks resolved (never deletes) the unresolved rows of
// the same targets that it was not given; a finding that comes back is open
// again. The store holds fingerprints and redactions only, never a secret.
//
// Schema: versioned by PRAGMA user_version, migrated forward on Open (a
// newer version than this build knows is kCorruption). Journal mode WAL and
// a busy timeout: writers in other processes or threads wait for each other
// (each Record or Triage is one IMMEDIATE transaction) and nothing is lost.
//
// Thread safety: one FindingsStore per thread; any number of stores (in any
// processes) may use one file at once.
#ifndef KEYWARD_FINDINGS_STORE_H_
#define KEYWARD_FINDINGS_STORE_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keyward/status.h"

struct sqlite3;

namespace keyward {

// Triage states, as written on the command line and in the store.
inline constexpr const char* kTriageStates[] = {
    "open", "false-positive", "test-credential", "revoked", "accepted-risk"};
bool IsTriageState(std::string_view s);

// Default store: .keyward/findings.db under the working directory.
inline constexpr const char* kDefaultStorePath = ".keyward/findings.db";
inline constexpr int kStoreSchemaVersion = 2;

// One location of one finding, as a merge hands it to the store.
struct StoreRecord {
  std::string target;  // the audit target (its normalised text)
  std::string path;    // repository-relative
  int line = 0;
  std::string fingerprint;  // keyed ("hmac-sha256:...")
  std::string rule_id;
  std::string severity;
  std::string redacted;
};

struct StoredFinding {
  StoreRecord record;
  std::string first_seen, last_seen;  // ISO 8601 UTC times
  std::string resolved_at;            // "" while it is still found
  std::string state = "open";         // triage state of the fingerprint
  std::string triaged_by, triaged_at, note;
};

struct StoreCounts {
  uint64_t added = 0;     // new rows
  uint64_t seen = 0;      // rows seen again (or reopened)
  uint64_t resolved = 0;  // rows no longer found
};

struct StoreFilter {
  std::string state;  // "" any; a triage state; "resolved"
  std::string since;  // first seen at or after this date/time ("" any)
  bool include_resolved = false;  // also rows marked resolved
};

class FindingsStore {
 public:
  // Opens (creating the file and its directory) and migrates the schema.
  static Result<std::unique_ptr<FindingsStore>> Open(
      const std::string& path,
      std::chrono::milliseconds busy_timeout = std::chrono::seconds(30));
  ~FindingsStore();
  FindingsStore(const FindingsStore&) = delete;
  FindingsStore& operator=(const FindingsStore&) = delete;

  // One merge (see above). `targets`: every target this merge covers;
  // `now`: the merge time (ISO 8601 UTC).
  Status Record(const std::vector<std::string>& targets,
                const std::vector<StoreRecord>& records, const std::string& now,
                StoreCounts* counts = nullptr);
  // Sets the triage state of a fingerprint (kNotFound when the store has
  // no finding with it), keeping the history of earlier decisions.
  Status Triage(const std::string& fingerprint, const std::string& state,
                const std::string& who, const std::string& note,
                const std::string& now);
  // Sorted by target, path, line, rule.
  Result<std::vector<StoredFinding>> List(const StoreFilter& filter) const;
  // Past decisions of a fingerprint, oldest first: "when state who: note".
  Result<std::vector<std::string>> TriageHistory(
      const std::string& fingerprint) const;
  int schema_version() const;

 private:
  explicit FindingsStore(sqlite3* db, std::string path)
      : db_(db), path_(std::move(path)) {}
  Status Exec(const char* sql) const;
  Status Migrate();
  sqlite3* db_;
  std::string path_;
};

// The current time as ISO 8601 UTC ("2026-12-02T17:00:00Z").
std::string NowUtc();

}  // namespace keyward

#endif  // KEYWARD_FINDINGS_STORE_H_

// The SQLite findings store (keyward/findings_store.h).
#include "keyward/findings_store.h"

#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <thread>

namespace keyward {
namespace {

// Each entry takes the schema from version i to i + 1. Append only: a
// released migration never changes.
const char* const kMigrations[] = {
    // 0 -> 1: findings by location, triage by fingerprint, merge runs.
    "CREATE TABLE findings ("
    "  fingerprint TEXT NOT NULL, rule_id TEXT NOT NULL,"
    "  target TEXT NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL,"
    "  severity TEXT NOT NULL DEFAULT '', redacted TEXT NOT NULL DEFAULT '',"
    "  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,"
    "  last_run INTEGER NOT NULL, resolved_at TEXT,"
    "  PRIMARY KEY (fingerprint, rule_id, target, path, line));"
    "CREATE INDEX findings_target ON findings (target);"
    "CREATE TABLE triage ("
    "  fingerprint TEXT PRIMARY KEY, state TEXT NOT NULL,"
    "  who TEXT NOT NULL, at TEXT NOT NULL, note TEXT NOT NULL);"
    "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT);",
    // 1 -> 2: every triage decision is kept, not only the last.
    "CREATE TABLE triage_history ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT, fingerprint TEXT NOT NULL,"
    "  state TEXT NOT NULL, who TEXT NOT NULL, at TEXT NOT NULL,"
    "  note TEXT NOT NULL);"
    "INSERT INTO triage_history (fingerprint, state, who, at, note)"
    "  SELECT fingerprint, state, who, at, note FROM triage;",
};
static_assert(std::size(kMigrations) == kStoreSchemaVersion);

// A prepared statement, finalized on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(s_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  Stmt& Text(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Int(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  int Step() { return sqlite3_step(s_); }
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  std::string Col(int i) const {
    const unsigned char* t = sqlite3_column_text(s_, i);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  int64_t ColInt(int i) const { return sqlite3_column_int64(s_, i); }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

// Rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  ~Transaction() {
    if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  int Begin() {
    int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    open_ = rc == SQLITE_OK;
    return rc;
  }
  int Commit() {
    int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) open_ = false;
    return rc;
  }

 private:
  sqlite3* db_;
  bool open_ = false;
};

}  // namespace

bool IsTriageState(std::string_view s) {
  for (const char* t : kTriageStates) {
    if (s == t) return true;
  }
  return false;
}

std::string NowUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::unique_ptr<FindingsStore>> FindingsStore::Open(
    const std::string& path, std::chrono::milliseconds busy_timeout) {
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::IoError(path + ": cannot open findings store: " + msg);
  }
  std::unique_ptr<FindingsStore> store(new FindingsStore(db, path));
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  // WAL: readers do not block the writer; the mode is stored in the file.
  // Switching takes an exclusive lock, and SQLite answers "busy" at once,
  // without the busy handler, when another opener of a new store holds the
  // shared lock it also wants to upgrade: try again until the timeout.
  const auto deadline = std::chrono::steady_clock::now() + busy_timeout;
  for (int attempt = 1;; ++attempt) {
    Status s = store->Exec("PRAGMA journal_mode=WAL");
    if (s.ok()) break;
    if (s.code() != Status::Code::kBusy ||
        std::chrono::steady_clock::now() >= deadline) {
      return s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1 + attempt % 16));
  }
  if (Status s = store->Exec("PRAGMA synchronous=NORMAL"); !s.ok()) return s;
  if (Status s = store->Migrate(); !s.ok()) return s;
  return store;
}

FindingsStore::~FindingsStore() { sqlite3_close(db_); }

Status FindingsStore::Exec(const char* sql) const {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::OK();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  if (rc == SQLITE_BUSY) return Status::Busy(path_ + ": store busy: " + msg);
  return Status::IoError(path_ + ": " + msg);
}

int FindingsStore::schema_version() const {
  Stmt q(db_, "PRAGMA user_version");
  return q.ok() && q.Step() == SQLITE_ROW ? static_cast<int>(q.ColInt(0)) : -1;
}

Status FindingsStore::Migrate() {
  // Under the write lock, so two first openers do not both migrate.
  Transaction tx(db_);
  if (tx.Begin() != SQLITE_OK) {
    return Status::Busy(path_ + ": store busy: " + sqlite3_errmsg(db_));
  }
  int v = schema_version();
  if (v > kStoreSchemaVersion) {
    return Status::Corruption(path_ + ": findings store schema version " +
                              std::to_string(v) + " is newer than this " +
                              "keyward knows (" +
                              std::to_string(kStoreSchemaVersion) + ")");
  }
  for (; v < kStoreSchemaVersion; ++v) {
    if (Status s = Exec(kMigrations[v]); !s.ok()) return s;
    std::string set = "PRAGMA user_version=" + std::to_string(v + 1);
    if (Status s = Exec(set.c_str()); !s.ok()) return s;
  }
  if (tx.Commit() != SQLITE_OK) {
    return Status::IoError(path_ + ": " + sqlite3_errmsg(db_));
  }
  return Status::OK();
}

Status FindingsStore::Record(const std::vector<std::string>& targets,
                             const std::vector<StoreRecord>& records,
                             const std::string& now, StoreCounts* counts) {
  StoreCounts c;
  auto fail = [&](const char* what) {
    int rc = sqlite3_errcode(db_);
    std::string msg = path_ + ": " + what + ": " + sqlite3_errmsg(db_);
    return rc == SQLITE_BUSY ? Status::Busy(msg) : Status::IoError(msg);
  };
  Transaction tx(db_);
  if (tx.Begin() != SQLITE_OK) return fail("cannot start a merge");
  Stmt run(db_, "INSERT INTO runs (at) VALUES (?1)");
  if (!run.ok() || run.Text(1, now).Step() != SQLITE_DONE) {
    return fail("cannot record the run");
  }
  const int64_t run_id = sqlite3_last_insert_rowid(db_);
  Stmt find(db_,
            "SELECT resolved_at IS NOT NULL FROM findings WHERE fingerprint=?1"
            " AND rule_id=?2 AND target=?3 AND path=?4 AND line=?5");
  Stmt insert(db_,
              "INSERT INTO findings (fingerprint, rule_id, target, path, line,"
              " severity, redacted, first_seen, last_seen, last_run)"
              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)");
  Stmt update(db_,
              "UPDATE findings SET last_seen=?6, last_run=?7,"
              " resolved_at=NULL, severity=?8, redacted=?9 WHERE"
              " fingerprint=?1 AND rule_id=?2 AND target=?3 AND path=?4 AND"
              " line=?5");
  if (!find.ok() || !insert.ok() || !update.ok()) return fail("prepare");
  for (const StoreRecord& r : records) {
    find.Reset();
    find.Text(1, r.fingerprint).Text(2, r.rule_id).Text(3, r.target);
    find.Text(4, r.path).Int(5, r.line);
    int rc = find.Step();
    if (rc == SQLITE_ROW) {
      update.Reset();
      update.Text(1, r.fingerprint).Text(2, r.rule_id).Text(3, r.target);
      update.Text(4, r.path).Int(5, r.line).Text(6, now).Int(7, run_id);
      update.Text(8, r.severity).Text(9, r.redacted);
      if (update.Step() != SQLITE_DONE) return fail("cannot update a finding");
      ++c.seen;
    } else if (rc == SQLITE_DONE) {
      insert.Reset();
      insert.Text(1, r.fingerprint).Text(2, r.rule_id).Text(3, r.target);
      insert.Text(4, r.path).Int(5, r.line).Text(6, r.severity);
      insert.Text(7, r.redacted).Text(8, now).Int(9, run_id);
      if (insert.Step() != SQLITE_DONE) return fail("cannot add a finding");
      ++c.added;
    } else {
      return fail("cannot look a finding up");
    }
  }
  Stmt resolve(db_,
               "UPDATE findings SET resolved_at=?1 WHERE target=?2 AND"
               " last_run<>?3 AND resolved_at IS NULL");
  if (!resolve.ok()) return fail("prepare");
  for (const std::string& t : targets) {
    resolve.Reset();
    resolve.Text(1, now).Text(2, t).Int(3, run_id);
    if (resolve.Step() != SQLITE_DONE) return fail("cannot resolve findings");
    c.resolved += static_cast<uint64_t>(sqlite3_changes(db_));
  }
  if (tx.Commit() != SQLITE_OK) return fail("cannot commit the merge");
  if (counts) *counts = c;
  return Status::OK();
}

Status FindingsStore::Triage(const std::string& fingerprint,
                             const std::string& state, const std::string& who,
                             const std::string& note, const std::string& now) {
  if (!IsTriageState(state)) {
    return Status::InvalidArgument(
        "unknown triage state `" + state +
        "` (open, false-positive, test-credential, revoked, accepted-risk)");
  }
  Transaction tx(db_);
  auto fail = [&](const char* what) {
    std::string msg = path_ + ": " + what + ": " + sqlite3_errmsg(db_);
    return sqlite3_errcode(db_) == SQLITE_BUSY ? Status::Busy(msg)
                                               : Status::IoError(msg);
  };
  if (tx.Begin() != SQLITE_OK) return fail("cannot start triage");
  Stmt exists(db_, "SELECT 1 FROM findings WHERE fingerprint=?1 LIMIT 1");
  if (!exists.ok()) return fail("prepare");
  if (exists.Text(1, fingerprint).Step() != SQLITE_ROW) {
    return Status::NotFound(path_ + ": no finding with fingerprint " +
                            fingerprint);
  }
  Stmt set(db_,
           "INSERT INTO triage (fingerprint, state, who, at, note) VALUES"
           " (?1, ?2, ?3, ?4, ?5) ON CONFLICT (fingerprint) DO UPDATE SET"
           " state=?2, who=?3, at=?4, note=?5");
  Stmt log(db_,
           "INSERT INTO triage_history (fingerprint, state, who, at, note)"
           " VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!set.ok() || !log.ok()) return fail("prepare");
  set.Text(1, fingerprint).Text(2, state).Text(3, who).Text(4, now);
  log.Text(1, fingerprint).Text(2, state).Text(3, who).Text(4, now);
  if (set.Text(5, note).Step() != SQLITE_DONE ||
      log.Text(5, note).Step() != SQLITE_DONE) {
    return fail("cannot record triage");
  }
  if (tx.Commit() != SQLITE_OK) return fail("cannot commit triage");
  return Status::OK();
}

Result<std::vector<StoredFinding>> FindingsStore::List(
    const StoreFilter& filter) const {
  Stmt q(db_,
         "SELECT f.fingerprint, f.rule_id, f.target, f.path, f.line,"
         " f.severity, f.redacted, f.first_seen, f.last_seen,"
         " COALESCE(f.resolved_at, ''), COALESCE(t.state, 'open'),"
         " COALESCE(t.who, ''), COALESCE(t.at, ''), COALESCE(t.note, '')"
         " FROM findings f LEFT JOIN triage t USING (fingerprint)"
         " WHERE (?1 = '' OR f.first_seen >= ?1)"
         " AND (CASE ?2 WHEN '' THEN (?3 OR f.resolved_at IS NULL)"
         "  WHEN 'resolved' THEN f.resolved_at IS NOT NULL"
         "  ELSE COALESCE(t.state, 'open') = ?2 AND"
         "   (?3 OR f.resolved_at IS NULL) END)"
         " ORDER BY f.target, f.path, f.line, f.rule_id, f.fingerprint");
  if (!q.ok()) return Status::IoError(path_ + ": " + sqlite3_errmsg(db_));
  q.Text(1, filter.since).Text(2, filter.state);
  q.Int(3, filter.include_resolved ? 1 : 0);
  std::vector<StoredFinding> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    StoredFinding f;
    f.record = {q.Col(2), q.Col(3), static_cast<int>(q.ColInt(4)),
                q.Col(0), q.Col(1), q.Col(5),
                q.Col(6)};
    f.first_seen = q.Col(7);
    f.last_seen = q.Col(8);
    f.resolved_at = q.Col(9);
    f.state = q.Col(10);
    f.triaged_by = q.Col(11);
    f.triaged_at = q.Col(12);
    f.note = q.Col(13);
    out.push_back(std::move(f));
  }
  if (rc != SQLITE_DONE) {
    return Status::IoError(path_ + ": " + sqlite3_errmsg(db_));
  }
  return out;
}

Result<std::vector<std::string>> FindingsStore::TriageHistory(
    const std::string& fingerprint) const {
  Stmt q(db_,
         "SELECT at, state, who, note FROM triage_history WHERE"
         " fingerprint=?1 ORDER BY id");
  if (!q.ok()) return Status::IoError(path_ + ": " + sqlite3_errmsg(db_));
  q.Text(1, fingerprint);
  std::vector<std::string> out;
  while (q.Step() == SQLITE_ROW) {
    out.push_back(q.Col(0) + " " + q.Col(1) + " " + q.Col(2) + ": " + q.Col(3));
  }
  return out;
}

}  // namespace keyward

// The findings store: merges add, refresh and resolve rows; triage belongs
// to the fingerprint and survives reruns and moves; the schema migrates;
// concurrent writers (threads with their own connections) lose nothing.
#include "keyward/findings_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>

#include "support/run.h"

namespace keyward {
namespace {

using test::TempDir;

StoreRecord Rec(const std::string& target, const std::string& path, int line,
                const std::string& fp) {
  return {target,
          path,
          line,
          "hmac-sha256:" + fp,
          "github.pat.classic",
          "critical",
          "ghp_…" + fp.substr(0, 4)};
}

std::unique_ptr<FindingsStore> OpenOrDie(const std::string& path) {
  auto s = FindingsStore::Open(path);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

TEST(FindingsStoreTest, NewStoreHasCurrentSchemaAndWal) {
  TempDir dir;
  auto store = OpenOrDie(dir.path() + "/.keyward/findings.db");
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), kStoreSchemaVersion);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() + "/.keyward/findings.db").c_str(), &db),
            SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)), "wal");
  sqlite3_finalize(q);
  sqlite3_close(db);
}

TEST(FindingsStoreTest, TriageSurvivesRerunsAndMovesAndResolvesMissing) {
  TempDir dir;
  const std::string path = dir.path() + "/f.db";
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store);
    StoreCounts c;
    ASSERT_TRUE(store
                    ->Record({"repo-a", "repo-b"},
                             {Rec("repo-a", "app.env", 3, "aaaa1111"),
                              Rec("repo-b", "x.py", 1, "bbbb2222")},
                             "2026-01-01T00:00:00Z", &c)
                    .ok());
    EXPECT_EQ(c.added, 2u);
    ASSERT_TRUE(store
                    ->Triage("hmac-sha256:aaaa1111", "test-credential", "ada",
                             "fixture key", "2026-01-02T00:00:00Z")
                    .ok());
    EXPECT_EQ(store
                  ->Triage("hmac-sha256:nope", "revoked", "ada", "",
                           "2026-01-02T00:00:00Z")
                  .code(),
              Status::Code::kNotFound);
    EXPECT_EQ(
        store->Triage("hmac-sha256:aaaa1111", "ignored", "ada", "", "x").code(),
        Status::Code::kInvalidArgument);
  }
  // A later run (a new connection): the secret moved to another file, the
  // other one is gone.
  auto store = OpenOrDie(path);
  ASSERT_TRUE(store);
  StoreCounts c;
  ASSERT_TRUE(store
                  ->Record({"repo-a", "repo-b"},
                           {Rec("repo-a", "config/app.env", 9, "aaaa1111")},
                           "2026-02-01T00:00:00Z", &c)
                  .ok());
  EXPECT_EQ(c.added, 1u);
  EXPECT_EQ(c.resolved, 2u);  // the old location and repo-b's finding
  auto open = store->List({});
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].record.path, "config/app.env");
  EXPECT_EQ((*open)[0].state, "test-credential");
  EXPECT_EQ((*open)[0].triaged_by, "ada");
  EXPECT_EQ((*open)[0].note, "fixture key");
  EXPECT_EQ((*open)[0].first_seen, "2026-02-01T00:00:00Z");
  auto resolved = store->List({.state = "resolved"});
  ASSERT_TRUE(resolved.ok());
  ASSERT_EQ(resolved->size(), 2u);  // kept, not deleted
  EXPECT_EQ((*resolved)[0].resolved_at, "2026-02-01T00:00:00Z");
  EXPECT_EQ((*resolved)[0].first_seen, "2026-01-01T00:00:00Z");
  EXPECT_TRUE(store->List({.state = "open"})->empty());
  EXPECT_EQ(store->List({.since = "2026-01-15"})->size(), 1u);
  EXPECT_EQ(store->List({.include_resolved = true})->size(), 3u);

  // A merge of other targets leaves repo-a alone; repo-b's finding comes
  // back and is open again.
  ASSERT_TRUE(store
                  ->Record({"repo-b"}, {Rec("repo-b", "x.py", 1, "bbbb2222")},
                           "2026-03-01T00:00:00Z", &c)
                  .ok());
  EXPECT_EQ(c.seen, 1u);
  EXPECT_EQ(c.resolved, 0u);
  EXPECT_EQ(store->List({.state = "open"})->size(), 1u);
  EXPECT_EQ(store->List({})->size(), 2u);
  ASSERT_TRUE(store
                  ->Triage("hmac-sha256:aaaa1111", "revoked", "bo", "rotated",
                           "2026-03-02T00:00:00Z")
                  .ok());
  auto history = store->TriageHistory("hmac-sha256:aaaa1111");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0],
            "2026-01-02T00:00:00Z test-credential ada: fixture key");
}

TEST(FindingsStoreTest, MigratesVersionOneAndRefusesNewer) {
  TempDir dir;
  const std::string path = dir.path() + "/old.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  // Version 1 as it was released, with a triage decision in it.
  const char* v1 =
      "CREATE TABLE findings (fingerprint TEXT NOT NULL, rule_id TEXT NOT "
      "NULL, target TEXT NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL,"
      " severity TEXT NOT NULL DEFAULT '', redacted TEXT NOT NULL DEFAULT '',"
      " first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, last_run INTEGER "
      "NOT NULL, resolved_at TEXT, PRIMARY KEY (fingerprint, rule_id, target,"
      " path, line));"
      "CREATE INDEX findings_target ON findings (target);"
      "CREATE TABLE triage (fingerprint TEXT PRIMARY KEY, state TEXT NOT "
      "NULL, who TEXT NOT NULL, at TEXT NOT NULL, note TEXT NOT NULL);"
      "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT);"
      "INSERT INTO findings VALUES ('hmac-sha256:cc', 'r', 't', 'p', 1, "
      "'high', 'x', '2025-01-01', '2025-01-01', 1, NULL);"
      "INSERT INTO triage VALUES ('hmac-sha256:cc', 'revoked', 'ada', "
      "'2025-01-02', 'done');"
      "PRAGMA user_version=1;";
  ASSERT_EQ(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->schema_version(), 2);
    auto rows = store->List({});
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].state, "revoked");
    EXPECT_EQ(store->TriageHistory("hmac-sha256:cc")->size(), 1u);
  }
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  auto newer = FindingsStore::Open(path);
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.status().code(), Status::Code::kCorruption);
}

// Two mergers (each a thread with its own connection, as two processes
// would have) and a triager write at once: every row and decision is there.
TEST(FindingsStoreConcurrentTest, TwoMergersAndATriagerLoseNothing) {
  TempDir dir;
  const std::string path = dir.path() + "/c.db";
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(
        store->Record({"seed"}, {Rec("seed", "s", 1, "5eed")}, "t0").ok());
  }
  constexpr int kRounds = 20;
  auto merger = [&](const std::string& target, Status* out) {
    auto store = FindingsStore::Open(path);
    if (!store.ok()) {
      *out = store.status();
      return;
    }
    std::vector<StoreRecord> recs;
    for (int i = 0; i < kRounds; ++i) {
      // Each round adds one location; earlier ones stay found.
      recs.push_back(Rec(target, "f" + std::to_string(i), i + 1,
                         target + std::to_string(i)));
      Status s = (*store)->Record({target}, recs, "t" + std::to_string(i));
      if (!s.ok()) {
        *out = s;
        return;
      }
    }
  };
  Status a, b, t;
  std::thread ta(merger, "alpha", &a);
  std::thread tb(merger, "beta", &b);
  std::thread tt([&] {
    auto store = FindingsStore::Open(path);
    if (!store.ok()) {
      t = store.status();
      return;
    }
    for (int i = 0; i < kRounds && t.ok(); ++i) {
      t = (*store)->Triage("hmac-sha256:5eed", i % 2 ? "revoked" : "open",
                           "ada", "round " + std::to_string(i), "x");
    }
  });
  ta.join();
  tb.join();
  tt.join();
  ASSERT_TRUE(a.ok()) << a.ToString();
  ASSERT_TRUE(b.ok()) << b.ToString();
  ASSERT_TRUE(t.ok()) << t.ToString();
  auto store = OpenOrDie(path);
  ASSERT_TRUE(store);
  auto rows = store->List({.include_resolved = true});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 2u * kRounds + 1);
  for (const StoredFinding& f : *rows) {
    EXPECT_TRUE(f.resolved_at.empty()) << f.record.path;
  }
  EXPECT_EQ(store->TriageHistory("hmac-sha256:5eed")->size(),
            static_cast<size_t>(kRounds));
}

}  // namespace
}  // namespace keyward

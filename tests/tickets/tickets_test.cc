// Tickets: grouping, action and priority rules, idempotent reruns, formats.
#include "keyward/tickets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "keyward/inventory.h"
#include "keyward/report.h"
#include "support/fake_secrets.h"
#include "support/run.h"
#include "tickets/ticket_fixtures.h"

namespace keyward {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using namespace ticket_fixtures;

TEST(TicketsTest, OneTicketPerSecretWithEveryLocation) {
  std::vector<Finding> f = {MakeFinding(kSecretA, "src/a.py", 3),
                            MakeFinding(kSecretA, "src/a.py", 9),
                            MakeFinding(kSecretB, "src/b.py", 1)};
  auto tickets = BuildTickets(f, {}, Rules(), Opts());
  ASSERT_EQ(tickets.size(), 2u);
  const Ticket& a =
      tickets[0].key == f[0].fingerprint ? tickets[0] : tickets[1];
  EXPECT_EQ(a.id, TicketId(f[0].fingerprint));
  EXPECT_EQ(a.id.rfind("KW-", 0), 0u);
  EXPECT_EQ(a.id.size(), 13u);
  ASSERT_EQ(a.locations.size(), 2u);
  EXPECT_EQ(a.locations[0].line, 3);
  EXPECT_EQ(a.locations[1].line, 9);
  EXPECT_EQ(a.revoke_guidance, "Delete the token under Settings > Tokens.");
  EXPECT_EQ(a.first_seen, "2026-03-01");
}

TEST(TicketsTest, KnownCredentialIsRevokeNowForItsOwner) {
  Finding f = MakeFinding(kSecretA, "src/a.py", 3);
  f.credential = Known("production", "full");
  auto t = BuildTickets({f}, {}, Rules(), Opts())[0];
  EXPECT_EQ(t.action, TicketAction::kRevokeNow);
  EXPECT_EQ(t.assignee, "ops-team");
  EXPECT_EQ(t.systems, f.credential->use.systems);
  EXPECT_EQ(t.credential_id, "warehouse-sync");
  ASSERT_GE(t.checklist.size(), 6u);
  EXPECT_NE(t.checklist[0].text.find("Revoke"), std::string::npos);
  EXPECT_NE(t.checklist.back().text.find("inventory rotate warehouse-sync"),
            std::string::npos);
  EXPECT_EQ(t.priority, "P1");  // high + production + source + full
}

// Index of the first checklist step containing `text`; -1 when none does.
int StepIndex(const Ticket& t, const std::string& text) {
  for (size_t i = 0; i < t.checklist.size(); ++i) {
    if (t.checklist[i].text.find(text) != std::string::npos) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// The runbook for an exposed key: revoke now, then replace, update the
// systems, review provider activity since the first exposure.
void ExpectExposedRunbookOrder(const Ticket& t) {
  SCOPED_TRACE(t.title);
  EXPECT_EQ(t.action, TicketAction::kRevokeNow);
  EXPECT_EQ(t.title.rfind("Revoke now: ", 0), 0u);
  ASSERT_FALSE(t.checklist.empty());
  EXPECT_EQ(t.checklist[0].text.rfind("Revoke the ", 0), 0u);
  EXPECT_NE(t.checklist[0].text.find(" now: an exposed secret is compromised"),
            std::string::npos);
  int replace = StepIndex(t, "Create a replacement");
  int update = StepIndex(t, "Update every system");
  int review = StepIndex(t, "activity log since the first exposure");
  EXPECT_LT(0, replace);
  EXPECT_LT(replace, update);
  EXPECT_LT(update, review);
  // Revoked once, first; never "only after" the replacement works.
  EXPECT_EQ(StepIndex(t, "only after"), -1);
  EXPECT_EQ(StepIndex(t, "controlled check"), -1);
  int revokes = 0;
  for (const auto& step : t.checklist) revokes += step.text.find("Revoke") == 0;
  EXPECT_EQ(revokes, 1);
}

TEST(TicketsTest, ExposedOwnerKnownRevokesFirstAndIsP1) {
  // Even in old history, for a read-only development key: high is P1.
  Finding f = MakeFinding(kSecretA, "deploy.sh", 3);
  f.git = GitProvenance{"b", "c0ffee", "Ada", "", "2025-01-15T10:00:00Z", 1};
  f.credential = Known("development", "read-only");
  Ticket t = BuildTickets({f}, {}, Rules(), Opts())[0];
  ExpectExposedRunbookOrder(t);
  EXPECT_EQ(t.assignee, "ops-team");
  EXPECT_EQ(StepIndex(t, "find who uses it"), -1);
  EXPECT_LT(t.priority_score, 7);  // the score alone would not make P1
  EXPECT_EQ(t.priority, "P1");
  EXPECT_NE(t.priority_reasons.back().find("P1"), std::string::npos);
  // The first exposure is the commit that introduced it, not the run date.
  int review = StepIndex(t, "activity log since the first exposure");
  EXPECT_NE(t.checklist[review].text.find("2025-01-15"), std::string::npos);
  EXPECT_EQ(t.checklist[review].text.find("2026-03-01"), std::string::npos);
  EXPECT_NE(t.checklist.back().text.find("inventory rotate warehouse-sync"),
            std::string::npos);
}

TEST(TicketsTest, ExposedOwnerUnknownRevokesFirstFindsOwnerInParallel) {
  Finding unmatched = MakeFinding(kSecretA, "src/a.py", 3);
  unmatched.credential = CredentialRef{};
  unmatched.credential->status = "unknown";
  Finding no_inventory =
      MakeFinding(kSecretB, "src/b.py", 3, Severity::kCritical);
  TicketOptions o = Opts();
  o.security_team = "appsec";
  auto tickets = BuildTickets({unmatched, no_inventory}, {}, {}, o);
  ASSERT_EQ(tickets.size(), 2u);
  for (const Ticket& t : tickets) {
    ExpectExposedRunbookOrder(t);
    EXPECT_EQ(t.assignee, "appsec");
    EXPECT_NE(t.title.find("owner unknown"), std::string::npos);
    EXPECT_NE(t.checklist[0].text.find("do not wait"), std::string::npos);
    // Finding the owner is a parallel step right after the revocation, never
    // a gate before it.
    EXPECT_EQ(StepIndex(t, "find who uses it"), 1);
    EXPECT_NE(t.checklist[1].text.find("In parallel"), std::string::npos);
    EXPECT_EQ(t.priority, "P1");  // high / critical, exposed
    // A directory scan does not tell when the secret was first exposed: the
    // ticket says so instead of giving the scan date.
    const std::string& review =
        t.checklist[StepIndex(t, "since the first exposure")].text;
    EXPECT_NE(review.find("unknown"), std::string::npos);
    EXPECT_EQ(review.find("2026-03-01"), std::string::npos);
  }
}

TEST(TicketsTest, ExposedMediumOrRevokedKeyIsNotForcedToP1) {
  Finding medium = MakeFinding(kSecretA, "old.py", 1, Severity::kMedium);
  medium.git = GitProvenance{"b", "c0ffee", "Ada", "", "2025-01-01", 1};
  medium.credential = Known("development", "read-only");
  EXPECT_NE(BuildTickets({medium}, {}, {}, Opts())[0].priority, "P1");
  Finding revoked = MakeFinding(kSecretA, "old.py", 1, Severity::kHigh);
  revoked.git = medium.git;
  revoked.credential = Known("development", "read-only");
  revoked.credential->status = "revoked";
  Ticket t = BuildTickets({revoked}, {}, {}, Opts())[0];
  EXPECT_EQ(t.action, TicketAction::kRevokeNow);
  EXPECT_NE(t.priority, "P1");
}

TEST(TicketsTest, NotExposedAuditFindingRotatesReplacementFirst) {
  AuditItem old_key;
  old_key.credential_id = "report-db";
  old_key.credential_name = "Reporting - development - Data";
  old_key.use.owner = "data-team";
  old_key.use.environment = "development";
  old_key.use.access = "scoped";
  old_key.check = "rotation-overdue";
  old_key.message = "last rotated 2025-01-01";
  old_key.severity = Severity::kHigh;
  AuditItem ownerless = old_key;
  ownerless.credential_id = "mailer";
  ownerless.use.owner = "";
  ownerless.check = "no-owner";
  ownerless.message = "no owner";
  auto tickets = BuildTickets({}, {old_key, ownerless}, {}, Opts());
  ASSERT_EQ(tickets.size(), 2u);
  for (const Ticket& t : tickets) {
    SCOPED_TRACE(t.title);
    EXPECT_EQ(t.action, TicketAction::kRotate);
    int create = StepIndex(t, "Create the replacement first");
    int update = StepIndex(t, "Update every system");
    int test_step = StepIndex(t, "smallest useful test");
    int revoke = StepIndex(t, "Revoke the old key only after");
    int record = StepIndex(t, "Record the rotation and its date");
    EXPECT_LE(0, create);
    EXPECT_LT(create, update);
    EXPECT_LT(update, test_step);
    EXPECT_LT(test_step, revoke);
    EXPECT_LT(revoke, record);
    EXPECT_EQ(StepIndex(t, " now"), -1);
    // Not exposed: the audit severity and score decide, no P1 floor.
    EXPECT_EQ(t.priority, "P3");  // audit high 3 + development 0
    if (t.credential_id == "mailer") {
      EXPECT_EQ(t.assignee, "security-team");
      EXPECT_EQ(StepIndex(t, "Find who uses it"), 0);
    } else {
      EXPECT_EQ(create, 0);
    }
  }
}

TEST(TicketsTest, OldIdentifyOwnerTicketsStillLoad) {
  TicketAction a = TicketAction::kRotate;
  ASSERT_TRUE(ParseTicketAction("identify-owner", &a));
  EXPECT_EQ(a, TicketAction::kRevokeNow);
  EXPECT_FALSE(ParseTicketAction("ignore", &a));
}

TEST(TicketsTest, PriorityFollowsSeverityEnvironmentExposureAccess) {
  auto priority = [](Finding f) {
    return BuildTickets({f}, {}, {}, Opts())[0].priority_score;
  };
  Finding src = MakeFinding(kSecretA, "src/a.py", 1);
  Finding bundle = MakeFinding(kSecretA, "dist/app.min.js", 1);
  Finding docs = MakeFinding(kSecretA, "docs/setup.md", 1);
  Finding log = MakeFinding(kSecretA, "-", 1);
  Finding history = src;
  history.git = GitProvenance{"b", "c0ffee", "Ada", "", "2025-01-01", 1};
  EXPECT_GT(priority(bundle), priority(src));
  EXPECT_GT(priority(docs), priority(src));
  EXPECT_GT(priority(log), priority(src));
  EXPECT_GT(priority(src), priority(history));

  Finding prod = src, dev = src;
  prod.credential = Known("production", "scoped");
  dev.credential = Known("development", "scoped");
  EXPECT_GT(priority(prod), priority(dev));
  Finding full = dev, read_only = dev;
  full.credential->use.access = "full";
  read_only.credential->use.access = "read-only";
  EXPECT_GT(priority(full), priority(read_only));
  EXPECT_GT(priority(MakeFinding(kSecretA, "src/a.py", 1, Severity::kCritical)),
            priority(MakeFinding(kSecretA, "src/a.py", 1, Severity::kLow)));

  Finding quiet = MakeFinding(kSecretA, "old.py", 1, Severity::kLow);
  quiet.git = history.git;
  quiet.credential = Known("development", "read-only");
  EXPECT_EQ(BuildTickets({quiet}, {}, {}, Opts())[0].priority, "P4");
}

TEST(TicketsTest, AuditResultsBecomeRotateOrReviewAccess) {
  AuditItem overdue;
  overdue.credential_id = "report-db";
  overdue.credential_name = "Reporting - production - Data";
  overdue.use.owner = "data-team";
  overdue.use.environment = "production";
  overdue.use.access = "full";
  overdue.check = "rotation-overdue";
  overdue.message = "last rotated 2025-01-01";
  AuditItem too_broad = overdue;
  too_broad.check = "full-access-read-only-purpose";
  too_broad.action = TicketAction::kReviewAccess;
  AuditItem only_rotate = overdue;
  only_rotate.credential_id = "mailer";

  auto tickets =
      BuildTickets({}, {overdue, too_broad, only_rotate}, {}, Opts());
  ASSERT_EQ(tickets.size(), 2u);
  for (const Ticket& t : tickets) {
    EXPECT_EQ(t.assignee, "data-team");
    if (t.credential_id == "report-db") {
      EXPECT_EQ(t.action, TicketAction::kReviewAccess);
      EXPECT_EQ(t.audit.size(), 2u);
    } else {
      EXPECT_EQ(t.action, TicketAction::kRotate);
      EXPECT_NE(t.checklist[0].text.find("replacement first"),
                std::string::npos);
    }
  }

  // The same credential leaked: one ticket, revoke-now, audit as context.
  Finding f = MakeFinding(kSecretA, "src/a.py", 3);
  f.credential = Known("production", "full");
  overdue.credential_id = f.credential->id;
  auto merged = BuildTickets({f}, {overdue}, {}, Opts());
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].action, TicketAction::kRevokeNow);
  EXPECT_EQ(merged[0].audit.size(), 1u);
}

TEST(TicketsTest, RerunIsByteIdenticalAndAddsLocationsInPlace) {
  test::TempDir dir;
  TicketStore store(dir.path() + "/tickets");
  std::vector<TicketFormat> all = {TicketFormat::kJson, TicketFormat::kMarkdown,
                                   TicketFormat::kCsv};
  std::vector<Finding> run1 = {MakeFinding(kSecretA, "src/a.py", 3),
                               MakeFinding(kSecretB, "src/b.py", 1)};
  ASSERT_TRUE(
      store.Update(BuildTickets(run1, {}, {}, Opts()), all, Opts()).ok());
  auto first = ReadDir(store.dir());
  ASSERT_TRUE(
      store.Update(BuildTickets(run1, {}, {}, Opts()), all, Opts()).ok());
  EXPECT_EQ(ReadDir(store.dir()), first);

  // Someone works the ticket.
  std::string id = TicketId(run1[0].fingerprint);
  std::string path = store.dir() + "/" + id + ".json";
  json j = json::parse(test::ReadFile(path));
  j["status"] = "in-progress";
  j["notes"] = "Asked ops on Monday.";
  j["checklist"][0]["done"] = true;
  dir.Write("tickets/" + id + ".json", j.dump(2));

  // Next day: the secret moved to a new place as well, B disappeared.
  std::vector<Finding> run2 = {MakeFinding(kSecretA, "src/a.py", 3),
                               MakeFinding(kSecretA, "web/app.js", 12)};
  ASSERT_TRUE(store
                  .Update(BuildTickets(run2, {}, {}, Opts("2026-03-02")), all,
                          Opts("2026-03-02"))
                  .ok());
  auto loaded = store.Load();
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 2u);  // never duplicated
  for (const Ticket& t : *loaded) {
    if (t.id == id) {
      EXPECT_EQ(t.status, "in-progress");
      EXPECT_EQ(t.notes, "Asked ops on Monday.");
      EXPECT_TRUE(t.checklist[0].done);
      ASSERT_EQ(t.locations.size(), 2u);
      EXPECT_EQ(t.locations[0].first_seen, "2026-03-01");
      EXPECT_EQ(t.locations[1].first_seen, "2026-03-02");
      EXPECT_EQ(t.first_seen, "2026-03-01");
      EXPECT_EQ(t.last_seen, "2026-03-02");
      EXPECT_EQ(t.presence, "seen");
    } else {
      EXPECT_EQ(t.status, "open");  // never closed automatically
      EXPECT_EQ(t.presence, "not seen since 2026-03-01");
    }
  }
  // 2 tickets x (json + md) + index + csv; no lock file lingers.
  EXPECT_EQ(ReadDir(store.dir()).size(), 6u);
}

// The owner revokes a key by what the provider's console shows: the key's
// id (an AWS access key ID, a service account key id, a user name) is on
// the ticket in every format, never the secret, and stays across reruns
// whose findings no longer show it.
TEST(TicketsTest, IdentifiersAreOnTheTicketInEveryFormat) {
  test::TempDir dir;
  TicketStore store(dir.path() + "/tickets");
  std::vector<TicketFormat> all = {TicketFormat::kJson, TicketFormat::kMarkdown,
                                   TicketFormat::kCsv};
  Finding at_id = MakeFinding(kSecretA, "deploy/.env", 2);
  at_id.identifier = "KWKEYID0000EXAMPLE2";
  Finding at_secret = MakeFinding(kSecretA, "deploy/.env", 3);
  at_secret.identifier = "KWKEYID0000EXAMPLE2";
  Finding elsewhere = MakeFinding(kSecretA, "ci/vars.yml", 7);
  elsewhere.identifier = "KWKEYID0000EXAMPLE1";
  auto tickets = BuildTickets({at_id, at_secret, elsewhere}, {}, {}, Opts());
  ASSERT_EQ(tickets.size(), 1u);
  EXPECT_EQ(
      tickets[0].identifiers,
      (std::vector<std::string>{"KWKEYID0000EXAMPLE1", "KWKEYID0000EXAMPLE2"}));
  ASSERT_TRUE(store.Update(tickets, all, Opts()).ok());
  const std::string id = tickets[0].id;
  std::string md = test::ReadFile(store.dir() + "/" + id + ".md");
  EXPECT_NE(
      md.find("| Identifiers | KWKEYID0000EXAMPLE1; KWKEYID0000EXAMPLE2 |"),
      std::string::npos)
      << md;
  auto rows = ParseCsv(test::ReadFile(store.dir() + "/tickets.csv"));
  ASSERT_EQ(rows.size(), 2u);
  auto col = std::find(rows[0].begin(), rows[0].end(), "identifiers");
  ASSERT_NE(col, rows[0].end());
  EXPECT_EQ(rows[1][col - rows[0].begin()],
            "KWKEYID0000EXAMPLE1; KWKEYID0000EXAMPLE2");
  std::string json_text = test::ReadFile(store.dir() + "/" + id + ".json");
  EXPECT_EQ(json_text.find(kSecretA), std::string::npos);
  EXPECT_EQ(md.find(kSecretA), std::string::npos);

  // The next run finds the secret without its key id line: the ids stay.
  ASSERT_TRUE(
      store
          .Update(BuildTickets({MakeFinding(kSecretA, "ci/vars.yml", 7)}, {},
                               {}, Opts("2026-03-02")),
                  all, Opts("2026-03-02"))
          .ok());
  auto loaded = store.Load();
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ(loaded->front().identifiers.size(), 2u);
  // A ticket without ids says nothing about them.
  auto plain = BuildTickets({MakeFinding(kSecretB, "a.py", 1)}, {}, {}, Opts());
  EXPECT_EQ(TicketToJson(plain[0]).count("identifiers"), 0u);
  EXPECT_EQ(TicketToMarkdown(plain[0]).find("Identifier"), std::string::npos);
}

TEST(TicketsTest, MalformedTicketFileIsReportedAndKept) {
  test::TempDir dir;
  std::string bad = dir.Write("t/KW-0000000000.json", "{\"id\": ");
  Status s =
      TicketStore(dir.path() + "/t")
          .Update(BuildTickets({MakeFinding(kSecretA, "a", 1)}, {}, {}, Opts()),
                  {}, Opts());
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("KW-0000000000.json"), std::string::npos);
  EXPECT_EQ(test::ReadFile(bad), "{\"id\": ");
  EXPECT_FALSE(fs::exists(dir.path() + "/t/index.json"));
}

// Fields come from scanned trees and inventories: a cell a spreadsheet
// would evaluate (= + - @, tab, CR first) is neutralised with a leading
// apostrophe, and quotes, commas and newlines are RFC 4180 quoted.
TEST(TicketsTest, CsvQuotesFieldsAndNeutralisesFormulas) {
  Ticket t;
  t.id = "KW-0123456789";
  t.priority = "P1";
  t.title = "=HYPERLINK(\"http://x\",\"click\")";
  t.assignee = "+cmd|' /C calc'!A0";
  t.status = "-2+3";
  t.presence = "@SUM(1,2)";
  t.provider = "a,b";
  t.rule_id = "line1\nline2";
  t.secret_hint = "say \"hi\"";
  t.credential_id = "\t=1";
  t.systems = {"=one", "two"};
  std::string csv = TicketsToCsv({t});
  auto rows = ParseCsv(csv);
  ASSERT_EQ(rows.size(), 2u) << csv;
  ASSERT_EQ(rows[1].size(), rows[0].size()) << csv;
  auto cell = [&](const char* name) {
    for (size_t i = 0; i < rows[0].size(); ++i)
      if (rows[0][i] == name) return rows[1][i];
    return std::string("<none>");
  };
  EXPECT_EQ(cell("title"), "'=HYPERLINK(\"http://x\",\"click\")");
  EXPECT_EQ(cell("assignee"), "'+cmd|' /C calc'!A0");
  EXPECT_EQ(cell("status"), "'-2+3");
  EXPECT_EQ(cell("presence"), "'@SUM(1,2)");
  EXPECT_EQ(cell("provider"), "a,b");
  EXPECT_EQ(cell("rule_id"), "line1\nline2");
  EXPECT_EQ(cell("secret_hint"), "say \"hi\"");
  EXPECT_EQ(cell("credential"), "'\t=1");
  EXPECT_EQ(cell("systems"), "'=one; two");
  EXPECT_NE(csv.find("\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\""),
            std::string::npos)
      << csv;
}

TEST(TicketsTest, EveryFormatParsesBack) {
  Finding odd = MakeFinding(kSecretA, "src/we,ird \"name\".py", 3);
  Finding hist = MakeFinding(kSecretB, "=cmd.py", 2);
  hist.git = GitProvenance{"b", "c0ffee1234567890", "Ada", "", "2025-01-01", 1};
  auto tickets = BuildTickets({odd, hist}, {}, Rules(), Opts());
  for (const Ticket& t : tickets) {
    auto back = TicketFromJson(json::parse(TicketToJson(t).dump()));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(TicketToJson(*back), TicketToJson(t));
    std::string md = TicketToMarkdown(t);
    for (const char* section :
         {"# KW-", "## Checklist", "## Locations", "## Revoke guidance",
          "## Systems to update", "## Why this priority", "- [ ] "}) {
      EXPECT_NE(md.find(section), std::string::npos) << section;
    }
  }
  auto rows = ParseCsv(TicketsToCsv(tickets));
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_EQ(rows[0][0], "id");
  for (size_t r = 1; r < rows.size(); ++r) {
    EXPECT_EQ(rows[r].size(), rows[0].size());
    EXPECT_EQ(rows[r][0].rfind("KW-", 0), 0u);
  }
  std::string csv = TicketsToCsv(tickets);
  EXPECT_NE(csv.find("src/we,ird \"\"name\"\".py:3"), std::string::npos);
  json index = json::parse(TicketIndexJson(tickets));
  EXPECT_EQ(index["tickets"].size(), 2u);
}

TEST(TicketsTest, TamperedIdIsRejected) {
  json j = TicketToJson(
      BuildTickets({MakeFinding(kSecretA, "a", 1)}, {}, {}, Opts())[0]);
  j["id"] = "KW-0000000000";
  EXPECT_FALSE(TicketFromJson(j).ok());
}

TEST(TicketsTest, NoSecretInAnyFile) {
  test::TempDir dir;
  Finding f = MakeFinding(kSecretA, "src/a.py", 3);
  f.credential = Known("production", "full");
  ASSERT_TRUE(TicketStore(dir.path())
                  .Update(BuildTickets({f, MakeFinding(kSecretB, "-", 1)}, {},
                                       Rules(), Opts()),
                          {TicketFormat::kMarkdown, TicketFormat::kCsv}, Opts())
                  .ok());
  auto files = ReadDir(dir.path());
  EXPECT_GE(files.size(), 6u);
  for (const auto& [name, text] : files) {
    EXPECT_EQ(text.find(kSecretA), std::string::npos) << name;
    EXPECT_EQ(text.find(kSecretB), std::string::npos) << name;
  }
}

TEST(TicketsTest, ParseFormats) {
  std::vector<TicketFormat> f;
  EXPECT_TRUE(ParseTicketFormats("md,csv,json,md", &f).ok());
  EXPECT_EQ(f.size(), 3u);
  EXPECT_FALSE(ParseTicketFormats("json,xml", &f).ok());
}

// The real inventory: Annotate fills the match, the audit feeds tickets.
TEST(TicketsTest, WorksWithTheRealInventoryAndAudit) {
  Inventory inv = Inventory::Create(std::nullopt, std::string(64, 'a'));
  Credential leaked;
  leaked.id = "warehouse-sync";
  leaked.name = "Warehouse sync - production - Ops";
  leaked.use.owner = "ops-team";
  leaked.purpose = "nightly order sync";
  leaked.use.environment = "production";
  leaked.use.access = "scoped";
  leaked.use.systems = {"warehouse-sync"};
  leaked.created = leaked.last_rotated = "2026-02-01";
  leaked.fingerprints = {inv.MakeFingerprint(kSecretA, "2026-02-01")};
  leaked.identifiers = {"KWID-warehouse"};
  Credential broad = leaked;
  broad.identifiers = {"KWID-reporting"};
  broad.id = "reporting";
  broad.name = "Reporting - production - Data";
  broad.use.owner = "data-team";
  broad.purpose = "reporting dashboards";
  broad.use.access = "full";
  broad.last_rotated = "2025-01-01";  // overdue too
  broad.fingerprints = {inv.MakeFingerprint(kSecretB, "2025-01-01")};
  ASSERT_TRUE(inv.Add(leaked).ok());
  ASSERT_TRUE(inv.Add(broad).ok());

  std::vector<Finding> findings = {MakeFinding(kSecretA, "src/a.py", 3)};
  ASSERT_TRUE(inv.Annotate(&findings).ok());
  auto audit = AuditItemsFromInventory(
      inv, AuditInventory(inv, FixedClock("2026-03-01")));
  auto tickets = BuildTickets(findings, audit, {}, Opts());
  ASSERT_EQ(tickets.size(), 2u);
  for (const Ticket& t : tickets) {
    if (t.credential_id == "warehouse-sync") {
      EXPECT_EQ(t.action, TicketAction::kRevokeNow);
      EXPECT_EQ(t.assignee, "ops-team");
      // The leaked key's ids from the inventory, to find it at the provider.
      EXPECT_EQ(t.identifiers, std::vector<std::string>{"KWID-warehouse"});
    } else {
      EXPECT_EQ(t.credential_id, "reporting");
      EXPECT_EQ(t.action, TicketAction::kReviewAccess);
      EXPECT_EQ(t.assignee, "data-team");
      EXPECT_GE(t.audit.size(), 2u);  // excess-access + rotation-overdue
      // Which key to replace: the inventory's ids for it.
      EXPECT_EQ(t.identifiers, std::vector<std::string>{"KWID-reporting"});
    }
  }
}

// A saved report, as `keyward scan --format json` writes it.
}  // namespace
}  // namespace keyward

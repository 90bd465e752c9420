// Tickets: one revoke/rotate work item per credential.
//
// A finding is only useful once somebody owns the fix. BuildTickets groups
// findings by secret fingerprint (never one ticket per line), decides the
// incident-response action and priority, and writes the steps to follow.
// Inventory audit results become rotate / review-access tickets, folded into
// the leak ticket when the same credential also leaked.
//
//   TicketOptions opts;                    // opts.today = "2026-03-01" in
//   tests std::vector<Ticket> fresh = BuildTickets(findings, audit, rules,
//   opts); Status s = TicketStore(dir).Update(fresh, {TicketFormat::kMarkdown},
//   opts);
//
// The ticket directory is meant to be committed to a private ops repository:
//   DIR/index.json        every ticket, sorted by priority then id
//   DIR/KW-<hash>.json    one ticket (the state: status and notes live here)
//   DIR/KW-<hash>.md      one ticket as an issue body     (format md)
//   DIR/tickets.csv       one row per ticket, RFC 4180     (format csv)
// Reruns merge into what is there: new locations are added, `status`,
// `notes` and ticked checklist steps are kept, nothing is duplicated, and a
// ticket whose credential was not found again is marked "not seen since
// DATE", never closed. Output holds no timestamps other than dates, so a
// rerun on the same day with the same input rewrites identical bytes.
//
// No ticket field ever holds a secret value: only Finding::redacted.
//
// Thread safety: the functions are pure; TicketStore::Update takes a file
// lock so concurrent keyward processes writing one directory serialize.
#ifndef KEYWARD_TICKETS_H_
#define KEYWARD_TICKETS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "keyward/finding.h"
#include "keyward/rules.h"
#include "keyward/status.h"

namespace keyward {

class Inventory;
struct AuditResult;

// What to do, after the rules of incident response: an exposed secret is
// compromised and is revoked first, whether or not its owner is known
// (finding the owner runs in parallel, it never holds up the revocation);
// only keys that are not exposed (inventory audit findings) rotate
// replacement-first.
enum class TicketAction {
  kRevokeNow,     // exposed (a scan found it): revoke, then replace
  kRotate,        // audit, not exposed: replacement first, then revoke
  kReviewAccess,  // audit: full access for read-only work; narrow it
};
const char* TicketActionName(TicketAction a);  // "revoke-now", ...
// Also reads "identify-owner", which tickets written before 0.2 carry, as
// kRevokeNow (a rerun rewrites it).
bool ParseTicketAction(const std::string& text, TicketAction* out);

// One inventory audit result, as tickets need it. The inventory's audit API
// converts to this (see AuditItemsFromInventory in inventory/); keeping a
// small struct here lets tickets not depend on the inventory file format.
struct AuditItem {
  std::string credential_id;
  std::string credential_name;
  std::string provider;
  CredentialUse use;
  std::vector<std::string> identifiers;  // the inventory's, for the ticket
  std::string check;                     // e.g. "rotation-overdue"
  std::string message;                   // human sentence naming the problem
  Severity severity = Severity::kMedium;
  TicketAction action = TicketAction::kRotate;  // kRotate or kReviewAccess
};

// Converts inventory audit results (inventory.h) to AuditItems, filling the
// credential's details from `inventory`. Only checks a replacement key fixes
// become tickets: excess-access -> kReviewAccess; rotation-overdue,
// rotation-unknown, same-key-several-environments -> kRotate. Hygiene checks
// (no owner, vague name, ...) stay in `keyward inventory audit`.
std::vector<AuditItem> AuditItemsFromInventory(
    const Inventory& inventory, const std::vector<AuditResult>& results);

struct TicketLocation {
  std::string path;  // "-" or "<stdin>" for standard input
  int line = 0;
  int column = 0;
  std::string rule_id;
  std::string commit;  // history findings: where it was introduced
  std::string author;
  std::string date;        // commit date (history and range scans); empty
                           // for a directory scan, where it is unknown
  std::string exposure;    // frontend-bundle, public-docs, log, source, history
  std::string first_seen;  // run dates, YYYY-MM-DD
  std::string last_seen;
};

struct ChecklistStep {
  std::string text;
  bool done = false;  // kept across reruns while the text is unchanged
};

struct Ticket {
  std::string id;   // "KW-" + 10 hex of SHA-256(key): stable
  std::string key;  // finding fingerprint, or "inventory:<credential id>"
  // The ticket this one replaces: a ticket written before keyed
  // fingerprints (key "sha256:<hex>") is carried over to its keyed id.
  std::string previous_id;
  // In memory only: the "sha256:<hex>" key an old ticket for the same
  // secret has (from Finding::secret_digest); never written.
  std::string legacy_key;
  std::string title;
  TicketAction action = TicketAction::kRevokeNow;
  std::string priority;                       // P1 (urgent) .. P4
  int priority_score = 0;                     // the number behind it
  std::vector<std::string> priority_reasons;  // why, for humans
  std::string assignee;
  std::string provider;
  std::string rule_id;
  std::string rule_name;
  std::string severity;
  std::string secret_hint;  // Finding::redacted, never more
  // What names the credential at the provider without being secret (an AWS
  // access key ID, a service account key's id, a user name): what the owner
  // looks up in the console to revoke it. Sorted, unique; kept across reruns.
  std::vector<std::string> identifiers;
  std::string revoke_guidance;
  std::vector<std::string> references;
  std::string credential_id;  // inventory match; empty: unknown
  std::string credential_name;
  std::string environment;
  std::string access;
  std::vector<std::string> systems;  // systems to update
  std::vector<std::string> audit;    // audit problems for this credential
  std::vector<ChecklistStep> checklist;
  std::vector<TicketLocation> locations;  // sorted, unique
  std::string first_seen;                 // YYYY-MM-DD
  std::string last_seen;
  std::string status = "open";    // user-owned: open, in-progress, done, ...
  std::string presence = "seen";  // or "not seen since YYYY-MM-DD"
  // The last live check (scan --verify): "active on DATE: revoke now" or
  // "verified inactive on DATE"; kept by reruns that did not verify.
  std::string verification;
  std::string notes;  // user-owned
};

enum class TicketFormat { kJson, kMarkdown, kCsv };
// Parses "json,md,csv" (any subset, any order; "markdown" also accepted).
Status ParseTicketFormats(const std::string& text,
                          std::vector<TicketFormat>* out);

struct TicketOptions {
  // Today's date, YYYY-MM-DD. Empty: the system clock (UTC). Tests pass a
  // fixed date: it is the only clock tickets read.
  std::string today;
  // Assignee when the inventory names no owner.
  std::string security_team = "security-team";
  // Whether `fresh` includes the inventory audit. When false (a scan without
  // an audit), audit-only tickets are left as they are instead of being
  // marked "not seen".
  bool audit_included = true;
};

// Today's UTC date as YYYY-MM-DD (opts.today when set).
std::string TicketDate(const TicketOptions& opts);

// "KW-" + the first 10 hex digits of SHA-256(key).
std::string TicketId(const std::string& key);

// Groups findings by fingerprint and audit items by credential into fresh
// tickets (first_seen = last_seen = today). Suppressed findings are skipped.
// `rules` supplies revoke guidance and references (may be empty). Sorted by
// id.
std::vector<Ticket> BuildTickets(const std::vector<Finding>& findings,
                                 const std::vector<AuditItem>& audit,
                                 const std::vector<Rule>& rules,
                                 const TicketOptions& opts);

// Merges a fresh run into the existing tickets (see the header comment).
// Both inputs may be in any order; the result is sorted by id.
std::vector<Ticket> MergeTickets(const std::vector<Ticket>& existing,
                                 const std::vector<Ticket>& fresh,
                                 bool audit_included = true);

// Serialization (tickets/tickets_format.cc). JSON round-trips exactly.
nlohmann::json TicketToJson(const Ticket& t);
Result<Ticket> TicketFromJson(const nlohmann::json& j);
std::string TicketToMarkdown(const Ticket& t);
std::string TicketsToCsv(const std::vector<Ticket>& tickets);
std::string TicketIndexJson(const std::vector<Ticket>& tickets);

// The ticket directory.
class TicketStore {
 public:
  explicit TicketStore(std::string dir) : dir_(std::move(dir)) {}

  // Reads every KW-*.json in the directory. A missing directory is empty; a
  // malformed file is kCorruption naming it (and nothing is written).
  Result<std::vector<Ticket>> Load() const;

  // Under a lock on DIR/index.json: loads, merges `fresh`, writes every
  // ticket atomically. JSON (the state) and index.json are always written;
  // `formats` adds Markdown and CSV. `*written` (optional) receives the
  // merged tickets.
  Status Update(const std::vector<Ticket>& fresh,
                const std::vector<TicketFormat>& formats,
                const TicketOptions& opts,
                std::vector<Ticket>* written = nullptr) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace keyward

#endif  // KEYWARD_TICKETS_H_

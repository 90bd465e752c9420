// Finding: one occurrence of a secret matched by one rule, at one location.
// History scans group a secret's occurrences (GroupHistoryFindings in
// keyward/git.h): the finding then stands at its first-seen occurrence and
// lists all of them in `occurrences`.
//
// A Finding owns a copy of the secret value because inventory matching and
// fingerprints need it; reporters must print `redacted` unless the user asked
// for --show-secrets. Findings are plain values: copy and move freely.
#ifndef KEYWARD_FINDING_H_
#define KEYWARD_FINDING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keyward/fingerprint.h"
#include "keyward/rules.h"

namespace keyward {

// How sure keyward is that a finding is a real credential
// (scanner/confidence.h computes it).
enum class Confidence { kLow = 0, kMedium = 1, kHigh = 2 };
const char* ConfidenceName(Confidence c);
// Parses "low", "medium", "high". Returns false on anything else.
bool ParseConfidence(std::string_view text, Confidence* out);

// Where in git history a finding's blob came from (git sources only).
struct GitProvenance {
  std::string blob;    // blob object id (hex)
  std::string commit;  // commit that first introduced the blob at `path`
  std::string author;
  std::string email;
  std::string date;      // ISO 8601, UTC
  int commit_count = 0;  // commits in which the blob is present at a path
};

// One place a history scan found a secret (grouped findings only).
struct Occurrence {
  std::string path;
  int line = 0;
  int column = 0;
  int end_line = 0;
  int end_column = 0;
  std::string blob;    // blob object id (hex)
  std::string commit;  // commit that first introduced the blob at `path`
  std::string author;
  std::string date;  // ISO 8601, UTC; "" for a blob no commit holds
};

// Another place holding the secret a finding reports, folded into it rather
// than reported on its own: the built bundle (`role` "bundle") that a source
// map's embedded source was compiled into.
struct RelatedLocation {
  std::string path;
  int line = 0;
  int column = 0;
  int end_line = 0;
  int end_column = 0;
  std::string role;  // "bundle"
};

// Who answers for a credential, where it is used and what it may do: the
// part of an inventory record (Credential) that a matched finding
// (CredentialRef) and an audit result (AuditItem) carry along, and that a
// ticket shows.
struct CredentialUse {
  std::string owner;        // person or team answerable for it
  std::string environment;  // production, staging, development, migration
  std::string access;       // read-only, full, scoped
  std::vector<std::string> systems;  // what uses it
};

// The inventory credential a finding matched (filled by the inventory).
struct CredentialRef {
  std::string id;
  std::string name;
  CredentialUse use;
  // The inventory's non-secret identifiers of the key (for tickets; not
  // written into reports).
  std::vector<std::string> identifiers;
  std::string status;  // active | revoked | retired
  // Why the match matters beyond "known": e.g. "key was revoked on
  // 2026-01-02" or "fingerprint rotated out on 2026-03-04". Empty otherwise.
  std::string note;
};

// A live check of the secret with its provider (keyward/verify.h): only
// findings of rules with a `verify:` block, and only when asked (--verify).
struct Verification {
  std::string status;   // active | inactive | unknown | error
  std::string account;  // the login, team or key name the provider named
  std::string scope;    // scopes or permissions, when the response says
  std::string detail;   // unknown/error: why ("HTTP 500", "timed out")
  std::string date;     // YYYY-MM-DD of the check (or of the cached one)
};

struct Finding {
  std::string rule_id;
  std::string rule_name;
  std::string provider;
  std::string kind;
  Severity severity = Severity::kHigh;
  bool generic = false;
  // From the rule's prior, a checksum, the value's randomness and the
  // path's context (config file, docs, tests): ComputeConfidence.
  Confidence confidence = Confidence::kMedium;
  bool checksum_verified = false;  // a `validate:` checksum passed
  bool checksum_failed = false;    // one did not (RuleMatch::checksum_failed)
  // A lowering filter (`lowers:`, filters.yaml's demo_value) matched the
  // value: a well-known weak credential, real in a configuration file, a
  // stand-in elsewhere (scanner/confidence.h). Not serialized.
  bool weak = false;
  // Found in documentation written into code (a Python docstring, an
  // Ansible module's EXAMPLES, a Rust doc comment), as bits of
  // scanner/confidence.h's CodeDocs: the path decides which counts (a git
  // blob's comes after its scan). Read as docs by the confidence. Not
  // serialized.
  uint8_t code_docs = 0;

  std::string path;  // as given on the command line, or relative to the root
  int line = 0;      // 1-based, where the secret starts
  int column = 0;    // 1-based, in Unicode code points
  int end_line = 0;
  int end_column = 0;   // 1-based, exclusive (one past the last character)
  uint64_t offset = 0;  // byte offset of the secret in the blob
  // Found in decoded text: the encodings undone, outermost first
  // ("base64", "base64>json-escape"); the location fields then give the
  // outermost encoded span (start and end). Empty for a raw finding.
  std::string encoding;

  std::string secret;    // full value: never print without --show-secrets
  std::string redacted;  // safe to print
  // "hmac-sha256:<hex>", keyed (keyward/fingerprint.h): safe to write.
  std::string fingerprint;
  // Raw SHA-256(secret), in memory only: inventory matching and old
  // "sha256:" baselines/allowlists/tickets compare with it. Never written.
  std::string secret_digest;
  std::string identifier;  // non-secret identifier paired with the secret

  std::optional<GitProvenance> git;
  std::optional<CredentialRef> credential;   // nullopt: unknown / no inventory
  std::optional<Verification> verification;  // nullopt: not verified

  // Grouped history findings: every occurrence of this secret under this
  // rule, first seen first (occurrences[0] is this finding's own location),
  // and their total. Empty and 0 for ungrouped findings (files, stdin,
  // --staged, --all-occurrences).
  std::vector<Occurrence> occurrences;
  uint64_t occurrence_count = 0;

  // Directory scans: the bundle findings this finding (in a source map's
  // embedded source) stands for (ScanOptions::source_maps). Usually empty.
  std::vector<RelatedLocation> related;

  bool suppressed = false;
  std::string suppression;  // why: "inline", "baseline", "allowlist: reason"
};

// Keyed fingerprints (SecretFingerprint, ...) live in keyward/fingerprint.h.

// Redacts a secret for display: at most the rule's literal prefix (when the
// secret starts with it) and the last 4 characters, e.g. "ghp_…a1b2". Short
// secrets (under 12 bytes beyond the prefix) show no characters at all.
std::string Redact(std::string_view secret, std::string_view prefix);

// Sort order used by every reporter: path, line, column, rule id.
bool FindingLess(const Finding& a, const Finding& b);

}  // namespace keyward

#endif  // KEYWARD_FINDING_H_

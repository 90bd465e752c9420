// Text and JSON views of the inventory for the CLI (list, show, audit, and
// the line diff a --dry-run prints). Nothing here can print a secret: the
// inventory holds none.
#ifndef KEYWARD_REPORT_INVENTORY_RENDER_H_
#define KEYWARD_REPORT_INVENTORY_RENDER_H_

#include <string>
#include <vector>

#include "keyward/inventory.h"

namespace keyward::inventory {

// One row per credential: ID NAME OWNER ENV ACCESS STATUS ROTATED HINT.
std::string CredentialTable(const std::vector<const Credential*>& creds);
// {"credentials": [...]} with each credential as stored (no salt).
std::string CredentialListJson(const std::vector<const Credential*>& creds);
// "field: value" lines for one credential.
std::string CredentialDetails(const Credential& c);
std::string CredentialJson(const Credential& c);

std::string AuditTable(const std::vector<AuditResult>& results);
// {"results": [{id, credential, check, severity, message}...],
//  "summary": {"critical": n, "high": n, ...}}
std::string AuditJson(const std::vector<AuditResult>& results);

// A unified line diff of two texts (libgit2's: "@@ -a,b +c,d @@" hunk
// headers, " ", "-" and "+" lines, 2 lines of context). Empty when equal.
std::string LineDiff(const std::string& before, const std::string& after);

}  // namespace keyward::inventory

#endif  // KEYWARD_REPORT_INVENTORY_RENDER_H_

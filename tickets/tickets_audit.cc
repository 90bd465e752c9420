// Inventory audit results -> ticket input. Kept apart from tickets.cc so
// tickets themselves do not depend on the inventory's record format.
#include <map>

#include "keyward/inventory.h"
#include "keyward/tickets.h"

namespace keyward {
namespace {

// The audit checks (inventory/audit.cc) a replacement key fixes. Hygiene
// checks (no purpose, vague name, ...) are fixed by editing the inventory and
// stay in `keyward inventory audit`.
const std::map<std::string, TicketAction> kTicketChecks = {
    {"excess-access", TicketAction::kReviewAccess},
    // An ownerless key nobody answers for: find its users, then rotate it
    // into a clearly named key (not exposed, so replacement first).
    {"no-owner", TicketAction::kRotate},
    {"rotation-overdue", TicketAction::kRotate},
    {"rotation-unknown", TicketAction::kRotate},
    // One key per environment: replacing it in each environment is a
    // rotation.
    {"same-key-several-environments", TicketAction::kRotate},
};

}  // namespace

std::vector<AuditItem> AuditItemsFromInventory(
    const Inventory& inventory, const std::vector<AuditResult>& results) {
  std::vector<AuditItem> out;
  for (const AuditResult& r : results) {
    auto it = kTicketChecks.find(r.check);
    if (it == kTicketChecks.end()) continue;
    TicketAction action = it->second;
    AuditItem item;
    item.credential_id = r.id;
    item.credential_name = r.credential;
    item.check = r.check;
    item.message = r.message;
    item.severity = r.severity;
    item.action = action;
    if (const Credential* c = inventory.Find(r.id)) {
      item.credential_name = c->name;
      item.provider = c->provider;
      item.use = c->use;
      item.identifiers = c->identifiers;
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace keyward

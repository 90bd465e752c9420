// Inventory audit results -> ticket input. Kept apart from tickets.cc so
// tickets themselves do not depend on the inventory's record format.
#include "keyward/inventory.h"
#include "keyward/tickets.h"

namespace keyward {

std::vector<AuditItem> AuditItemsFromInventory(
    const Inventory& inventory, const std::vector<AuditResult>& results) {
  std::vector<AuditItem> out;
  for (const AuditResult& r : results) {
    // Check names are the inventory's; match on the words that say what a
    // replacement key would fix rather than on an exact list, so a new check
    // of the same kind is picked up without an edit here.
    const std::string& check = r.check;
    TicketAction action;
    if (check.find("access") != std::string::npos) {
      action = TicketAction::kReviewAccess;
    } else if (check.find("rotat") != std::string::npos ||
               check.find("environments") != std::string::npos ||
               check.find("shared") != std::string::npos) {
      action = TicketAction::kRotate;
    } else {
      continue;
    }
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
      item.owner = c->owner;
      item.environment = c->environment;
      item.access = c->access;
      item.systems = c->systems;
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace keyward

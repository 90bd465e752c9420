// The words of a ticket (internal): title and checklist steps, from a
// ticket whose action, credential and locations are set; and its list of
// the key's identifiers.
#ifndef KEYWARD_TICKETS_TICKET_TEXT_H_
#define KEYWARD_TICKETS_TICKET_TEXT_H_

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "keyward/tickets.h"

namespace keyward {

// `s`, or `fallback` when `s` is empty.
inline std::string Or(const std::string& s, const std::string& fallback) {
  return s.empty() ? fallback : s;
}

// Adds `more` to the ticket's identifiers, which stay sorted and unique.
inline void AddIdentifiers(const std::vector<std::string>& more, Ticket* t) {
  std::vector<std::string>& ids = t->identifiers;
  ids.insert(ids.end(), more.begin(), more.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

// "Revoke now: ...", "Rotate: ...", "Review access: ..."; `places` is how
// many distinct places the secret was found in.
std::string TicketTitle(const Ticket& t, size_t places);

// The checklist for the ticket's action, in the order to work through it.
std::vector<std::string> TicketSteps(const Ticket& t);

}  // namespace keyward

#endif  // KEYWARD_TICKETS_TICKET_TEXT_H_

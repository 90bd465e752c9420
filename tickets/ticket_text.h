// The words of a ticket (internal): title and checklist steps, from a
// ticket whose action, credential and locations are set.
#ifndef KEYWARD_TICKETS_TICKET_TEXT_H_
#define KEYWARD_TICKETS_TICKET_TEXT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "keyward/tickets.h"

namespace keyward {

// `s`, or `fallback` when `s` is empty.
inline std::string Or(const std::string& s, const std::string& fallback) {
  return s.empty() ? fallback : s;
}

// "Revoke now: ...", "Rotate: ...", "Review access: ..."; `places` is how
// many distinct places the secret was found in.
std::string TicketTitle(const Ticket& t, size_t places);

// The checklist for the ticket's action, in the order to work through it.
std::vector<std::string> TicketSteps(const Ticket& t);

}  // namespace keyward

#endif  // KEYWARD_TICKETS_TICKET_TEXT_H_

// What a ticket says: its title and the checklist a person works through
// (tickets/ticket_text.h).
#include "tickets/ticket_text.h"

namespace keyward {
namespace {

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// The earliest commit date among the locations: history and range findings
// carry the date of the commit that introduced the secret. A directory scan
// does not tell when a file first held the secret (the scan date is only
// when it was noticed), so without a commit date the answer is unknown.
std::string FirstExposure(const Ticket& t) {
  std::string first;
  for (const auto& l : t.locations) {
    std::string d = l.date.substr(0, 10);
    if (!d.empty() && (first.empty() || d < first)) first = d;
  }
  return first;
}

std::string ActivityReview(const Ticket& t) {
  std::string since = FirstExposure(t);
  if (!since.empty()) {
    return "Review the provider's activity log since the first exposure (" +
           since +
           ", the commit that introduced it) for use you cannot explain";
  }
  return "Review the provider's activity log since the first exposure "
         "(unknown: a directory scan does not show when the secret was first "
         "exposed; take the oldest commit of the file in git history, "
         "`keyward scan --git`, or the key's creation date) for use you "
         "cannot explain";
}

}  // namespace

std::vector<std::string> TicketSteps(const Ticket& t) {
  std::string what = Or(t.provider, "the provider") + " credential " +
                     Or(t.secret_hint, Or(t.credential_name, t.credential_id));
  std::string systems =
      t.systems.empty() ? "every system that uses it (the inventory lists none)"
                        : Join(t.systems, ", ");
  bool owner_known = !t.credential_id.empty();
  std::string name_hint = "named after system, environment and owner (e.g. \"" +
                          Or(t.systems.empty() ? "" : t.systems[0], "system") +
                          " - " + Or(t.environment, "environment") + " - " +
                          (owner_known ? Or(t.assignee, "owner") : "owner") +
                          "\")";
  std::string record =
      owner_known
          ? "Record the rotation and its date in the inventory (keyward "
            "inventory rotate " +
                t.credential_id + ")"
          : "Record the new credential in the inventory (keyward inventory "
            "add)";
  // An audit ticket for a key with no owner: someone has to answer for the
  // replacement before it is made.
  std::vector<std::string> find_owner;
  if (std::any_of(t.audit.begin(), t.audit.end(), [](const std::string& a) {
        return a.rfind("no-owner:", 0) == 0;
      })) {
    find_owner.push_back(
        "Find who uses it and who answers for it (the inventory names no "
        "owner); record the owner (keyward inventory update " +
        t.credential_id + " --owner NAME)");
  }
  switch (t.action) {
    case TicketAction::kRevokeNow: {
      // The runbook for an exposed secret: it is compromised, so revoking
      // comes first whoever owns it. Not knowing the owner adds a parallel
      // search, never a gate before the revocation.
      std::vector<std::string> steps = {
          "Revoke the " + what + " in " + Or(t.provider, "the provider") +
          " now: an exposed secret is compromised" +
          (owner_known ? "" : "; do not wait until the owner is found") +
          (t.revoke_guidance.empty() ? "" : " (see Revoke guidance)")};
      if (!owner_known) {
        steps.push_back(
            "In parallel with the revocation, find who uses it: check the "
            "listed locations, commit authors and the provider account");
      }
      steps.push_back("Create a replacement " + name_hint);
      steps.push_back(
          "Update every system that uses it: " +
          (owner_known ? systems
                       : std::string("every system the owner search finds")));
      steps.push_back(
          "Run the smallest useful test on each system with the new key");
      steps.push_back(ActivityReview(t));
      steps.push_back("Remove the secret from the listed locations");
      steps.push_back(record);
      return steps;
    }
    case TicketAction::kRotate: {
      // Not exposed: nothing to stop, so nothing breaks first.
      std::vector<std::string> steps = find_owner;
      steps.push_back("Create the replacement first, " + name_hint);
      steps.push_back("Update every system that uses it: " + systems);
      steps.push_back(
          "Run the smallest useful test on each system with the new key");
      steps.push_back("Revoke the old key only after the new one works");
      steps.push_back(record);
      return steps;
    }
    case TicketAction::kReviewAccess: {
      std::vector<std::string> steps = find_owner;
      for (std::string s :
           {"List the scopes the systems really need: " + systems,
            "Create a narrower replacement (read-only or scoped), " + name_hint,
            "Update every system that uses it: " + systems,
            std::string("Run the smallest useful test on each system with the "
                        "new key"),
            std::string("Revoke the full-access key after the new one works"),
            record}) {
        steps.push_back(std::move(s));
      }
      return steps;
    }
  }
  return {};
}

std::string TicketTitle(const Ticket& t, size_t places) {
  std::string subject = t.rule_name.empty() ? t.credential_name : t.rule_name;
  std::string hint = t.secret_hint.empty() ? "" : " " + t.secret_hint;
  switch (t.action) {
    case TicketAction::kRevokeNow:
      if (t.credential_id.empty()) {
        return "Revoke now: " + subject + hint + " (owner unknown, found in " +
               std::to_string(places) + (places == 1 ? " place)" : " places)");
      }
      return "Revoke now: " + subject + hint + " (" +
             Or(t.credential_name, t.credential_id) + ")";
    case TicketAction::kRotate:
      return "Rotate: " + Or(t.credential_name, t.credential_id);
    case TicketAction::kReviewAccess:
      return "Review access: " + Or(t.credential_name, t.credential_id);
  }
  return subject;
}

}  // namespace keyward

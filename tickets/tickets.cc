// Findings and audit results -> tickets: grouping, action, priority (the
// title and steps are written in tickets/ticket_text.cc).
#include "keyward/tickets.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "base/crypto.h"
#include "keyward/date.h"
#include "tickets/ticket_text.h"

namespace keyward {
namespace {

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool IsStdin(const std::string& path) {
  return path == "-" || path == "<stdin>";
}

// Where a secret was exposed decides how many people could have seen it:
// bundles shipped to browsers, docs and logs are read far more widely than
// private source, and the current tree is live while old history is not.
std::string ClassifyExposure(const Finding& f) {
  if (f.git) return "history";
  if (IsStdin(f.path)) return "log";  // piped input is mostly logs and pastes
  std::string p = Lower(f.path);
  std::string name =
      p.substr(p.rfind('/') == std::string::npos ? 0 : p.rfind('/') + 1);
  auto has_dir = [&](const char* d) {
    std::string seg = std::string(d) + "/";
    return p.rfind(seg, 0) == 0 || p.find("/" + seg) != std::string::npos;
  };
  if (EndsWith(name, ".log") || name.find(".log.") != std::string::npos ||
      has_dir("logs") || has_dir("log")) {
    return "log";
  }
  if (EndsWith(name, ".min.js") || EndsWith(name, ".js.map") ||
      name.find("bundle") != std::string::npos || has_dir("dist") ||
      has_dir("public") || has_dir("static") || has_dir("www") ||
      has_dir("build")) {
    return "frontend-bundle";
  }
  if (EndsWith(name, ".md") || EndsWith(name, ".rst") ||
      EndsWith(name, ".adoc") || name.rfind("readme", 0) == 0 ||
      has_dir("docs") || has_dir("doc")) {
    return "public-docs";
  }
  return "source";
}

int ExposureScore(const std::string& exposure) {
  if (exposure == "source") return 1;
  if (exposure == "history") return 0;
  return 2;  // frontend-bundle, public-docs, log
}

int SeverityScore(const std::string& s) {
  if (s == "critical") return 4;
  if (s == "high") return 3;
  if (s == "medium") return 2;
  return 1;
}

bool KnownCredential(const Finding& f) {
  return f.credential && !f.credential->id.empty() &&
         f.credential->status != "unknown";
}

// Adds the score parts that depend on the credential's record.
void ScoreCredential(const std::string& environment, const std::string& access,
                     bool known, Ticket* t) {
  std::string env = Lower(environment);
  if (!known) {
    t->priority_score += 1;
    t->priority_reasons.push_back(
        "no inventory record: could be production (+1)");
  } else if (env == "production" || env == "prod") {
    t->priority_score += 2;
    t->priority_reasons.push_back("production environment (+2)");
  } else if (env == "staging") {
    t->priority_score += 1;
    t->priority_reasons.push_back("staging environment (+1)");
  }
  std::string acc = Lower(access);
  if (acc == "full") {
    t->priority_score += 1;
    t->priority_reasons.push_back("full access (+1)");
  } else if (acc == "read-only") {
    t->priority_score -= 1;
    t->priority_reasons.push_back("read-only access (-1)");
  }
}

std::string PriorityFromScore(int score) {
  if (score >= 7) return "P1";
  if (score >= 5) return "P2";
  if (score >= 3) return "P3";
  return "P4";
}

void Finish(Ticket* t, size_t places) {
  t->priority = PriorityFromScore(t->priority_score);
  t->title = TicketTitle(*t, places);
  for (auto& text : TicketSteps(*t)) t->checklist.push_back({text, false});
}

// The credential a ticket is about: its id and name, where it is used, and
// its owner as the assignee (the security team when nobody owns it).
void TakeCredential(const std::string& id, const std::string& name,
                    const CredentialUse& use, const TicketOptions& opts,
                    Ticket* t) {
  t->credential_id = id;
  t->credential_name = name;
  t->environment = use.environment;
  t->access = use.access;
  t->systems = use.systems;
  t->assignee = Or(use.owner, opts.security_team);
}

Ticket FromFindings(const std::vector<const Finding*>& group,
                    const std::map<std::string, const Rule*>& rules,
                    const TicketOptions& opts, const std::string& today) {
  const Finding& first = *group.front();
  Ticket t;
  t.key = first.fingerprint;
  t.id = TicketId(t.key);
  if (first.secret_digest.size() == 32) {
    t.legacy_key = LegacyFingerprint(first.secret_digest);
  }
  t.first_seen = t.last_seen = today;
  t.rule_id = first.rule_id;
  t.rule_name = first.rule_name;
  t.provider = first.provider;
  t.secret_hint = first.redacted;
  Severity sev = first.severity;
  const Finding* matched = nullptr;
  std::string best_exposure;
  auto add_location = [&](const Finding& f, TicketLocation l) {
    l.rule_id = f.rule_id;
    l.exposure = ClassifyExposure(f);
    l.first_seen = l.last_seen = today;
    if (best_exposure.empty() ||
        ExposureScore(l.exposure) > ExposureScore(best_exposure)) {
      best_exposure = l.exposure;
    }
    t.locations.push_back(std::move(l));
  };
  for (const Finding* f : group) {
    sev = std::max(sev, f->severity);
    if (!f->identifier.empty()) AddIdentifiers({f->identifier}, &t);
    if (!matched && KnownCredential(*f)) matched = f;
    if (!f->occurrences.empty()) {
      // A grouped history finding: one location per path, where the secret
      // was first seen in it (occurrences are first seen first), not one
      // per blob version of the same file.
      std::set<std::string> paths;
      for (const Occurrence& o : f->occurrences) {
        if (!paths.insert(o.path).second) continue;
        TicketLocation l;
        l.path = o.path;
        l.line = o.line;
        l.column = o.column;
        l.commit = o.commit;
        l.author = o.author;
        l.date = o.date;
        add_location(*f, std::move(l));
      }
      continue;
    }
    TicketLocation l;
    l.path = f->path;
    l.line = f->line;
    l.column = f->column;
    if (f->git) {
      l.commit = f->git->commit;
      l.author = f->git->author;
      l.date = f->git->date;
    }
    add_location(*f, std::move(l));
  }
  t.severity = SeverityName(sev);
  if (auto it = rules.find(t.rule_id); it != rules.end()) {
    t.revoke_guidance = it->second->revoke;
    t.references = it->second->references;
  }
  t.priority_score = SeverityScore(t.severity);
  t.priority_reasons.push_back("rule severity " + t.severity + " (+" +
                               std::to_string(t.priority_score) + ")");
  int exposure = ExposureScore(best_exposure);
  t.priority_score += exposure;
  t.priority_reasons.push_back("exposed in " + best_exposure + " (+" +
                               std::to_string(exposure) + ")");
  if (matched) {
    const CredentialRef& c = *matched->credential;
    t.action = TicketAction::kRevokeNow;
    TakeCredential(c.id, c.name, c.use, opts, &t);
    AddIdentifiers(c.identifiers, &t);
    if (!c.note.empty()) t.audit.push_back(c.note);
    ScoreCredential(c.use.environment, c.use.access, true, &t);
    if (c.status == "revoked" || c.status == "retired") {
      // Still a ticket: confirm the revocation and clean up, but it is no
      // longer the fire it would be for a live key.
      t.priority_score -= 2;
      t.priority_reasons.push_back("inventory says the key is " + c.status +
                                   " (-2)");
    }
  } else {
    t.action = TicketAction::kRevokeNow;
    t.assignee = opts.security_team;
    ScoreCredential("", "", false, &t);
  }
  // An exposed critical or high key is an incident whatever the other
  // factors say (history, read-only, development): P1. The score stays as
  // it is, so it still orders the P1 tickets. A key the inventory records as
  // revoked or retired is exempt: the work left is to confirm that and
  // clean up.
  bool retired = matched && (matched->credential->status == "revoked" ||
                             matched->credential->status == "retired");
  bool incident = sev >= Severity::kHigh && !retired;
  // A live check outranks every guess: a key the provider accepts is the
  // fire (P1, revoke now); one it refuses is confirmed dead, closed work.
  const Verification* live = nullptr;
  for (const Finding* f : group) {
    if (!f->verification) continue;
    if (f->verification->status == "active" ||
        (!live && (f->verification->status == "inactive" ||
                   f->verification->status == "revoked"))) {
      live = &*f->verification;
    }
  }
  if (live && live->status == "active") {
    t.verification =
        "active on " + live->date +
        (live->account.empty() ? "" : " (account " + live->account + ")") +
        ": revoke now";
    t.priority_reasons.push_back("verified active on " + live->date +
                                 ": P1, revoke now");
    incident = true;
  } else if (live && live->status == "revoked") {
    t.verification = "revoked on " + live->date + " (keyward revoke)";
    t.priority_score -= 2;
    t.priority_reasons.push_back("revoked through the provider's API on " +
                                 live->date + " (-2)");
    incident = false;
  } else if (live) {
    t.verification = "verified inactive on " + live->date;
    t.priority_score -= 2;
    t.priority_reasons.push_back("verified inactive on " + live->date +
                                 " (-2)");
    incident = false;
  }
  if (incident && t.priority_score < 7) {
    t.priority_reasons.push_back("exposed " + t.severity +
                                 " key: P1 whatever the score");
  }
  std::sort(t.locations.begin(), t.locations.end(),
            [](const TicketLocation& a, const TicketLocation& b) {
              return std::tie(a.path, a.line, a.column, a.commit, a.rule_id) <
                     std::tie(b.path, b.line, b.column, b.commit, b.rule_id);
            });
  Finish(&t, t.locations.size());
  if (incident) t.priority = "P1";
  return t;
}

Ticket FromAudit(const std::vector<const AuditItem*>& items,
                 const TicketOptions& opts, const std::string& today) {
  const AuditItem& a = *items.front();
  Ticket t;
  t.key = "inventory:" + a.credential_id;
  t.id = TicketId(t.key);
  TakeCredential(a.credential_id, a.credential_name, a.use, opts, &t);
  t.provider = a.provider;
  t.first_seen = t.last_seen = today;
  t.action = TicketAction::kRotate;
  Severity sev = a.severity;
  for (const AuditItem* i : items) {
    // A narrower replacement also resets the rotation clock, so review-access
    // covers rotate.
    if (i->action == TicketAction::kReviewAccess) t.action = i->action;
    sev = std::max(sev, i->severity);
    t.audit.push_back(i->check + ": " + i->message);
    AddIdentifiers(i->identifiers, &t);
  }
  std::sort(t.audit.begin(), t.audit.end());
  t.severity = SeverityName(sev);
  t.priority_score = SeverityScore(t.severity);
  t.priority_reasons.push_back("audit severity " + t.severity + " (+" +
                               std::to_string(t.priority_score) + ")");
  ScoreCredential(a.use.environment, a.use.access, true, &t);
  Finish(&t, 0);
  return t;
}

}  // namespace

const char* TicketActionName(TicketAction a) {
  switch (a) {
    case TicketAction::kRevokeNow:
      return "revoke-now";
    case TicketAction::kRotate:
      return "rotate";
    case TicketAction::kReviewAccess:
      return "review-access";
  }
  return "revoke-now";
}

bool ParseTicketAction(const std::string& text, TicketAction* out) {
  if (text == "identify-owner") {  // written before 0.2: now revoke-now
    *out = TicketAction::kRevokeNow;
    return true;
  }
  for (TicketAction a : {TicketAction::kRevokeNow, TicketAction::kRotate,
                         TicketAction::kReviewAccess}) {
    if (text == TicketActionName(a)) {
      *out = a;
      return true;
    }
  }
  return false;
}

Status ParseTicketFormats(const std::string& text,
                          std::vector<TicketFormat>* out) {
  out->clear();
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string f = Lower(text.substr(start, comma - start));
    TicketFormat fmt;
    if (f == "json") {
      fmt = TicketFormat::kJson;
    } else if (f == "md" || f == "markdown") {
      fmt = TicketFormat::kMarkdown;
    } else if (f == "csv") {
      fmt = TicketFormat::kCsv;
    } else {
      return Status::InvalidArgument("unknown ticket format '" + f +
                                     "' (expected json, md, csv)");
    }
    if (std::find(out->begin(), out->end(), fmt) == out->end()) {
      out->push_back(fmt);
    }
    start = comma + 1;
  }
  return Status::OK();
}

std::string TicketDate(const TicketOptions& opts) {
  return opts.today.empty() ? SystemClock().Today() : opts.today;
}

std::string TicketId(const std::string& key) {
  return "KW-" + Sha256Hex(key).substr(0, 10);
}

std::vector<Ticket> BuildTickets(const std::vector<Finding>& findings,
                                 const std::vector<AuditItem>& audit,
                                 const std::vector<Rule>& rules,
                                 const TicketOptions& opts) {
  std::string today = TicketDate(opts);
  std::map<std::string, const Rule*> rule_by_id;
  for (const Rule& r : rules) rule_by_id[r.id] = &r;

  std::vector<const Finding*> sorted;
  for (const Finding& f : findings) {
    if (!f.suppressed && !f.fingerprint.empty()) sorted.push_back(&f);
  }
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const Finding* a, const Finding* b) { return FindingLess(*a, *b); });
  std::map<std::string, std::vector<const Finding*>> by_fingerprint;
  for (const Finding* f : sorted) by_fingerprint[f->fingerprint].push_back(f);

  std::vector<Ticket> out;
  std::map<std::string, size_t> leak_by_credential;
  for (const auto& [fp, group] : by_fingerprint) {
    out.push_back(FromFindings(group, rule_by_id, opts, today));
    if (!out.back().credential_id.empty()) {
      leak_by_credential[out.back().credential_id] = out.size() - 1;
    }
  }
  std::map<std::string, std::vector<const AuditItem*>> by_credential;
  for (const AuditItem& a : audit) by_credential[a.credential_id].push_back(&a);
  for (const auto& [id, items] : by_credential) {
    if (auto it = leak_by_credential.find(id); it != leak_by_credential.end()) {
      // One ticket per credential: revoking the leaked key settles the audit
      // problems too, so they ride along as context.
      Ticket& leak = out[it->second];
      for (const AuditItem* i : items) {
        leak.audit.push_back(i->check + ": " + i->message);
        AddIdentifiers(i->identifiers, &leak);
      }
      continue;
    }
    out.push_back(FromAudit(items, opts, today));
  }
  std::sort(out.begin(), out.end(),
            [](const Ticket& a, const Ticket& b) { return a.id < b.id; });
  return out;
}

}  // namespace keyward

// Findings, credentials and readers shared by the ticket tests
// (tests/tickets/) and the tickets command tests (tests/cli/).
#ifndef KEYWARD_TESTS_TICKETS_TICKET_FIXTURES_H_
#define KEYWARD_TESTS_TICKETS_TICKET_FIXTURES_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "keyward/finding.h"
#include "keyward/fingerprint.h"
#include "keyward/rules.h"
#include "keyward/tickets.h"
#include "support/run.h"

namespace keyward::ticket_fixtures {

// Invented for these tests; no provider issues keys of this shape.
inline constexpr char kSecretA[] = "kwtest_Hb3Nq8Rz1Yc6Vm0Tk5Ws2Pj";
inline constexpr char kSecretB[] = "kwtest_Lx4Fe9Ud7Gi2Oa5Sn8Qb3Mw";

inline Finding MakeFinding(const std::string& secret, const std::string& path,
                           int line, Severity sev = Severity::kHigh) {
  Finding f;
  f.rule_id = "kwtest.token";
  f.rule_name = "Keyward test token";
  f.provider = "KeywardTest";
  f.kind = "api-key";
  f.severity = sev;
  f.path = path;
  f.line = f.end_line = line;
  f.column = 1;
  f.end_column = 1 + static_cast<int>(secret.size());
  f.secret = secret;
  f.redacted = Redact(secret, "kwtest_");
  f.fingerprint = SecretFingerprint(secret);
  return f;
}

inline CredentialRef Known(const std::string& env, const std::string& access) {
  CredentialRef c;
  c.id = "warehouse-sync";
  c.name = "Warehouse sync - " + env + " - Ops";
  c.use.owner = "ops-team";
  c.use.environment = env;
  c.use.access = access;
  c.use.systems = {"warehouse-sync", "nightly-export"};
  c.status = "active";
  return c;
}

inline TicketOptions Opts(const std::string& today = "2026-03-01") {
  TicketOptions o;
  o.today = today;
  return o;
}

inline std::vector<Rule> Rules() {
  Rule r;
  r.id = "kwtest.token";
  r.revoke = "Delete the token under Settings > Tokens.";
  return {r};
}

inline std::map<std::string, std::string> ReadDir(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    files[e.path().filename().string()] = test::ReadFile(e.path().string());
  }
  return files;
}

// Minimal RFC 4180 reader, to prove the CSV parses back.
inline std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(field);
      field.clear();
      rows.emplace_back();
      ++i;
    } else {
      field += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

}  // namespace keyward::ticket_fixtures

#endif  // KEYWARD_TESTS_TICKETS_TICKET_FIXTURES_H_

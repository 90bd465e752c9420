// `keyward inventory verify`: are these keys live? The rotation runbook's
// "test the new key before revoking the old one". Secrets come on stdin
// (any text: each is found by the rules, as `scan -` would), are matched to
// the inventory and verified with their rule's `verify:` block; nothing is
// cached and no secret is printed.
#include "cli/inventory_verify.h"

#include <unistd.h>

#include <iomanip>
#include <iostream>
#include <iterator>

#include "cli/commands.h"
#include "keyward/inventory.h"
#include "keyward/scan.h"

namespace keyward::cli {

void AddInventoryVerifyOptions(CLI::App* cmd, VerifyArgs* v) {
  cmd->add_option("--verify-jobs", v->jobs, "Concurrent requests, 1 to 64")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--verify-timeout", v->timeout_ms,
                  "Milliseconds one request may take")
      ->check(CLI::Range(100, 120000));
  cmd->add_option("--verify-redirect", v->redirects,
                  "HOST=URL: send HOST's requests to URL (tests, proxies)");
  cmd->add_option("--verify-ca-file", v->ca_file,
                  "Also trust the CA certificates in FILE (PEM)");
}

int RunInventoryVerify(const std::string& inventory_flag, VerifyArgs v) {
  if (Status s = InstallFingerprintKey(); !s.ok()) return Fail(s.ToString());
  auto rules = LoadRules({}, {});
  if (!rules.ok()) return Fail(rules.status().message());
  auto matcher = BuildMatcher(*rules, false);
  if (!matcher.ok()) return Fail(matcher.status().message());
  if (isatty(STDIN_FILENO)) {
    std::cerr << "keyward: reading secrets from stdin (end with Ctrl-D)\n";
  }
  std::string input((std::istreambuf_iterator<char>(std::cin)),
                    std::istreambuf_iterator<char>());
  ScanOptions opts;
  opts.threads = 1;
  Scanner scanner(**matcher, opts);
  std::vector<Finding> findings;
  if (Status s = scanner.ScanBuffer(input, "-", &findings); !s.ok()) {
    return Fail(s.ToString());
  }
  if (Status s = AnnotateFromInventory(
          inventory_flag, InventoryEnv::FromEnvironment(), &findings);
      !s.ok()) {
    return Fail(s.ToString());
  }
  v.verify = true;
  v.cache_ttl = 0;  // a rotation check asks now
  auto options = MakeVerifyOptions(v);
  if (!options.ok()) return Fail(options.status().ToString());
  if (Status s = VerifyFindings(*rules, &findings, *options); !s.ok()) {
    return Fail(s.ToString());
  }
  int verified = 0;
  bool all_active = true;
  for (const Finding& f : findings) {
    if (!f.verification) continue;
    verified++;
    const Verification& r = *f.verification;
    all_active = all_active && r.status == "active";
    std::string who = f.credential && f.credential->status != "unknown"
                          ? f.credential->id
                          : "(not in the inventory)";
    std::cout << std::left << std::setw(24) << who << " " << std::setw(28)
              << f.rule_id << " " << std::setw(16) << f.redacted << " "
              << r.status;
    if (!r.account.empty()) std::cout << "  account " << r.account;
    if (!r.detail.empty()) std::cout << "  (" << r.detail << ")";
    std::cout << "\n";
  }
  if (verified == 0) {
    return Fail("no key on stdin has a rule that can verify it");
  }
  return all_active ? 0 : 1;
}

}  // namespace keyward::cli

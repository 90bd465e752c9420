// `keyward scan --verify` and its options (keyward/verify.h): kept out of
// scan_command.cc. Verification is off by default, and in --staged only
// when the configuration says `verify_staged: true`.
#ifndef KEYWARD_CLI_VERIFY_OPTIONS_H_
#define KEYWARD_CLI_VERIFY_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "keyward/config.h"
#include "keyward/rules.h"
#include "keyward/scan.h"
#include "keyward/verify.h"

namespace keyward::cli {

struct VerifyArgs {
  bool verify = false;
  bool fail_on_verified = false;
  int jobs = 4;
  double rate = 5.0;
  int timeout_ms = 10000;
  std::vector<std::string> redirects;  // HOST=URL
  std::string ca_file;
  int64_t cache_ttl = 24 * 3600;  // seconds; 0: no cache
};

// Adds --verify, --verify-jobs, --verify-rate, --verify-timeout,
// --verify-redirect, --verify-ca-file, --verify-cache-ttl,
// --fail-on-verified to `cmd`.
void AddVerifyOptions(CLI::App* cmd, VerifyArgs* args);

// The library options from the flags and $KEYWARD_VERIFY_REDIRECT
// (HOST=URL, several separated by commas or spaces). InvalidArgument for a
// malformed redirect.
Result<VerifyOptions> MakeVerifyOptions(const VerifyArgs& args);

// Verifies the scan's findings when asked (`staged`: only if the
// configuration allows). Per-secret failures are findings' "error"
// verdicts, never a failed run.
Status RunVerifyIfAsked(const VerifyArgs& args, const Config& config,
                        bool staged, const RuleSet& rules, ScanResult* result);

// --fail-on-verified: true when an unsuppressed finding is verified active.
bool AnyVerifiedActive(const ScanResult& result);

}  // namespace keyward::cli

#endif  // KEYWARD_CLI_VERIFY_OPTIONS_H_

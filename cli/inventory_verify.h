// `keyward inventory verify` (cli/inventory_verify.cc).
#ifndef KEYWARD_CLI_INVENTORY_VERIFY_H_
#define KEYWARD_CLI_INVENTORY_VERIFY_H_

#include <CLI/CLI.hpp>
#include <string>

#include "cli/verify_options.h"

namespace keyward::cli {

// --verify-jobs, --verify-timeout, --verify-redirect, --verify-ca-file.
void AddInventoryVerifyOptions(CLI::App* cmd, VerifyArgs* v);

// Reads text with secrets from stdin, verifies each key found, prints one
// line per key (inventory id, rule, redacted hint, verdict). Exit 0 when
// every key is active, 1 when one is not, 2 when none can be verified.
int RunInventoryVerify(const std::string& inventory_flag, VerifyArgs v);

}  // namespace keyward::cli

#endif  // KEYWARD_CLI_INVENTORY_VERIFY_H_

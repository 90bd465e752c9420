// The flags of `keyward inventory ...` and what they map to: the inventory
// file and pepper, the clock, the secret (stdin or a no-echo prompt, never
// argv), and the credential fields of add / update / import.
#ifndef KEYWARD_CLI_INVENTORY_ARGS_H_
#define KEYWARD_CLI_INVENTORY_ARGS_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keyward/inventory.h"

namespace keyward::cli {

struct InventoryArgs {
  std::string file;
  std::string today;  // hidden, for tests
  bool dry_run = false;
  std::string format = "table";
  std::string fail_on = "low";
  bool secret_stdin = false;
  bool no_secret = false;
  bool allow_duplicate = false;
  std::string id;
  std::string csv;
  std::string date;
  std::string system;
  // Credential fields (add/update/import defaults).
  std::string name, provider, type, owner, account, purpose, environment,
      access, scopes, systems, created, last_rotated, notes, status_filter;
  int rotate_every_days = 0;
  std::vector<std::string> identifiers, add_systems, remove_systems;
};

// The inventory file: --inventory, else KEYWARD_INVENTORY, else
// keyward-inventory.json.
std::string InventoryPath(const InventoryArgs& a);
// KEYWARD_INVENTORY_PEPPER (InventoryEnv).
std::optional<std::string> Pepper();
// --today when given, else the system clock.
std::unique_ptr<Clock> MakeClock(const InventoryArgs& a);
// Reads the secret: stdin with --secret-stdin, else a no-echo prompt on a
// terminal. One trailing newline is dropped.
Result<std::string> ReadSecret(const InventoryArgs& a);
// Copies the field options that were given onto `c`.
Status ApplyFields(const CLI::App& cmd, const InventoryArgs& a, Credential* c);
// --name ... --systems (add, update, import).
void AddFieldOptions(CLI::App* cmd, InventoryArgs* a);
// The field options plus --identifier, dates and --notes (add, update).
void AddRecordOptions(CLI::App* cmd, InventoryArgs* a);

}  // namespace keyward::cli

#endif  // KEYWARD_CLI_INVENTORY_ARGS_H_

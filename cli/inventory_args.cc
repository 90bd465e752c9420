// Inventory command flags -> paths, clock, secret and credential fields
// (cli/inventory_args.h).
#include "cli/inventory_args.h"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

namespace keyward::cli {
namespace {

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    std::string item = s.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

Status CheckDate(const char* option, const std::string& v) {
  if (v.empty() || IsIsoDate(v)) return Status::OK();
  return Status::InvalidArgument(std::string(option) + " '" + v +
                                 "' is not a date YYYY-MM-DD");
}

}  // namespace

std::string InventoryPath(const InventoryArgs& a) {
  if (!a.file.empty()) return a.file;
  std::string env = InventoryEnv::FromEnvironment().path;
  return env.empty() ? "keyward-inventory.json" : env;
}

std::optional<std::string> Pepper() {
  return InventoryEnv::FromEnvironment().pepper;
}

std::unique_ptr<Clock> MakeClock(const InventoryArgs& a) {
  if (!a.today.empty()) return std::make_unique<FixedClock>(a.today);
  return std::make_unique<SystemClock>();
}

Result<std::string> ReadSecret(const InventoryArgs& a) {
  std::string secret;
  if (a.secret_stdin) {
    secret.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else if (isatty(STDIN_FILENO)) {
    std::cerr << "Secret (not echoed): " << std::flush;
    termios old_mode{};
    bool restore = tcgetattr(STDIN_FILENO, &old_mode) == 0;
    if (restore) {
      termios quiet = old_mode;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::getline(std::cin, secret);
    if (restore) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old_mode);
    std::cerr << "\n";
  } else {
    return Status::InvalidArgument(
        "no secret: pass --secret-stdin to read it from standard input (it "
        "is never taken from the command line)");
  }
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (secret.empty()) return Status::InvalidArgument("the secret is empty");
  return secret;
}

Status ApplyFields(const CLI::App& cmd, const InventoryArgs& a, Credential* c) {
  // Not every command has every field option (import has no --identifier).
  auto given = [&](const char* opt) {
    const CLI::Option* o = cmd.get_option_no_throw(opt);
    return o != nullptr && o->count() > 0;
  };
  if (given("--name")) c->name = a.name;
  if (given("--provider")) c->provider = a.provider;
  if (given("--type")) c->type = a.type;
  if (given("--owner")) c->use.owner = a.owner;
  if (given("--account")) c->provider_account = a.account;
  if (given("--purpose")) c->purpose = a.purpose;
  if (given("--environment")) c->use.environment = a.environment;
  if (given("--access")) c->use.access = a.access;
  if (given("--scopes")) c->scopes = SplitCommas(a.scopes);
  if (given("--systems")) c->use.systems = SplitCommas(a.systems);
  if (given("--identifier")) c->identifiers = a.identifiers;
  if (given("--created")) c->created = a.created;
  if (given("--last-rotated")) c->last_rotated = a.last_rotated;
  if (given("--rotate-every-days")) c->rotate_every_days = a.rotate_every_days;
  if (given("--notes")) c->notes = a.notes;
  for (const auto& s : a.add_systems) {
    if (std::find(c->use.systems.begin(), c->use.systems.end(), s) ==
        c->use.systems.end())
      c->use.systems.push_back(s);
  }
  for (const auto& s : a.remove_systems) {
    c->use.systems.erase(
        std::remove(c->use.systems.begin(), c->use.systems.end(), s),
        c->use.systems.end());
  }
  Status s = CheckDate("--created", c->created);
  if (s.ok()) s = CheckDate("--last-rotated", c->last_rotated);
  return s;
}

void AddFieldOptions(CLI::App* cmd, InventoryArgs* a) {
  cmd->add_option(
      "--name", a->name,
      "What the key is, e.g. \"Warehouse sync - production - Ops\"");
  cmd->add_option("--provider", a->provider, "Provider (GitHub, AWS, ...)");
  cmd->add_option("--type", a->type, "api-key, oauth, basic-auth, ...");
  cmd->add_option("--owner", a->owner, "Person or team answerable for it");
  cmd->add_option("--account", a->account, "Provider account it belongs to");
  cmd->add_option("--purpose", a->purpose, "What it is used for");
  cmd->add_option("--environment", a->environment,
                  "production, staging, development, migration");
  cmd->add_option("--access", a->access, "read-only, full or scoped");
  cmd->add_option("--scopes", a->scopes, "Comma-separated scopes");
  cmd->add_option("--systems", a->systems, "Comma-separated systems using it");
}

void AddRecordOptions(CLI::App* cmd, InventoryArgs* a) {
  AddFieldOptions(cmd, a);
  cmd->add_option("--identifier", a->identifiers,
                  "Non-secret identifier stored in clear (repeatable)");
  cmd->add_option("--created", a->created, "Creation date YYYY-MM-DD");
  cmd->add_option("--last-rotated", a->last_rotated, "YYYY-MM-DD");
  cmd->add_option("--rotate-every-days", a->rotate_every_days,
                  "Rotation period (default 90)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--notes", a->notes, "Free text");
}

}  // namespace keyward::cli

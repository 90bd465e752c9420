// Placeholder: the subcommand lands with its issue.
#include "cli/commands.h"

namespace keyward::cli {

void RegisterInventory(CLI::App& /*app*/, Context& /*ctx*/) {}

}  // namespace keyward::cli

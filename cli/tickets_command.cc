// Placeholder: the subcommand lands with its issue.
#include "cli/commands.h"

namespace keyward::cli {

void RegisterTickets(CLI::App& /*app*/, Context& /*ctx*/) {}

}  // namespace keyward::cli

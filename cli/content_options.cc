// `keyward scan`'s switches for encoded content (cli/content_options.h).
#include "cli/content_options.h"

namespace keyward::cli {

void AddContentOptions(CLI::App* cmd, ContentArgs* args) {
  cmd->add_flag("--no-decompress", args->no_decompress,
                "Do not decompress gzip files and stdin (default: scan their "
                "text, within a budget against gzip bombs)");
  cmd->add_flag("--no-source-maps", args->no_source_maps,
                "Scan *.map files as text, not as the sources they embed "
                "(sourcesContent)");
}

void ApplyContentOptions(const ContentArgs& args, const Config& config,
                         ScanOptions* opts) {
  opts->decompress = config.decompress && !args.no_decompress;
  opts->source_maps = config.source_maps && !args.no_source_maps;
}

}  // namespace keyward::cli

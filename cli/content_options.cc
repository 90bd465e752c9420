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
  cmd->add_flag("--no-documents", args->no_documents,
                "Scan PDFs and Jupyter notebooks as plain files, not as the "
                "text of each page and cell");
}

void ApplyContentOptions(const ContentArgs& args, const Config& config,
                         ScanOptions* opts) {
  opts->decompress = config.decompress && !args.no_decompress;
  opts->source_maps = config.source_maps && !args.no_source_maps;
  opts->documents = config.documents && !args.no_documents;
}

}  // namespace keyward::cli

// `keyward scan`'s switches for encoded content (cli/content_options.h).
#include "cli/content_options.h"

namespace keyward::cli {

void AddContentOptions(CLI::App* cmd, ContentArgs* args) {
  cmd->add_flag("--no-decompress", args->no_decompress,
                "Do not decompress gzip, bzip2, xz and zstd files and stdin "
                "(default: scan their text, within a budget against bombs)");
  cmd->add_flag("--no-source-maps", args->no_source_maps,
                "Scan *.map files as text, not as the sources they embed "
                "(sourcesContent)");
  cmd->add_flag("--no-archives", args->no_archives,
                "Skip archives as binary files (default: scan each file in "
                "zip, jar, tar, 7z... as ARCHIVE!ENTRY, nested ones too)");
  cmd->add_option("--archive-max-depth", args->archive_max_depth,
                  "Open archives and compressed streams nested up to N deep "
                  "(default 6)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--max-expansion", args->max_expansion,
                  "Decompress at most SIZE bytes per file scanned, archive "
                  "entries included (e.g. 500M, 8G; default 4G)")
      ->transform(CLI::AsSizeValue(false));
}

void ApplyContentOptions(const ContentArgs& args, const Config& config,
                         ScanOptions* opts) {
  opts->decompress = config.decompress && !args.no_decompress;
  opts->source_maps = config.source_maps && !args.no_source_maps;
  opts->archives = config.archives && !args.no_archives;
  opts->archive_max_depth = args.archive_max_depth > 0
                                ? args.archive_max_depth
                                : config.archive_max_depth;
  if (args.max_expansion > 0) {
    opts->decompress_max_bytes = args.max_expansion;
  } else if (config.max_expansion > 0) {
    opts->decompress_max_bytes = config.max_expansion;
  }
}

}  // namespace keyward::cli

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
  cmd->add_flag("--no-documents", args->no_documents,
                "Scan PDFs, Jupyter notebooks and .p12/.pfx keystores as "
                "plain files, not as the text of each page and cell and the "
                "keys of a keystore with an empty or default password");
  cmd->add_flag("--no-decode", args->no_decode,
                "Do not decode escaped, percent-encoded, base64 or hex "
                "strings (default: scan what they decode to)");
  cmd->add_option("--decode-depth", args->decode_depth,
                  "Levels of encoding undone inside each other (default 2)")
      ->check(CLI::Range(1, 4));
  cmd->add_option("--decode-min-length", args->decode_min_length,
                  "Shortest base64 run decoded, in characters (default 16; "
                  "hex runs twice that)")
      ->check(CLI::Range(8, 4096));
  cmd->add_option("--decode-max-bytes", args->decode_max_bytes,
                  "Decoded bytes scanned per file at most (default 1 MiB)")
      ->check(CLI::PositiveNumber);
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
  opts->documents = config.documents && !args.no_documents;
  opts->decode = config.decode && !args.no_decode;
  if (args.decode_depth > 0) opts->decode_max_depth = args.decode_depth;
  if (args.decode_min_length > 0) {
    opts->decode_min_length = args.decode_min_length;
  }
  if (args.decode_max_bytes > 0) opts->decode_max_bytes = args.decode_max_bytes;
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

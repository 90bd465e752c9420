// How `keyward scan` reads what files encode rather than their bytes: gzip
// data, source maps (and, as issue 16 adds them, archives, documents and
// encoded strings). Each kind is on by default for directory scans, with an
// off switch on the command line and in .keyward.yaml. Kept out of
// scan_command.cc so each new content kind adds its switch here.
#ifndef KEYWARD_CLI_CONTENT_OPTIONS_H_
#define KEYWARD_CLI_CONTENT_OPTIONS_H_

#include <CLI/CLI.hpp>

#include "keyward/config.h"
#include "keyward/scan.h"

namespace keyward::cli {

struct ContentArgs {
  bool no_decompress = false;   // gzip files are binary; stdin as it is
  bool no_source_maps = false;  // *.map files are plain text
  bool no_documents = false;    // PDFs and notebooks are plain files
  bool no_decode = false;       // encoded strings are not decoded
  // Decode limits (ScanOptions::decode_*); 0: the default.
  int decode_depth = 0;
  uint64_t decode_min_length = 0;
  uint64_t decode_max_bytes = 0;
  bool no_archives = false;    // archives are binary files
  int archive_max_depth = -1;  // -1: the configuration's
  uint64_t max_expansion = 0;  // 0: the configuration's
};

// Adds --no-decompress, --no-source-maps, --no-documents, --no-decode,
// --decode-depth, --decode-min-length, --decode-max-bytes, --no-archives,
// --archive-max-depth, --max-expansion to `cmd`.
void AddContentOptions(CLI::App* cmd, ContentArgs* args);

// The command line's switches over the configuration's, into `opts`.
void ApplyContentOptions(const ContentArgs& args, const Config& config,
                         ScanOptions* opts);

}  // namespace keyward::cli

#endif  // KEYWARD_CLI_CONTENT_OPTIONS_H_

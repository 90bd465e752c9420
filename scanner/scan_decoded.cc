// Scanning what a file encodes rather than its bytes: gzip data through a
// bounded decompressor, source maps as their embedded sources
// (scanner/scan_worker.h).
#include "scanner/scan_worker.h"
#include "source/gzip_reader.h"
#include "source/source_map.h"

namespace keyward {
namespace {

// The path file-format rules see for decompressed text: `app.env.gz` holds
// an `app.env`, `x.tgz` a `x.tar`.
std::string DecompressedScope(const std::string& path) {
  auto ends = [&](std::string_view s) {
    return path.size() > s.size() &&
           path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  if (ends(".gz")) return path.substr(0, path.size() - 3);
  if (ends(".tgz")) return path.substr(0, path.size() - 4) + ".tar";
  return path;
}

}  // namespace

void ScanWorker::ScanGzip(ByteReader& in, const std::string& path,
                          bool check_binary, bool hand_off) {
  const ScanOptions& options = scanner_.options();
  GzipLimits limits;
  limits.max_bytes = options.decompress_max_bytes;
  limits.max_ratio = options.decompress_max_ratio;
  GzipReader gz(&in, limits);
  ScanReader(gz, path, DecompressedScope(path), check_binary, hand_off);
  stats_.decompressed++;
  stats_.decompressed_bytes += gz.bytes_out();
  if (gz.limit_hit()) {
    stats_.decompress_limited++;
    warn_((path == "-" ? std::string("standard input") : path) + ": " +
          gz.limit_reason());
  }
}

bool ScanWorker::ScanSourceMap(std::string_view text, const std::string& path) {
  std::vector<EmbeddedSource> sources;
  if (!ParseSourceMap(text, &sources) || sources.empty()) return false;
  stats_.source_maps++;
  for (const EmbeddedSource& s : sources) {
    // Each source counts as a file scanned, as an archive entry would.
    ScanBlock(s.content, path + "!" + s.name, s.name);
  }
  return true;
}

}  // namespace keyward

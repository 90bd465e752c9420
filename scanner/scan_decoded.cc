// Scanning what a file encodes rather than its bytes: gzip data through a
// bounded decompressor, source maps (files and inline `data:` maps) as
// their embedded sources (scanner/scan_worker.h).
#include "scanner/scan_worker.h"
#include "source/encoded_spans.h"
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

size_t ScanWorker::ScanInlineSourceMap(std::string_view data,
                                       const std::string& path) {
  // The comment is the last line: `//# sourceMappingURL=data:...` (JS) or
  // `/*# sourceMappingURL=data:... */` (CSS).
  size_t end = data.size();
  while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r' ||
                     data[end - 1] == ' ' || data[end - 1] == '\t')) {
    --end;
  }
  const void* nl = memrchr(data.data(), '\n', end);
  size_t start = nl ? static_cast<const char*>(nl) - data.data() + 1 : 0;
  std::string_view line = data.substr(start, end - start);
  constexpr std::string_view kJs = "//# sourceMappingURL=data:";
  constexpr std::string_view kCss = "/*# sourceMappingURL=data:";
  bool css = line.substr(0, kCss.size()) == kCss;
  if (line.substr(0, kJs.size()) != kJs && !css) return data.size();
  line.remove_prefix(kJs.size());
  if (css) {
    if (line.size() < 2 || line.substr(line.size() - 2) != "*/") {
      return data.size();
    }
    line.remove_suffix(2);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  }
  // data:application/json[;charset=utf-8][;base64],<payload>
  size_t comma = line.find(',');
  if (comma == std::string_view::npos || comma > 100) return data.size();
  std::string_view media = line.substr(0, comma);
  std::string_view payload = line.substr(comma + 1);
  if (media.find("json") == std::string_view::npos ||
      payload.size() > scanner_.options().source_map_max_bytes) {
    return data.size();
  }
  std::string json;
  bool base64 =
      media.size() >= 7 && media.substr(media.size() - 7) == ";base64";
  if (!(base64 ? DecodeBase64(payload, false, &json)
               : DecodePercent(payload, &json))) {
    return data.size();
  }
  // Each source as a file of its own, `app.js!inline-map!src/config.ts`.
  if (!ScanSourceMap(json, path + "!inline-map")) return data.size();
  // The bundle's own text is scanned without the comment: its payload is
  // the map just scanned, not a base64 string to decode again.
  return start;
}

}  // namespace keyward

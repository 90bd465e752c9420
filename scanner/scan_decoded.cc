// Scanning what a file encodes rather than its bytes: gzip data through a
// bounded decompressor, source maps (files and inline `data:` maps) as
// their embedded sources (scanner/scan_worker.h).
#include "scanner/scan_worker.h"
#include "source/encoded_spans.h"
#include "source/gzip_reader.h"
#include "source/prefix_reader.h"
#include "source/source_map.h"

namespace keyward {
namespace {

// The path file-format rules see for decompressed text: `app.env.gz` holds
// an `app.env`, `x.tgz` a `x.tar`.
std::string DecompressedScope(std::string_view path) {
  auto ends = [&](std::string_view s) {
    return path.size() > s.size() &&
           path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  for (std::string_view ext : {".gz", ".bz2", ".xz", ".zst"}) {
    if (ends(ext)) return std::string(path.substr(0, path.size() - ext.size()));
  }
  for (std::string_view ext : {".tgz", ".tbz2", ".txz", ".tzst"}) {
    if (ends(ext)) {
      return std::string(path.substr(0, path.size() - ext.size())) + ".tar";
    }
  }
  return std::string(path);
}

std::string Shown(const std::string& path) {
  return path == "-" ? std::string("standard input") : path;
}

}  // namespace

void ScanWorker::ScanCompressed(ByteReader& in, ContentKind kind,
                                const std::string& path, std::string_view scope,
                                int depth, bool check_binary, bool hand_off) {
  const ScanOptions& options = scanner_.options();
  std::unique_ptr<GzipReader> gz;
  std::unique_ptr<ArchiveReader> raw;
  ByteReader* text = nullptr;
  if (kind == ContentKind::kGzip) {
    GzipLimits limits;
    limits.max_bytes = budget_.left();
    limits.max_ratio = options.decompress_max_ratio;
    gz = std::make_unique<GzipReader>(&in, limits);
    text = gz.get();
  } else {
    ExpansionLimits limits;
    limits.max_ratio = options.decompress_max_ratio;
    raw = std::make_unique<ArchiveReader>(&in, ArchiveReader::kRawStream,
                                          limits, &budget_);
    if (!raw->NextEntry()) {
      Unreadable(path, raw->error().empty() ? "no data" : raw->error());
      return;
    }
    text = &raw->entry();
  }
  stats_.decompressed++;
  // A tar inside (.tar.gz, a container layer) is an archive.
  std::string head;
  bool read_ok = ReadUpTo(*text, kSniffBytes, &head);
  PrefixReader rest(head, text);
  std::string inner = DecompressedScope(scope);
  const bool archive = read_ok && options.archives &&
                       SniffContent(head) == ContentKind::kArchive;
  if (archive) {
    // Its entries are charged to the budget, not the stream they are in.
    if (gz) gz->set_max_bytes(UINT64_MAX);
    if (raw) raw->UncountEntry();
    if (!TooDeep(path, depth)) ScanArchive(rest, path, depth + 1);
  } else {
    // A read error shows in ScanReader, after the head's findings.
    ScanReader(rest, path, inner, check_binary, hand_off);
  }
  if (gz) {
    if (!archive) budget_.Charge(gz->bytes_out());
    stats_.decompressed_bytes += gz->bytes_out();
  } else {
    stats_.decompressed_bytes += raw->bytes_out();
  }
  const std::string& limit = gz ? gz->limit_reason() : raw->limit_reason();
  if (!limit.empty()) {
    stats_.decompress_limited++;
    warn_(Shown(path) + ": " + limit);
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

// Scanning what a file encodes rather than its bytes: gzip data through a
// bounded decompressor, source maps as their embedded sources
// (scanner/scan_worker.h).
#include "scanner/scan_worker.h"
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

}  // namespace keyward

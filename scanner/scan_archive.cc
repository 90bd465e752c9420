// Scanning archives entry by entry, nested archives and compressed streams
// included, within the depth limit and the expansion budget
// (scanner/scan_worker.h, source/archive_reader.h).
#include <algorithm>

#include "scanner/scan_worker.h"
#include "source/markup_text.h"
#include "source/prefix_reader.h"
#include "source/source_map.h"

namespace keyward {
namespace {

// Entries up to this size are read whole: scanned in block mode as a small
// file is, and a nested archive this small is read with seeks (a zip by its
// central directory). Larger ones stream.
constexpr size_t kWholeEntry = 4 << 20;

std::string Shown(const std::string& path) {
  return path == "-" ? std::string("standard input") : path;
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

// How an entry is named in paths: an OCI image layout's blob
// (`blobs/sha256/<hex>`: a layer, a config, a manifest) by its digest,
// `sha256:<hex>`, as registries and `docker inspect` name it.
std::string EntryLabel(const std::string& name) {
  std::string_view n = name;
  if (n.substr(0, 2) == "./") n.remove_prefix(2);
  constexpr std::string_view kBlobs = "blobs/sha256/";
  if (n.size() == kBlobs.size() + 64 && n.substr(0, kBlobs.size()) == kBlobs &&
      IsHex(n.substr(kBlobs.size()))) {
    return "sha256:" + std::string(n.substr(kBlobs.size()));
  }
  return std::string(n);
}

}  // namespace

bool ScanWorker::TooDeep(const std::string& path, int depth) {
  const int max = scanner_.options().archive_max_depth;
  if (depth < max) return false;
  stats_.archive_limited++;
  warn_(Shown(path) + ": not opened: archives nested deeper than " +
        std::to_string(max) + " (--archive-max-depth)");
  return true;
}

void ScanWorker::ScanContent(ByteReader& in, std::string_view head,
                             const std::string& path, std::string_view scope,
                             int depth, bool check_binary, bool hand_off) {
  const ScanOptions& options = scanner_.options();
  ContentKind kind = SniffContent(head);
  if (kind == ContentKind::kArchive && options.archives) {
    if (!TooDeep(path, depth)) ScanArchive(in, path, depth + 1);
  } else if ((kind == ContentKind::kGzip || kind == ContentKind::kCompressed) &&
             options.decompress) {
    if (!TooDeep(path, depth)) {
      ScanCompressed(in, kind, path, scope, depth + 1, check_binary, hand_off);
    }
  } else {
    ScanReader(in, path, scope, check_binary, hand_off);
  }
}

void ScanWorker::ScanMemory(std::string_view data, const std::string& path) {
  ResetBudget();
  MemoryReader in(data);
  ScanContent(in, data.substr(0, kSniffBytes), path, path, /*depth=*/0,
              /*check_binary=*/true, /*hand_off=*/false);
}

void ScanWorker::ScanArchive(ByteReader& in, const std::string& path,
                             int depth) {
  const ScanOptions& options = scanner_.options();
  ExpansionLimits limits;
  limits.max_ratio = options.decompress_max_ratio;
  ArchiveReader ar(&in, ArchiveReader::kArchive, limits, &budget_);
  bool document = IsDocumentPath(path);
  bool any = false;
  while (ar.NextEntry()) {
    if (!any) {
      // An OOXML package lists its parts first, an OpenDocument names its
      // type first: documents whatever their file names.
      document = document || ar.entry_name() == "[Content_Types].xml" ||
                 ar.entry_name() == "mimetype";
    }
    any = true;
    ScanEntry(ar, path, depth, document);
    if (ar.limit_hit()) {
      stats_.archive_limited++;
      warn_(Shown(path) + "!" + EntryLabel(ar.entry_name()) + ": " +
            ar.limit_reason());
    }
  }
  stats_.decompressed_bytes += ar.bytes_out();
  if (any || ar.error().empty()) stats_.archives++;
  if (ar.error().empty() || ar.error_in_entry()) return;  // reported
  if (!any) {
    // Not an archive libarchive can read after all (a text that starts
    // like one, an unsupported variant): scanned as bytes.
    if (auto* m = dynamic_cast<MemoryReader*>(&in)) {
      ScanBlock(m->data(), path);
      return;
    }
  }
  Unreadable(path, ar.error());
}

void ScanWorker::ScanEntry(ArchiveReader& ar, const std::string& outer,
                           int depth, bool document) {
  const ScanOptions& options = scanner_.options();
  const std::string& name = ar.entry_name();
  const std::string path = outer + "!" + EntryLabel(name);
  stats_.archive_entries++;
  ByteReader& data = ar.entry();
  if (ar.entry_encrypted()) {
    Unreadable(path, "encrypted");
    return;
  }
  std::string head;
  if (!ReadUpTo(data, kWholeEntry, &head)) {
    Unreadable(path, data.error());
    return;
  }
  const bool whole = head.size() < kWholeEntry;
  ContentKind kind =
      SniffContent(std::string_view(head).substr(0, kSniffBytes));
  const bool container = (kind == ContentKind::kArchive && options.archives) ||
                         (kind != ContentKind::kPlain &&
                          kind != ContentKind::kArchive && options.decompress);
  if (container) {
    ar.UncountEntry();  // its own entries are charged
    if (whole) {
      MemoryReader m(head);
      ScanContent(m, head, path, name, depth, /*check_binary=*/true, false);
    } else {
      PrefixReader rest(head, &data);
      ScanContent(rest, head, path, name, depth, /*check_binary=*/true, false);
    }
    return;
  }
  if (document && IsDocumentTextPart(name)) {
    PrefixReader rest(head, &data);
    MarkupTextReader text(&rest);
    ScanReader(text, path, name, /*check_binary=*/true, false);
    return;
  }
  if (whole) {
    if (!options.source_maps || !IsSourceMapPath(name) ||
        head.size() > options.source_map_max_bytes ||
        !ScanSourceMap(head, path)) {
      ScanBlock(head, path, name);
    }
    return;
  }
  PrefixReader rest(head, &data);
  ScanReader(rest, path, name, /*check_binary=*/true, false);
}

}  // namespace keyward

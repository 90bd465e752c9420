// One scan worker of the pipeline (internal): owns a Hyperscan scratch and
// a read buffer, reads files and streams, and turns matches into findings.
// Not thread-safe: one worker per thread.
#ifndef KEYWARD_SCANNER_SCAN_WORKER_H_
#define KEYWARD_SCANNER_SCAN_WORKER_H_

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "keyward/scan.h"
#include "source/archive_reader.h"
#include "source/byte_reader.h"
#include "source/content_kind.h"
#include "source/output_files.h"
#include "source/walker.h"

namespace keyward {

struct DecodedSpan;

class ScanWorker {
 public:
  ScanWorker(const Scanner& scanner,
             std::function<void(const std::string&)> warn, OutputFiles& outputs)
      : scanner_(scanner),
        outputs_(outputs),
        matcher_(scanner.matcher()),
        scratch_(matcher_.NewScratch()),
        warn_(std::move(warn)) {}

  // Scans one regular file met by the walker: read whole, or in stream
  // mode above ScanOptions::stream_threshold.
  void ScanFile(const WalkEntry& entry);
  // Reads up to `size` bytes of `fd` and scans them in block mode.
  void ReadAndScan(int fd, const std::string& path, uint64_t size);
  // Scans one buffer in block mode (binary data is skipped). Findings are
  // reported at `path`; file-format rules apply by `scope` (default: path).
  // `checked_text`: the caller already found it is not binary.
  void ScanBlock(std::string_view data, const std::string& path,
                 std::string_view scope = {}, bool checked_text = false);
  // Scans `data` (text held by the caller: a git blob) in block mode with
  // what its encoded strings decode to, and moves the findings, at `path`,
  // to `out`; nothing is counted or kept. File-format rules run as
  // `scope` says (Matcher::Scan's `path`). A matcher failure is returned.
  Status ScanText(std::string_view data, const std::string& path,
                  std::string_view scope, std::vector<Finding>* out);
  // Chunked scan in stream mode: bounded memory, any size. gzip data is
  // decompressed first (ScanOptions::decompress).
  // `hand_off`: pass findings to ScanOptions::on_stream_findings as they are
  // confirmed (after each chunk, and every few hundred) instead of keeping
  // them.
  void ScanStream(int fd, const std::string& path, bool check_binary,
                  bool hand_off = false);
  // The stream scan of whatever `in` yields (scanner/scan_worker.cc).
  // Returns false when it stopped on a read or matcher error (reported).
  bool ScanReader(ByteReader& in, const std::string& path,
                  std::string_view scope, bool check_binary, bool hand_off);
  // Scans what `in` yields from its start, `head` being its first bytes
  // (up to kSniffBytes, already read): compressed data decompressed,
  // archives entry by entry, anything else as text at `scope` (by magic
  // bytes: ScanOptions::decompress, ::archives). `depth`: containers
  // already opened around `in` (scanner/scan_archive.cc).
  void ScanContent(ByteReader& in, std::string_view head,
                   const std::string& path, std::string_view scope, int depth,
                   bool check_binary, bool hand_off);
  // Decompresses a gzip, bzip2, xz or zstd stream from `in` and scans what
  // it holds (a tar as an archive), within the budget
  // (scanner/scan_decoded.cc).
  void ScanCompressed(ByteReader& in, ContentKind kind, const std::string& path,
                      std::string_view scope, int depth, bool check_binary,
                      bool hand_off);
  // Scans each regular file of the archive `in` as `path!entry`
  // (scanner/scan_archive.cc).
  void ScanArchive(ByteReader& in, const std::string& path, int depth);
  // Scans `data` as a top-level file whose bytes are all in memory (an
  // archive is read with seeks).
  void ScanMemory(std::string_view data, const std::string& path);
  // Starts the expansion budget of a new top-level file.
  void ResetBudget() {
    budget_ = ExpansionBudget(scanner_.options().decompress_max_bytes);
  }
  // Scans the embedded sources of the source map in `text` as files of
  // their own; false when `text` is not a map with embedded sources
  // (scanner/scan_decoded.cc).
  bool ScanSourceMap(std::string_view text, const std::string& path);
  // Scans a PDF as the text of its pages, or a notebook as its cells;
  // false when `data` is neither (ScanOptions::documents;
  // scanner/scan_documents.cc).
  bool ScanDocument(std::string_view data, const std::string& path);
  // Scans the sources of an inline source map (a last line
  // `//# sourceMappingURL=data:application/json;base64,...`, or CSS's
  // `/*# ... */`) as `<path>!inline-map!<source>`. Returns where that
  // comment starts (the bytes of code before it), or data.size() when
  // there is no such map (scanner/scan_decoded.cc).
  size_t ScanInlineSourceMap(std::string_view data, const std::string& path);
  // Scans what the encoded strings of `data` decode to (ScanOptions::
  // decode); the raw findings of `data` are findings()[raw_begin...], and
  // one that a decoded finding repeats goes (scanner/scan_encoded.cc).
  void ScanEncoded(std::string_view data, const std::string& path,
                   std::string_view scope, size_t raw_begin);
  // Reads the cells under a credential-named table column of `data` as
  // `label = value` lines (source/table_cells.h) and adds what the rules
  // find in them at the cells' places, unless a finding of `data` from
  // findings()[begin...] already holds it (scanner/scan_tables.cc). Only
  // for table files (IsTablePath): by `path`, or by the name `scope` gives
  // a blob scanned without one.
  void ScanTables(std::string_view data, const std::string& path,
                  std::string_view scope, size_t begin);

  std::vector<Finding>& findings() { return findings_; }
  // Findings given to ScanOptions::on_stream_findings, not in findings().
  size_t handed_off() const { return handed_off_; }
  ScanStats& stats() { return stats_; }
  // Files with findings whose `sourceMappingURL` comment names a map file:
  // (file path, map path), for folding bundle findings
  // (scanner/bundle_fold.h).
  std::vector<std::pair<std::string, std::string>>& bundle_maps() {
    return bundle_maps_;
  }
  // Files the matcher failed on: errors of the run, not warnings.
  std::vector<std::string>& errors() { return errors_; }

 private:
  // `sure`: a PDF that does not open is worth a warning (a `.pdf` file,
  // or one that starts with the magic).
  void ScanPdf(std::string_view data, const std::string& path, bool sure);
  bool ScanNotebook(std::string_view data, const std::string& path);
  // A .p12/.pfx keystore that opens with an empty or default password: its
  // private keys, scanned as PEM text at `path`; false when it does not.
  bool ScanPkcs12(std::string_view data, const std::string& path);

  struct SpanPlace;
  struct Parent;
  void ScanSpan(std::string_view text, const DecodedSpan& span,
                const SpanPlace& place, std::string_view scope,
                const std::string& chain, int depth,
                const std::vector<Parent>& parents, uint64_t* budget,
                bool* budget_hit, std::vector<Finding>* out,
                std::unordered_set<const Finding*>* dropped);
  void ScanEntry(ArchiveReader& ar, const std::string& outer, int depth,
                 bool document);
  // True (with a warning) when a container at `depth` may not be opened.
  bool TooDeep(const std::string& path, int depth);
  void Unreadable(const std::string& path, int err) {
    stats_.unreadable++;
    warn_(path + ": " + strerror(err) + " (skipped)");
  }
  void Unreadable(const std::string& path, const std::string& why) {
    stats_.unreadable++;
    warn_(path + ": " + why + " (skipped)");
  }
  void Failed(const std::string& path, const Status& s) {
    errors_.push_back((path == "-" ? "standard input" : path) +
                      ": could not be scanned: " + s.ToString());
  }
  // Reports `bytes` more scanned and `files` more finished.
  void Progress(uint64_t bytes, uint64_t files) {
    if (!scanner_.options().progress) return;
    ScanStats delta;
    delta.bytes = bytes;
    delta.files = files;
    delta.findings = findings_.size() - findings_reported_;
    findings_reported_ = findings_.size();
    scanner_.options().progress(delta);
  }

  const Scanner& scanner_;
  OutputFiles& outputs_;
  const Matcher& matcher_;
  std::unique_ptr<Matcher::Scratch> scratch_;
  std::function<void(const std::string&)> warn_;
  // The read buffer, `buffer_size_` bytes: grown without zero-filling
  // (ReadAndScan).
  std::unique_ptr<char[]> buffer_;
  size_t buffer_size_ = 0;
  std::vector<RuleMatch> matches_;
  std::vector<Finding> findings_;
  std::vector<std::string> errors_;
  std::vector<std::pair<std::string, std::string>> bundle_maps_;
  size_t findings_reported_ = 0;  // findings already counted in progress
  size_t handed_off_ = 0;
  ScanStats stats_;
  ExpansionBudget budget_{0};  // of the top-level file being scanned
};

}  // namespace keyward

#endif  // KEYWARD_SCANNER_SCAN_WORKER_H_

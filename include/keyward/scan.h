// Scanning: sources -> matcher -> findings.
//
//   auto matcher = Matcher::Create(*RuleSet::Builtin());
//   ScanOptions opts;                      // threads = cores, redaction on
//   Scanner scanner(**matcher, opts);
//   ScanResult result;
//   Status s = scanner.ScanPaths({"src", "-"}, &result);   // "-" is stdin
//
// Ownership: a Scanner keeps a reference to its Matcher (`const Matcher&`),
// which must outlive it; ScanOptions are copied.
// Thread safety: ScanPaths runs its own worker threads (ScanOptions::threads)
// and calls ScanOptions::warn, ::progress and ::on_stream_findings from them
// (warn under a lock; progress concurrently). ScanBuffer may be called from
// any number of threads at once; ScanPaths and ScanFd from one at a time.
// Errors: per-item trouble (an unreadable file, a file that vanished) is
// reported through ScanOptions::warn and counted in ScanStats; the scan goes
// on. A path named by the caller that cannot be scanned goes to
// ScanResult::errors, as does a file the matcher failed on; the other paths
// are still scanned. A non-OK Status is returned only when the whole scan
// cannot go on (a report file among the inputs, an internal failure).
#ifndef KEYWARD_SCAN_H_
#define KEYWARD_SCAN_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keyward/finding.h"
#include "keyward/matcher.h"
#include "keyward/status.h"

namespace keyward {

struct ScanStats {
  uint64_t files = 0;            // files (or blobs) scanned
  uint64_t bytes = 0;            // bytes scanned
  uint64_t skipped_binary = 0;   // files with a NUL byte in the first 8 KiB
  uint64_t skipped_ignored = 0;  // paths excluded by ignore files / excludes
  uint64_t unreadable = 0;       // files that could not be opened or read
  uint64_t findings = 0;
  uint64_t suppressed = 0;
  uint64_t below_confidence = 0;    // dropped by --min-confidence
  uint64_t decompressed = 0;        // gzip files (and stdin) decompressed
  uint64_t decompressed_bytes = 0;  // bytes they decompressed to
  uint64_t decompress_limited = 0;  // stopped by the decompression budget
  uint64_t source_maps = 0;         // *.map files scanned as their sources

  // Documents (ScanOptions::documents): PDF files read as page text and
  // their pages read; notebooks read cell by cell and their cells; broken
  // or locked PDFs (scanned as bytes); PDFs cut off by a page/text limit.
  uint64_t pdfs = 0;
  uint64_t pdf_pages = 0;
  uint64_t notebooks = 0;
  uint64_t notebook_cells = 0;
  uint64_t documents_unreadable = 0;
  uint64_t documents_limited = 0;
  // Bundle findings reported once, at the source a map covering the bundle
  // embeds (Finding::related).
  uint64_t bundle_findings_folded = 0;

  uint64_t decoded_spans = 0;     // encoded strings decoded and scanned
  uint64_t decoded_bytes = 0;     // bytes they decoded to
  uint64_t decoded_findings = 0;  // findings in decoded text
  uint64_t decode_limited = 0;    // files whose decode budget ran out
  uint64_t archives = 0;          // archives opened (nested ones too)
  uint64_t archive_entries = 0;   // their regular files read
  // Archive limits hit: an entry over the ratio, the budget used up, an
  // archive nested too deep. decompressed_bytes counts entry bytes too.
  uint64_t archive_limited = 0;
  double seconds = 0;
  double compile_seconds = 0;  // compiling rule databases (0: all loaded)
  void Add(const ScanStats& other);
};

struct ScanResult {
  std::vector<Finding> findings;  // sorted with FindingLess
  ScanStats stats;
  // Paths the caller named (ScanPaths) that could not be scanned, as
  // "path: reason": missing, unreadable, or neither a file nor a directory.
  // The other paths are still scanned; the CLI exits 2 when this is not
  // empty. A file that vanishes or cannot be read during a directory walk is
  // only a warning (stats.unreadable), not an error here.
  std::vector<std::string> errors;
};

struct ScanOptions {
  int threads = 0;                   // 0: the number of cores
  bool follow_symlinks = false;      // never loops either way
  bool no_ignore = false;            // ignore .gitignore / .keywardignore
  std::vector<std::string> exclude;  // extra gitignore-style patterns
  // The name stdin (`-`) is scanned and reported as (`app.log`, `.env`):
  // its type decides confidence and which file-format rules run. Empty:
  // `-`, a file of no known type.
  std::string stdin_name;
  // Files larger than this are scanned in stream mode, in chunks.
  uint64_t stream_threshold = 256ull << 20;
  uint64_t chunk_size = 4ull << 20;
  // gzip data (magic bytes 1f 8b: `.gz` files, stdin) is decompressed in a
  // stream and its text scanned; findings carry the file's path and lines
  // of the decompressed text. The budget: at most decompress_max_bytes per
  // file, and past 1 MiB at most decompress_max_ratio times the compressed
  // bytes read. A file over budget is scanned up to the limit, with a
  // warning, and counted in ScanStats::decompress_limited. false: gzip
  // files are binary (skipped); stdin is scanned as it is.
  // bzip2, xz and zstd data (by magic bytes too) the same way.
  bool decompress = true;
  // The expansion budget of one top-level file: all it decompresses, the
  // entries of an archive and of archives nested in it included.
  uint64_t decompress_max_bytes = 4ull << 30;
  // Per compressed stream and per archive entry, checked past 1 MiB.
  uint64_t decompress_max_ratio = 250;
  // Archives (magic bytes: zip and its kinds jar, war, apk, whl, nupkg,
  // docx...; tar; 7z; rar; ar), also inside compressed streams (.tar.gz,
  // .tar.zst): each regular entry is scanned as a file of its own, reported
  // as "<archive path>!<entry name>" with lines and columns in the entry;
  // file-format rules apply by the entry name. A nested archive gives
  // "a.zip!lib/b.jar!META-INF/x.properties". An OCI image layout's blobs
  // are named by digest ("image.tar!sha256:<hex>!etc/app/.env"). In an
  // Office Open XML or OpenDocument file the text parts are read with the
  // markup removed (source/markup_text.h). Binary entries are skipped.
  // Containers (archives and compressed streams) nest up to
  // archive_max_depth deep; deeper ones are not opened (a warning, counted
  // in ScanStats::archive_limited), as are entries stopped by the budget or
  // the ratio. false: archives are binary files (skipped).
  bool archives = true;
  int archive_max_depth = 6;
  // `*.map` files up to source_map_max_bytes that are JSON with a
  // `sourcesContent` array: each embedded source is scanned as its own text,
  // reported as "<map path>!<sources[i]>" with lines and columns in that
  // source, and the map's own text is not scanned (no second, escaped copy
  // of each finding). Other maps are scanned as text. false: as text.
  bool source_maps = true;
  uint64_t source_map_max_bytes = 64ull << 20;
  // A bundle finding that a source map of the same scan also holds (same
  // rule, same secret, in an embedded source of the map the bundle's
  // `sourceMappingURL` comment names, or of `<bundle>.map` beside it) is
  // reported once, at the source's location, with the bundle's location in
  // Finding::related. Only with source_maps, in ScanPaths.
  //
  // Documents: a PDF (by its `%PDF-` magic) is scanned as the text of each
  // page, reported at "<path>!page-<n>" with lines and columns in that
  // page's text; a Jupyter notebook (`*.ipynb`) as each cell's source at
  // "<path>!cell-<n>" and each text output at "<path>!cell-<n>!output-<k>".
  // At most pdf_max_pages pages and document_max_text_bytes of page text per
  // PDF (past them a warning; ScanStats::documents_limited). A PDF that does
  // not open (broken, or locked by a password) is a warning and its bytes are
  // scanned as any file's; a notebook that is not valid JSON is text.
  // Notebooks over document_max_text_bytes are text. A PKCS#12 keystore
  // (`*.p12`, `*.pfx`) that opens with an empty or published default
  // password (GCP's `notasecret`) is scanned as the PEM of its private keys,
  // reported at its own path with Finding::encoding "pkcs12(...)" (source/
  // pkcs12_key.h). false: all are files like any other.
  bool documents = true;
  int pdf_max_pages = 10000;
  uint64_t document_max_text_bytes = 64ull << 20;
  // Encoded strings: JSON/JS string escapes, percent-encoding, base64,
  // base64url and hex that decode to text are decoded and scanned (block
  // mode: files up to stream_threshold, embedded sources; not streams).
  // A finding in decoded text names the encoding chain (Finding::encoding)
  // and stands at the encoded span; one that repeats a finding of the
  // encoded text itself is dropped. Bounds: base64 runs of at least
  // decode_min_length characters (hex runs twice that, escaped or
  // percent-encoded strings as many), at most decode_max_span; spans inside
  // decoded text to decode_max_depth levels; at most decode_max_bytes
  // decoded per file (then ScanStats::decode_limited). false: none.
  bool decode = true;
  int decode_max_depth = 2;
  uint64_t decode_min_length = 16;
  uint64_t decode_max_span = 1 << 20;
  uint64_t decode_max_bytes = 1 << 20;
  // ScanBuffer reads only the credential columns of a table file (source/
  // table_cells.h), not the rest of its text: for a git scan's second pass
  // over blobs named like tables, whose text the first pass (without
  // their names) scanned already. Default false.
  bool tables_only = false;
  // Files the scan writes afterwards (reports). One named as a path or
  // redirected to stdin fails the scan with kInvalidArgument before anything
  // is read, so a report never replaces a file it was made from; one met in
  // a scanned directory is skipped (this run's report replaces it; counted
  // as ignored). Files that do not exist yet are not checked. Default: none.
  std::vector<std::string> outputs;
  // Receives warnings ("path: permission denied"). Default: stderr.
  std::function<void(const std::string&)> warn;
  // Called from worker threads after each file/blob (for progress lines);
  // in stream mode (stdin, large files) after each chunk with its bytes and
  // files = 0, then once with files = 1 when the stream ends.
  std::function<void(const ScanStats& delta)> progress;
  // When set, findings of a file descriptor scan (ScanFd: stdin, "-") are
  // handed to this callback in batches (after each chunk read, and every few
  // hundred findings), in input order, as soon as they are confirmed (the
  // callee may move them out of `batch`), and are not kept in
  // ScanResult::findings (ScanStats::findings still counts them): memory
  // stays bounded however many findings the input has. Called on the
  // scanning thread, never with an empty batch. Default: unset (findings are
  // collected and sorted).
  std::function<void(std::vector<Finding>* batch)> on_stream_findings;
  // Test seams for fault tests (a file that shrinks, grows, vanishes or
  // loses its permissions mid-scan): called on the worker thread for each
  // file of a directory scan with its path, `before_open` after the walk
  // listed it and before it is opened, `before_read` once it is open and
  // its size taken, before any byte is read. Default: unset.
  std::function<void(const std::string& path)> before_open;
  std::function<void(const std::string& path)> before_read;
};

class Scanner {
 public:
  Scanner(const Matcher& matcher, ScanOptions options);
  ~Scanner();

  // Scans files and directories (recursively); "-" reads stdin. Paths named
  // here are always scanned, even if ignored. Findings are appended to
  // `result` and sorted; stats accumulate.
  Status ScanPaths(const std::vector<std::string>& paths, ScanResult* result);

  // Scans a readable file descriptor in stream mode (stdin, pipes).
  Status ScanFd(int fd, const std::string& display_path, ScanResult* result);

  // Scans one in-memory buffer (block mode) and appends its findings,
  // with what its encoded strings decode to (ScanOptions::decode); the
  // caller skips binary data. Thread-safe: each call borrows a worker
  // (scratch space) that no other call uses meanwhile. A matcher failure is
  // returned (and nothing appended), never taken for "no findings".
  Status ScanBuffer(std::string_view data, const std::string& path,
                    std::vector<Finding>* out) const;
  // The same, with the file-format rules chosen by `scope` rather than
  // `path` (Matcher::Scan's `path`; Matcher::kNoFileFormatRules: none).
  Status ScanBuffer(std::string_view data, const std::string& path,
                    std::string_view scope, std::vector<Finding>* out) const;

  const Matcher& matcher() const { return matcher_; }
  const ScanOptions& options() const { return options_; }

 private:
  struct BufferWorkers;  // ScanBuffer's idle workers (scanner/pipeline.cc)

  const Matcher& matcher_;
  ScanOptions options_;
  std::unique_ptr<BufferWorkers> buffer_workers_;
};

// Number of worker threads for `requested` (0 = hardware concurrency).
int ResolveThreads(int requested);

}  // namespace keyward

#endif  // KEYWARD_SCAN_H_

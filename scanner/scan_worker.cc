// The scan worker: reading files and streams, block and stream scans
// (scanner/scan_worker.h), and matches -> findings (scanner/build_finding.h).
#include "scanner/scan_worker.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "scanner/build_finding.h"
#include "scanner/bundle_fold.h"
#include "scanner/confidence.h"
#include "scanner/inline_allow.h"
#include "source/content_kind.h"
#include "source/gzip_reader.h"
#include "source/source_map.h"

namespace keyward {
namespace {

constexpr size_t kBinaryProbe = 8192;
constexpr size_t kKeepBuffer = 4 << 20;  // a worker keeps a buffer this large

bool LooksBinary(std::string_view head) {
  if (head.empty()) return false;  // data() may be null: not for memchr
  return memchr(head.data(), 0, std::min(head.size(), kBinaryProbe)) != nullptr;
}

}  // namespace

Finding BuildFinding(const Matcher& matcher, const RuleMatch& m,
                     std::string_view window, uint64_t window_base,
                     const std::string& path) {
  const Rule& rule = matcher.rules()[m.rule];
  Finding f;
  f.rule_id = rule.id;
  f.rule_name = rule.name;
  f.provider = rule.provider;
  f.kind = rule.kind;
  f.severity = rule.severity;
  f.generic = rule.generic;
  f.path = path;
  f.line = m.line;
  f.column = m.column;
  f.end_line = m.end_line;
  f.end_column = m.end_column;
  f.offset = m.secret_start;
  // A companion stands at its pair's identifier: the credential is the
  // pair's secret, what the line shows is the identifier.
  const uint64_t value_start = m.companion ? m.value_start : m.secret_start;
  const uint64_t value_end = m.companion ? m.value_end : m.secret_end;
  f.secret.assign(
      window.substr(value_start - window_base, value_end - value_start));
  if (m.has_id) {
    f.identifier.assign(
        window.substr(m.id_start - window_base, m.id_end - m.id_start));
  }
  f.redacted =
      m.companion ? Redact(f.identifier, {}) : Redact(f.secret, rule.prefix);
  f.secret_digest = SecretDigest(f.secret);
  f.fingerprint = FingerprintFromDigest(f.secret_digest);
  f.checksum_verified = m.checksum_verified;
  f.checksum_failed = m.checksum_failed;
  f.weak = m.weak;
  f.code_docs = CodeDocumentationAt(window, m.secret_start - window_base, path);
  f.confidence = FindingConfidence(rule, f);
  // A `keyward:allow` comment on the secret's line (config/suppress.cc).
  f.suppressed =
      InlineAllowed(window, m.secret_start - window_base, &f.suppression) ||
      (m.companion &&
       InlineAllowed(window, value_start - window_base, &f.suppression));
  return f;
}

void ScanWorker::ScanFile(const WalkEntry& entry) {
  const std::string& path = entry.path;
  const ScanOptions& options = scanner_.options();
  if (options.before_open) options.before_open(path);
  // Relative to an open ancestor when the path is beyond PATH_MAX.
  int fd = OpenEntry(entry, O_RDONLY);
  if (fd < 0) {
    Unreadable(path, errno);
    return;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    Unreadable(path, errno);
    close(fd);
    return;
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return;
  }
  if (outputs_.IsOutputPath(st, path)) {
    // Met in a scanned directory: this run's report replaces it, so it is
    // not an input (a second `scan -o report.json .` must work). A report
    // named as an input path is refused in ScanPaths.
    stats_.skipped_ignored++;
    close(fd);
    return;
  }
  // Files of any size are read, never mapped: a mapped file that another
  // process truncates while it is scanned kills the scan with SIGBUS. The
  // size from fstat is only a bound; a file that shrank is scanned up to
  // what could be read, one that grew up to the size it had.
  uint64_t size = st.st_size;
  if (options.before_read) options.before_read(path);
  // gzip data is recognised by its first bytes where they are read
  // (ReadAndScan, ScanStream): no extra read per file.
  if (size > options.stream_threshold) {
    ScanStream(fd, path, /*check_binary=*/true);
  } else {
    ReadAndScan(fd, path, size);
  }
  close(fd);
}

void ScanWorker::ReadAndScan(int fd, const std::string& path, uint64_t size) {
  if (buffer_size_ < size) {
    // Grown, never shrunk here, and never zero-filled: what is read is
    // `got` bytes of it. (A vector's resize zero-filled each new byte,
    // which on a tree's few large files cost about what reading them did.)
    buffer_.reset();
    buffer_size_ = 0;
    try {
      buffer_.reset(new char[size]);
      buffer_size_ = size;
    } catch (const std::bad_alloc&) {
      ScanStream(fd, path, /*check_binary=*/true);  // bounded memory
      return;
    }
  }
  size_t got = 0;
  while (got < size) {
    ssize_t n = read(fd, buffer_.get() + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Unreadable(path, errno);
      return;
    }
    if (n == 0) break;  // the file shrank while we read it
    got += n;
  }
  // An empty file may leave the buffer unallocated: never a null view.
  std::string_view data(got ? buffer_.get() : "", got);
  const ScanOptions& options = scanner_.options();
  // By content, not name: `.gz`, `.tgz`, a rotated `app.log.1`, a `.jar`
  // or a zip without a suffix alike; a plain file costs a few compares.
  ContentKind kind = SniffContent(data.substr(0, kSniffBytes));
  if (kind == ContentKind::kArchive && options.archives) {
    // Read whole already: seekable (a zip through its central directory).
    ResetBudget();
    MemoryReader in(data);
    ScanArchive(in, path, /*depth=*/1);
  } else if (kind != ContentKind::kPlain && kind != ContentKind::kArchive &&
             options.decompress) {
    // What was read goes in front of the rest (a file that grew).
    ResetBudget();
    FdReader in(fd, std::string(data));
    ScanCompressed(in, kind, path, path, /*depth=*/1, /*check_binary=*/true,
                   /*hand_off=*/false);
  } else if (options.documents && ScanDocument(data, path)) {
    // PDF pages, notebook cells (scanner/scan_documents.cc).
  } else if (!options.source_maps || !IsSourceMapPath(path) ||
             got > options.source_map_max_bytes || !ScanSourceMap(data, path)) {
    if (LooksBinary(data)) {
      stats_.skipped_binary++;  // what ScanBlock would say; checked once
    } else {
      size_t code =
          options.source_maps ? ScanInlineSourceMap(data, path) : data.size();
      ScanBlock(data.substr(0, code), path, {}, /*checked_text=*/true);
    }
  }
  // Give back what one large file took rather than hold it per worker.
  if (buffer_size_ > kKeepBuffer) {
    buffer_.reset();
    buffer_size_ = 0;
  }
}

void ScanWorker::ScanBlock(std::string_view data, const std::string& path,
                           std::string_view scope, bool checked_text) {
  if (scope.empty()) scope = path;
  if (!checked_text && LooksBinary(data)) {
    stats_.skipped_binary++;
    return;
  }
  stats_.files++;
  stats_.bytes += data.size();
  matches_.clear();
  if (Status s = matcher_.Scan(data, scratch_.get(), &matches_, scope);
      !s.ok()) {
    Failed(path, s);
    return;
  }
  const size_t raw_begin = findings_.size();
  for (const auto& m : matches_) {
    findings_.push_back(BuildFinding(matcher_, m, data, 0, path));
  }
  // A bundle with findings: the map it names, to fold its findings into
  // the map's sources after the scan (scanner/bundle_fold.h).
  if (!matches_.empty() && scanner_.options().source_maps) {
    if (std::string map = SourceMapOf(data, path); !map.empty()) {
      bundle_maps_.emplace_back(path, std::move(map));
    }
  }
  ScanEncoded(data, path, scope, raw_begin);
  ScanTables(data, path, scope, raw_begin);
  Progress(data.size(), 1);
}

Status ScanWorker::ScanText(std::string_view data, const std::string& path,
                            std::string_view scope, std::vector<Finding>* out) {
  findings_.clear();
  matches_.clear();
  if (scanner_.options().tables_only) {
    ScanTables(data, path, scope, 0);
  } else {
    if (Status s = matcher_.Scan(data, scratch_.get(), &matches_, scope);
        !s.ok()) {
      return s;
    }
    for (const auto& m : matches_) {
      findings_.push_back(BuildFinding(matcher_, m, data, 0, path));
    }
    ScanEncoded(data, path, scope, 0);
    ScanTables(data, path, scope, 0);
  }
  // The matcher failed on the table cells' text (ScanTables): an error, as
  // for the text itself, never "no findings".
  if (!errors_.empty()) {
    Status s = Status::Internal(errors_.back());
    errors_.clear();
    findings_.clear();
    return s;
  }
  for (Finding& f : findings_) out->push_back(std::move(f));
  findings_.clear();
  return Status::OK();
}

void ScanWorker::ScanStream(int fd, const std::string& path, bool check_binary,
                            bool hand_off) {
  std::string head;
  const ScanOptions& options = scanner_.options();
  if (options.decompress || options.archives) {
    // A pipe cannot be peeked: the sniffed bytes go in front of the rest.
    if (!ReadHead(fd, kSniffBytes, &head)) {
      Unreadable(path, errno);
      return;
    }
  }
  ResetBudget();
  FdReader in(fd, head);
  ScanContent(in, head, path, path, /*depth=*/0, check_binary, hand_off);
  // What archive entries found (scanned as blocks) is handed over at the
  // end of the archive.
  const auto& handler = options.on_stream_findings;
  if (hand_off && handler && !findings_.empty()) {
    std::stable_sort(findings_.begin(), findings_.end(), FindingLess);
    const size_t n = findings_.size();
    handed_off_ += n;
    handler(&findings_);
    findings_reported_ -= std::min(findings_reported_, n);
    findings_.clear();
  }
}

bool ScanWorker::ScanReader(ByteReader& in, const std::string& path,
                            std::string_view scope, bool check_binary,
                            bool hand_off) {
  auto stream = matcher_.OpenStream(scratch_.get(), scope);
  const auto& handler = scanner_.options().on_stream_findings;
  auto hand_over = [&] {
    if (!hand_off || !handler || findings_.empty()) return;
    // Matches come in order; ties at one position are sorted as a
    // collected scan sorts them.
    std::stable_sort(findings_.begin(), findings_.end(), FindingLess);
    const size_t n = findings_.size();
    handed_off_ += n;
    handler(&findings_);
    findings_reported_ -= std::min(findings_reported_, n);
    findings_.clear();
  };
  // Handed off in batches of about kStreamBatch, not per chunk: a chunk
  // of a dense log holds tens of thousands of findings. Matches come in
  // order, so a batch ends only where the position changes.
  constexpr size_t kStreamBatch = 256;
  auto sink = [&](const RuleMatch& m, std::string_view window, uint64_t base) {
    Finding f = BuildFinding(matcher_, m, window, base, path);
    if (hand_off && findings_.size() >= kStreamBatch &&
        (f.line != findings_.back().line ||
         f.column != findings_.back().column)) {
      Progress(0, 0);
      hand_over();
    }
    findings_.push_back(std::move(f));
  };
  std::string chunk;
  try {
    chunk.resize(scanner_.options().chunk_size);
  } catch (const std::exception&) {  // bad_alloc, length_error
    Unreadable(path, ENOMEM);
    return false;
  }
  uint64_t total = 0;
  bool first = true;
  for (;;) {
    long n = in.Read(chunk.data(), chunk.size());
    if (n < 0) {
      // What was read is text (a truncated gzip file's first part): its
      // findings are kept, and the file counts as unreadable.
      if (!first && stream->Close(sink).ok()) hand_over();
      Unreadable(path, in.error());
      return false;
    }
    if (n == 0) break;
    std::string_view data(chunk.data(), n);
    if (first && check_binary && LooksBinary(data)) {
      stats_.skipped_binary++;
      return true;
    }
    first = false;
    if (Status s = stream->Feed(data, sink); !s.ok()) {
      Failed(path, s);
      return false;
    }
    total += n;
    Progress(n, 0);  // a chunk: bytes so far, not another file
    hand_over();
  }
  if (Status s = stream->Close(sink); !s.ok()) {
    Failed(path, s);
    return false;
  }
  Progress(0, 0);
  hand_over();
  stats_.files++;
  stats_.bytes += total;
  Progress(0, 1);
  return true;
}

}  // namespace keyward

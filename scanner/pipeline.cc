// The scan pipeline: walk -> read -> match -> findings, one worker per thread.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>

#include "keyward/config.h"
#include "keyward/scan.h"
#include "base/visible_text.h"
#include "scanner/confidence.h"
#include "source/walker.h"

namespace keyward {
namespace {

constexpr size_t kBinaryProbe = 8192;
constexpr size_t kKeepBuffer = 4 << 20;  // a worker keeps a buffer this large

// Why a path the caller named cannot be scanned; empty when it can.
std::string RootProblem(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return std::strerror(errno);
  if (S_ISREG(st.st_mode)) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::strerror(errno);
    close(fd);
    return "";
  }
  if (S_ISDIR(st.st_mode)) {
    DIR* dir = opendir(path.c_str());
    if (dir == nullptr) return std::strerror(errno);
    closedir(dir);
    return "";
  }
  return "not a regular file or directory";
}

bool LooksBinary(std::string_view head) {
  return memchr(head.data(), 0, std::min(head.size(), kBinaryProbe)) != nullptr;
}

// A bounded queue of paths from the walker to the workers. The walker, when
// it fills the queue, sleeps until the workers have drained it to half: a
// wake-up per freed slot costs two context switches per file.
class PathQueue {
 public:
  void Push(WalkEntry e) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return items_.size() < kHigh; });
    items_.push_back(std::move(e));
    if (items_.size() == 1) not_empty_.notify_all();
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }
  bool Pop(WalkEntry* e) {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return false;
    *e = std::move(items_.front());
    items_.pop_front();
    if (items_.size() == kHigh / 2) not_full_.notify_one();
    return true;
  }

 private:
  static constexpr size_t kHigh = 4096;
  std::mutex mu_;
  std::condition_variable not_empty_, not_full_;
  std::deque<WalkEntry> items_;
  bool closed_ = false;
};

// The report files of ScanOptions::outputs, by device and inode (so a hard
// link or a symlink to one is recognised), and the first one met.
class OutputFiles {
 public:
  explicit OutputFiles(const std::vector<std::string>& paths) {
    for (const auto& p : paths) {
      struct stat st;
      if (p != "-" && stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        ids_.push_back({st.st_dev, st.st_ino, RealPath(p)});
      }
    }
  }
  // Same file (device and inode; stdin redirected from a report).
  bool IsOutput(const struct stat& st) const {
    for (const auto& id : ids_) {
      if (id.dev == st.st_dev && id.ino == st.st_ino) return true;
    }
    return false;
  }
  // Same directory entry: `path` is where a report will be renamed to. A
  // hard link elsewhere is not: the atomic rename leaves its content alone.
  bool IsOutputPath(const struct stat& st, const std::string& path) const {
    if (!IsOutput(st)) return false;
    std::string real = RealPath(path);
    for (const auto& id : ids_) {
      if (!real.empty() && id.path == real) return true;
    }
    return false;
  }
  void Found(const std::string& scanned_as) {
    std::lock_guard<std::mutex> lock(mu_);
    if (found_.empty()) found_ = scanned_as;
  }
  // kInvalidArgument naming the file when the scan met an output.
  Status status() const {
    if (found_.empty()) return Status::OK();
    return Status::InvalidArgument(
        found_ +
        " is scanned and is also where the report is to be written; write "
        "the report outside the scanned paths (or exclude it)");
  }

 private:
  static std::string RealPath(const std::string& p) {
    char* r = realpath(p.c_str(), nullptr);
    if (!r) return "";
    std::string out = r;
    free(r);
    return out;
  }
  struct Id {
    dev_t dev;
    ino_t ino;
    std::string path;  // realpath
  };
  std::vector<Id> ids_;
  std::mutex mu_;
  std::string found_;
};

// One scan worker: owns a Hyperscan scratch and a read buffer.
class ScanWorker {
 public:
  ScanWorker(const Scanner& scanner,
             std::function<void(const std::string&)> warn, OutputFiles& outputs)
      : scanner_(scanner),
        outputs_(outputs),
        matcher_(scanner.matcher()),
        scratch_(matcher_.NewScratch()),
        warn_(std::move(warn)) {}

  void ScanFile(const WalkEntry& entry) {
    const std::string& path = entry.path;
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
    if (size > scanner_.options().stream_threshold) {
      ScanStream(fd, path, /*check_binary=*/true);
    } else {
      ReadAndScan(fd, path, size);
    }
    close(fd);
  }

  void ReadAndScan(int fd, const std::string& path, uint64_t size) {
    try {
      buffer_.resize(size);
    } catch (const std::bad_alloc&) {
      buffer_ = {};
      ScanStream(fd, path, /*check_binary=*/true);  // bounded memory
      return;
    }
    size_t got = 0;
    while (got < size) {
      ssize_t n = read(fd, buffer_.data() + got, size - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        Unreadable(path, errno);
        return;
      }
      if (n == 0) break;  // the file shrank while we read it
      got += n;
    }
    ScanBlock(std::string_view(buffer_.data(), got), path);
    // Give back what one large file took rather than hold it per worker.
    if (buffer_.capacity() > kKeepBuffer) buffer_ = {};
  }

  void ScanBlock(std::string_view data, const std::string& path) {
    if (LooksBinary(data)) {
      stats_.skipped_binary++;
      return;
    }
    stats_.files++;
    stats_.bytes += data.size();
    matches_.clear();
    if (Status s = matcher_.Scan(data, scratch_.get(), &matches_, path);
        !s.ok()) {
      Failed(path, s);
      return;
    }
    for (const auto& m : matches_) {
      findings_.push_back(BuildFinding(matcher_, m, data, 0, path));
    }
    Progress(data.size(), 1);
  }

  // Chunked scan in stream mode: bounded memory, any size.
  // `hand_off`: pass findings to ScanOptions::on_stream_findings as they are
  // confirmed (after each chunk, and every few hundred) instead of keeping
  // them.
  void ScanStream(int fd, const std::string& path, bool check_binary,
                  bool hand_off = false) {
    auto stream = matcher_.OpenStream(scratch_.get(), path);
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
    auto sink = [&](const RuleMatch& m, std::string_view window,
                    uint64_t base) {
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
      return;
    }
    uint64_t total = 0;
    bool first = true;
    for (;;) {
      ssize_t n = read(fd, chunk.data(), chunk.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        Unreadable(path, errno);
        return;
      }
      if (n == 0) break;
      std::string_view data(chunk.data(), n);
      if (first && check_binary && LooksBinary(data)) {
        stats_.skipped_binary++;
        return;
      }
      first = false;
      if (Status s = stream->Feed(data, sink); !s.ok()) {
        Failed(path, s);
        return;
      }
      total += n;
      Progress(n, 0);  // a chunk: bytes so far, not another file
      hand_over();
    }
    if (Status s = stream->Close(sink); !s.ok()) {
      Failed(path, s);
      return;
    }
    Progress(0, 0);
    hand_over();
    stats_.files++;
    stats_.bytes += total;
    Progress(0, 1);
  }

  std::vector<Finding>& findings() { return findings_; }
  // Findings given to ScanOptions::on_stream_findings, not in findings().
  size_t handed_off() const { return handed_off_; }
  ScanStats& stats() { return stats_; }
  // Files the matcher failed on: errors of the run, not warnings.
  std::vector<std::string>& errors() { return errors_; }

 private:
  void Unreadable(const std::string& path, int err) {
    stats_.unreadable++;
    warn_(path + ": " + strerror(err) + " (skipped)");
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
  std::vector<char> buffer_;
  std::vector<RuleMatch> matches_;
  std::vector<Finding> findings_;
  std::vector<std::string> errors_;
  size_t findings_reported_ = 0;  // findings already counted in progress
  size_t handed_off_ = 0;
  ScanStats stats_;
};

}  // namespace

void ScanStats::Add(const ScanStats& o) {
  files += o.files;
  bytes += o.bytes;
  skipped_binary += o.skipped_binary;
  skipped_ignored += o.skipped_ignored;
  unreadable += o.unreadable;
  findings += o.findings;
  suppressed += o.suppressed;
  below_confidence += o.below_confidence;
}

int ResolveThreads(int requested) {
  if (requested > 0) return requested;
  unsigned n = std::thread::hardware_concurrency();
  return n ? static_cast<int>(n) : 1;
}

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
  f.secret.assign(window.substr(m.secret_start - window_base,
                                m.secret_end - m.secret_start));
  if (m.has_id) {
    f.identifier.assign(
        window.substr(m.id_start - window_base, m.id_end - m.id_start));
  }
  f.redacted = Redact(f.secret, rule.prefix);
  f.secret_digest = SecretDigest(f.secret);
  f.fingerprint = FingerprintFromDigest(f.secret_digest);
  f.checksum_verified = m.checksum_verified;
  f.confidence = FindingConfidence(rule, f);
  // A `keyward:allow` comment on the secret's line (config/suppress.cc).
  f.suppressed =
      InlineAllowed(window, m.secret_start - window_base, &f.suppression);
  return f;
}

Scanner::Scanner(const Matcher& matcher, ScanOptions options)
    : matcher_(matcher), options_(std::move(options)) {
  if (!options_.warn) {
    options_.warn = [](const std::string& msg) {
      std::cerr << "keyward: warning: " << VisibleText(msg) << "\n";
    };
  }
}

Scanner::~Scanner() = default;

Status Scanner::ScanBuffer(std::string_view data, const std::string& path,
                           std::vector<Finding>* out) const {
  thread_local const Matcher* owner = nullptr;
  thread_local std::unique_ptr<Matcher::Scratch> scratch;
  if (owner != &matcher_ || !scratch) {
    scratch = matcher_.NewScratch();
    owner = &matcher_;
  }
  std::vector<RuleMatch> matches;
  if (Status s = matcher_.Scan(data, scratch.get(), &matches, path); !s.ok()) {
    return s;
  }
  for (const auto& m : matches) {
    out->push_back(BuildFinding(matcher_, m, data, 0, path));
  }
  return Status::OK();
}

Status Scanner::ScanFd(int fd, const std::string& display_path,
                       ScanResult* result) {
  auto start = std::chrono::steady_clock::now();
  OutputFiles outputs(options_.outputs);
  if (struct stat st; fstat(fd, &st) == 0 && outputs.IsOutput(st)) {
    outputs.Found(display_path == "-" ? "standard input" : display_path);
    return outputs.status();
  }
  ScanWorker worker(*this, options_.warn, outputs);
  worker.ScanStream(fd, display_path, /*check_binary=*/false,
                    /*hand_off=*/true);
  for (auto& f : worker.findings()) result->findings.push_back(std::move(f));
  for (auto& e : worker.errors()) result->errors.push_back(std::move(e));
  ScanStats& s = worker.stats();
  s.findings = worker.findings().size() + worker.handed_off();
  s.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  result->stats.Add(s);
  result->stats.seconds += s.seconds;
  std::stable_sort(result->findings.begin(), result->findings.end(),
                   FindingLess);
  return Status::OK();
}

Status Scanner::ScanPaths(const std::vector<std::string>& paths,
                          ScanResult* result) {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::string> roots;
  for (const auto& p : paths) {
    if (p == "-") {
      ScanResult stdin_result;
      Status s = ScanFd(0, "-", &stdin_result);
      if (!s.ok()) return s;
      for (auto& f : stdin_result.findings) {
        result->findings.push_back(std::move(f));
      }
      result->stats.Add(stdin_result.stats);
      for (auto& e : stdin_result.errors)
        result->errors.push_back(std::move(e));
    } else if (std::string why = RootProblem(p); !why.empty()) {
      // Named on the command line: an error, not a warning to scroll past.
      result->errors.push_back(p + ": " + why);
    } else {
      roots.push_back(p);
    }
  }
  // A report file named as an input would replace what it was made from.
  {
    OutputFiles outputs(options_.outputs);
    for (const auto& p : roots) {
      struct stat st;
      if (stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
          outputs.IsOutputPath(st, p)) {
        outputs.Found(p);
      }
    }
    if (Status s = outputs.status(); !s.ok()) return s;
  }
  if (!roots.empty()) {
    std::mutex warn_mu;
    auto warn = [&](const std::string& msg) {
      std::lock_guard<std::mutex> lock(warn_mu);
      options_.warn(msg);
    };
    int n = ResolveThreads(options_.threads);
    OutputFiles outputs(options_.outputs);
    PathQueue queue;
    std::vector<std::unique_ptr<ScanWorker>> workers;
    std::vector<std::thread> threads;
    for (int i = 0; i < n; i++) {
      workers.push_back(std::make_unique<ScanWorker>(*this, warn, outputs));
    }
    for (int i = 0; i < n; i++) {
      threads.emplace_back([&, i] {
        WalkEntry e;
        while (queue.Pop(&e)) workers[i]->ScanFile(e);
      });
    }
    WalkOptions wopts;
    wopts.follow_symlinks = options_.follow_symlinks;
    wopts.no_ignore = options_.no_ignore;
    wopts.exclude = options_.exclude;
    WalkStats wstats;
    WalkPaths(
        roots, wopts, [&](const WalkEntry& e) { queue.Push(e); }, warn,
        &wstats);
    queue.Close();
    for (auto& t : threads) t.join();
    if (Status s = outputs.status(); !s.ok()) return s;
    result->stats.skipped_ignored += wstats.ignored;
    result->stats.unreadable += wstats.unreadable;
    for (auto& w : workers) {
      w->stats().findings = w->findings().size();
      result->stats.Add(w->stats());
      for (auto& f : w->findings()) result->findings.push_back(std::move(f));
      for (auto& e : w->errors()) result->errors.push_back(std::move(e));
    }
  }
  std::stable_sort(result->findings.begin(), result->findings.end(),
                   FindingLess);
  result->stats.seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return Status::OK();
}

}  // namespace keyward

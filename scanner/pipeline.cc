// The scan pipeline: walk -> read -> match -> findings, one worker per thread
// (scanner/scan_worker.h).
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

#include "base/visible_text.h"
#include "keyward/scan.h"
#include "scanner/build_finding.h"
#include "scanner/bundle_fold.h"
#include "scanner/scan_worker.h"
#include "source/output_files.h"
#include "source/walker.h"

namespace keyward {
namespace {

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
  decompressed += o.decompressed;
  decompressed_bytes += o.decompressed_bytes;
  decompress_limited += o.decompress_limited;
  source_maps += o.source_maps;
  pdfs += o.pdfs;
  pdf_pages += o.pdf_pages;
  notebooks += o.notebooks;
  notebook_cells += o.notebook_cells;
  documents_unreadable += o.documents_unreadable;
  documents_limited += o.documents_limited;
  bundle_findings_folded += o.bundle_findings_folded;
  decoded_spans += o.decoded_spans;
  decoded_bytes += o.decoded_bytes;
  decoded_findings += o.decoded_findings;
  decode_limited += o.decode_limited;
  archives += o.archives;
  archive_entries += o.archive_entries;
  archive_limited += o.archive_limited;
}

int ResolveThreads(int requested) {
  if (requested > 0) return requested;
  unsigned n = std::thread::hardware_concurrency();
  return n ? static_cast<int>(n) : 1;
}

Scanner::Scanner(const Matcher& matcher, ScanOptions options)
    : matcher_(matcher),
      options_(std::move(options)),
      buffer_workers_(std::make_unique<BufferWorkers>()) {
  if (!options_.warn) {
    options_.warn = [](const std::string& msg) {
      std::cerr << "keyward: warning: " << VisibleText(msg) << "\n";
    };
  }
}

Scanner::~Scanner() = default;

// ScanBuffer's workers: a call takes an idle one (or makes one) and gives
// it back, so concurrent calls never share scratch space and a worker lives
// as long as its Scanner.
struct Scanner::BufferWorkers {
  OutputFiles outputs{std::vector<std::string>{}};
  std::mutex mu;
  std::vector<std::unique_ptr<ScanWorker>> idle;
};

Status Scanner::ScanBuffer(std::string_view data, const std::string& path,
                           std::vector<Finding>* out) const {
  return ScanBuffer(data, path, path, out);
}

Status Scanner::ScanBuffer(std::string_view data, const std::string& path,
                           std::string_view scope,
                           std::vector<Finding>* out) const {
  BufferWorkers& pool = *buffer_workers_;
  std::unique_ptr<ScanWorker> worker;
  {
    std::lock_guard<std::mutex> lock(pool.mu);
    if (!pool.idle.empty()) {
      worker = std::move(pool.idle.back());
      pool.idle.pop_back();
    }
  }
  if (!worker) {
    // Decoding does not warn; nothing else runs in a buffer worker.
    worker = std::make_unique<ScanWorker>(
        *this, [](const std::string&) {}, pool.outputs);
  }
  Status s = worker->ScanText(data, path, scope, out);
  std::lock_guard<std::mutex> lock(pool.mu);
  pool.idle.push_back(std::move(worker));
  return s;
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
      Status s =
          ScanFd(0, options_.stdin_name.empty() ? "-" : options_.stdin_name,
                 &stdin_result);
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
    std::vector<std::pair<std::string, std::string>> bundle_maps;
    for (auto& w : workers) {
      w->stats().findings = w->findings().size();
      result->stats.Add(w->stats());
      for (auto& f : w->findings()) result->findings.push_back(std::move(f));
      for (auto& e : w->errors()) result->errors.push_back(std::move(e));
      for (auto& b : w->bundle_maps()) bundle_maps.push_back(std::move(b));
    }
    if (options_.source_maps) {
      // A secret in a bundle and in the source its map embeds: once, at
      // the source (scanner/bundle_fold.h).
      size_t folded = FoldBundleFindings(&result->findings, bundle_maps);
      result->stats.findings -= folded;
      result->stats.bundle_findings_folded += folded;
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

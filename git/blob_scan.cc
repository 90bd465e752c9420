#include "git/blob_scan.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string_view>
#include <thread>

#include "git/repo.h"

namespace keyward::git {
namespace {

struct SharedState {
  SharedState(const Scanner& scanner, const std::string& git_dir,
              const std::vector<git_oid>& blobs,
              std::vector<BlobFinding>* found)
      : scanner(scanner),
        git_dir(git_dir),
        blobs(blobs),
        warn(WarnSink(scanner.options())),
        found(found) {}

  const Scanner& scanner;
  const std::string& git_dir;
  const std::vector<git_oid>& blobs;
  std::atomic<size_t> next{0};
  std::mutex mu;  // guards everything below and the warn sink
  std::function<void(const std::string&)> warn;
  ScanStats stats;
  std::vector<BlobFinding>* found;
};

void Warn(SharedState* s, const std::string& msg) {
  std::lock_guard<std::mutex> lock(s->mu);
  s->warn(msg);
}

void Worker(SharedState* s) {
  auto repo = OpenRepoAt(s->git_dir);
  if (!repo.ok()) {
    Warn(s, repo.status().message());
    return;
  }
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo->get()) != 0) {
    Warn(s, s->git_dir + ": cannot open object database: " + LastError());
    return;
  }
  Odb odb(raw_odb);
  const auto& progress = s->scanner.options().progress;
  ScanStats local;
  std::vector<BlobFinding> local_found;
  std::vector<Finding> buffer_findings;
  // Small batches keep the shared counter out of the hot path.
  constexpr size_t kBatch = 8;
  for (;;) {
    size_t begin = s->next.fetch_add(kBatch, std::memory_order_relaxed);
    if (begin >= s->blobs.size()) break;
    size_t end = std::min(begin + kBatch, s->blobs.size());
    for (size_t i = begin; i < end; ++i) {
      const git_oid& id = s->blobs[i];
      git_odb_object* raw = nullptr;
      ScanStats delta;
      if (git_odb_read(&raw, odb.get(), &id) != 0) {
        Warn(s, "git object " + OidHex(id) + ": " + LastError() + " (skipped)");
        ++delta.unreadable;
      } else {
        OdbObject obj(raw);
        if (git_odb_object_type(raw) != GIT_OBJECT_BLOB) continue;
        std::string_view data(
            static_cast<const char*>(git_odb_object_data(raw)),
            git_odb_object_size(raw));
        if (LooksBinary(data)) {
          ++delta.skipped_binary;
        } else {
          ++delta.files;
          delta.bytes += data.size();
          buffer_findings.clear();
          s->scanner.ScanBuffer(data, OidHex(id), &buffer_findings);
          for (Finding& f : buffer_findings) {
            local_found.push_back({i, std::move(f)});
          }
        }
      }
      local.Add(delta);
      if (progress) progress(delta);
    }
  }
  std::lock_guard<std::mutex> lock(s->mu);
  s->stats.Add(local);
  for (BlobFinding& f : local_found) s->found->push_back(std::move(f));
}

}  // namespace

ScanStats ScanBlobs(const Scanner& scanner, const std::string& git_dir,
                    const std::vector<git_oid>& blobs, int threads,
                    std::vector<BlobFinding>* found) {
  SharedState state(scanner, git_dir, blobs, found);
  if (blobs.empty()) return state.stats;
  int n = std::max(1, ResolveThreads(threads));
  n = static_cast<int>(std::min<size_t>(n, blobs.size()));
  std::vector<std::thread> workers;
  for (int t = 1; t < n; ++t) workers.emplace_back(Worker, &state);
  Worker(&state);  // the calling thread works too
  for (auto& w : workers) w.join();
  return state.stats;
}

}  // namespace keyward::git

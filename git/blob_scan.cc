#include "git/blob_scan.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "git/pack_reader.h"
#include "git/repo.h"
#include "scanner/build_finding.h"
#include "scanner/container_blob.h"

namespace keyward::git {
namespace {

// Scans the content of blob `i` (id `id`): binary blobs are only counted;
// findings are appended to `found` (`buffer`: the caller's scratch).
std::string FailedWarning(const git_oid& id, const Status& s);

// A matcher failure counts the blob unreadable and sets `*error`.
// `scope`: ScanBlobs's.
ScanStats ScanBlobContent(const Scanner& scanner, std::string_view scope,
                          size_t i, const git_oid& id, std::string_view data,
                          std::vector<Finding>* buffer,
                          std::vector<BlobFinding>* found, std::string* error) {
  ScanStats delta;
  if (LooksBinary(data)) {
    ++delta.skipped_binary;
    return delta;
  }
  buffer->clear();
  if (Status s = scanner.ScanBuffer(data, std::string(), scope, buffer);
      !s.ok()) {
    ++delta.unreadable;
    *error = FailedWarning(id, s);
    return delta;
  }
  ++delta.files;
  delta.bytes += data.size();
  for (Finding& f : *buffer) {
    f.path = OidHex(id);  // only for blobs with findings: most have none
    found->push_back({i, std::move(f)});
  }
  return delta;
}

std::string FailedWarning(const git_oid& id, const Status& s) {
  return "git object " + OidHex(id) +
         ": could not be scanned: " + s.ToString() + " (skipped)";
}

std::string MismatchWarning(const git_oid& id) {
  return "git object " + OidHex(id) + ": " + kEntryChecksumMismatch +
         " (skipped)";
}

std::string LostWarning(const git_oid& id) {
  return "git object " + OidHex(id) + ": " + kPackShrank + " (skipped)";
}

struct SharedState {
  SharedState(const Scanner& scanner, std::string_view scope,
              const std::vector<std::string>* scopes,
              const std::string& git_dir, const std::vector<git_oid>& blobs,
              std::vector<BlobFinding>* found)
      : scanner(scanner),
        scope(scope),
        scopes(scopes),
        git_dir(git_dir),
        blobs(blobs),
        warn(WarnSink(scanner.options())),
        found(found) {}

  const Scanner& scanner;
  // ScanBlobs's `tables_only` (or null), and a scanner reading only tables.
  const std::vector<uint8_t>* tables_only = nullptr;
  std::unique_ptr<Scanner> tables;
  bool TablesOnly(size_t blob) const {
    return tables_only && (*tables_only)[blob];
  }
  std::string_view scope;
  const std::vector<std::string>* scopes;  // or null: `scope` for all
  std::string_view ScopeOf(size_t blob) const {
    return scopes ? std::string_view((*scopes)[blob]) : scope;
  }
  const std::string& git_dir;
  const std::vector<git_oid>& blobs;
  const PackReader* reader = nullptr;
  std::atomic<size_t> next_tree{0};
  // Indices into `blobs` read one by one through libgit2: everything the
  // pack reader cannot decode. Filled before the libgit2 phase starts.
  std::vector<size_t> by_odb;
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

// What one worker accumulates; merged into SharedState once at the end.
class WorkerOutput {
 public:
  explicit WorkerOutput(SharedState* s) : s_(s) {}
  ~WorkerOutput() {
    std::lock_guard<std::mutex> lock(s_->mu);
    s_->stats.Add(stats_);
    for (BlobFinding& f : found_) s_->found->push_back(std::move(f));
  }

  // Scans the content of blob `i`.
  void Blob(size_t i, std::string_view data) {
    std::string error;
    if (s_->TablesOnly(i)) {
      Count(ScanBlobContent(*s_->tables, s_->ScopeOf(i), i, s_->blobs[i], data,
                            &buffer_findings_, &found_, &error));
      if (!error.empty()) Warn(s_, error);
      return;
    }
    if (IsContainerBlob(s_->scanner, data)) {
      // An archive or compressed file in the repository: its entries at
      // "<blob id>!entry" (the blob id becomes the path in the tree).
      ScanStats delta;
      buffer_findings_.clear();
      ScanContainerBlob(
          s_->scanner, data, OidHex(s_->blobs[i]),
          [this](const std::string& msg) { Warn(s_, "git object " + msg); },
          &buffer_findings_, &delta);
      for (Finding& f : buffer_findings_) found_.push_back({i, std::move(f)});
      Count(delta);
      return;
    }
    Count(ScanBlobContent(s_->scanner, s_->ScopeOf(i), i, s_->blobs[i], data,
                          &buffer_findings_, &found_, &error));
    if (!error.empty()) Warn(s_, error);
  }
  void Unreadable() {
    ScanStats delta;
    ++delta.unreadable;
    Count(delta);
  }

 private:
  void Count(const ScanStats& delta) {
    stats_.Add(delta);
    if (s_->scanner.options().progress) s_->scanner.options().progress(delta);
  }

  SharedState* s_;
  ScanStats stats_;
  std::vector<BlobFinding> found_;
  std::vector<Finding> buffer_findings_;
};

// Phase 1: whole delta trees from the packs, in pack order.
void PackWorker(SharedState* s, std::vector<size_t>* failed) {
  WorkerOutput out(s);
  PackDecoder decoder(*s->reader);
  auto visit = [&out](size_t i, std::string_view data) { out.Blob(i, data); };
  std::vector<size_t> mismatched;
  for (;;) {
    size_t t = s->next_tree.fetch_add(1, std::memory_order_relaxed);
    if (t >= s->reader->tree_count(PackType::kBlob)) break;
    mismatched.clear();
    decoder.DecodeTree(PackType::kBlob, t, visit, failed, &mismatched);
    for (size_t i : mismatched) {
      Warn(s, MismatchWarning(s->blobs[i]));
      out.Unreadable();
    }
  }
  for (size_t i : decoder.lost()) {
    Warn(s, LostWarning(s->blobs[i]));
    out.Unreadable();
  }
}

// Phase 2: the rest, one git_odb_read each (loose objects, other packs,
// corrupt entries: libgit2 names the problem in the warning).
void OdbWorker(SharedState* s) {
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
  WorkerOutput out(s);
  // Small batches keep the shared counter out of the hot path.
  constexpr size_t kBatch = 8;
  for (;;) {
    size_t begin = s->next.fetch_add(kBatch, std::memory_order_relaxed);
    if (begin >= s->by_odb.size()) break;
    size_t end = std::min(begin + kBatch, s->by_odb.size());
    for (size_t k = begin; k < end; ++k) {
      size_t i = s->by_odb[k];
      const git_oid& id = s->blobs[i];
      // The size first: a blob too large to hold is not inflated at all.
      size_t size = 0;
      git_object_t type = GIT_OBJECT_INVALID;
      if (git_odb_read_header(&size, &type, odb.get(), &id) == 0 &&
          type == GIT_OBJECT_BLOB && size > MaxBlobBytes()) {
        Warn(s, TooLargeMessage(id, size) + " (skipped)");
        out.Unreadable();
        continue;
      }
      git_odb_object* raw = nullptr;
      if (git_odb_read(&raw, odb.get(), &id) != 0) {
        Warn(s, "git object " + OidHex(id) + ": " + LastError() + " (skipped)");
        out.Unreadable();
        continue;
      }
      OdbObject obj(raw);
      if (git_odb_object_type(raw) != GIT_OBJECT_BLOB) continue;
      out.Blob(i, std::string_view(
                      static_cast<const char*>(git_odb_object_data(raw)),
                      git_odb_object_size(raw)));
    }
  }
}

// The shared object directory (a linked worktree's git dir has none).
std::string ObjectsDirOf(const std::string& git_dir) {
  auto repo = OpenRepoAt(git_dir);
  if (!repo.ok()) return git_dir + "/objects";
  return ObjectsDir(repo->get());
}

}  // namespace

void ScanAllPackedBlobs(const Scanner& scanner, const PackReader& packs,
                        int threads, PackedBlobScan* out,
                        std::string_view scope) {
  const PackReader* reader = &packs;
  const size_t delta_trees = reader->tree_count(PackType::kBlob);
  const size_t n = reader->wanted_count();
  out->outcomes.assign(n, {});
  std::atomic<size_t> next_tree{0};
  std::mutex mu;  // guards out->found and out->large_bytes
  const auto& progress = scanner.options().progress;
  auto work = [&](int) {
    PackDecoder decoder(*reader);
    std::vector<BlobFinding> found;
    std::vector<Finding> buffer;
    std::vector<size_t> failed, mismatched;
    // Each slot is written by the one worker that decodes it.
    auto visit = [&](size_t i, std::string_view data) {
      // Containers are scanned where warnings can be given (ScanBlobs).
      if (IsContainerBlob(scanner, data)) return;
      std::string error;
      ScanStats delta = ScanBlobContent(scanner, scope, i, reader->wanted_id(i),
                                        data, &buffer, &found, &error);
      PackedBlobScan::Outcome& o = out->outcomes[i];
      o.kind = delta.unreadable ? PackedBlobScan::kFailed
               : delta.files    ? PackedBlobScan::kScanned
                                : PackedBlobScan::kBinary;
      if (data.size() < PackedBlobScan::kLargeBytes) {
        o.bytes = static_cast<uint32_t>(data.size());
      } else {
        o.bytes = PackedBlobScan::kLargeBytes;
        std::lock_guard<std::mutex> lock(mu);
        out->large_bytes[static_cast<uint32_t>(i)] = data.size();
      }
      if (progress) progress(delta);
    };
    for (;;) {
      size_t t = next_tree.fetch_add(1, std::memory_order_relaxed);
      if (t >= delta_trees) break;
      decoder.DecodeTree(PackType::kBlob, t, visit, &failed, &mismatched);
    }
    for (size_t i : mismatched) {
      out->outcomes[i].kind = PackedBlobScan::kMismatched;
    }
    for (size_t i : decoder.lost()) {
      out->outcomes[i].kind = PackedBlobScan::kLost;
    }
    std::lock_guard<std::mutex> lock(mu);
    for (BlobFinding& f : found) out->found.push_back(std::move(f));
  };
  if (delta_trees > 0) {
    int workers = static_cast<int>(
        std::min<size_t>(std::max(1, ResolveThreads(threads)), delta_trees));
    RunWorkers(workers, work);
  }
}

void MatchPackedBlobs(const PackReader& packs,
                      const std::vector<git_oid>& blobs,
                      std::vector<uint32_t>* objects, PackedBlobScan* out) {
  const bool known = objects != nullptr && objects->size() == blobs.size();
  if (known) {
    out->slot_of_blob = std::move(*objects);
  } else {
    out->slot_of_blob.assign(blobs.size(), PackedBlobScan::kNoSlot);
  }
  for (size_t i = 0; i < blobs.size(); ++i) {
    // A slot is the object number. Only what the pass saw: a blob without a
    // slot is read by ScanBlobs.
    uint32_t slot = known ? out->slot_of_blob[i] : packs.FindObject(blobs[i]);
    if (slot >= out->outcomes.size() ||
        out->outcomes[slot].kind == PackedBlobScan::kUndecodable) {
      slot = PackedBlobScan::kNoSlot;
    }
    out->slot_of_blob[i] = slot;
  }
}

ScanStats ScanBlobs(const Scanner& scanner, const std::string& git_dir,
                    const std::vector<git_oid>& blobs, int threads,
                    std::vector<BlobFinding>* found, const PackedBlobScan* done,
                    std::string_view scope,
                    const std::vector<std::string>* scopes,
                    const std::vector<uint8_t>* tables_only) {
  if (done != nullptr) {
    // One scope for all, every blob scanned whole (blob_scan.h).
    assert(scopes == nullptr && tables_only == nullptr);
    // Take what the pack pass saw; read only the rest.
    ScanStats stats;
    auto warn = WarnSink(scanner.options());
    // The blob of each slot with findings (few): they take its index.
    std::unordered_map<uint32_t, size_t> blob_of_slot;
    for (const BlobFinding& bf : done->found) {
      blob_of_slot.emplace(static_cast<uint32_t>(bf.blob), SIZE_MAX);
    }
    std::vector<git_oid> rest;
    std::vector<size_t> rest_index;
    for (size_t i = 0; i < blobs.size(); ++i) {
      uint32_t slot = i < done->slot_of_blob.size() ? done->slot_of_blob[i]
                                                    : PackedBlobScan::kNoSlot;
      PackedBlobScan::Kind kind = slot == PackedBlobScan::kNoSlot
                                      ? PackedBlobScan::kUndecodable
                                      : done->outcomes[slot].kind;
      switch (kind) {
        case PackedBlobScan::kScanned:
          ++stats.files;
          stats.bytes += done->Bytes(slot);
          if (auto it = blob_of_slot.find(slot); it != blob_of_slot.end()) {
            it->second = i;
          }
          break;
        case PackedBlobScan::kBinary:
          ++stats.skipped_binary;
          break;
        case PackedBlobScan::kMismatched:
          warn(MismatchWarning(blobs[i]));
          ++stats.unreadable;
          break;
        case PackedBlobScan::kLost:
          warn(LostWarning(blobs[i]));
          ++stats.unreadable;
          break;
        case PackedBlobScan::kFailed:
          warn(FailedWarning(blobs[i],
                             Status::Internal("the matcher failed on it")));
          ++stats.unreadable;
          break;
        case PackedBlobScan::kUndecodable:
          rest.push_back(blobs[i]);
          rest_index.push_back(i);
          break;
      }
    }
    for (const BlobFinding& bf : done->found) {
      size_t i = blob_of_slot[static_cast<uint32_t>(bf.blob)];
      if (i != SIZE_MAX) found->push_back({i, bf.finding});
    }
    std::vector<BlobFinding> rest_found;
    stats.Add(ScanBlobs(scanner, git_dir, rest, threads, &rest_found, nullptr,
                        scope));
    for (BlobFinding& bf : rest_found) {
      found->push_back({rest_index[bf.blob], std::move(bf.finding)});
    }
    return stats;
  }
  SharedState state(scanner, scope, scopes, git_dir, blobs, found);
  if (blobs.empty()) return state.stats;
  if (tables_only) {
    ScanOptions options = scanner.options();
    options.tables_only = true;
    state.tables = std::make_unique<Scanner>(scanner.matcher(), options);
    state.tables_only = tables_only;
  }
  const int max_threads = std::max(1, ResolveThreads(threads));
  auto reader = PackReader::Open(ObjectsDirOf(git_dir));
  reader->Plan(blobs, &state.by_odb);
  state.reader = reader.get();
  if (size_t trees = reader->tree_count(PackType::kBlob); trees > 0) {
    int n = static_cast<int>(std::min<size_t>(max_threads, trees));
    std::vector<std::vector<size_t>> failed(n);
    RunWorkers(n, [&](int slot) { PackWorker(&state, &failed[slot]); });
    for (const auto& f : failed) {
      state.by_odb.insert(state.by_odb.end(), f.begin(), f.end());
    }
  }
  reader.reset();  // unmap before libgit2 maps the packs again
  if (!state.by_odb.empty()) {
    std::sort(state.by_odb.begin(), state.by_odb.end());
    int n =
        static_cast<int>(std::min<size_t>(max_threads, state.by_odb.size()));
    RunWorkers(n, [&](int) { OdbWorker(&state); });
  }
  return state.stats;
}

void AddTableFindings(std::vector<BlobFinding> cells,
                      std::vector<BlobFinding>* found) {
  if (cells.empty()) return;
  std::unordered_multimap<size_t, size_t> by_blob;  // blob -> found[i]
  for (size_t i = 0; i < found->size(); ++i) {
    by_blob.emplace((*found)[i].blob, i);
  }
  for (BlobFinding& c : cells) {
    const Finding& f = c.finding;
    auto [first, last] = by_blob.equal_range(c.blob);
    bool known = std::any_of(first, last, [&](const auto& entry) {
      return HoldsTableCell((*found)[entry.second].finding, f);
    });
    if (!known) found->push_back(std::move(c));
  }
}

}  // namespace keyward::git

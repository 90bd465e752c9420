// keyward scan --git: every blob reachable from any ref, each scanned once.
// Enumeration (enumerate.h) lists blob ids only (no paths): paths and commits
// are recovered afterwards for the few blobs that have findings
// (provenance.h).
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "git/blob_scan.h"
#include "git/enumerate.h"
#include "git/pack_reader.h"
#include "git/provenance.h"
#include "git/repo.h"
#include "keyward/git.h"
#include "scanner/confidence.h"
#include "source/table_cells.h"

namespace keyward {
namespace {

// Blobs are scanned before the walk has named them, without file-format
// rules (Rule::paths) and without table reading: those run on the few
// blobs some tree names like their files or like a table file
// (Enumeration::named_blobs). A blob named like a file-format rule's files
// is scanned again here with the rules whose globs' last component matches
// that name (all of them, and its tables if the name is a table file's;
// all rules and no tables for a blob given several names): its findings
// replace the first pass's. A blob named only like a table file has its
// credential columns read (ScanOptions::tables_only), in the same pass;
// what they hold joins the first pass's (git::AddTableFindings). Warnings
// and progress were given by the first pass.
void RescanNamedBlobs(const Scanner& scanner, const std::string& git_dir,
                      const std::vector<git_oid>& blobs,
                      const std::vector<uint32_t>& named,
                      std::vector<std::string> named_as, int threads,
                      std::vector<git::BlobFinding>* found) {
  if (named.empty()) return;
  ScanOptions quiet = scanner.options();
  quiet.warn = [](const std::string&) {};
  quiet.progress = nullptr;
  Scanner again(scanner.matcher(), quiet);
  // Each name becomes the scope its blob is scanned with ("": all rules).
  std::vector<git_oid> ids;
  std::vector<std::string> scopes;
  std::vector<uint8_t> tables_only;
  ids.reserve(named.size());
  for (size_t k = 0; k < named.size(); ++k) {
    const std::string& name = named_as[k];
    ids.push_back(blobs[named[k]]);
    scopes.push_back(name.empty() ? name : Matcher::FileNamed(name));
    // Named only like a table file: its text was scanned already.
    tables_only.push_back(!name.empty() &&
                          !scanner.matcher().AnyScopedRuleMayApplyToName(name));
  }
  std::vector<git::BlobFinding> refound;
  git::ScanBlobs(again, git_dir, ids, threads, &refound, nullptr, {}, &scopes,
                 &tables_only);
  std::erase_if(*found, [&](const git::BlobFinding& f) {
    auto it = std::lower_bound(named.begin(), named.end(), f.blob);
    return it != named.end() && *it == f.blob &&
           !tables_only[it - named.begin()];
  });
  std::vector<git::BlobFinding> cells;
  for (git::BlobFinding& f : refound) {
    if (tables_only[f.blob]) {
      cells.push_back({named[f.blob], std::move(f.finding)});
    } else {
      found->push_back({named[f.blob], std::move(f.finding)});
    }
  }
  git::AddTableFindings(std::move(cells), found);
}

}  // namespace

Status ScanGitHistory(const Scanner& scanner, const GitHistoryOptions& options,
                      ScanResult* result) {
  auto start = std::chrono::steady_clock::now();
  // glibc raises its mmap threshold to the size of any mmapped block freed
  // (up to 32 MiB): after the plan's sort buffers are freed, the per-object
  // arrays that follow (several MiB each) came from the arenas, and what was
  // freed there stayed in RSS (57 MB of a 2M-object scan's 374). A fixed
  // threshold keeps large blocks mmapped, so freeing them returns them.
  static std::once_flag malloc_tuned;
  std::call_once(malloc_tuned, [] { mallopt(M_MMAP_THRESHOLD, 1 << 20); });
  auto warn = git::WarnSink(scanner.options());
  auto repo = git::OpenRepo(options.repo);
  if (!repo.ok()) return repo.status();
  git_repository* r = repo->get();
  if (git_repository_is_shallow(r)) {
    warn(options.repo +
         ": shallow clone: commits before the shallow boundary are missing "
         "and not scanned (fetch with --unshallow to scan them)");
  }
  int threads = options.threads ? options.threads : scanner.options().threads;
  git::EnumerateOptions enumerate;
  enumerate.all_objects = options.all_objects;
  enumerate.threads = ResolveThreads(threads);
  const Matcher& matcher = scanner.matcher();
  // Blobs named like a file-format rule's files or like a table file
  // (whose credential columns are read by name, scanner/scan_tables.cc).
  enumerate.named = [&matcher](std::string_view name) {
    return matcher.AnyScopedRuleMayApplyToName(name) || IsTablePath(name);
  };
  // Every packed blob is scanned while the trees are walked (the walk has
  // serial parts); reachable blobs then take their outcome from that pass.
  // One plan of the packs serves both: the blob pass's thread makes it while
  // this one walks the revisions, and the enumeration waits for it.
  git::PackedBlobScan packed;
  const std::string git_dir = git_repository_path(r);
  std::unique_ptr<git::PackReader> packs =
      git::PackReader::Open(git::ObjectsDir(r));
  std::promise<void> planned;
  std::shared_future<void> plan = planned.get_future().share();
  // The revision walk maps libgit2's pack indexes (all of them within a
  // few thousand lookups) until it ends: in a repository of many objects
  // the plan waits for it (GitHistoryOptions::plan_after_walk_objects).
  std::promise<void> walked;
  std::shared_future<void> walk_done = walked.get_future().share();
  std::once_flag walk_signalled;
  auto signal_walked = [&] {
    std::call_once(walk_signalled, [&] { walked.set_value(); });
  };
  const bool plan_after_walk =
      packs->object_count() >= options.plan_after_walk_objects;
  // The plan (24 bytes per object) has two users: the blob pass and the
  // loading of the packed trees. The last one done frees it, before the
  // tree walk (which reads only the pack indexes) if that comes later.
  std::atomic<int> plan_users{2};
  auto done_with_plan = [&] {
    if (plan_users.fetch_sub(1) == 1) packs->ReleasePlan();
  };
  std::thread blob_pass([&] {
    if (plan_after_walk) walk_done.wait();
    packs->PlanAll();
    planned.set_value();
    git::ScanAllPackedBlobs(scanner, *packs, threads, &packed,
                            Matcher::kNoFileFormatRules);
    done_with_plan();
  });
  enumerate.commits_walked = signal_walked;
  enumerate.packs = [&]() -> const git::PackReader* {
    signal_walked();  // never waits on a plan that waits on it
    plan.wait();
    return packs.get();
  };
  enumerate.trees_loaded = done_with_plan;
  // Freed at the latest before the enumeration makes its blob ids (20 bytes
  // per blob), in case the trees were never loaded.
  enumerate.before_blob_ids = [&] {
    blob_pass.join();
    packs->ReleasePlan();
  };
  git::Enumeration e;
  Status s = git::Enumerate(r, enumerate, warn, &e);
  signal_walked();  // an enumeration that failed early
  if (blob_pass.joinable()) blob_pass.join();
  if (s.ok()) git::MatchPackedBlobs(*packs, e.blobs, &e.blob_objects, &packed);
  packs.reset();  // unmap before libgit2 maps the packs again
  if (!s.ok()) return s;

  std::vector<git::BlobFinding> found;
  ScanStats stats = git::ScanBlobs(scanner, git_dir, e.blobs, threads, &found,
                                   &packed, Matcher::kNoFileFormatRules);
  RescanNamedBlobs(scanner, git_dir, e.blobs, e.named_blobs,
                   std::move(e.named_as), threads, &found);
  std::vector<Finding> findings = git::AttachProvenance(
      r, e.commits, e.blobs, std::move(found), warn, &e.trees);
  // Blobs were scanned without their paths: file-format rules ran on every
  // blob some tree names like their files, so their findings stay only
  // where the path provenance gives the blob is that format (as a directory
  // scan of that tree would); confidence reads the path.
  git::DropOutOfScope(scanner.matcher().rules(), &findings);
  RecomputeConfidence(scanner.matcher().rules(), &findings);
  git::DropExcluded(scanner.options(), &findings);
  stats.unreadable += e.unreadable;
  stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  git::MergeFindings(std::move(findings), stats, result);
  return Status::OK();
}

}  // namespace keyward

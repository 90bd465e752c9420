#include "git/repo.h"

#include <git2/sys/repository.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "source/ignore.h"

namespace keyward::git {

std::string LastError() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

Result<Repo> OpenRepo(const std::string& path) {
  EnsureLibgit2();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, path.c_str(), 0, nullptr) != 0) {
    return Status::NotFound(path + ": not a git repository (" + LastError() +
                            ")");
  }
  return Repo(raw);
}

Result<Repo> OpenRepoAt(const std::string& git_dir) {
  EnsureLibgit2();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, git_dir.c_str(),
                              GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0) {
    return Status::IoError(git_dir + ": " + LastError());
  }
  return Repo(raw);
}

std::string ObjectsDir(git_repository* repo) {
  return std::string(git_repository_commondir(repo)) + "objects";
}

void ReleaseLibgit2Packs(git_repository* repo) {
  // libgit2 shares an open pack between databases (a process-wide cache by
  // path): the old database must go before the new one opens the packs, or
  // the new one takes the same pack, index mapping and all.
  git_odb* empty = nullptr;
  if (git_odb_new(&empty) != 0) return;
  git_repository_set_odb(repo, empty);  // the repository holds its own ref
  git_odb_free(empty);
  git_odb* fresh = nullptr;
  if (git_odb_open(&fresh, ObjectsDir(repo).c_str()) != 0) return;
  git_repository_set_odb(repo, fresh);
  git_odb_free(fresh);
}

std::string OidHex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof(buf), &oid);
  return buf;
}

uint64_t MaxBlobBytes() {
  static const uint64_t limit = [] {
    const char* v = std::getenv("KEYWARD_MAX_BLOB_BYTES");
    if (v == nullptr || *v == '\0') return UINT64_MAX;
    char* end = nullptr;
    errno = 0;
    unsigned long long n = std::strtoull(v, &end, 10);
    if (errno != 0 || *end != '\0' || v[0] == '-') return UINT64_MAX;
    return static_cast<uint64_t>(n);
  }();
  return limit;
}

std::string TooLargeMessage(const git_oid& id, uint64_t size) {
  return "git object " + OidHex(id) + ": too large to hold in memory (" +
         std::to_string(size) + " bytes; limit " +
         std::to_string(MaxBlobBytes()) + ")";
}

bool LooksBinary(std::string_view data) {
  return data.substr(0, 8192).find('\0') != std::string_view::npos;
}

CommitInfo ReadCommitInfo(git_repository* repo, const git_oid& id) {
  CommitInfo info;
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, repo, &id) != 0) return info;
  Commit commit(raw);
  const git_signature* sig = git_commit_author(commit.get());
  if (sig == nullptr) return info;
  info.author = sig->name ? sig->name : "";
  info.email = sig->email ? sig->email : "";
  // The signature's time is seconds since the epoch; its offset is only the
  // author's zone, so UTC is simply the epoch time.
  std::time_t t = static_cast<std::time_t>(sig->when.time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  info.date = buf;
  return info;
}

std::function<void(const std::string&)> WarnSink(const ScanOptions& options) {
  if (options.warn) return options.warn;
  return [](const std::string& msg) {
    std::cerr << "keyward: warning: " << msg << "\n";
  };
}

Result<Commit> ResolveCommit(git_repository* repo, const std::string& rev) {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, repo, rev.c_str()) != 0) {
    return Status::NotFound("unknown revision '" + rev + "': " + LastError());
  }
  Object holder(obj);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0) {
    return Status::InvalidArgument("revision '" + rev +
                                   "' is not a commit: " + LastError());
  }
  return Commit(reinterpret_cast<git_commit*>(peeled));
}

void DropExcluded(const ScanOptions& options, std::vector<Finding>* found) {
  if (options.exclude.empty()) return;
  PathExcluder exclude(options.exclude);
  std::erase_if(*found,
                [&](const Finding& f) { return exclude.Excludes(f.path); });
}

void MergeFindings(std::vector<Finding> found, const ScanStats& stats,
                   ScanResult* result) {
  // Same convention as the path pipeline: `findings` counts all of them,
  // `suppressed` the inline-allowed part.
  ScanStats delta = stats;
  delta.findings = found.size();
  delta.suppressed = 0;
  for (const Finding& f : found) delta.suppressed += f.suppressed ? 1 : 0;
  result->stats.Add(delta);
  result->stats.seconds += stats.seconds;  // Add() leaves time to callers
  for (Finding& f : found) result->findings.push_back(std::move(f));
  std::stable_sort(result->findings.begin(), result->findings.end(),
                   FindingLess);
}

}  // namespace keyward::git

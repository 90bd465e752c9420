#include "git/commit_walk.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "git/repo.h"

namespace keyward::git {
namespace {

using OidSet = std::unordered_set<git_oid, OidHash, OidEq>;

// libgit2's walk: exact topological order, but all-or-nothing.
bool TopologicalWalk(git_repository* repo, const std::vector<git_oid>& starts,
                     const std::vector<git_oid>& hidden,
                     std::vector<git_oid>* out, std::string* error) {
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, repo) != 0) {
    *error = LastError();
    return false;
  }
  Revwalk walk(raw);
  git_revwalk_sorting(raw,
                      GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
  // The starts, not push_glob("refs/*"): a glob silently drops a ref whose
  // commit is missing, and StartCommits has already named those.
  for (const git_oid& c : starts) {
    if (git_revwalk_push(raw, &c) != 0) {
      *error = "git commit " + OidHex(c) + ": " + LastError();
      return false;
    }
  }
  for (const git_oid& c : hidden) {
    if (git_revwalk_hide(raw, &c) != 0) {
      *error = "git commit " + OidHex(c) + ": " + LastError();
      return false;
    }
  }
  git_oid id;
  for (;;) {
    int rc = git_revwalk_next(&id, raw);
    if (rc == GIT_ITEROVER) return true;
    if (rc != 0) {
      *error = LastError();
      return false;
    }
    out->push_back(id);
  }
}

// Every commit id a ref, HEAD or `extra` names. A ref whose object cannot be
// read is warned about and counted; one naming a tree or blob is skipped.
// Their ids go to `bad`, so a walk does not report them again.
std::vector<git_oid> StartCommits(
    git_repository* repo, const std::vector<git_oid>& extra,
    const std::function<void(const std::string&)>& warn, size_t* unreadable,
    OidSet* bad) {
  std::vector<git_oid> starts = extra;
  git_reference_iterator* it_raw = nullptr;
  if (git_reference_iterator_new(&it_raw, repo) == 0) {
    git_reference* ref = nullptr;
    while (git_reference_next(&ref, it_raw) == 0) {
      git_object* obj = nullptr;
      int rc = git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT);
      if (rc == 0) {
        starts.push_back(*git_object_id(obj));
        git_object_free(obj);
      } else if (rc != GIT_EPEEL && rc != GIT_EINVALIDSPEC &&
                 git_reference_type(ref) == GIT_REFERENCE_DIRECT) {
        // Not a ref to a tree or blob: the object it names is missing or
        // corrupt, and the history behind it cannot be read. (A symbolic
        // ref to a deleted branch names no object: nothing is lost.)
        std::string target;
        if (const git_oid* t = git_reference_target(ref)) {
          target = " -> " + OidHex(*t);
          bad->insert(*t);
        }
        warn("git ref " + std::string(git_reference_name(ref)) + target + ": " +
             LastError() + " (its history is not scanned)");
        ++*unreadable;
      }
      git_reference_free(ref);
    }
    git_reference_iterator_free(it_raw);
  }
  git_oid head;
  if (git_reference_name_to_id(&head, repo, "HEAD") == 0 && !bad->count(head)) {
    starts.push_back(head);
  }
  return starts;
}

// Reads what it can; a missing or corrupt commit ends that line of history.
std::vector<git_oid> TolerantWalk(
    git_repository* repo, const std::vector<git_oid>& starts,
    const std::function<void(const std::string&)>& warn, size_t* unreadable,
    OidSet seen) {
  std::vector<std::pair<int64_t, git_oid>> found;
  std::vector<git_oid> stack = starts;
  const bool shallow = git_repository_is_shallow(repo) == 1;
  size_t missing = 0;
  while (!stack.empty()) {
    git_oid id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &id) != 0) {
      // Shallow boundaries name absent parents: expected, counted once.
      // Anywhere else a missing commit is history that cannot be read.
      if (shallow && git_error_last() &&
          git_error_last()->klass == GIT_ERROR_ODB) {
        ++missing;
      } else {
        warn("git commit " + OidHex(id) + ": " + LastError() + " (skipped)");
        ++*unreadable;
      }
      continue;
    }
    Commit commit(raw);
    found.emplace_back(git_commit_time(raw), id);
    unsigned n = git_commit_parentcount(raw);
    for (unsigned p = 0; p < n; ++p)
      stack.push_back(*git_commit_parent_id(raw, p));
  }
  if (missing > 0) {
    warn(std::to_string(missing) +
         " commit(s) named as parents are not in the repository (shallow "
         "or incomplete history); scanned what is present");
  }
  std::stable_sort(
      found.begin(), found.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<git_oid> out;
  out.reserve(found.size());
  for (const auto& [time, id] : found) out.push_back(id);
  return out;
}

}  // namespace

std::vector<git_oid> ListCommits(
    git_repository* repo, const std::vector<git_oid>& extra_starts,
    const std::function<void(const std::string&)>& warn, size_t* unreadable) {
  OidSet bad;  // named by a ref, unreadable, already reported
  std::vector<git_oid> starts =
      StartCommits(repo, extra_starts, warn, unreadable, &bad);
  std::vector<git_oid> commits;
  std::string error;
  if (!git_repository_is_shallow(repo) &&
      TopologicalWalk(repo, starts, {}, &commits, &error)) {
    return commits;
  }
  if (!error.empty()) {
    warn("history walk failed (" + error +
         "); falling back to a walk that skips unreadable commits");
  }
  return TolerantWalk(repo, starts, warn, unreadable, std::move(bad));
}

std::vector<git_oid> ListCommitsBeyond(
    git_repository* repo, const std::vector<git_oid>& starts,
    const std::vector<git_oid>& listed,
    const std::function<void(const std::string&)>& warn, size_t* unreadable) {
  auto is_listed = [&](const git_oid& id) {
    return std::binary_search(listed.begin(), listed.end(), id, OidLess());
  };
  // The refs' tips, hidden: the walk stops where their history begins.
  // Their problems were reported by the walk that listed them.
  OidSet bad;
  size_t ignored = 0;
  std::vector<git_oid> tips = StartCommits(
      repo, {}, [](const std::string&) {}, &ignored, &bad);
  std::erase_if(tips, [&](const git_oid& id) { return !is_listed(id); });
  std::vector<git_oid> commits;
  std::string error;
  if (!git_repository_is_shallow(repo) &&
      TopologicalWalk(repo, starts, tips, &commits, &error)) {
    std::erase_if(commits, is_listed);
    return commits;
  }
  if (!error.empty()) {
    warn("history walk failed (" + error +
         "); falling back to a walk that skips unreadable commits");
  }
  OidSet seen(listed.begin(), listed.end());
  return TolerantWalk(repo, starts, warn, unreadable, std::move(seen));
}

}  // namespace keyward::git

// Lists the commits of a repository oldest first (parents before children),
// tolerating what libgit2's revision walk does not: shallow clones (whose
// boundary commits name parents that are absent) and corrupt commits.
#ifndef KEYWARD_GIT_COMMIT_WALK_H_
#define KEYWARD_GIT_COMMIT_WALK_H_

#include <git2.h>

#include <functional>
#include <string>
#include <vector>

namespace keyward::git {

// Commits reachable from every ref, HEAD and `extra_starts`, oldest first.
// Uses libgit2's topological walk; if that fails (shallow or corrupt
// history) it warns once and falls back to a walk that skips missing or
// unreadable commits and orders by commit time. Each commit that could not
// be read (a ref naming a missing or corrupt object, a parent absent from a
// history that is not shallow) is warned about and counted in `unreadable`.
std::vector<git_oid> ListCommits(
    git_repository* repo, const std::vector<git_oid>& extra_starts,
    const std::function<void(const std::string&)>& warn, size_t* unreadable);

// Commits reachable from `starts` that `listed` (sorted by OidLess: what
// ListCommits gave) does not hold, oldest first: the commits no ref reaches
// (--all-objects), walked without reading the refs' history again (their
// tips are hidden). Warns and counts as ListCommits does, but for the refs,
// which that walk reported.
std::vector<git_oid> ListCommitsBeyond(
    git_repository* repo, const std::vector<git_oid>& starts,
    const std::vector<git_oid>& listed,
    const std::function<void(const std::string&)>& warn, size_t* unreadable);

}  // namespace keyward::git

#endif  // KEYWARD_GIT_COMMIT_WALK_H_

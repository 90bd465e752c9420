// The index's cache tree and the paths it leaves to compare
// (git/staged_paths.h). Index format: git's Documentation/gitformat-index.
#include "git/staged_paths.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>

#include "git/repo.h"

namespace keyward::git {
namespace {

constexpr size_t kOidBytes = 20;         // SHA-1 repositories only
constexpr size_t kEntryFixedBytes = 62;  // stat data, mode, id, flags
// Past this many paths an exact path list costs libgit2 more than it saves.
constexpr size_t kMaxPaths = 4096;

uint16_t Be16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>(u[0] << 8 | u[1]);
}

uint32_t Be32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{u[0]} << 24 | uint32_t{u[1]} << 16 | uint32_t{u[2]} << 8 |
         u[3];
}

// "<decimal>" up to `stop`, advancing `at`; false when malformed.
bool ParseInt(std::string_view s, size_t* at, char stop, long* out) {
  size_t end = s.find(stop, *at);
  if (end == std::string_view::npos || end == *at || end - *at > 11) {
    return false;
  }
  std::string digits(s.substr(*at, end - *at));
  char* tail = nullptr;
  *out = std::strtol(digits.c_str(), &tail, 10);
  if (*tail != '\0') return false;
  *at = end + 1;
  return true;
}

// One node and, recursively, its subtrees (pre-order, as git writes them).
bool ParseNode(std::string_view ext, size_t* at, int depth,
               CacheTreeNode* node) {
  if (depth > 4096) return false;
  size_t nul = ext.find('\0', *at);
  if (nul == std::string_view::npos) return false;
  node->name = std::string(ext.substr(*at, nul - *at));
  *at = nul + 1;
  long entries = 0, subtrees = 0;
  if (!ParseInt(ext, at, ' ', &entries) ||
      !ParseInt(ext, at, '\n', &subtrees) || subtrees < 0 || entries < -1) {
    return false;
  }
  node->valid = entries >= 0;
  if (node->valid) {
    if (ext.size() - *at < kOidBytes) return false;
    std::memcpy(node->oid.id, ext.data() + *at, kOidBytes);
    *at += kOidBytes;
  }
  // Each subtree takes at least 5 bytes: do not trust a huge count.
  if (static_cast<size_t>(subtrees) > (ext.size() - *at) / 5 + 1) return false;
  node->children.resize(static_cast<size_t>(subtrees));
  for (CacheTreeNode& child : node->children) {
    if (!ParseNode(ext, at, depth + 1, &child)) return false;
  }
  return true;
}

// Compares one directory of the index (entries [lo, hi), all under
// `prefix`) with HEAD's tree for it, collecting the paths that differ.
class Comparer {
 public:
  Comparer(git_repository* repo, git_index* index,
           std::vector<std::string>* paths)
      : repo_(repo), index_(index), paths_(paths) {}

  bool Dir(const std::string& prefix, const CacheTreeNode* cached,
           git_tree* head, size_t lo, size_t hi) {
    if (cached && cached->valid && head &&
        git_oid_equal(&cached->oid, git_tree_id(head))) {
      return true;  // the index holds exactly HEAD's tree here
    }
    // Names the index has here, as files and as directories.
    std::vector<std::string> files, dirs;
    for (size_t i = lo; i < hi;) {
      const git_index_entry* e = git_index_get_byindex(index_, i);
      std::string_view rel = std::string_view(e->path).substr(prefix.size());
      size_t slash = rel.find('/');
      if (slash == std::string_view::npos) {  // a file (or submodule) here
        const git_tree_entry* old =
            head ? git_tree_entry_byname(head, std::string(rel).c_str())
                 : nullptr;
        if (GIT_INDEX_ENTRY_STAGE(e) != 0 || !old ||
            git_tree_entry_filemode(old) !=
                static_cast<git_filemode_t>(e->mode) ||
            !git_oid_equal(git_tree_entry_id(old), &e->id)) {
          if (!Add(e->path)) return false;
        }
        files.emplace_back(rel);
        i++;
        continue;
      }
      // A subdirectory: its entries are the run that starts with "name/".
      std::string name(rel.substr(0, slash));
      std::string sub = prefix + name + "/";
      // Entries are sorted by path bytes: the run is contiguous and found
      // by bisection, so an unchanged directory costs no walk of its files.
      size_t end = i + 1, last = hi;
      while (end < last) {
        size_t mid = end + (last - end) / 2;
        if (std::strncmp(git_index_get_byindex(index_, mid)->path, sub.c_str(),
                         sub.size()) == 0) {
          end = mid + 1;
        } else {
          last = mid;
        }
      }
      const CacheTreeNode* child = nullptr;
      if (cached) {
        for (const CacheTreeNode& c : cached->children) {
          if (c.name == name) child = &c;
        }
      }
      Tree subtree = Subtree(head, name);
      if (!Dir(sub, child, subtree.get(), i, end)) return false;
      dirs.push_back(name);
      i = end;
    }
    if (!head) return true;
    // What HEAD has here and the index does not: deletions (a file that
    // became a directory, or the other way round, included).
    std::sort(files.begin(), files.end());
    std::sort(dirs.begin(), dirs.end());
    size_t n = git_tree_entrycount(head);
    for (size_t k = 0; k < n; k++) {
      const git_tree_entry* old = git_tree_entry_byindex(head, k);
      const bool is_dir = git_tree_entry_type(old) == GIT_OBJECT_TREE;
      const std::vector<std::string>& kept = is_dir ? dirs : files;
      if (std::binary_search(kept.begin(), kept.end(),
                             git_tree_entry_name(old))) {
        continue;
      }
      if (is_dir) {
        Tree gone = Subtree(head, git_tree_entry_name(old));
        if (!gone ||
            !AllFiles(prefix + git_tree_entry_name(old) + "/", gone.get())) {
          return false;
        }
      } else if (!Add(prefix + git_tree_entry_name(old))) {
        return false;
      }
    }
    return true;
  }

 private:
  bool Add(std::string path) {
    if (paths_->size() == kMaxPaths) return false;
    paths_->push_back(std::move(path));
    return true;
  }

  // HEAD's subtree `name` of `head`; null when there is none.
  Tree Subtree(git_tree* head, const std::string& name) {
    if (!head) return nullptr;
    const git_tree_entry* e = git_tree_entry_byname(head, name.c_str());
    git_tree* raw = nullptr;
    if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE ||
        git_tree_lookup(&raw, repo_, git_tree_entry_id(e)) != 0) {
      return nullptr;
    }
    return Tree(raw);
  }

  // Every file below `tree`, a directory the index no longer has.
  bool AllFiles(const std::string& prefix, git_tree* tree) {
    size_t n = git_tree_entrycount(tree);
    for (size_t k = 0; k < n; k++) {
      const git_tree_entry* e = git_tree_entry_byindex(tree, k);
      std::string path = prefix + git_tree_entry_name(e);
      if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
        Tree sub = Subtree(tree, git_tree_entry_name(e));
        if (!sub || !AllFiles(path + "/", sub.get())) return false;
      } else if (!Add(std::move(path))) {
        return false;
      }
    }
    return true;
  }

  git_repository* repo_;
  git_index* index_;
  std::vector<std::string>* paths_;
};

}  // namespace

bool ReadCacheTree(std::string_view file, CacheTreeNode* root) {
  if (file.size() < 12 + kOidBytes || file.substr(0, 4) != "DIRC") {
    return false;
  }
  uint32_t version = Be32(file.data() + 4);
  uint32_t count = Be32(file.data() + 8);
  if (version != 2 && version != 3) return false;  // v4 compresses paths
  const size_t end = file.size() - kOidBytes;      // the trailing checksum
  size_t at = 12;
  for (uint32_t i = 0; i < count; i++) {
    if (end - at < kEntryFixedBytes + 1) return false;
    uint16_t flags = Be16(file.data() + at + kEntryFixedBytes - 2);
    // An extended entry (version 3) has 2 more flag bytes before its path.
    size_t path_at = at + kEntryFixedBytes + ((flags & 0x4000) ? 2 : 0);
    size_t nul = file.find('\0', path_at);
    if (nul == std::string_view::npos || nul >= end) return false;
    // Entries are padded with 1-8 NULs to a multiple of 8 bytes.
    at += (nul - at + 8) & ~size_t{7};
    if (at > end) return false;
  }
  while (end - at >= 8) {
    std::string_view sig = file.substr(at, 4);
    size_t size = Be32(file.data() + at + 4);
    at += 8;
    if (size > end - at) return false;
    if (sig == "TREE") {
      size_t pos = 0;
      std::string_view ext = file.substr(at, size);
      return ParseNode(ext, &pos, 0, root) && pos == ext.size() &&
             root->name.empty();
    }
    // A split or sparse index lists only some of its entries here.
    if (sig == "link" || sig == "sdir") return false;
    at += size;
  }
  return false;
}

bool StagedCandidatePaths(git_repository* repo, git_index* index,
                          git_tree* head, std::vector<std::string>* paths) {
  paths->clear();
  if (git_index_caps(index) & GIT_INDEX_CAPABILITY_IGNORE_CASE) {
    return false;  // entries sorted without case: runs are not contiguous
  }
  const char* path = git_index_path(index);
  if (!path) return false;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::string file(in ? static_cast<size_t>(in.tellg()) : 0, '\0');
  if (!in.seekg(0).read(file.data(),
                        static_cast<std::streamsize>(file.size()))) {
    return false;
  }
  // The file must be the one libgit2 read (the same checksum).
  const git_oid* sum = git_index_checksum(index);
  if (!sum || file.size() < kOidBytes ||
      std::memcmp(file.data() + file.size() - kOidBytes, sum->id, kOidBytes)) {
    return false;
  }
  CacheTreeNode root;
  if (!ReadCacheTree(file, &root)) return false;
  Comparer compare(repo, index, paths);
  if (!compare.Dir("", &root, head, 0, git_index_entrycount(index))) {
    return false;
  }
  // A conflicted path has an entry per stage.
  std::sort(paths->begin(), paths->end());
  paths->erase(std::unique(paths->begin(), paths->end()), paths->end());
  return true;
}

}  // namespace keyward::git

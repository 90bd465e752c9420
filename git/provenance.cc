#include "git/provenance.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "keyward/rules.h"

namespace keyward::git {

void TreeGraph::Edges(uint32_t n, std::vector<uint32_t>* trees,
                      std::vector<uint32_t>* blobs) const {
  trees->clear();
  blobs->clear();
  if (n >= packed.size()) {
    const Node& x = read[n - packed.size()];
    if (x.slice == TreeRun::kUnreadable) return;
    NumberRun t = own_edges.Run(x.begin, x.mid),
              b = own_edges.Run(x.mid, x.end);
    trees->assign(t.begin(), t.end());
    blobs->assign(b.begin(), b.end());
    return;
  }
  TreeStore::Entries e;
  if (packed.Get(n, &e) != TreeStore::kFound) return;
  // As the walk numbered them (enumerate.cc): a subtree is its record,
  // else the tree read in its place; a blob has the index it was given.
  for (uint32_t t : e.trees) {
    uint32_t node = packed.TreeOf(t);
    if (node == TreeStore::kNoTree) node = read_of_number.Find(t);
    if (node != OffsetMap::kAbsent) trees->push_back(node);
  }
  for (uint32_t b : e.blobs) {
    if (b < blob_of_number.size() && blob_of_number[b] != kAbsent) {
      blobs->push_back(blob_of_number[b]);
    }
  }
}

std::vector<uint32_t> TreeGraph::TreeEdges(uint32_t n) const {
  std::vector<uint32_t> trees, blobs;
  Edges(n, &trees, &blobs);
  return trees;
}

std::vector<uint32_t> TreeGraph::BlobEdges(uint32_t n) const {
  std::vector<uint32_t> trees, blobs;
  Edges(n, &trees, &blobs);
  return blobs;
}

TreeIndex::TreeIndex(git_repository* repo, const std::vector<git_oid>& targets,
                     std::function<void(const std::string&)> warn,
                     const TreeGraph* graph,
                     const std::vector<uint32_t>& target_blobs)
    : repo_(repo), warn_(std::move(warn)), graph_(graph) {
  for (uint32_t i = 0; i < targets.size(); ++i) {
    target_index_.emplace(targets[i], i);
  }
  if (graph_) {
    // By blob index: looked up once per blob entry of every tree (millions).
    uint32_t max_blob = 0;
    for (uint32_t b : target_blobs) max_blob = std::max(max_blob, b);
    target_of_blob_.assign(target_blobs.empty() ? 0 : max_blob + 1, kNoTarget);
    for (uint32_t i = 0; i < target_blobs.size(); ++i) {
      target_of_blob_[target_blobs[i]] = i;
    }
    node_set_.assign(graph_->node_count(), kNotDone);
  }
}

const std::vector<uint32_t>& TreeIndex::NodeTargets(uint32_t node) {
  if (node_set_[node] != kNotDone) return node_sets_[node_set_[node]];
  std::vector<uint32_t> contained, subtrees, blobs;
  graph_->Edges(node, &subtrees, &blobs);
  for (uint32_t b : blobs) {
    if (b < target_of_blob_.size() && target_of_blob_[b] != kNoTarget) {
      contained.push_back(target_of_blob_[b]);
    }
  }
  for (uint32_t child : subtrees) {
    const std::vector<uint32_t>& sub = NodeTargets(child);
    contained.insert(contained.end(), sub.begin(), sub.end());
  }
  std::sort(contained.begin(), contained.end());
  contained.erase(std::unique(contained.begin(), contained.end()),
                  contained.end());
  if (contained.empty()) {
    node_set_[node] = 0;  // node_sets_[0] is the empty set
  } else {
    node_set_[node] = static_cast<uint32_t>(node_sets_.size());
    node_sets_.push_back(std::move(contained));
  }
  return node_sets_[node_set_[node]];
}

const std::vector<uint32_t>& TreeIndex::TargetsIn(const git_oid& tree_id,
                                                  uint32_t node) {
  if (graph_ && node != TreeGraph::kAbsent) return NodeTargets(node);
  auto it = memo_.find(tree_id);
  if (it != memo_.end()) return it->second;
  std::vector<uint32_t> contained;
  git_tree* raw = nullptr;
  if (git_tree_lookup(&raw, repo_, &tree_id) != 0) {
    warn_("git tree " + OidHex(tree_id) + ": " + LastError() + " (skipped)");
  } else {
    Tree tree(raw);
    size_t n = git_tree_entrycount(raw);
    for (size_t i = 0; i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(raw, i);
      const git_oid* id = git_tree_entry_id(e);
      switch (git_tree_entry_type(e)) {
        case GIT_OBJECT_BLOB: {
          auto t = target_index_.find(*id);
          if (t != target_index_.end()) contained.push_back(t->second);
          break;
        }
        case GIT_OBJECT_TREE: {
          // Copy: the recursive call may insert into memo_ (node-based, so
          // references survive, but the copy keeps this obviously safe).
          std::vector<uint32_t> sub = TargetsIn(*id);
          contained.insert(contained.end(), sub.begin(), sub.end());
          break;
        }
        default:  // submodule commits live in another repository
          break;
      }
    }
    std::sort(contained.begin(), contained.end());
    contained.erase(std::unique(contained.begin(), contained.end()),
                    contained.end());
  }
  return memo_.emplace(tree_id, std::move(contained)).first->second;
}

std::string TreeIndex::PathIn(const git_oid& tree_id, uint32_t t,
                              uint32_t node) {
  git_tree* raw = nullptr;
  if (git_tree_lookup(&raw, repo_, &tree_id) != 0) return "";
  Tree tree(raw);
  size_t n = git_tree_entrycount(raw);
  // A subtree's node is its place among the node's subtree edges, which
  // list the tree's subtree entries in order. Should the two disagree (the
  // graph read another tree than libgit2 does), the subtrees are read.
  std::vector<uint32_t> subtrees;
  if (graph_ && node != TreeGraph::kAbsent) {
    size_t entries = 0;
    for (size_t i = 0; i < n; ++i) {
      entries += git_tree_entry_type(git_tree_entry_byindex(raw, i)) ==
                 GIT_OBJECT_TREE;
    }
    subtrees = graph_->TreeEdges(node);
    if (subtrees.size() != entries) subtrees.clear();
  }
  uint32_t k = 0;  // subtree entries so far
  for (size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(raw, i);
    const git_oid* id = git_tree_entry_id(e);
    if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
      auto it = target_index_.find(*id);
      if (it != target_index_.end() && it->second == t) {
        return git_tree_entry_name(e);
      }
    } else if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
      uint32_t child = k < subtrees.size() ? subtrees[k] : TreeGraph::kAbsent;
      ++k;
      const auto& sub = TargetsIn(*id, child);
      if (std::binary_search(sub.begin(), sub.end(), t)) {
        return std::string(git_tree_entry_name(e)) + "/" +
               PathIn(*id, t, child);
      }
    }
  }
  return "";
}

std::vector<BlobProvenance> LocateBlobs(
    git_repository* repo, const std::vector<CommitRef>& commits,
    const std::vector<git_oid>& targets,
    std::function<void(const std::string&)> warn, const TreeGraph* graph,
    const std::vector<uint32_t>& target_blobs) {
  std::vector<BlobProvenance> out(targets.size());
  if (targets.empty()) return out;
  TreeIndex index(repo, targets, std::move(warn), graph, target_blobs);
  for (size_t c = 0; c < commits.size(); ++c) {
    const uint32_t root = graph != nullptr && c < graph->roots.size()
                              ? graph->roots[c]
                              : TreeGraph::kAbsent;
    // A copy: PathIn may add sets, moving the one returned.
    const std::vector<uint32_t> in = index.TargetsIn(commits[c].tree, root);
    for (uint32_t t : in) {
      BlobProvenance& p = out[t];
      ++p.commit_count;
      if (p.first_commit == SIZE_MAX) {
        p.first_commit = c;
        p.path = index.PathIn(commits[c].tree, t, root);
      }
    }
  }
  return out;
}

}  // namespace keyward::git

namespace keyward::git {

std::vector<Finding> AttachProvenance(
    git_repository* repo, const std::vector<CommitRef>& commits,
    const std::vector<git_oid>& blobs, std::vector<BlobFinding> found,
    std::function<void(const std::string&)> warn, const TreeGraph* graph) {
  std::unordered_map<size_t, uint32_t> target_of_blob;
  std::vector<git_oid> targets;
  std::vector<uint32_t> target_blobs;
  for (const BlobFinding& bf : found) {
    if (target_of_blob.emplace(bf.blob, targets.size()).second) {
      targets.push_back(blobs[bf.blob]);
      target_blobs.push_back(static_cast<uint32_t>(bf.blob));
    }
  }
  std::vector<BlobProvenance> prov =
      LocateBlobs(repo, commits, targets, std::move(warn), graph, target_blobs);
  std::unordered_map<size_t, CommitInfo> infos;  // by commit index
  std::vector<Finding> out;
  out.reserve(found.size());
  for (BlobFinding& bf : found) {
    const BlobProvenance& p = prov[target_of_blob[bf.blob]];
    Finding f = std::move(bf.finding);
    GitProvenance g;
    g.blob = OidHex(blobs[bf.blob]);
    g.commit_count = p.commit_count;
    // An archive entry's finding is at "<blob id>!entry": the entry stays.
    std::string_view entry = f.path;
    entry = entry.substr(0, g.blob.size()) == g.blob
                ? entry.substr(g.blob.size())
                : std::string_view();
    f.path = (p.path.empty() ? g.blob : p.path) + std::string(entry);
    if (p.first_commit != SIZE_MAX) {
      const git_oid& c = commits[p.first_commit].commit;
      auto it = infos.find(p.first_commit);
      if (it == infos.end()) {
        it = infos.emplace(p.first_commit, ReadCommitInfo(repo, c)).first;
      }
      g.commit = OidHex(c);
      g.author = it->second.author;
      g.email = it->second.email;
      g.date = it->second.date;
    }
    f.git = std::move(g);
    out.push_back(std::move(f));
  }
  return out;
}

void DropOutOfScope(const std::vector<Rule>& rules,
                    std::vector<Finding>* findings) {
  std::unordered_map<std::string_view, const Rule*> scoped;
  for (const Rule& r : rules) {
    if (!r.paths.empty()) scoped[r.id] = &r;
  }
  if (scoped.empty()) return;
  std::erase_if(*findings, [&](const Finding& f) {
    auto it = scoped.find(f.rule_id);
    return it != scoped.end() && !RulePathMatches(*it->second, f.path);
  });
}

}  // namespace keyward::git

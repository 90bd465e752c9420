// The index's cache tree (git/staged_paths.h): read from what git writes,
// and the path list it gives makes libgit2's diff report exactly the deltas
// of the whole diff, for every kind of staged change, while reading only the
// changed directories.
#include "git/staged_paths.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "git/repo.h"
#include "support/git_fixture.h"

namespace keyward::test {
namespace {

using git::CacheTreeNode;

class StagedPathsTest : public GitFixture {
 protected:
  // A tree of 3 levels: 4 top directories of 3 subdirectories of 5 files.
  void CommitTree() {
    Init();
    for (const char* top : {"app", "docs", "lib", "tools"}) {
      for (int sub = 0; sub < 3; sub++) {
        for (int f = 0; f < 5; f++) {
          Write(std::string(top) + "/d" + std::to_string(sub) + "/f" +
                    std::to_string(f) + ".txt",
                std::string(top) + " " + std::to_string(sub * 10 + f) + "\n");
        }
      }
    }
    Write("README", "top\n");
    CommitAll("tree");
  }

  struct Opened {
    git::Repo repo;
    git::Index index;
    git::Tree head;
  };
  Opened Open() {
    auto repo = git::OpenRepo(dir_.path());
    EXPECT_TRUE(repo.ok());
    Opened o{std::move(*repo), nullptr, nullptr};
    git_index* index = nullptr;
    EXPECT_EQ(git_repository_index(&index, o.repo.get()), 0);
    o.index.reset(index);
    git_object* tree = nullptr;
    if (git_revparse_single(&tree, o.repo.get(), "HEAD^{tree}") == 0) {
      o.head.reset(reinterpret_cast<git_tree*>(tree));
    }
    return o;
  }

  // "status old -> new" per delta, renames paired, as ScanGitStaged sees.
  // With `must_list`, each delta's paths must be in it, by name (not
  // merely under a listed directory).
  static std::vector<std::string> Deltas(
      Opened& o, const std::vector<std::string>* only,
      const std::vector<std::string>* must_list) {
    git_diff_options opts;
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    opts.flags = GIT_DIFF_IGNORE_SUBMODULES;
    std::vector<std::string> copy;
    std::vector<char*> spec;
    if (only) {
      copy = *only;
      for (std::string& p : copy) spec.push_back(p.data());
      opts.pathspec = {spec.data(), spec.size()};
      opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
    }
    git_diff* raw = nullptr;
    EXPECT_EQ(git_diff_tree_to_index(&raw, o.repo.get(), o.head.get(),
                                     o.index.get(), &opts),
              0);
    git::Diff diff(raw);
    git_diff_find_options find;
    git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
    find.flags = GIT_DIFF_FIND_RENAMES;
    EXPECT_EQ(git_diff_find_similar(raw, &find), 0);
    std::vector<std::string> out;
    for (size_t i = 0; i < git_diff_num_deltas(raw); i++) {
      const git_diff_delta* d = git_diff_get_delta(raw, i);
      for (const char* p : {d->old_file.path, d->new_file.path}) {
        if (must_list && d->status != GIT_DELTA_UNMODIFIED) {
          EXPECT_TRUE(std::binary_search(must_list->begin(), must_list->end(),
                                         std::string(p)))
              << p << " is not in the path list";
        }
      }
      out.push_back(std::to_string(d->status) + " " + d->old_file.path +
                    " -> " + d->new_file.path + " " +
                    std::to_string(d->new_file.mode));
    }
    return out;
  }

  // The shortcut applies, names at most `max_paths` paths, and the diff it
  // limits equals the whole diff (which is not empty).
  void ExpectSameDeltas(size_t max_paths) {
    Opened o = Open();
    std::vector<std::string> paths;
    ASSERT_TRUE(git::StagedCandidatePaths(o.repo.get(), o.index.get(),
                                          o.head.get(), &paths));
    EXPECT_LE(paths.size(), max_paths);
    std::vector<std::string> whole = Deltas(o, nullptr, &paths);
    EXPECT_FALSE(whole.empty());
    EXPECT_EQ(Deltas(o, &paths, nullptr), whole);
  }
};

TEST_F(StagedPathsTest, CacheTreeAfterACommitIsHeadsTree) {
  CommitTree();
  std::string index = ReadFile(dir_.path() + "/.git/index");
  CacheTreeNode root;
  ASSERT_TRUE(git::ReadCacheTree(index, &root));
  EXPECT_TRUE(root.valid);
  EXPECT_EQ(git::OidHex(root.oid), Rev("HEAD^{tree}"));
  ASSERT_EQ(root.children.size(), 4u);
  for (const CacheTreeNode& top : root.children) {
    EXPECT_TRUE(top.valid) << top.name;
    EXPECT_EQ(git::OidHex(top.oid), Rev("HEAD:" + top.name)) << top.name;
    EXPECT_EQ(top.children.size(), 3u);
  }
  // Nothing staged: no path to compare, no tree below the root read.
  Opened o = Open();
  std::vector<std::string> paths = {"stale"};
  ASSERT_TRUE(git::StagedCandidatePaths(o.repo.get(), o.index.get(),
                                        o.head.get(), &paths));
  EXPECT_TRUE(paths.empty());

  // `git add` invalidates the directories above what it changed, only.
  Write("lib/d1/f2.txt", "changed\n");
  Git({"add", "lib/d1/f2.txt"});
  ASSERT_TRUE(git::ReadCacheTree(ReadFile(dir_.path() + "/.git/index"), &root));
  EXPECT_FALSE(root.valid);
  for (const CacheTreeNode& top : root.children) {
    EXPECT_EQ(top.valid, top.name != "lib") << top.name;
  }
  o = Open();
  ASSERT_TRUE(git::StagedCandidatePaths(o.repo.get(), o.index.get(),
                                        o.head.get(), &paths));
  EXPECT_EQ(paths, (std::vector<std::string>{"lib/d1/f2.txt"}));
}

TEST_F(StagedPathsTest, EveryKindOfChangeGivesTheWholeDiffsDeltas) {
  CommitTree();
  Write("app/d0/f1.txt", "modified\n");                   // modified
  Write("app/new/deep/n.txt", "in a new directory\n");    // added, new dirs
  Write("README2", "beside the root file\n");             // added at the root
  Git({"rm", "-q", "docs/d2/f4.txt"});                    // deleted
  Git({"rm", "-q", "-r", "tools/d1"});                    // directory deleted
  Git({"mv", "lib/d0/f3.txt", "lib/d2/moved.txt"});       // renamed
  Git({"update-index", "--chmod=+x", "docs/d0/f0.txt"});  // mode changed
  Git({"rm", "-q", "--cached", "app/d2/f0.txt"});         // file -> directory
  std::filesystem::remove(dir_.path() + "/app/d2/f0.txt");
  Write("app/d2/f0.txt/inner.txt", "was a file\n");
  Git({"add", "-A"});
  // A gitlink (submodule entry) added by id.
  Git({"update-index", "--add", "--cacheinfo",
       "160000," + Rev("HEAD") + ",vendor/sub"});
  ExpectSameDeltas(/*max_paths=*/20);
}

TEST_F(StagedPathsTest, DirectoryReplacedByAFileAndRenamesAcrossDirs) {
  CommitTree();
  Git({"rm", "-q", "-r", "--cached", "tools/d2"});
  std::filesystem::remove_all(dir_.path() + "/tools/d2");
  Write("tools/d2", "now a file\n");
  Git({"mv", "docs/d1", "app/docs-d1"});
  Git({"add", "-A"});
  ExpectSameDeltas(/*max_paths=*/20);
}

TEST_F(StagedPathsTest, FallsBackWhereTheIndexIsNotOneItReads) {
  CommitTree();
  Write("lib/d0/f0.txt", "changed\n");
  Git({"add", "-A"});
  std::string v2 = ReadFile(dir_.path() + "/.git/index");
  CacheTreeNode root;
  ASSERT_TRUE(git::ReadCacheTree(v2, &root));
  // Truncated or corrupted bytes are refused, not misread.
  for (size_t cut : {v2.size() / 2, v2.size() - 30, size_t{40}}) {
    EXPECT_FALSE(git::ReadCacheTree(v2.substr(0, cut), &root)) << cut;
  }
  std::string bad = v2;
  bad[4 + 3] = 9;  // version 9
  EXPECT_FALSE(git::ReadCacheTree(bad, &root));
  // Version 4 compresses paths: not read; the caller diffs everything.
  Git({"update-index", "--index-version", "4"});
  EXPECT_FALSE(
      git::ReadCacheTree(ReadFile(dir_.path() + "/.git/index"), &root));
  Opened o = Open();
  std::vector<std::string> paths;
  EXPECT_FALSE(git::StagedCandidatePaths(o.repo.get(), o.index.get(),
                                         o.head.get(), &paths));
  // ... and the scan still works.
  Write("lib/d0/f1.env", "T=" + FakeGithubToken(51) + "\n");
  Git({"add", "-A"});
  EXPECT_EQ(Secrets(Staged()), (std::vector<std::string>{FakeGithubToken(51)}));
}

TEST_F(StagedPathsTest, StagedScanFindsOnlyTheChangedDirectoriesSecrets) {
  CommitTree();
  Write("app/d1/old.env", "T=" + FakeGithubToken(52) + "\n");
  CommitAll("an old secret");
  Write("lib/d2/new.env", "T=" + FakeGithubToken(53) + "\n");
  Git({"add", "-A"});
  EXPECT_EQ(Secrets(Staged()), (std::vector<std::string>{FakeGithubToken(53)}));
  // Nothing staged after the commit: nothing scanned.
  CommitAll("new");
  ScanResult r = Staged();
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.stats.files, 0u);
}

}  // namespace
}  // namespace keyward::test

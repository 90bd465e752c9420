// ScanGitHistory against real repositories built with the git CLI.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "support/git_fixture.h"

namespace keyward::test {
namespace {

class GitHistoryTest : public GitFixture {};

TEST_F(GitHistoryTest, EmptyRepositoryHasNothingAndNoWarnings) {
  Init();
  ScanResult r = History();
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.stats.files, 0u);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(GitHistoryTest, SecretAddedThenDeletedIsFoundWithProvenance) {
  Init();
  const std::string token = FakeGithubToken(1);
  Write("README.md", "hello\n");
  std::string first = CommitAll("readme");
  Write("config/app.env", "A=1\nGITHUB_TOKEN=" + token + "\n");
  std::string leak = CommitAll("add config");
  CommitAll("unrelated");
  std::filesystem::remove(dir_.path() + "/config/app.env");
  CommitAll("remove config");

  ScanResult r = History();
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.secret, token);
  EXPECT_EQ(f.path, "config/app.env");
  EXPECT_EQ(f.line, 2);
  ASSERT_TRUE(f.git.has_value());
  EXPECT_EQ(f.git->commit, leak);
  EXPECT_NE(f.git->commit, first);
  EXPECT_EQ(f.git->author, "Ada Tester");
  EXPECT_EQ(f.git->email, "ada@example.test");
  EXPECT_EQ(f.git->date, "2024-01-11T12:00:00Z");
  // Present in "add config" and "unrelated", gone in "remove config".
  EXPECT_EQ(f.git->commit_count, 2);
  EXPECT_EQ(f.git->blob, Rev(leak + ":config/app.env"));
}

// Provenance finds a subtree by its place among its parent's subtrees (the
// graph keeps no tree ids): a secret deep under the last of several
// sibling directories, beside files and a submodule entry that are not
// subtrees, with the trees packed and some loose on top, gets its path.
TEST_F(GitHistoryTest, DeepPathAmongSiblingSubtreesIsFoundInPackedTrees) {
  Init();
  const std::string token = FakeGithubToken(7);
  for (const char* d : {"a", "b/one", "b/two", "c"}) {
    Write(std::string(d) + "/x/readme.txt", std::string("dir ") + d + "\n");
    Write(std::string(d) + "/file.txt", "plain\n");
  }
  Git({"update-index", "--add", "--cacheinfo",
       "160000,1234567890123456789012345678901234567890,b/lib"});
  CommitAll("layout");
  Write("b/two/x/y/deploy.env", "GITHUB_TOKEN=" + token + "\n");
  std::string leak = CommitAll("deploy settings");
  Write("b/one/x/readme.txt", "edited\n");
  CommitAll("edit");
  Git({"repack", "-adfq"});
  Write("c/x/readme.txt", "loose edit\n");
  CommitAll("loose");

  ScanResult r = History();
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.path, "b/two/x/y/deploy.env");
  ASSERT_TRUE(f.git.has_value());
  EXPECT_EQ(f.git->commit, leak);
  EXPECT_EQ(f.git->commit_count, 3);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(GitHistoryTest, BlobSharedByManyCommitsAndPathsIsScannedOnce) {
  Init();
  const std::string token = FakeGithubToken(2);
  Write("a/secret.txt", "token=" + token + "\n");
  std::string leak = CommitAll("leak");
  for (int i = 0; i < 5; ++i) {
    Write("counter.txt", std::to_string(i) + "\n");
    CommitAll("bump " + std::to_string(i));
  }
  std::filesystem::create_directories(dir_.path() + "/b");
  Git({"mv", "a/secret.txt", "b/renamed.txt"});
  CommitAll("rename");
  Write("c/copy.txt", "token=" + token + "\n");  // same bytes, same blob
  CommitAll("copy");

  ScanResult r = History();
  ASSERT_EQ(r.findings.size(), 1u) << "one blob, one finding";
  EXPECT_EQ(r.findings[0].path, "a/secret.txt");
  EXPECT_EQ(r.findings[0].git->commit, leak);
  EXPECT_EQ(r.findings[0].git->commit_count, 8);
  // Blobs: secret, six counter versions (0..4 are 5) -> 1 + 5.
  EXPECT_EQ(r.stats.files, 6u);
}

TEST_F(GitHistoryTest, RenamedWithEditIsANewBlobAtTheNewPath) {
  Init();
  const std::string token = FakeGithubToken(3);
  Write("old.cfg", "key=" + token + "\n");
  CommitAll("add");
  Git({"mv", "old.cfg", "new.cfg"});
  Write("new.cfg", "# moved\nkey=" + token + "\n");
  std::string moved = CommitAll("move and edit");

  ScanResult r = History();
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].path, "new.cfg");
  EXPECT_EQ(r.findings[0].line, 2);
  EXPECT_EQ(r.findings[0].git->commit, moved);
  EXPECT_EQ(r.findings[1].path, "old.cfg");
  EXPECT_EQ(r.findings[0].fingerprint, r.findings[1].fingerprint);
}

TEST_F(GitHistoryTest, SecretsOnTwoBranchesAndInAMergeCommit) {
  Init();
  Write("base.txt", "base\n");
  CommitAll("base");
  Git({"checkout", "-q", "-b", "feature"});
  Write("feature.txt", "t=" + FakeGithubToken(4) + "\n");
  CommitAll("feature leak");
  Git({"checkout", "-q", "main"});
  Write("main.txt", "t=" + FakeGithubToken(5) + "\n");
  CommitAll("main leak");
  // The merge resolves with a file that exists only in the merge commit.
  Git({"merge", "-q", "--no-commit", "--no-ff", "feature"});
  Write("merge.txt", "t=" + FakeGithubToken(6) + "\n");
  Git({"add", "merge.txt"});
  Git({"commit", "-q", "-m", "merge"});
  std::string merge = Rev("HEAD");

  ScanResult r = History();
  std::vector<std::string> paths;
  for (const auto& f : r.findings) paths.push_back(f.path);
  EXPECT_EQ(paths,
            (std::vector<std::string>{"feature.txt", "main.txt", "merge.txt"}));
  EXPECT_EQ(r.findings[2].git->commit, merge);
  EXPECT_EQ(r.findings[2].secret, FakeGithubToken(6));
}

TEST_F(GitHistoryTest, UnreachableCommitOnlyWithAllObjects) {
  Init();
  Write("a.txt", "clean\n");
  CommitAll("clean");
  Write("lost.txt", "t=" + FakeGithubToken(7) + "\n");
  std::string lost = CommitAll("soon unreachable");
  Git({"reset", "-q", "--hard", "HEAD~1"});
  Git({"reflog", "expire", "--expire=now", "--all"});

  EXPECT_TRUE(History().findings.empty());
  ScanResult all = History(/*all_objects=*/true);
  ASSERT_EQ(all.findings.size(), 1u);
  EXPECT_EQ(all.findings[0].path, "lost.txt");
  EXPECT_EQ(all.findings[0].git->commit, lost);
}

// Commits no ref reaches are walked after the refs' history, from
// themselves alone (ListCommitsBeyond): a chain of them is found parent
// first, and a broken ref is reported once, not again by a second walk.
TEST_F(GitHistoryTest, UnreachableCommitChainWithAllObjects) {
  Init();
  Write("a.txt", "clean\n");
  CommitAll("clean");
  Write("lost1.txt", "t=" + FakeGithubToken(27) + "\n");
  std::string first = CommitAll("soon unreachable");
  Write("lost2.txt", "t=" + FakeGithubToken(28) + "\n");
  std::string second = CommitAll("soon unreachable too");
  Git({"reset", "-q", "--hard", "HEAD~2"});
  Git({"reflog", "expire", "--expire=now", "--all"});
  Write(".git/refs/heads/broken", std::string(40, 'e') + "\n");

  ScanResult all = History(/*all_objects=*/true);
  ASSERT_EQ(all.findings.size(), 2u);
  std::map<std::string, std::string> commit_of;
  for (const Finding& f : all.findings) commit_of[f.path] = f.git->commit;
  EXPECT_EQ(commit_of["lost1.txt"], first);
  EXPECT_EQ(commit_of["lost2.txt"], second);
  size_t broken = 0;
  for (const std::string& w : warnings_) {
    broken += w.find("refs/heads/broken") != std::string::npos;
  }
  EXPECT_EQ(broken, 1u);
  EXPECT_EQ(all.stats.unreadable, 1u);
}

// A repository of many objects plans its packs after the revision walk
// (GitHistoryOptions::plan_after_walk_objects); the results are the same
// either way, with and without --all-objects (and the scan ends: the plan
// waits for the walk, the walk's caller for the plan).
TEST_F(GitHistoryTest, PlanAfterTheWalkGivesTheSameResults) {
  Init();
  Write("a.txt", "t=" + FakeGithubToken(29) + "\n");
  CommitAll("one");
  Git({"repack", "-adq"});
  Write("b.txt", "t=" + FakeGithubToken(30) + "\n");
  CommitAll("two");
  Write("lost.txt", "t=" + FakeGithubToken(31) + "\n");
  CommitAll("soon unreachable");
  Git({"reset", "-q", "--hard", "HEAD~1"});
  Git({"reflog", "expire", "--expire=now", "--all"});
  Git({"repack", "-adq", "--keep-unreachable"});
  Git({"repack", "-adq", "--keep-unreachable"});
  for (bool all_objects : {false, true}) {
    ScanResult beside = History(all_objects);
    ScanResult after = History(all_objects, /*plan_after_walk_objects=*/0);
    ASSERT_EQ(beside.findings.size(), all_objects ? 3u : 2u);
    ASSERT_EQ(after.findings.size(), beside.findings.size());
    for (size_t i = 0; i < after.findings.size(); ++i) {
      EXPECT_EQ(after.findings[i].path, beside.findings[i].path);
      EXPECT_EQ(after.findings[i].git->commit, beside.findings[i].git->commit);
    }
    EXPECT_EQ(after.stats.files, beside.stats.files);
  }
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(GitHistoryTest, DanglingBlobWithAllObjectsIsNamedById) {
  Init();
  Write("a.txt", "clean\n");
  CommitAll("clean");
  std::string blob =
      Git({"hash-object", "-w", "--stdin"}, "t=" + FakeGithubToken(8) + "\n")
          .out.substr(0, 40);
  EXPECT_TRUE(History().findings.empty());
  ScanResult all = History(true);
  ASSERT_EQ(all.findings.size(), 1u);
  EXPECT_EQ(all.findings[0].path, blob);
  EXPECT_EQ(all.findings[0].git->blob, blob);
  EXPECT_TRUE(all.findings[0].git->commit.empty());
}

// --all-objects lists packed objects by number (ListAllObjects): a packed
// blob no tree holds is found once, named by its id, beside a loose one and
// one that is both packed and loose.
TEST_F(GitHistoryTest, PackedDanglingBlobsWithAllObjectsAreNamedById) {
  Init();
  Write("a.txt", "clean\n");
  CommitAll("clean");
  auto hash = [this](const std::string& text) {
    return Git({"hash-object", "-w", "--stdin"}, text).out.substr(0, 40);
  };
  std::string packed = hash("t=" + FakeGithubToken(23) + "\n");
  std::string both = hash("t=" + FakeGithubToken(24) + "\n");
  // `both` stays loose too: its file is put back after the repack.
  const std::filesystem::path both_file =
      dir_.path() + "/.git/objects/" + both.substr(0, 2) + "/" + both.substr(2);
  const std::filesystem::path kept = dir_.path() + "/both-object";
  std::filesystem::copy_file(both_file, kept);
  // The second run packs the loose unreachable blobs the first left.
  Git({"repack", "-adq", "--keep-unreachable"});
  Git({"repack", "-adq", "--keep-unreachable"});
  Git({"prune-packed"});
  std::filesystem::create_directories(both_file.parent_path());
  std::filesystem::copy_file(kept, both_file,
                             std::filesystem::copy_options::overwrite_existing);
  std::string loose = hash("t=" + FakeGithubToken(25) + "\n");
  ASSERT_EQ(Git({"count-objects", "-v"}).out.find("count: 2\n"), 0u);
  std::string index;
  for (const auto& e : std::filesystem::directory_iterator(
           dir_.path() + "/.git/objects/pack")) {
    if (e.path().extension() != ".idx") continue;
    std::ifstream in(e.path(), std::ios::binary);
    index +=
        Git({"show-index"}, std::string(std::istreambuf_iterator<char>(in), {}))
            .out;
  }
  EXPECT_NE(index.find(packed), std::string::npos);
  EXPECT_NE(index.find(both), std::string::npos);
  EXPECT_EQ(index.find(loose), std::string::npos);

  EXPECT_TRUE(History().findings.empty());
  ScanResult all = History(/*all_objects=*/true);
  std::vector<std::string> blobs;
  for (const Finding& f : all.findings) {
    EXPECT_EQ(f.path, f.git->blob);
    EXPECT_TRUE(f.git->commit.empty());
    blobs.push_back(f.git->blob);
  }
  std::sort(blobs.begin(), blobs.end());
  std::vector<std::string> expected{packed, both, loose};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(blobs, expected);
  EXPECT_EQ(all.stats.files, 4u);  // a.txt and the three blobs, each once
  EXPECT_TRUE(warnings_.empty());
}

// Objects of an alternate object store (clone --shared) are the
// repository's too: with alternates, --all-objects lists the whole object
// database through libgit2, not only the loose objects beside the packs.
TEST_F(GitHistoryTest, DanglingBlobOfAnAlternateWithAllObjects) {
  TempDir other;
  Git({"init", "-q", "--bare", other.path()});
  std::string blob =
      Git({"--git-dir=" + other.path(), "hash-object", "-w", "--stdin"},
          "t=" + FakeGithubToken(26) + "\n")
          .out.substr(0, 40);
  Init();
  Write("a.txt", "clean\n");
  CommitAll("clean");
  Git({"repack", "-adq"});
  std::ofstream(dir_.path() + "/.git/objects/info/alternates")
      << other.path() << "/objects\n";

  EXPECT_TRUE(History().findings.empty());
  ScanResult all = History(/*all_objects=*/true);
  ASSERT_EQ(all.findings.size(), 1u);
  EXPECT_EQ(all.findings[0].git->blob, blob);
  EXPECT_TRUE(warnings_.empty());
}

// Packed blobs are scanned before the walk knows which ones are reachable:
// one no ref reaches must still be left out (and out of the stats) unless
// --all-objects, and a reachable one reported once.
TEST_F(GitHistoryTest, PackedUnreachableBlobOnlyWithAllObjects) {
  Init();
  Write("a.txt", "clean\n");
  Write("kept.txt", "t=" + FakeGithubToken(21) + "\n");
  CommitAll("clean and one leak");
  Write("lost.txt", "t=" + FakeGithubToken(22) + "\n");
  std::string lost = CommitAll("soon unreachable");
  Git({"reset", "-q", "--hard", "HEAD~1"});
  Git({"reflog", "expire", "--expire=now", "--all"});
  // Unreachable objects go into the pack too (the first run packs what is
  // reachable, the second the loose rest); nothing is left loose.
  Git({"repack", "-adq", "--keep-unreachable"});
  Git({"repack", "-adq", "--keep-unreachable"});
  ASSERT_EQ(Git({"count-objects", "-v"}).out.find("count: 0\n"), 0u);

  ScanResult reachable = History();
  ASSERT_EQ(reachable.findings.size(), 1u);
  EXPECT_EQ(reachable.findings[0].path, "kept.txt");
  EXPECT_EQ(reachable.stats.files, 2u);  // a.txt and kept.txt
  ScanResult all = History(/*all_objects=*/true);
  ASSERT_EQ(all.findings.size(), 2u);
  EXPECT_EQ(all.stats.files, 3u);
  EXPECT_EQ(all.findings[1].path, "lost.txt");
  EXPECT_EQ(all.findings[1].git->commit, lost);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(GitHistoryTest, PackedHistoryIsReadToo) {
  Init();
  Write("x.txt", "t=" + FakeGithubToken(9) + "\n");
  CommitAll("leak");
  Write("x.txt", "t=" + FakeGithubToken(9) + "\nmore\n");
  CommitAll("edit");
  Git({"gc", "-q", "--aggressive"});
  ScanResult r = History();
  EXPECT_EQ(r.findings.size(), 2u);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(GitHistoryTest, BinaryBlobsAreSkippedAndCounted) {
  Init();
  Write("bin.dat", std::string("\0\1\2", 3) + "t=" + FakeGithubToken(10));
  CommitAll("binary");
  ScanResult r = History();
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.stats.skipped_binary, 1u);
}

TEST_F(GitHistoryTest, CorruptObjectIsNamedAndTheRestIsScanned) {
  Init();
  Write("good.txt", "t=" + FakeGithubToken(11) + "\n");
  Write("bad.txt", "t=" + FakeGithubToken(12) + "\n");
  CommitAll("two files");
  std::string bad = Rev("HEAD:bad.txt");
  std::string object =
      dir_.path() + "/.git/objects/" + bad.substr(0, 2) + "/" + bad.substr(2);
  ASSERT_TRUE(std::filesystem::exists(object));
  chmod(object.c_str(), 0644);
  dir_.Write(".git/objects/" + bad.substr(0, 2) + "/" + bad.substr(2),
             "this is not zlib data");

  ScanResult r = History();
  EXPECT_EQ(Secrets(r), (std::vector<std::string>{FakeGithubToken(11)}));
  EXPECT_EQ(r.stats.unreadable, 1u);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find(bad), std::string::npos) << warnings_[0];
}

TEST_F(GitHistoryTest, ShallowCloneWarns) {
  Init();
  Write("a.txt", "one\n");
  CommitAll("one");
  Write("a.txt", "two t=" + FakeGithubToken(13) + "\n");
  CommitAll("two");
  TempDir clone;
  RunResult c = RunProgram({"git", "clone", "-q", "--depth", "1",
                            "file://" + dir_.path(), clone.path() + "/c"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  Scanner scanner(*matcher_, Options());
  GitHistoryOptions h;
  h.repo = clone.path() + "/c";
  ScanResult r;
  ASSERT_TRUE(ScanGitHistory(scanner, h, &r).ok());
  EXPECT_EQ(Secrets(r), (std::vector<std::string>{FakeGithubToken(13)}));
  ASSERT_FALSE(warnings_.empty());
  EXPECT_NE(warnings_[0].find("shallow"), std::string::npos);
}

TEST_F(GitHistoryTest, NotARepositoryIsAnError) {
  Scanner scanner(*matcher_, Options());
  GitHistoryOptions h;
  h.repo = dir_.path() + "/missing";
  ScanResult r;
  EXPECT_FALSE(ScanGitHistory(scanner, h, &r).ok());
}

}  // namespace
}  // namespace keyward::test

// History without repetition: GroupHistoryFindings on real histories (the
// library) and on hand-made rows (ordering, keys, suppression splits).
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "base/crypto.h"
#include "support/git_fixture.h"

namespace keyward::test {
namespace {

class GitOccurrencesTest : public GitFixture {
 protected:
  // The rows of a history scan, then grouped.
  ScanResult Grouped(ScanResult* rows = nullptr) {
    ScanResult r = History();
    if (rows) *rows = r;
    GroupHistoryFindings(&r);
    return r;
  }
  static std::set<std::string> Paths(const Finding& f) {
    std::set<std::string> out;
    for (const Occurrence& o : f.occurrences) out.insert(o.path);
    return out;
  }
};

TEST_F(GitOccurrencesTest, OneSecretInManyBlobVersionsAndPathsIsOneFinding) {
  Init();
  const std::string token = FakeGithubToken(301);
  Write("README.md", "hello\n");
  CommitAll("readme");
  // Four versions of the script, each a new blob holding the token...
  std::string first;
  for (int i = 0; i < 4; ++i) {
    Write("tests/run.sh",
          "# run " + std::to_string(i) + "\n--token " + token + "\n");
    std::string c = CommitAll("edit " + std::to_string(i));
    if (i == 0) first = c;
  }
  // ... and a copy in another path, at another line.
  Write("ci/env.sh", "x=1\ny=2\nTOKEN=" + token + "\n");
  std::string copy = CommitAll("copy");

  ScanResult rows;
  ScanResult r = Grouped(&rows);
  ASSERT_EQ(rows.findings.size(), 5u) << "one row per blob version";
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.stats.findings, 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.secret, token);
  EXPECT_EQ(f.occurrence_count, 5u);
  ASSERT_EQ(f.occurrences.size(), 5u);
  // The representative is the first-seen occurrence.
  ASSERT_TRUE(f.git.has_value());
  EXPECT_EQ(f.git->commit, first);
  EXPECT_EQ(f.git->date, "2024-01-11T12:00:00Z");
  EXPECT_EQ(f.path, "tests/run.sh");
  EXPECT_EQ(f.line, 2);
  EXPECT_EQ(f.occurrences[0].commit, first);
  EXPECT_EQ(f.occurrences[0].path, "tests/run.sh");
  EXPECT_EQ(f.occurrences[0].blob, f.git->blob);
  // First seen first: dates never go back; the copy is last.
  for (size_t i = 1; i < f.occurrences.size(); ++i) {
    EXPECT_LE(f.occurrences[i - 1].date, f.occurrences[i].date);
  }
  EXPECT_EQ(f.occurrences.back().commit, copy);
  EXPECT_EQ(f.occurrences.back().path, "ci/env.sh");
  EXPECT_EQ(f.occurrences.back().line, 3);
  EXPECT_EQ(Paths(f), (std::set<std::string>{"tests/run.sh", "ci/env.sh"}));
  std::set<std::string> blobs;
  for (const Occurrence& o : f.occurrences) blobs.insert(o.blob);
  EXPECT_EQ(blobs.size(), 5u) << "each occurrence names its own blob";
}

TEST_F(GitOccurrencesTest, TwoSecretsStayTwoFindings) {
  Init();
  const std::string a = FakeGithubToken(302), b = FakeGithubToken(303);
  Write("one.env", "A=" + a + "\n");
  CommitAll("a");
  Write("one.env", "A=" + a + "\nB=" + b + "\n");
  CommitAll("b");
  Write("one.env", "# rotated\nA=" + a + "\nB=" + b + "\n");
  CommitAll("comment");

  ScanResult rows;
  ScanResult r = Grouped(&rows);
  EXPECT_EQ(rows.findings.size(), 5u);
  ASSERT_EQ(r.findings.size(), 2u);
  std::map<std::string, const Finding*> by_secret;
  for (const Finding& f : r.findings) by_secret[f.secret] = &f;
  ASSERT_TRUE(by_secret.count(a) && by_secret.count(b));
  EXPECT_EQ(by_secret[a]->occurrence_count, 3u);
  EXPECT_EQ(by_secret[b]->occurrence_count, 2u);
  EXPECT_EQ(by_secret[a]->git->date, "2024-01-10T12:00:00Z");
  EXPECT_EQ(by_secret[b]->git->date, "2024-01-11T12:00:00Z");
}

TEST_F(GitOccurrencesTest, RemovedAndReAddedSecret) {
  Init();
  const std::string token = FakeGithubToken(304);
  Write("app.env", "K=" + token + "\n");
  std::string added = CommitAll("add");
  Write("app.env", "K=\n");
  CommitAll("remove");
  // Re-added with the same bytes: the same blob, one occurrence, held by
  // two commits.
  Write("app.env", "K=" + token + "\n");
  CommitAll("re-add");
  ScanResult r = Grouped();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].occurrence_count, 1u);
  EXPECT_EQ(r.findings[0].git->commit, added);
  EXPECT_EQ(r.findings[0].git->commit_count, 2);

  // Removed again and re-added elsewhere in the file: a new blob, a second
  // occurrence; the first sighting is still the first commit.
  Write("app.env", "K=\n");
  CommitAll("remove again");
  Write("app.env", "other=1\nK=" + token + "\n");
  std::string readded = CommitAll("re-add at line 2");
  r = Grouped();
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.occurrence_count, 2u);
  EXPECT_EQ(f.git->commit, added);
  EXPECT_EQ(f.line, 1);
  ASSERT_EQ(f.occurrences.size(), 2u);
  EXPECT_EQ(f.occurrences[1].commit, readded);
  EXPECT_EQ(f.occurrences[1].line, 2);
}

TEST_F(GitOccurrencesTest, RangeFindingsAreGroupedToo) {
  Init();
  Write("a.txt", "a\n");
  std::string base = CommitAll("base");
  const std::string token = FakeGithubToken(305);
  Write("b.txt", "t=" + token + "\n");
  std::string leak = CommitAll("leak");
  Write("b.txt", "x\nt=" + token + "\n");
  CommitAll("move down");
  ScanResult r = Range(base, "HEAD");
  ASSERT_EQ(r.findings.size(), 2u);
  GroupHistoryFindings(&r);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].occurrence_count, 2u);
  EXPECT_EQ(r.findings[0].git->commit, leak);
}

// Hand-made rows: what the key and the order are, independent of git.
Finding Row(const std::string& rule, const std::string& secret,
            const std::string& path, int line, const std::string& date,
            const std::string& commit) {
  Finding f;
  f.rule_id = rule;
  f.secret = secret;
  f.fingerprint = SecretFingerprint(secret);
  f.path = path;
  f.line = f.end_line = line;
  f.column = 3;
  f.end_column = 3 + static_cast<int>(secret.size());
  GitProvenance g;
  g.blob = Sha256Hex(path + std::to_string(line) + commit).substr(0, 40);
  g.commit = commit;
  g.date = date;
  f.git = g;
  return f;
}

TEST(GroupHistoryFindingsTest, GroupTakesTheHighestConfidenceOfItsSightings) {
  // First seen in a test file (low), later committed to a config file
  // (medium): the secret is reported at the first sighting, as medium.
  ScanResult r;
  Finding early =
      Row("r", "s", "tests/fixture.sh", 1, "2024-01-01T00:00:00Z", "c1");
  early.confidence = Confidence::kLow;
  Finding later = Row("r", "s", ".env", 1, "2024-02-01T00:00:00Z", "c2");
  later.confidence = Confidence::kMedium;
  later.checksum_verified = true;
  r.findings = {later, early};
  GroupHistoryFindings(&r);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, "tests/fixture.sh");
  EXPECT_EQ(r.findings[0].confidence, Confidence::kMedium);
  EXPECT_TRUE(r.findings[0].checksum_verified);
}

TEST(GroupHistoryFindingsTest, KeyIsRuleAndFingerprint) {
  ScanResult r;
  r.findings.push_back(
      Row("r.one", "s1", "a", 1, "2024-02-01T00:00:00Z", "c2"));
  r.findings.push_back(
      Row("r.one", "s1", "b", 1, "2024-01-01T00:00:00Z", "c1"));
  // The same secret under another rule stays apart.
  r.findings.push_back(
      Row("r.two", "s1", "a", 1, "2024-02-01T00:00:00Z", "c2"));
  r.findings.push_back(
      Row("r.one", "s2", "a", 5, "2024-03-01T00:00:00Z", "c3"));
  // Not from history: passes through as it is.
  Finding plain = Row("r.one", "s1", "plain.txt", 9, "", "");
  plain.git.reset();
  r.findings.push_back(plain);
  GroupHistoryFindings(&r);
  ASSERT_EQ(r.findings.size(), 4u);
  EXPECT_EQ(r.stats.findings, 4u);
  std::map<std::string, const Finding*> by;
  for (const Finding& f : r.findings) {
    by[f.rule_id + "/" + f.secret + "/" + (f.git ? "git" : "plain")] = &f;
  }
  ASSERT_EQ(by.size(), 4u);
  const Finding* s1 = by["r.one/s1/git"];
  ASSERT_NE(s1, nullptr);
  EXPECT_EQ(s1->occurrence_count, 2u);
  EXPECT_EQ(s1->path, "b") << "oldest date wins, whatever the path";
  EXPECT_EQ(s1->git->commit, "c1");
  EXPECT_EQ(by["r.two/s1/git"]->occurrence_count, 1u);
  EXPECT_EQ(by["r.one/s2/git"]->occurrence_count, 1u);
  EXPECT_EQ(by["r.one/s1/plain"]->occurrence_count, 0u);
  EXPECT_TRUE(by["r.one/s1/plain"]->occurrences.empty());
  // Sorted like every report: by path first.
  EXPECT_TRUE(std::is_sorted(
      r.findings.begin(), r.findings.end(),
      [](const Finding& a, const Finding& b) { return FindingLess(a, b); }));
}

TEST(GroupHistoryFindingsTest, TiesBreakOnPathAndLineAndDanglingBlobsGoLast) {
  const std::string date = "2024-01-01T00:00:00Z";
  std::vector<Finding> rows = {
      Row("r", "s", "0123456789abcdef", 1, "", ""),  // dangling blob
      Row("r", "s", "z.txt", 1, date, "c1"),
      Row("r", "s", "a.txt", 7, date, "c1"),
      Row("r", "s", "a.txt", 2, date, "c1"),
  };
  // Whatever order the rows come in, the result is the same.
  std::vector<size_t> order = {0, 1, 2, 3};
  std::vector<std::string> first_result;
  do {
    ScanResult r;
    for (size_t i : order) r.findings.push_back(rows[i]);
    GroupHistoryFindings(&r);
    ASSERT_EQ(r.findings.size(), 1u);
    const Finding& f = r.findings[0];
    std::vector<std::string> got;
    for (const Occurrence& o : f.occurrences) {
      got.push_back(o.path + ":" + std::to_string(o.line));
    }
    EXPECT_EQ(got, (std::vector<std::string>{"a.txt:2", "a.txt:7", "z.txt:1",
                                             "0123456789abcdef:1"}));
    EXPECT_EQ(f.path, "a.txt");
    EXPECT_EQ(f.line, 2);
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(GroupHistoryFindingsTest, SuppressedRowsGroupApartByReason) {
  ScanResult r;
  auto add = [&](int line, const std::string& suppression) {
    Finding f = Row("r", "s", "a.txt", line,
                    "2024-01-0" + std::to_string(line) + "T00:00:00Z",
                    "c" + std::to_string(line));
    f.suppressed = !suppression.empty();
    f.suppression = suppression;
    r.findings.push_back(f);
  };
  add(1, "baseline");
  add(2, "baseline");
  add(3, "");  // a new row the baseline does not list
  add(4, "inline");
  add(5, "");
  GroupHistoryFindings(&r);
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(r.stats.findings, 3u);
  EXPECT_EQ(r.stats.suppressed, 2u);
  std::map<std::string, const Finding*> by;
  for (const Finding& f : r.findings) by[f.suppression] = &f;
  EXPECT_EQ(by["baseline"]->occurrence_count, 2u);
  EXPECT_EQ(by["inline"]->occurrence_count, 1u);
  const Finding* open = by[""];
  EXPECT_FALSE(open->suppressed);
  EXPECT_EQ(open->occurrence_count, 2u);
  EXPECT_EQ(open->line, 3) << "first unsuppressed sighting";
}

}  // namespace
}  // namespace keyward::test

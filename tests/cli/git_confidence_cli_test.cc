// --min-confidence in every git mode: --git (where blobs are scanned before
// their paths are known), --staged, --since and --range.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "support/git_fixture.h"

namespace keyward::test {
namespace {

// A made-up weak password: low in a README, medium in a committed .env.
constexpr char kWeak[] = "m0rn1ngDew7";

class GitConfidenceCliTest : public GitCliFixture {
 protected:
  // "path=confidence" of a JSON scan with `args`.
  std::vector<std::string> Levels(std::vector<std::string> args) {
    args.insert(args.end(), {"--format", "json"});
    RunResult r = Scan(args);
    std::vector<std::string> out;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    if (!j.is_object()) {
      ADD_FAILURE() << r.err;
      return out;
    }
    for (const auto& f : j["findings"]) {
      out.push_back(f.value("path", "") + "=" + f.value("confidence", "?"));
    }
    return out;
  }
};

TEST_F(GitConfidenceCliTest, HistoryUsesTheBlobsPath) {
  Init();
  Write("README.md", "DB_PASSWORD=" + std::string(kWeak) + "\n");
  CommitAll("docs");
  // The same password in a committed .env (another blob: another line).
  Write("deploy/.env", "DB_HOST=db\nDB_PASSWORD=" + std::string(kWeak) + "\n");
  CommitAll("config");
  EXPECT_THAT(Levels({"--git"}), ::testing::ElementsAre("deploy/.env=medium"));
  // Blob by blob, each sighting has its own path's confidence ...
  EXPECT_THAT(Levels({"--git", "--all-occurrences", "--min-confidence", "low"}),
              ::testing::ElementsAre("README.md=low", "deploy/.env=medium"));
  // ... and the grouped secret is reported at its first sighting with the
  // highest confidence of them all.
  EXPECT_THAT(Levels({"--git", "--min-confidence", "low"}),
              ::testing::ElementsAre("README.md=medium"));
  Git({"rm", "-q", "deploy/.env"});
  CommitAll("remove config");
  // Only the README blob is in a working tree now, but history keeps both.
  EXPECT_EQ(Scan({"--git"}).exit_code, 1);
  EXPECT_EQ(Scan({"--git", "--min-confidence", "high"}).exit_code, 0);
}

// A blob is scanned before history gives it a path: documentation written
// into code (a Rust doc comment, a Python docstring) is still read as
// documentation where the path says the blob is that language, as a
// directory scan of the tree reads it, and not where it is another file.
TEST_F(GitConfidenceCliTest, DocumentationInCodeIsReadByTheBlobsPath) {
  Init();
  const std::string key = "5c1e9a7f3b2d8e6a0c4f7b1d9e3a5c8f2b6d0e4a";
  const std::string rust = "/// api_token = \"" + key + "\"\npub struct C;\n";
  const std::string python =
      "def main():\n    '''Connects.\n\n    api_token = \"" + key +
      "\"\n    '''\n";
  Write("src/lib.rs", rust);
  Write("src/client.py", python);
  // The same text (another blob: one more line) in files of other
  // languages: code, not docs.
  Write("src/lib.c", "#include <c.h>\n" + rust);
  Write("src/client.sh", "#!/bin/sh\n" + python);
  CommitAll("code");
  const auto levels = ::testing::UnorderedElementsAre(
      "src/lib.rs=low", "src/client.py=low", "src/lib.c=medium",
      "src/client.sh=medium");
  EXPECT_THAT(Levels({"--min-confidence", "low"}), levels);
  // Every sighting, each with its own path's confidence.
  EXPECT_THAT(Levels({"--git", "--all-occurrences", "--min-confidence", "low"}),
              levels);
}

// A table's credential column is read in history as in the tree: by the
// name the blob has (a Markdown file), not in code holding the same text.
TEST_F(GitConfidenceCliTest, TablesAreReadByTheBlobsName) {
  Init();
  Write("a.txt", "a\n");
  const std::string base = CommitAll("base");
  const std::string table =
      "| Service | API key |\n|---|---|\n"
      "| billing | `7d0b3e9a1c5f2e8b4a6d9c3f1e7b5a20` |\n";
  Write("docs/Handover.md", "# Handover\n\n" + table);
  Write("src/render.sh", "cat <<'X'\n" + table + "X\n");
  // A cell a provider rule finds in the row too: one finding, not two.
  Write("exports/bots.csv", "name,token\nci," + FakeGithubToken(77) + "\n");
  CommitAll("handover");
  Git({"rm", "-q", "docs/Handover.md", "exports/bots.csv"});
  CommitAll("remove them");
  // Documentation: low.
  const std::vector<std::string> want = {"docs/Handover.md=low",
                                         "exports/bots.csv=high"};
  EXPECT_EQ(Levels({"--min-confidence", "low"}), std::vector<std::string>{});
  EXPECT_EQ(Levels({"--git", "--min-confidence", "low"}), want);
  EXPECT_EQ(Levels({"--since", base, "--min-confidence", "low"}), want);
  EXPECT_EQ(Levels({"--range", base + "..HEAD", "--min-confidence", "low"}),
            want);
  // Every sighting listed: the CSV row's token is still one, not the row's
  // finding and its cell's.
  EXPECT_EQ(Levels({"--git", "--all-occurrences", "--min-confidence", "low"}),
            want);
}

TEST_F(GitConfidenceCliTest, StagedSinceAndRangeHonourIt) {
  Init();
  Write("a.txt", "a\n");
  std::string base = CommitAll("base");
  Write("README.md", "DB_PASSWORD=" + std::string(kWeak) + "\n");
  Git({"add", "README.md"});
  EXPECT_EQ(Scan({"--staged"}).exit_code, 0);
  EXPECT_EQ(Scan({"--staged", "--min-confidence", "low"}).exit_code, 1);
  CommitAll("docs");
  EXPECT_EQ(Scan({"--since", base}).exit_code, 0);
  EXPECT_EQ(Scan({"--since", base, "--min-confidence", "low"}).exit_code, 1);
  EXPECT_EQ(Scan({"--range", base + "..HEAD"}).exit_code, 0);
  EXPECT_EQ(
      Scan({"--range", base + "..HEAD", "--min-confidence", "low"}).exit_code,
      1);
  // A token with a verified checksum is high in a test file too.
  Write("tests/test_client.py", "TOKEN = '" + FakeGithubToken(61) + "'\n");
  Git({"add", "tests/test_client.py"});
  EXPECT_THAT(Levels({"--staged", "--min-confidence", "high"}),
              ::testing::ElementsAre("tests/test_client.py=high"));
}

}  // namespace
}  // namespace keyward::test

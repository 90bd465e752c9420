// `scan --git`: blobs that are archives, compressed files or PDFs are
// scanned as a directory scan reads them, entries at
// "path/in/repo.zip!entry", pages at "path/in/repo.pdf!page-N"
// (git/blob_scan.cc, scanner/container_blob.h).
#include "support/archive_writer.h"
#include "support/git_fixture.h"
#include "support/pdf.h"

namespace keyward::test {
namespace {

class GitArchiveTest : public GitFixture {};

TEST_F(GitArchiveTest, ArchiveBlobEntriesKeepTheirPathsLooseAndPacked) {
  Init();
  const std::string token = FakeGithubToken(1601);
  Write("README.md", "hello\n");
  Write("dist/release.zip",
        MakeArchive(ArchiveFormat::kZip,
                    {{"app/readme.txt", "nothing\n"},
                     {"app/.env", "A=1\nGITHUB_TOKEN=" + token + "\n"}}));
  Write("logs/old.log.xz",
        MakeArchive(ArchiveFormat::kRaw, {{"x", "boot\nuse " + token + "\n"}},
                    ArchiveFilter::kXz));
  const std::string commit = CommitAll("add release");
  for (bool packed : {false, true}) {
    if (packed) Git({"gc", "-q"});
    warnings_.clear();
    ScanResult r = History();
    ASSERT_EQ(r.findings.size(), 2u) << (packed ? "packed" : "loose");
    EXPECT_EQ(r.findings[0].path, "dist/release.zip!app/.env");
    EXPECT_EQ(r.findings[0].line, 2);
    EXPECT_EQ(r.findings[0].column, 14);
    ASSERT_TRUE(r.findings[0].git.has_value());
    EXPECT_EQ(r.findings[0].git->commit, commit);
    EXPECT_EQ(r.findings[1].path, "logs/old.log.xz");
    EXPECT_EQ(r.findings[1].line, 2);
    EXPECT_EQ(r.stats.archives, 1u);
    EXPECT_TRUE(warnings_.empty());
  }
}

TEST_F(GitArchiveTest, PdfBlobPagesKeepTheirPathsLooseAndPacked) {
  Init();
  const std::string token = FakeGithubToken(1602);
  Write("README.md", "hello\n");
  Write("docs/manual.pdf",
        MinimalPdf({{"Introduction"}, {"Setup", "token " + token}}));
  const std::string commit = CommitAll("add manual");
  for (bool packed : {false, true}) {
    if (packed) Git({"gc", "-q"});
    warnings_.clear();
    ScanResult r = History();
    ASSERT_EQ(r.findings.size(), 1u) << (packed ? "packed" : "loose");
    EXPECT_EQ(r.findings[0].path, "docs/manual.pdf!page-2");
    EXPECT_EQ(r.findings[0].line, 2);
    ASSERT_TRUE(r.findings[0].git.has_value());
    EXPECT_EQ(r.findings[0].git->commit, commit);
    EXPECT_EQ(r.stats.pdfs, 1u);
    EXPECT_TRUE(warnings_.empty());
  }
}

}  // namespace
}  // namespace keyward::test

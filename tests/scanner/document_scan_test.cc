// Directory scans of documents: PDF page text through poppler
// (source/pdf_text.h) and Jupyter notebook cells (source/notebook.h),
// located by page and by cell.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/scan.h"
#include "source/pdf_text.h"
#include "support/pdf.h"
#include "support/run.h"
#include "token_scan_fixture.h"

namespace keyward {
namespace {

using test::MinimalPdf;
using test::Token;

using DocumentScanTest = test::TokenScanTest;

// Three pages; the token on page 3, second line, after "api key: ".
std::string Manual() {
  return MinimalPdf({{"Install guide", "Run make."},
                     {"Nothing here"},
                     {"Service account", "api key: " + Token(3) + " (prod)",
                      "Rotate yearly."}});
}

TEST_F(DocumentScanTest, PdfPagesAreScannedWithPageNumbers) {
  test::TempDir dir;
  dir.Write("docs/manual.pdf", Manual());
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 1u) << Warnings();
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.path, dir.path() + "/docs/manual.pdf!page-3");
  EXPECT_EQ(f.line, 2);
  EXPECT_EQ(f.column, 10);
  EXPECT_EQ(f.end_column, 10 + 28);
  EXPECT_EQ(f.secret, Token(3));
  EXPECT_EQ(r.stats.pdfs, 1u);
  EXPECT_EQ(r.stats.pdf_pages, 3u);
  EXPECT_EQ(r.stats.files, 3u);  // the three pages' texts
  EXPECT_EQ(r.stats.documents_unreadable, 0u);
  EXPECT_TRUE(warnings_.empty()) << Warnings();
}

// Recognised by the `%PDF-` magic, not by the name.
TEST_F(DocumentScanTest, PdfIsRecognisedByContent) {
  test::TempDir dir;
  dir.Write("export.bin", Manual());
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/export.bin!page-3");
}

// A file that starts like a PDF but is not one, and a PDF cut in half: a
// warning naming the file, no crash, and the bytes are still scanned.
TEST_F(DocumentScanTest, BrokenPdfIsAWarningAndItsBytesAreScanned) {
  test::TempDir dir;
  dir.Write("fake.pdf", "%PDF-1.7\nnot really: " + Token(7) + "\n");
  std::string half = Manual();
  half.resize(half.size() / 2);
  dir.Write("half.pdf", half);
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 1u) << Warnings();
  EXPECT_EQ(r.findings[0].path, dir.path() + "/fake.pdf");
  EXPECT_EQ(r.findings[0].line, 2);
  EXPECT_EQ(r.stats.documents_unreadable, 2u);
  EXPECT_EQ(r.stats.pdfs, 0u);
  ASSERT_EQ(warnings_.size(), 2u) << Warnings();
  std::string all = Warnings();
  EXPECT_NE(all.find(dir.path() + "/fake.pdf: not a readable PDF"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find(dir.path() + "/half.pdf: not a readable PDF"),
            std::string::npos)
      << all;
  EXPECT_EQ(all.find(Token(7).substr(4)), std::string::npos);
}

// Text that mentions the magic is not a PDF; a dump with a PDF's first
// line further down is tried, but failing is no warning unless the file is
// named .pdf.
TEST_F(DocumentScanTest, TextMentioningTheMagicIsNoPdf) {
  test::TempDir dir;
  dir.Write("sniff.js",
            "const isPdf = h => h.startsWith(\"%PDF-1.\");\n"
            "const k = \"" +
                Token(41) + "\";\n");
  dir.Write("dump.txt",
            "object dump\n%PDF-1.4 (broken)\nk=" + Token(42) + "\n");
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/dump.txt");
  EXPECT_EQ(r.findings[0].line, 3);
  EXPECT_EQ(r.findings[1].path, dir.path() + "/sniff.js");
  EXPECT_EQ(r.stats.documents_unreadable, 0u);
  EXPECT_TRUE(warnings_.empty()) << Warnings();
}

TEST(PdfMagicTest, AtTheStartOrAtALineStartFollowedByAVersion) {
  EXPECT_EQ(PdfMagicOffset("%PDF-1.7\n"), 0);
  EXPECT_EQ(PdfMagicOffset("junk\r\n%PDF-2.0\n"), 6);
  EXPECT_EQ(PdfMagicOffset("x = '%PDF-1.4'"), -1);
  EXPECT_EQ(PdfMagicOffset("%PDF-x"), -1);
  EXPECT_EQ(PdfMagicOffset("%PDF-"), -1);
  EXPECT_EQ(PdfMagicOffset(std::string(1100, '\n') + "%PDF-1.4"), -1);
}

TEST_F(DocumentScanTest, PageLimitStopsWithAWarning) {
  test::TempDir dir;
  dir.Write("manual.pdf", Manual());
  ScanOptions o;
  o.pdf_max_pages = 2;
  ScanResult r = Scan({dir.path()}, o);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.stats.pdf_pages, 2u);
  EXPECT_EQ(r.stats.documents_limited, 1u);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("first 2 of 3 pages"), std::string::npos)
      << warnings_[0];
}

TEST_F(DocumentScanTest, TextBudgetStopsWithAWarning) {
  test::TempDir dir;
  dir.Write("manual.pdf", Manual());
  ScanOptions o;
  o.document_max_text_bytes = 40;  // pages 1 and 2, not page 3
  ScanResult r = Scan({dir.path()}, o);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.stats.documents_limited, 1u);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("first 2 of 3 pages (text budget"),
            std::string::npos)
      << warnings_[0];
}

// Off: a PDF is a file like any other (this one has no binary bytes, so
// its drawing commands are scanned as text).
TEST_F(DocumentScanTest, WithoutDocumentsPdfIsAPlainFile) {
  test::TempDir dir;
  dir.Write("manual.pdf", Manual());
  ScanOptions o;
  o.documents = false;
  ScanResult r = Scan({dir.path()}, o);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/manual.pdf");
  EXPECT_EQ(r.stats.pdfs, 0u);
}

// nbformat 4: sources as a list of lines or one string; outputs of every
// kind that carries text.
std::string Notebook() {
  const std::string t = Token(11), u = Token(12), v = Token(13), w = Token(14);
  // clang-format off
  return R"nb({
 "nbformat": 4, "nbformat_minor": 5, "metadata": {},
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# Setup\n", "Read me."]},
  {"cell_type": "code", "metadata": {}, "execution_count": 1,
   "source": ["import client\n", "KEY = \")nb" + t + R"nb(\"\n", "client.login(KEY)"],
   "outputs": []},
  {"cell_type": "code", "metadata": {}, "execution_count": 2,
   "source": "print(env)",
   "outputs": [
    {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo="}},
    {"output_type": "stream", "name": "stdout", "text": ["HOME=/root\n", "TOKEN=)nb" + u + R"nb(\n"]}
   ]},
  {"cell_type": "code", "metadata": {}, "execution_count": 3, "source": "login()",
   "outputs": [{"output_type": "error", "ename": "AuthError",
                "evalue": "bad key )nb" + v + R"nb(", "traceback": ["line 1", "line 2"]}]},
  {"cell_type": "code", "metadata": {}, "execution_count": 4, "source": "cfg",
   "outputs": [{"output_type": "execute_result", "execution_count": 4, "metadata": {},
                "data": {"text/plain": ["{'a': 1,\n", " 'k': ')nb" + w + R"nb('}"],
                         "text/html": ["<pre>)nb" + w + R"nb(</pre>"]}}]}
 ]
})nb";
  // clang-format on
}

TEST_F(DocumentScanTest, NotebookCellsAndOutputsAreLocatedByCell) {
  test::TempDir dir;
  dir.Write("analysis.ipynb", Notebook());
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 4u) << Warnings();
  const std::string nb = dir.path() + "/analysis.ipynb";
  // Sorted by path: cell-2, cell-3!output-2, cell-4!output-1, cell-5!...
  EXPECT_EQ(r.findings[0].path, nb + "!cell-2");
  EXPECT_EQ(r.findings[0].line, 2);
  EXPECT_EQ(r.findings[0].column, 8);
  EXPECT_EQ(r.findings[0].secret, Token(11));
  EXPECT_EQ(r.findings[1].path, nb + "!cell-3!output-2");
  EXPECT_EQ(r.findings[1].line, 2);
  EXPECT_EQ(r.findings[1].column, 7);
  EXPECT_EQ(r.findings[2].path, nb + "!cell-4!output-1");
  EXPECT_EQ(r.findings[2].line, 1);
  EXPECT_EQ(r.findings[2].column, 20);  // "AuthError: bad key "
  // text/plain only: the same value in text/html is not a second finding.
  EXPECT_EQ(r.findings[3].path, nb + "!cell-5!output-1");
  EXPECT_EQ(r.findings[3].line, 2);
  EXPECT_EQ(r.findings[3].column, 8);
  EXPECT_EQ(r.stats.notebooks, 1u);
  EXPECT_EQ(r.stats.notebook_cells, 5u);
  EXPECT_TRUE(warnings_.empty()) << Warnings();
}

TEST_F(DocumentScanTest, NbFormat3WorksheetsAreRead) {
  test::TempDir dir;
  dir.Write("old.ipynb",
            "{\"nbformat\": 3, \"worksheets\": [{\"cells\": [{\"cell_type\": "
            "\"code\", \"input\": [\"x = 1\\n\", \"k = '" +
                Token(21) +
                "'\"], \"outputs\": [{\"output_type\": \"pyout\", "
                "\"text\": [\"ok\"]}]}]}]}");
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/old.ipynb!cell-1");
  EXPECT_EQ(r.findings[0].line, 2);
  EXPECT_EQ(r.findings[0].column, 6);
}

// Not JSON (a merge conflict, a truncated save): scanned as text.
TEST_F(DocumentScanTest, InvalidNotebookIsScannedAsText) {
  test::TempDir dir;
  dir.Write("broken.ipynb",
            "{\n \"cells\": [\n<<<<<<< HEAD\n k=" + Token(31) + "\n");
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/broken.ipynb");
  EXPECT_EQ(r.findings[0].line, 4);
  EXPECT_EQ(r.stats.notebooks, 0u);
}

TEST_F(DocumentScanTest, WithoutDocumentsNotebookIsText) {
  test::TempDir dir;
  dir.Write("analysis.ipynb", Notebook());
  ScanOptions o;
  o.documents = false;
  ScanResult r = Scan({dir.path()}, o);
  ASSERT_EQ(r.findings.size(), 5u);  // text/html's copy too
  for (const Finding& f : r.findings) {
    EXPECT_EQ(f.path, dir.path() + "/analysis.ipynb");
  }
  EXPECT_EQ(r.stats.notebooks, 0u);
}

}  // namespace
}  // namespace keyward

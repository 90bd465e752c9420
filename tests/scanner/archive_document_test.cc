// Office documents (OOXML, OpenDocument) scanned as their text parts with
// the markup removed, and container images (OCI image layout, `docker
// save`) scanned layer by layer with the digest in the path: both built
// here from their parts (scanner/scan_archive.cc, source/markup_text.h).
#include <openssl/evp.h>

#include <algorithm>
#include <string>
#include <vector>

#include "archive_fixture.h"

namespace keyward::test {
namespace {

using F = ArchiveFormat;
using Z = ArchiveFilter;

// Token(i) written over two runs of markup, split after `tok_1000`.
std::string Split(int i, const std::string& close, const std::string& open) {
  std::string t = Token(i);
  return t.substr(0, 8) + close + open + t.substr(8);
}

const char kContentTypes[] =
    "<?xml version=\"1.0\"?>\r\n<Types xmlns=\"x\"><Default Extension=\"xml\" "
    "ContentType=\"application/xml\"/></Types>";

TEST_F(ArchiveScanTest, DocxTextRunsAreContiguousAndLinesAreParagraphs) {
  TempDir dir;
  std::string doc =
      "<?xml version=\"1.0\" standalone=\"yes\"?>\r\n"
      "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>Quarterly report"
      "</w:t></w:r></w:p><w:p><w:r><w:t xml:space=\"preserve\">R&amp;D key: "
      "</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>" +
      Split(7, "</w:t></w:r>", "<w:r><w:t>") +
      "</w:t></w:r></w:p></w:body></w:document>";
  std::string rels =
      "<?xml version=\"1.0\"?>\n<Relationships><Relationship Id=\"rId1\" "
      "Target=\"https://example.com/?k=" +
      Token(8) + "\"/></Relationships>";
  auto docx = MakeArchive(F::kZip, {{"[Content_Types].xml", kContentTypes},
                                    {"word/document.xml", doc},
                                    {"word/_rels/document.xml.rels", rels}});
  dir.Write("report.docx", docx);
  dir.Write("renamed.bin", docx);  // a document by its parts, not its name
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 4u);  // by path: "_rels" before "document"
  EXPECT_EQ(r.findings[1].path, dir.path() + "/renamed.bin!word/document.xml");
  EXPECT_EQ(r.findings[3].path, dir.path() + "/report.docx!word/document.xml");
  EXPECT_EQ(r.findings[3].line, 2);     // the second paragraph
  EXPECT_EQ(r.findings[3].column, 10);  // after "R&D key: "
  EXPECT_EQ(r.findings[3].secret, Token(7));
  // Relationships keep their markup: link targets are attributes.
  EXPECT_EQ(r.findings[2].path,
            dir.path() + "/report.docx!word/_rels/document.xml.rels");
  EXPECT_EQ(r.findings[2].line, 2);
  EXPECT_EQ(r.findings[2].secret, Token(8));
}

TEST_F(ArchiveScanTest, XlsxPptxAndOdtTextParts) {
  TempDir dir;
  dir.Write("book.xlsx",
            MakeArchive(F::kZip, {{"[Content_Types].xml", kContentTypes},
                                  {"xl/sharedStrings.xml",
                                   "<sst><si><t>name</t></si><si><r><t>" +
                                       Split(1, "</t></r>", "<r><t>") +
                                       "</t></r></si></sst>"}}));
  dir.Write(
      "deck.pptx",
      MakeArchive(F::kZip, {{"[Content_Types].xml", kContentTypes},
                            {"ppt/slides/slide1.xml",
                             "<p:sld><p:txBody><a:p><a:r><a:t>Title</a:t></a:r>"
                             "</a:p><a:p><a:r><a:t>secret " +
                                 Split(2, "</a:t></a:r>", "<a:r><a:t>") +
                                 "</a:t></a:r></a:p></p:txBody></p:sld>"}}));
  dir.Write(
      "notes.odt",
      MakeArchive(F::kZip,
                  {{"mimetype", "application/vnd.oasis.opendocument.text"},
                   {"content.xml",
                    "<office:document-content><office:text><text:p>"
                    "Hello</text:p>\n<text:p>key<text:s/>" +
                        Split(3, "</text:span>", "<text:span>") +
                        "</text:p></office:text>"
                        "</office:document-content>"}}));
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(r.findings[0].path, dir.path() + "/book.xlsx!xl/sharedStrings.xml");
  EXPECT_EQ(r.findings[0].line, 2);  // the second shared string
  EXPECT_EQ(r.findings[0].column, 1);
  EXPECT_EQ(r.findings[1].path,
            dir.path() + "/deck.pptx!ppt/slides/slide1.xml");
  EXPECT_EQ(r.findings[1].line, 2);
  EXPECT_EQ(r.findings[1].column, 8);
  EXPECT_EQ(r.findings[2].path, dir.path() + "/notes.odt!content.xml");
  EXPECT_EQ(r.findings[2].line, 2);
  EXPECT_EQ(r.findings[2].column, 5);  // "key" and a <text:s/> space
  for (int i = 0; i < 3; i++) EXPECT_EQ(r.findings[i].secret, Token(i + 1));
}

std::string Sha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; i++) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

// What `docker save` writes (Docker 25+: an OCI image layout): blobs named
// by digest, a gzip-compressed layer among them, and index/manifest JSON.
TEST_F(ArchiveScanTest, ImageTarballLayersAreNamedByDigest) {
  TempDir dir;
  std::string base = MakeArchive(F::kTar, {{"etc/os-release", "ID=test\n"}});
  std::string app = MakeArchive(
      F::kTar,
      {{"etc/app/.env", Text(4, 3, 20)}, {"usr/bin/app", "#!/bin/sh\n"}},
      Z::kGzip);
  std::string config =
      "{\"config\":{\"Env\":[\"PATH=/usr/bin\",\"KEY=" + Token(21) +
      "\"]},\"rootfs\":{\"type\":\"layers\"}}";
  const std::string base_id = Sha256Hex(base), app_id = Sha256Hex(app),
                    config_id = Sha256Hex(config);
  std::string manifest =
      "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" + config_id +
      "\"},\"layers\":[{\"digest\":\"sha256:" + base_id +
      "\"},{\"digest\":\"sha256:" + app_id + "\"}]}";
  dir.Write("image.tar",
            MakeArchive(F::kTar,
                        {{"oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"},
                         {"index.json", "{\"schemaVersion\":2}"},
                         {"manifest.json",
                          "[{\"Config\":\"blobs/sha256/" + config_id + "\"}]"},
                         {"blobs/sha256/" + base_id, base},
                         {"blobs/sha256/" + app_id, app},
                         {"blobs/sha256/" + config_id, config},
                         {"blobs/sha256/" + Sha256Hex(manifest), manifest}}));
  ScanResult r = Scan({dir.path()});
  ASSERT_EQ(r.findings.size(), 2u);
  const std::string image = dir.path() + "/image.tar!sha256:";
  std::vector<std::string> paths = {r.findings[0].path, r.findings[1].path};
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> want = {image + app_id + "!etc/app/.env",
                                   image + config_id};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(paths, want);
  for (const Finding& f : r.findings) {
    if (f.secret == Token(20)) {
      EXPECT_EQ(f.line, 3);
      EXPECT_EQ(f.column, 5);
    } else {
      EXPECT_EQ(f.secret, Token(21));
      EXPECT_EQ(f.line, 1);
    }
  }
  EXPECT_EQ(r.stats.archives, 3u);  // the image and its two layers
  EXPECT_TRUE(warnings_.empty());
}

}  // namespace
}  // namespace keyward::test

// The text of OOXML / ODF parts: markup dropped, references decoded,
// paragraphs as lines (source/markup_text.h).
#include "source/markup_text.h"

#include <gtest/gtest.h>

#include <string>

#include "source/archive_reader.h"

namespace keyward {
namespace {

// Hands out `step` bytes per Read: state must survive chunk boundaries.
class TrickleReader : public ByteReader {
 public:
  TrickleReader(std::string data, size_t step)
      : data_(std::move(data)), step_(step) {}
  long Read(char* out, size_t n) override {
    size_t k = std::min({n, step_, data_.size() - pos_});
    memcpy(out, data_.data() + pos_, k);
    pos_ += k;
    return static_cast<long>(k);
  }
  std::string error() const override { return {}; }

 private:
  std::string data_;
  size_t step_, pos_ = 0;
};

std::string TextOf(const std::string& xml, size_t step) {
  TrickleReader in(xml, step);
  MarkupTextReader text(&in);
  std::string out;
  char buf[7];  // small reads too
  long n;
  while ((n = text.Read(buf, sizeof buf)) > 0) out.append(buf, n);
  EXPECT_EQ(n, 0);
  return out;
}

TEST(MarkupTextTest, RunsJoinParagraphsEndLinesReferencesDecode) {
  const std::string xml =
      "<?xml version=\"1.0\"?>\r\n<w:document><w:body>"
      "<w:p><w:r><w:t>ab</w:t></w:r><w:r><w:t>cd</w:t></w:r></w:p>\n"
      "<w:p><w:r><w:t xml:space=\"preserve\">R&amp;D &lt;x&gt; &#47;&#x2F;"
      "&quot;&apos; &bogus; </w:t></w:r><w:r><w:tab/><w:t>e</w:t>"
      "<w:br/><w:t>f</w:t></w:r></w:p>"
      "<w:p><w:r><w:t a=\"x>y\">g</w:t></w:r></w:p></w:body></w:document>";
  const std::string want = "abcd\nR&D <x> //\"' &bogus; \te\nf\ng\n";
  for (size_t step : {1, 3, 64, 100000}) {
    EXPECT_EQ(TextOf(xml, step), want) << "step " << step;
  }
}

TEST(MarkupTextTest, SpreadsheetStringsAndCells) {
  EXPECT_EQ(TextOf("<sst><si><t>one</t></si><si><r><t>t</t></r><r><t>wo</t>"
                   "</r></si></sst>",
                   5),
            "one\ntwo\n");
  EXPECT_EQ(TextOf("<row><c><is><t>a</t></is></c><c><v>1</v></c></row>", 2),
            "a\t1\t\n");
  EXPECT_EQ(TextOf("<text:p>a<text:s/>b<text:line-break/>c &amp</text:p>", 4),
            "a b\nc &amp\n");
}

TEST(MarkupTextTest, DocumentNamesAndParts) {
  EXPECT_TRUE(IsDocumentPath("out/Report.DOCX"));
  EXPECT_TRUE(IsDocumentPath("a.zip!b/sheet.xlsx"));
  EXPECT_TRUE(IsDocumentPath("notes.odt"));
  EXPECT_FALSE(IsDocumentPath("docx"));
  EXPECT_FALSE(IsDocumentPath("release.zip"));
  EXPECT_TRUE(IsDocumentTextPart("word/document.xml"));
  EXPECT_TRUE(IsDocumentTextPart("word/footer2.xml"));
  EXPECT_TRUE(IsDocumentTextPart("xl/sharedStrings.xml"));
  EXPECT_TRUE(IsDocumentTextPart("ppt/slides/slide12.xml"));
  EXPECT_TRUE(IsDocumentTextPart("content.xml"));
  EXPECT_FALSE(IsDocumentTextPart("word/_rels/document.xml.rels"));
  EXPECT_FALSE(IsDocumentTextPart("[Content_Types].xml"));
  EXPECT_FALSE(IsDocumentTextPart("docProps/core.xml"));
}

}  // namespace
}  // namespace keyward

// The text of an Office Open XML or OpenDocument part (internal): a
// ByteReader over the XML that drops the markup, so that text split over
// runs (`<w:t>ab</w:t></w:r><w:r><w:t>cd</w:t>`) reads contiguously
// ("abcd"), and decodes the character references (&amp; &#47; &#x2F;).
// Line breaks in the XML are dropped; each paragraph, table row, shared
// string (xlsx) or explicit break ends a line, and a cell or tab becomes a
// tab: line N of the output is the document's Nth paragraph of that part,
// columns count bytes of its text.
// Not thread-safe; `input` must outlive the reader.
#ifndef KEYWARD_SOURCE_MARKUP_TEXT_H_
#define KEYWARD_SOURCE_MARKUP_TEXT_H_

#include <cstring>
#include <string>
#include <string_view>

#include "source/byte_reader.h"

namespace keyward {

// True for the parts of an OOXML / ODF package whose text is worth
// reading as text ("word/document.xml", "xl/sharedStrings.xml",
// "ppt/slides/slide1.xml", "content.xml"...); relationship files and
// others are scanned as they are.
bool IsDocumentTextPart(std::string_view entry);

// True when `path`'s last component names an OOXML / ODF document
// (.docx .xlsx .pptx .odt .ods .odp and the macro/template variants).
bool IsDocumentPath(std::string_view path);

class MarkupTextReader : public ByteReader {
 public:
  explicit MarkupTextReader(ByteReader* input) : input_(input) {}
  long Read(char* out, size_t n) override;
  std::string error() const override { return input_->error(); }

 private:
  void Transform(std::string_view in);
  void EndTag();
  void EndEntity();

  ByteReader* input_;
  std::string in_, out_;
  size_t out_pos_ = 0;
  bool in_tag_ = false, in_entity_ = false, tag_done_ = false;
  bool done_ = false;
  char quote_ = 0;
  std::string tag_;  // the tag's text up to its first space (bounded)
  std::string entity_;
};

}  // namespace keyward

#endif  // KEYWARD_SOURCE_MARKUP_TEXT_H_

// The text of Office Open XML / OpenDocument parts (source/markup_text.h).
#include "source/markup_text.h"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace keyward {
namespace {

constexpr size_t kChunk = 64 << 10;
constexpr size_t kMaxTag = 40;     // enough for every name looked at
constexpr size_t kMaxEntity = 10;  // "&#x10FFFF;"

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

template <size_t N>
bool OneOf(std::string_view s, const std::array<std::string_view, N>& set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

void AppendUtf8(uint32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3f)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3f)));
  }
}

}  // namespace

bool IsDocumentPath(std::string_view path) {
  size_t cut = path.find_last_of("/!");
  std::string_view name =
      cut == std::string_view::npos ? path : path.substr(cut + 1);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string ext(name.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(tolower(c));
  static constexpr std::array<std::string_view, 15> kExt = {
      "docx", "docm", "dotx", "xlsx", "xlsm", "xltx", "pptx", "pptm",
      "potx", "odt",  "ods",  "odp",  "ott",  "ots",  "otp"};
  return OneOf(ext, kExt);
}

bool IsDocumentTextPart(std::string_view e) {
  if (!EndsWith(e, ".xml")) return false;
  if (e == "content.xml") return true;  // OpenDocument
  if (StartsWith(e, "word/")) {
    std::string_view n = e.substr(5);
    return n == "document.xml" || StartsWith(n, "header") ||
           StartsWith(n, "footer") || n == "footnotes.xml" ||
           n == "endnotes.xml" || n == "comments.xml";
  }
  return e == "xl/sharedStrings.xml" || StartsWith(e, "xl/worksheets/sheet") ||
         StartsWith(e, "xl/comments") || StartsWith(e, "ppt/slides/slide") ||
         StartsWith(e, "ppt/notesSlides/") || StartsWith(e, "ppt/comments/");
}

void MarkupTextReader::EndTag() {
  std::string_view t = tag_;
  const bool closing = StartsWith(t, "/");
  if (closing) t.remove_prefix(1);
  if (EndsWith(t, "/")) t.remove_suffix(1);
  static constexpr std::array<std::string_view, 7> kLineEnds = {
      "w:p", "a:p", "text:p", "text:h", "si", "row", "table:table-row"};
  static constexpr std::array<std::string_view, 4> kBreaks = {
      "w:br", "w:cr", "a:br", "text:line-break"};
  static constexpr std::array<std::string_view, 2> kCells = {
      "c", "table:table-cell"};
  if (closing) {
    if (OneOf(t, kLineEnds)) out_.push_back('\n');
    if (OneOf(t, kCells)) out_.push_back('\t');
  } else if (OneOf(t, kBreaks)) {
    out_.push_back('\n');
  } else if (t == "w:tab" || t == "text:tab") {
    out_.push_back('\t');
  } else if (t == "text:s") {
    out_.push_back(' ');
  }
}

void MarkupTextReader::EndEntity() {
  std::string_view e = entity_;
  uint32_t c = 0;
  if (e == "lt") c = '<';
  if (e == "gt") c = '>';
  if (e == "amp") c = '&';
  if (e == "quot") c = '"';
  if (e == "apos") c = '\'';
  if (StartsWith(e, "#") && e.size() > 1) {
    const bool hex = e[1] == 'x' || e[1] == 'X';
    std::string digits(e.substr(hex ? 2 : 1));
    char* end = nullptr;
    unsigned long v = strtoul(digits.c_str(), &end, hex ? 16 : 10);
    if (!digits.empty() && *end == '\0' && v > 0 && v <= 0x10ffff) c = v;
  }
  if (c != 0) {
    AppendUtf8(c, &out_);
  } else {  // not a reference: the text as written
    out_.push_back('&');
    out_ += entity_;
    out_.push_back(';');
  }
}

void MarkupTextReader::Transform(std::string_view in) {
  for (char ch : in) {
    if (in_tag_) {
      if (quote_ != 0) {
        if (ch == quote_) quote_ = 0;
      } else if (ch == '"' || ch == '\'') {
        quote_ = ch;
      } else if (ch == '>') {
        in_tag_ = false;
        EndTag();
      } else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
        tag_done_ = true;
      } else if (!tag_done_ && tag_.size() < kMaxTag) {
        tag_.push_back(ch);
      } else if (ch == '/') {
        tag_.push_back('/');  // "<w:br w:type="page"/>": self-closing
      }
    } else if (in_entity_) {
      if (ch == ';') {
        in_entity_ = false;
        EndEntity();
      } else if (entity_.size() < kMaxEntity && ch != '<' && ch != '&') {
        entity_.push_back(ch);
      } else {  // not a reference after all
        in_entity_ = false;
        out_.push_back('&');
        out_ += entity_;
        if (ch == '<') {
          in_tag_ = true;
          tag_done_ = false;
          tag_.clear();
        } else if (ch == '&') {
          in_entity_ = true;
          entity_.clear();
        } else if (ch != '\n' && ch != '\r') {
          out_.push_back(ch);
        }
      }
    } else if (ch == '<') {
      in_tag_ = true;
      tag_done_ = false;
      tag_.clear();
    } else if (ch == '&') {
      in_entity_ = true;
      entity_.clear();
    } else if (ch != '\n' && ch != '\r') {
      out_.push_back(ch);
    }
  }
}

long MarkupTextReader::Read(char* out, size_t n) {
  while (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
    if (done_) return 0;
    in_.resize(kChunk);
    long got = input_->Read(in_.data(), in_.size());
    if (got < 0) return -1;
    if (got == 0) {
      done_ = true;
      if (in_entity_) {  // an unfinished reference at the end
        out_.push_back('&');
        out_ += entity_;
        in_entity_ = false;
      }
      continue;
    }
    Transform(std::string_view(in_.data(), got));
  }
  size_t k = std::min(n, out_.size() - out_pos_);
  memcpy(out, out_.data() + out_pos_, k);
  out_pos_ += k;
  return static_cast<long>(k);
}

}  // namespace keyward

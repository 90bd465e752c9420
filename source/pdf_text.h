// PDF text (internal): the text of each page of a PDF through poppler (in
// the PDF module, source/pdf_module.h, loaded at the first call), so
// that a secret written in a manual, a runbook or an exported wiki page is
// scanned as the words a reader sees, located by page.
//
//   PdfLimits limits;
//   PdfOutcome out = ReadPdfPages(bytes, limits,
//       [&](int page, std::string_view text) { scan(page, text); });
//   if (!out.error.empty()) warn(out.error);   // broken or locked
//   if (!out.limit.empty()) warn(out.limit);   // pages or bytes cut off
//
// Poppler's own messages about malformed files are silenced (it would print
// them to stderr); what went wrong comes back in PdfOutcome, a missing
// module included. The bytes are
// not copied: `data` must stay valid during the call. Thread-safe: each call
// has its own poppler document.
#ifndef KEYWARD_SOURCE_PDF_TEXT_H_
#define KEYWARD_SOURCE_PDF_TEXT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace keyward {

struct PdfLimits {
  int max_pages = 10000;                  // pages read per document
  uint64_t max_text_bytes = 64ull << 20;  // page text (UTF-8) per document
};

struct PdfOutcome {
  int pages = 0;       // pages in the document (0 when it did not open)
  int pages_read = 0;  // pages handed to the callback
  uint64_t text_bytes = 0;
  // "not a readable PDF" or "encrypted (a password is needed)"; empty when
  // the document opened. Pages are read only when it is empty.
  std::string error;
  // "text read from the first N of M pages (...)" when a limit stopped the
  // reading; empty otherwise.
  std::string limit;
};

// Where `head` starts like a PDF file: 0 when it begins with `%PDF-` and a
// digit; the offset of such a line within the first 1024 bytes (readers
// allow some junk before it); -1 when it does not look like a PDF. Text
// that merely mentions the magic inside a line (`if (h == "%PDF-1.")`) is
// not a PDF.
int PdfMagicOffset(std::string_view head);

// Reads the text of each page of the PDF in `data`, first page first, and
// calls `on_page(page_number, utf8_text)` (1-based) for each page that has
// text. Pages without text are counted as read but not handed over.
PdfOutcome ReadPdfPages(
    std::string_view data, const PdfLimits& limits,
    const std::function<void(int page, std::string_view text)>& on_page);

}  // namespace keyward

#endif  // KEYWARD_SOURCE_PDF_TEXT_H_

// keyward-pdf.so: PDF page text through poppler-cpp, loaded at the first
// PDF a run meets (source/pdf_module.h, base/module.h).
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <algorithm>
#include <climits>
#include <exception>
#include <memory>
#include <mutex>

#include "source/pdf_module.h"

namespace keyward {
namespace {

// Poppler reports every oddity of a malformed file on stderr ("Syntax
// Error: ..."): a scan of a docs tree would drown its own warnings. The
// debug function is process-wide, so it is set once.
void SilencePoppler() {
  static std::once_flag once;
  std::call_once(once, [] {
    poppler::set_debug_error_function([](const std::string&, void*) {},
                                      nullptr);
  });
}

PdfOutcome ReadPages(
    std::string_view data, const PdfLimits& limits,
    const std::function<void(int page, std::string_view text)>& on_page) {
  PdfOutcome out;
  SilencePoppler();
  if (data.size() > static_cast<size_t>(INT_MAX)) {
    out.error = "PDF too large to read (over 2 GiB)";
    return out;
  }
  try {
    std::unique_ptr<poppler::document> doc(
        poppler::document::load_from_raw_data(data.data(),
                                              static_cast<int>(data.size())));
    if (!doc) {
      out.error = "not a readable PDF";
      return out;
    }
    if (doc->is_locked()) {
      out.error = "encrypted PDF (a password is needed to read its text)";
      return out;
    }
    out.pages = std::max(doc->pages(), 0);
    for (int i = 0; i < out.pages; i++) {
      if (out.pages_read == limits.max_pages) {
        out.limit = "text read from the first " + std::to_string(i) + " of " +
                    std::to_string(out.pages) + " pages (page limit)";
        break;
      }
      std::unique_ptr<poppler::page> page(doc->create_page(i));
      out.pages_read++;
      if (!page) continue;
      // Raw order: the order the text was written in, so a value drawn
      // in pieces on one line stays in one piece whatever its layout.
      poppler::byte_array text =
          page->text(poppler::rectf(), poppler::page::raw_order_layout)
              .to_utf8();
      // Poppler ends a page with a form feed: not part of its last line.
      if (!text.empty() && text.back() == '\f') text.pop_back();
      if (text.empty()) continue;
      if (out.text_bytes + text.size() > limits.max_text_bytes) {
        out.limit = "text read from the first " + std::to_string(i) + " of " +
                    std::to_string(out.pages) + " pages (text budget of " +
                    std::to_string(limits.max_text_bytes) + " bytes)";
        out.pages_read--;
        break;
      }
      out.text_bytes += text.size();
      on_page(i + 1, std::string_view(text.data(), text.size()));
    }
  } catch (const std::exception& e) {
    // Poppler itself reports by return values; a bad_alloc on a hostile
    // file is the one way out that is left.
    out.error = std::string("PDF could not be read: ") + e.what();
  }
  return out;
}

const PdfModule kModule = {{kPdfModuleAbi, sizeof(PdfModule)}, ReadPages};

}  // namespace
}  // namespace keyward

extern "C" const void* keyward_pdf_module() { return &keyward::kModule; }

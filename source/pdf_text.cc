// PDF page text (source/pdf_text.h): the magic check here, the reading in
// the poppler module (source/modules/pdf_poppler.cc), loaded at first use.
#include "source/pdf_text.h"

#include "source/pdf_module.h"

namespace keyward {

int PdfMagicOffset(std::string_view head) {
  static constexpr std::string_view kMagic = "%PDF-";
  head = head.substr(0, 1024 + kMagic.size() + 1);
  for (size_t at = head.find(kMagic);
       at != std::string_view::npos && at <= 1024;
       at = head.find(kMagic, at + 1)) {
    bool line_start = at == 0 || head[at - 1] == '\n' || head[at - 1] == '\r';
    size_t v = at + kMagic.size();
    if (line_start && v < head.size() && head[v] >= '0' && head[v] <= '9') {
      return static_cast<int>(at);
    }
  }
  return -1;
}

PdfOutcome ReadPdfPages(
    std::string_view data, const PdfLimits& limits,
    const std::function<void(int page, std::string_view text)>& on_page) {
  static const ModuleLoad load = LoadModule(kPdfModuleFile, kPdfModuleEntry,
                                            kPdfModuleAbi, sizeof(PdfModule));
  if (!load.table) {
    PdfOutcome out;
    out.error = "PDF text cannot be read: " + load.error;
    return out;
  }
  return static_cast<const PdfModule*>(load.table)
      ->read_pages(data, limits, on_page);
}

}  // namespace keyward

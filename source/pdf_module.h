// The PDF module's table (internal): source/modules/pdf_poppler.cc, built
// as keyward-pdf.so with poppler, loaded by ReadPdfPages (source/pdf_text.h)
// at the first PDF a run meets (base/module.h says why and where from).
#ifndef KEYWARD_SOURCE_PDF_MODULE_H_
#define KEYWARD_SOURCE_PDF_MODULE_H_

#include <functional>
#include <string_view>

#include "base/module.h"
#include "source/pdf_text.h"

namespace keyward {

inline constexpr char kPdfModuleFile[] = "keyward-pdf.so";
inline constexpr char kPdfModuleEntry[] = "keyward_pdf_module";
// Raise when PdfModule or the types it passes change.
inline constexpr int kPdfModuleAbi = 1;

struct PdfModule {
  ModuleHeader header;
  // ReadPdfPages itself (source/pdf_text.h).
  PdfOutcome (*read_pages)(
      std::string_view data, const PdfLimits& limits,
      const std::function<void(int page, std::string_view text)>& on_page);
};

}  // namespace keyward

#endif  // KEYWARD_SOURCE_PDF_MODULE_H_

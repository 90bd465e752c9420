// Containers held in memory (scanner/container_blob.h).
#include "scanner/container_blob.h"

#include "scanner/scan_worker.h"
#include "source/content_kind.h"
#include "source/output_files.h"
#include "source/pdf_text.h"

namespace keyward {

bool IsContainerBlob(const Scanner& scanner, std::string_view data) {
  // A PDF that starts as one (a blob has no name to tell a notebook by).
  if (scanner.options().documents && PdfMagicOffset(data) == 0) return true;
  ContentKind kind = SniffContent(data.substr(0, kSniffBytes));
  if (kind == ContentKind::kArchive) return scanner.options().archives;
  return kind != ContentKind::kPlain && scanner.options().decompress;
}

void ScanContainerBlob(const Scanner& scanner, std::string_view data,
                       const std::string& path,
                       const std::function<void(const std::string&)>& warn,
                       std::vector<Finding>* out, ScanStats* stats) {
  OutputFiles outputs({});
  ScanWorker worker(scanner, warn, outputs);
  if (scanner.options().documents && PdfMagicOffset(data) == 0) {
    worker.ScanDocument(data, path);  // pages at "path!page-N"
  } else {
    worker.ScanMemory(data, path);
  }
  for (Finding& f : worker.findings()) out->push_back(std::move(f));
  stats->Add(worker.stats());
}

}  // namespace keyward

// Scanning documents as the text a reader sees: PDF pages through poppler
// (source/pdf_text.h), notebook cells and outputs (source/notebook.h), the
// private keys of a PKCS#12 keystore that opens with no real password
// (source/pkcs12_key.h) (scanner/scan_worker.h).
#include <cctype>

#include "scanner/scan_worker.h"
#include "source/notebook.h"
#include "source/pdf_text.h"
#include "source/pkcs12_key.h"

namespace keyward {
namespace {

bool EndsWithPdf(const std::string& path) {
  if (path.size() < 4) return false;
  std::string ext = path.substr(path.size() - 4);
  for (char& c : ext) c = static_cast<char>(tolower(c));
  return ext == ".pdf";
}

}  // namespace

bool ScanWorker::ScanDocument(std::string_view data, const std::string& path) {
  if (IsNotebookPath(path)) return ScanNotebook(data, path);
  if (IsPkcs12Path(path)) return ScanPkcs12(data, path);
  int magic = PdfMagicOffset(data);
  if (magic < 0) return false;
  ScanPdf(data, path, /*sure=*/magic == 0 || EndsWithPdf(path));
  return true;
}

void ScanWorker::ScanPdf(std::string_view data, const std::string& path,
                         bool sure) {
  const ScanOptions& options = scanner_.options();
  PdfLimits limits;
  limits.max_pages = options.pdf_max_pages;
  limits.max_text_bytes = options.document_max_text_bytes;
  PdfOutcome out =
      ReadPdfPages(data, limits, [&](int page, std::string_view text) {
        // Each page is a text of its own, as a map's embedded source is.
        const std::string name = path + "!page-" + std::to_string(page);
        ScanBlock(text, name);
      });
  if (!out.error.empty()) {
    // A text file with a PDF's first line further down (a dump, a test
    // fixture) is not worth a warning; a `.pdf` or a file that starts as
    // one is.
    if (sure) {
      stats_.documents_unreadable++;
      warn_(path + ": " + out.error + "; scanned as plain bytes");
    }
    ScanBlock(data, path);  // a text-only file may still show its secret
    return;
  }
  stats_.pdfs++;
  stats_.pdf_pages += out.pages_read;
  if (!out.limit.empty()) {
    stats_.documents_limited++;
    warn_(path + ": " + out.limit);
  }
}

bool ScanWorker::ScanNotebook(std::string_view data, const std::string& path) {
  if (data.size() > scanner_.options().document_max_text_bytes) return false;
  std::vector<NotebookText> texts;
  int cells = 0;
  if (!ParseNotebook(data, &texts, &cells)) return false;  // scanned as text
  stats_.notebooks++;
  stats_.notebook_cells += cells;
  for (const NotebookText& t : texts) {
    ScanBlock(t.content, path + "!" + t.name);
  }
  return true;
}

bool ScanWorker::ScanPkcs12(std::string_view data, const std::string& path) {
  std::string password;
  std::string pem = OpenPkcs12Keys(data, &password);
  if (pem.empty()) return false;  // scanned as bytes (skipped as binary)
  // The keys are reported at the keystore's own path: the file is the
  // leak. Their location is the PEM's, line 1 for the first key.
  const size_t begin = findings_.size();
  ScanBlock(pem, path);
  const std::string chain =
      password.empty() ? "pkcs12" : "pkcs12(password " + password + ")";
  for (size_t i = begin; i < findings_.size(); i++) {
    Finding& f = findings_[i];
    f.encoding = f.encoding.empty() ? chain : chain + ">" + f.encoding;
  }
  return true;
}

}  // namespace keyward

// Test support: minimal PDF files written by hand at test time, one page
// per entry, each a Helvetica text object with one line per string, with
// a correct cross-reference table (byte offsets computed here).
#ifndef KEYWARD_TESTS_SUPPORT_PDF_H_
#define KEYWARD_TESTS_SUPPORT_PDF_H_

#include <cstdio>
#include <string>
#include <vector>

namespace keyward::test {

// A PDF string literal: ( ) and \ escaped.
inline std::string PdfLiteral(const std::string& text) {
  std::string out = "(";
  for (char c : text) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out + ")";
}

// `pages[i]` holds the lines of page i + 1, drawn top-down 20 points apart.
inline std::string MinimalPdf(
    const std::vector<std::vector<std::string>>& pages) {
  std::vector<std::string> objects;  // object i + 1
  std::string kids;
  const int first_page = 4;  // 1 catalog, 2 page tree, 3 font
  for (size_t i = 0; i < pages.size(); i++) {
    kids += std::to_string(first_page + 2 * i) + " 0 R ";
  }
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " +
                    std::to_string(pages.size()) + " >>");
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (size_t i = 0; i < pages.size(); i++) {
    std::string content = "BT /F1 11 Tf 72 720 Td 20 TL\n";
    for (const std::string& line : pages[i]) {
      content += PdfLiteral(line) + " Tj T*\n";
    }
    content += "ET\n";
    objects.push_back(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 3 0 R >> >> /Contents " +
        std::to_string(first_page + 2 * i + 1) + " 0 R >>");
    objects.push_back("<< /Length " + std::to_string(content.size()) +
                      " >>\nstream\n" + content + "endstream");
  }
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); i++) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n";
  pdf += "0000000000 65535 f \n";
  for (size_t off : offsets) {
    char entry[32];
    snprintf(entry, sizeof entry, "%010zu 00000 n \n", off);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_PDF_H_

// Scan summaries for stderr (cli/summary.h).
#include "cli/summary.h"

#include <cstdio>
#include <sstream>

namespace keyward::cli {
namespace {

std::string FormatBytes(uint64_t b) {
  char buf[32];
  if (b >= (1ull << 30)) {
    snprintf(buf, sizeof buf, "%.2f GB", b / 1e9);
  } else if (b >= (1ull << 20)) {
    snprintf(buf, sizeof buf, "%.1f MB", b / 1e6);
  } else {
    snprintf(buf, sizeof buf, "%.1f KB", b / 1e3);
  }
  return buf;
}

}  // namespace

std::string SummaryLine(const ScanStats& s) {
  std::ostringstream o;
  uint64_t shown = s.findings - s.suppressed;
  o << shown << (shown == 1 ? " finding" : " findings") << " in " << s.files
    << (s.files == 1 ? " file" : " files") << " (" << FormatBytes(s.bytes)
    << ", " << std::fixed;
  o.precision(2);
  o << s.seconds << " s";
  if (s.compile_seconds >= 0.005) {
    o << " + " << s.compile_seconds << " s compiling rules";
  }
  o << ")";
  if (s.suppressed) o << ", " << s.suppressed << " suppressed";
  if (s.below_confidence) {
    o << ", " << s.below_confidence << " below --min-confidence";
  }
  if (s.unreadable) o << ", " << s.unreadable << " unreadable";
  return o.str();
}

std::string StatsBlock(const ScanStats& s) {
  std::ostringstream o;
  o.precision(3);
  double mbps = s.seconds > 0 ? s.bytes / 1e6 / s.seconds : 0;
  o << "files:           " << s.files << "\n"
    << "bytes:           " << s.bytes << "\n"
    << "skipped binary:  " << s.skipped_binary << "\n"
    << "skipped ignored: " << s.skipped_ignored << "\n"
    << "unreadable:      " << s.unreadable << "\n"
    << "findings:        " << s.findings << "\n"
    << "suppressed:      " << s.suppressed << "\n"
    << "below min conf.: " << s.below_confidence << "\n"
    << "decompressed:    " << s.decompressed << " files, "
    << s.decompressed_bytes << " bytes, " << s.decompress_limited
    << " over budget\n"
    << "source maps:     " << s.source_maps << ", " << s.bundle_findings_folded
    << " bundle findings folded into sources\n"
    << "documents:       " << s.pdfs << " PDFs (" << s.pdf_pages << " pages), "
    << s.notebooks << " notebooks (" << s.notebook_cells << " cells), "
    << s.documents_unreadable << " unreadable, " << s.documents_limited
    << " cut off\n"
    << "decoded strings: " << s.decoded_spans << " spans, " << s.decoded_bytes
    << " bytes, " << s.decoded_findings << " findings, " << s.decode_limited
    << " files over budget\n"
    << "archives:        " << s.archives << " opened, " << s.archive_entries
    << " entries, " << s.archive_limited << " limits hit\n"
    << std::fixed << "seconds:         " << s.seconds << "\n"
    << "compile seconds: " << s.compile_seconds << "\n"
    << "MB/s:            " << mbps << "\n";
  return o.str();
}

}  // namespace keyward::cli

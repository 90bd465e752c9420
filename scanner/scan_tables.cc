// Credentials under a table's header column (scanner/scan_worker.h).
#include <algorithm>

#include "base/visible_text.h"
#include "scanner/build_finding.h"
#include "scanner/inline_allow.h"
#include "scanner/scan_worker.h"
#include "source/table_cells.h"

namespace keyward {

bool HoldsTableCell(const Finding& known, const Finding& cell) {
  return known.line == cell.line &&
         (known.secret_digest == cell.secret_digest ||
          (known.column < cell.end_column && cell.column < known.end_column));
}

void ScanWorker::ScanTables(std::string_view data, const std::string& path,
                            std::string_view scope, size_t begin) {
  // A git blob is scanned without a path: the name its tree entry gives it
  // comes as its scope (Matcher::FileNamed, or a range's path).
  std::string_view name = path;
  if (name.empty()) {
    name = scope;
    if (name.starts_with(Matcher::kNoFileFormatRules)) name.remove_prefix(1);
  }
  if (!IsTablePath(name)) return;
  const std::vector<TableCell> cells = CredentialTableCells(data);
  if (cells.empty()) return;
  // One `label = value` line per cell: the rules for assignments read it.
  std::string text;
  std::vector<uint64_t> starts;
  for (const TableCell& c : cells) {
    text += c.label;
    text += " = ";
    starts.push_back(text.size());
    text.append(data.substr(c.offset, c.length));
    text += '\n';
  }
  std::vector<RuleMatch> matches;
  if (Status s = matcher_.Scan(text, scratch_.get(), &matches, scope);
      !s.ok()) {
    Failed(path, s);
    return;
  }
  const size_t end = findings_.size();
  int line = 1;
  size_t line_start = 0, pos = 0;  // lines of `data` counted up to pos
  for (const RuleMatch& m : matches) {
    size_t k = std::upper_bound(starts.begin(), starts.end(), m.secret_start) -
               starts.begin();
    if (k == 0) continue;
    k--;
    const TableCell& cell = cells[k];
    if (m.secret_end > starts[k] + cell.length) continue;
    Finding f = BuildFinding(matcher_, m, text, 0, path);
    const size_t offset = cell.offset + (m.secret_start - starts[k]);
    for (; pos < offset; pos++) {
      if (data[pos] == '\n') {
        line++;
        line_start = pos + 1;
      }
    }
    f.offset = offset;
    f.line = f.end_line = line;
    f.column = 1 + CodePoints(data.substr(line_start, offset - line_start));
    f.end_column = f.column + CodePoints(f.secret);
    f.suppressed = InlineAllowed(data, offset, &f.suppression);
    // A rule reading the row itself found it already (a provider token).
    bool known = std::any_of(findings_.begin() + begin, findings_.begin() + end,
                             [&](const Finding& g) {
                               return g.path == path && HoldsTableCell(g, f);
                             });
    if (!known) findings_.push_back(std::move(f));
  }
}

}  // namespace keyward

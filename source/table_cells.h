// Tables whose header names a credential column (internal): a CSV or TSV
// export, a Markdown, org, Confluence, MediaWiki or AsciiDoc table, a
// LaTeX tabular. The value in a row's cell is a credential because of the
// header above it, which no pattern on the row's own line can see; the
// scanner reads each such cell as a `label = value` line
// (scanner/scan_worker.h, ScanTables).
#ifndef KEYWARD_SOURCE_TABLE_CELLS_H_
#define KEYWARD_SOURCE_TABLE_CELLS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace keyward {

struct TableCell {
  // The column's kind as an assignment's key would name it: "password",
  // "api_key", "access_token", "token", "secret" or "private_key".
  std::string label;
  size_t offset = 0;  // the value's bytes in the text, quotes and markup off
  size_t length = 0;
};

// True when `path` names a file that holds tables people type credentials
// into: spreadsheets exported as CSV/TSV, Markdown, reStructuredText, org,
// AsciiDoc, wiki markup, LaTeX, HTML, plain text and mail.
bool IsTablePath(std::string_view path);

// The cells under a credential-named header column, in text order. A
// header is a line of two or more short labels split by one delimiter
// (tab, `;`, `,`, `|`, `||`, `!!`, `&`), one of which names a password,
// secret, token or API key and none of which is a value. Rows follow it
// with the same delimiter; the table ends at the first line without it.
// Markdown `|---|`, reStructuredText `+---+` and LaTeX `\hline` rules are
// skipped. A header opens its table: the line above it is not a row of
// the same delimiter. HTML tables are read as `<tr>` rows of `<th>`/`<td>`
// cells, the first row of labels naming a credential being the header.
// Only single-word cells of 6 to 200 bytes are returned, in text order.
std::vector<TableCell> CredentialTableCells(std::string_view text);

}  // namespace keyward

#endif  // KEYWARD_SOURCE_TABLE_CELLS_H_

// A small RFC 4180 CSV reader for password-manager exports.
#ifndef KEYWARD_INVENTORY_CSV_H_
#define KEYWARD_INVENTORY_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "keyward/status.h"

namespace keyward::inventory {

struct CsvRow {
  int line = 0;  // 1-based line where the row starts
  std::vector<std::string> fields;
};

// Splits `text` into rows. Handles a UTF-8 BOM, CRLF or LF line ends,
// quoted fields with "" escapes and embedded newlines. Blank lines are
// skipped. An unterminated quoted field is an error naming its line (the
// message never quotes field contents, which may be secrets).
Status ParseCsv(std::string_view text, const std::string& path,
                std::vector<CsvRow>* rows);

}  // namespace keyward::inventory

#endif  // KEYWARD_INVENTORY_CSV_H_

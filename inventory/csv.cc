#include "inventory/csv.h"

namespace keyward::inventory {

Status ParseCsv(std::string_view text, const std::string& path,
                std::vector<CsvRow>* rows) {
  rows->clear();
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  int line = 1;
  size_t i = 0;
  while (i < text.size()) {
    CsvRow row;
    row.line = line;
    std::string field;
    bool row_has_content = false;
    for (;;) {
      if (i < text.size() && text[i] == '"') {
        int quote_line = line;
        ++i;
        for (;;) {
          if (i >= text.size()) {
            return Status::Corruption(
                path + ":" + std::to_string(quote_line) +
                ": quoted field is never closed (missing \")");
          }
          char c = text[i++];
          if (c == '"') {
            if (i < text.size() && text[i] == '"') {
              field.push_back('"');
              ++i;
              continue;
            }
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
        }
        row_has_content = true;
      }
      // Unquoted part (or stray text after a closing quote: kept, as
      // spreadsheet programs do).
      while (i < text.size() && text[i] != ',' && text[i] != '\n' &&
             text[i] != '\r') {
        field.push_back(text[i++]);
      }
      if (!field.empty()) row_has_content = true;
      row.fields.push_back(std::move(field));
      field.clear();
      if (i < text.size() && text[i] == ',') {
        ++i;
        row_has_content = true;
        continue;
      }
      // End of row.
      if (i < text.size() && text[i] == '\r') ++i;
      if (i < text.size() && text[i] == '\n') ++i;
      ++line;
      break;
    }
    if (row_has_content) rows->push_back(std::move(row));
  }
  return Status::OK();
}

}  // namespace keyward::inventory

// Jupyter notebooks (internal): the texts of a `.ipynb` file, cell by cell,
// JSON escapes decoded. A token pasted into a cell, or printed by one into
// its output, is then found at its line in that cell rather than at one
// escaped line of the notebook's JSON.
#ifndef KEYWARD_SOURCE_NOTEBOOK_H_
#define KEYWARD_SOURCE_NOTEBOOK_H_

#include <string>
#include <string_view>
#include <vector>

namespace keyward {

struct NotebookText {
  // "cell-4" (the cell's source) or "cell-4!output-1" (its first output
  // with text); cells and outputs count from 1, in file order.
  std::string name;
  std::string content;  // the text, decoded
};

// True when `path` names a notebook (`*.ipynb`).
bool IsNotebookPath(std::string_view path);

// Parses `text` as a notebook (nbformat 4 `cells`, or nbformat 3
// `worksheets[].cells`). Returns false when it is not JSON or not an
// object with cells; otherwise appends, per cell, its source (`source`, or
// `input` in nbformat 3; a string or a list of lines) and the text of each
// output: `stream` text, `text/*` entries of `data` (execute_result,
// display_data; `text` and `pyout` in nbformat 3), and an error's name,
// value and traceback. Empty texts are left out; `cells` counts the cells.
bool ParseNotebook(std::string_view text, std::vector<NotebookText>* out,
                   int* cells);

}  // namespace keyward

#endif  // KEYWARD_SOURCE_NOTEBOOK_H_

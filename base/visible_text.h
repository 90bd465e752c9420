// Text from scanned input (file names, commit authors, matched text) made
// safe to print: nothing in it can move the cursor, start a terminal escape
// or begin a new output line, so a crafted file name cannot forge a finding.
#ifndef KEYWARD_BASE_VISIBLE_TEXT_H_
#define KEYWARD_BASE_VISIBLE_TEXT_H_

#include <string>
#include <string_view>

namespace keyward {

// `s` with every control character written as a visible escape: \n, \r, \t
// and \xNN for the other C0 bytes and DEL, \u0080..\u009f for the C1
// controls encoded in UTF-8, and \xNN for each byte that is not part of
// valid UTF-8 (a lone 0x9b is a CSI to some terminals). Everything else,
// including printable UTF-8, is kept as it is. With `keep_newlines`, '\n'
// is kept (for multi-line text such as notes).
std::string VisibleText(std::string_view s, bool keep_newlines = false);

// A name read from a user's file (a configuration key, a rule id) for an
// error message. Names are short words joined by '.', '_' or '-'; anything
// else (a token pasted in the wrong place: mixed case, or a run of 16+
// letters and digits) is shown only as its length and last 4 characters,
// e.g. "…Ab7c (40 characters)", so an error never prints a secret.
std::string ShownName(std::string_view name);

// The code points of UTF-8 text (bytes that do not continue a sequence):
// findings' columns are counted in them.
inline int CodePoints(std::string_view s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace keyward

#endif  // KEYWARD_BASE_VISIBLE_TEXT_H_

// Reading RE2 pattern syntax just enough to find top-level items, for the
// matcher's cheaper paths (scanner/matcher.cc). Anything this reader does
// not follow makes the functions answer "no", never a wrong cut.
#ifndef KEYWARD_SCANNER_PATTERN_SYNTAX_H_
#define KEYWARD_SCANNER_PATTERN_SYNTAX_H_

#include <string>
#include <string_view>
#include <vector>

namespace keyward {

// Cuts `pattern` between two of its top-level items (an atom with its
// repetition operators) so that `head` holds no capture group and `tail`
// starts with the item just before the first one that does (a delimiter,
// which usually pins where the tail can start). False when there is no such
// cut, or the pattern is not a plain concatenation this reader follows (a
// top-level alternation or flag group, "\Q...\E"), or the tail has a word
// boundary assertion (tail matches are probed on text cut at the match end,
// where "\b" and "\B" read differently).
//
// `head_group` names a group that may stay in the head: a top-level item
// "(?P<name>...)" with no capture group inside does not count as one that
// captures (the generic rules' `key` group, which only a few matches need:
// those read it from the whole pattern). Empty: every group counts.
bool SplitBeforeGroups(std::string_view pattern, std::string* head,
                       std::string* tail, std::string_view head_group = {});

// Whether `pattern` starts with "^" (after flag groups such as "(?i)") and
// has no top-level alternation. False when unsure.
bool StartAnchored(std::string_view pattern);

// The top-level alternatives of `pattern` ("a|b(c|d)|e" -> "a", "b(c|d)",
// "e"), for a rule's trigger compiled as one Hyperscan expression each:
// Hyperscan picks one literal set per expression, so "\"re_|'re_| re_" in
// one expression is keyed on `re_`, in three on the longer literals. Empty
// when there are fewer than two, one is empty, or the pattern is not one
// this reader follows (a top-level flag group such as "(?i)", "\Q...\E").
std::vector<std::string> TopLevelAlternatives(std::string_view pattern);

}  // namespace keyward

#endif  // KEYWARD_SCANNER_PATTERN_SYNTAX_H_

// Just enough of RE2's pattern syntax to find a pattern's top-level items.
#include "scanner/pattern_syntax.h"

#include <cctype>
#include <string>
#include <vector>

namespace keyward {
namespace {

// Reads RE2 syntax just enough to find top-level item boundaries. Each
// returns the offset past the construct starting at p[i], or npos when it
// is malformed or unsupported.
constexpr size_t kBad = std::string_view::npos;

size_t SkipEscape(std::string_view p, size_t i) {
  if (i + 1 >= p.size()) return kBad;
  char c = p[i + 1];
  size_t j = i + 2;
  if (c == 'Q') return kBad;  // \Q...\E: not followed
  if ((c == 'x' || c == 'p' || c == 'P') && j < p.size() && p[j] == '{') {
    size_t close = p.find('}', j);
    return close == p.npos ? kBad : close + 1;
  }
  if (c == 'x') return j + 2 <= p.size() ? j + 2 : kBad;
  if (c >= '0' && c <= '7') {  // octal: up to three digits
    for (int k = 0; k < 2 && j < p.size() && p[j] >= '0' && p[j] <= '7'; k++) {
      j++;
    }
  }
  return j;
}

size_t SkipClass(std::string_view p, size_t i) {
  size_t j = i + 1;
  if (j < p.size() && p[j] == '^') j++;
  if (j < p.size() && p[j] == ']') j++;  // a leading ']' is a literal
  while (j < p.size()) {
    if (p[j] == ']') return j + 1;
    if (p[j] == '\\') {
      j = SkipEscape(p, j);
      if (j == kBad) return kBad;
    } else if (p.compare(j, 2, "[:") == 0) {
      size_t close = p.find(":]", j + 2);
      if (close == p.npos) return kBad;
      j = close + 2;
    } else {
      j++;
    }
  }
  return kBad;
}

// Whether the group opening at p[i] captures: "(" not followed by "?", or a
// named group.
bool Captures(std::string_view p, size_t i) {
  return p.compare(i, 2, "(?") != 0 || p.compare(i, 4, "(?P<") == 0 ||
         p.compare(i, 3, "(?<") == 0;
}

// Whether the non-capturing group opening at p[i] is "(?i)" (no ':'), which
// sets flags for the rest of the pattern instead of grouping.
bool SetsFlags(std::string_view p, size_t i) {
  size_t k = i + 2;
  while (k < p.size() &&
         (std::isalpha(static_cast<unsigned char>(p[k])) || p[k] == '-')) {
    k++;
  }
  return k >= p.size() || p[k] != ':';
}

// A group and its contents; sets *captures when it holds a capture group.
size_t SkipGroup(std::string_view p, size_t i, bool* captures) {
  int depth = 0;
  for (size_t j = i; j < p.size();) {
    char c = p[j];
    if (c == '\\') {
      j = SkipEscape(p, j);
    } else if (c == '[') {
      j = SkipClass(p, j);
    } else if (c == '(') {
      if (Captures(p, j)) *captures = true;
      depth++;
      j++;
    } else if (c == ')') {
      j++;
      if (--depth == 0) return j;
    } else {
      j++;
    }
    if (j == kBad) return kBad;
  }
  return kBad;
}

// Past the atom at p[i] (a group, a class, an escape or one character),
// without its repetition operators; sets *captures when it holds a capture
// group. kBad when malformed.
size_t SkipAtom(std::string_view p, size_t i, bool* captures) {
  if (p[i] == '(') return SkipGroup(p, i, captures);
  if (p[i] == '[') return SkipClass(p, i);
  if (p[i] == '\\') return SkipEscape(p, i);
  return i + 1;
}

// Repetition operators after an atom: * + ? (also lazy) and {n}, {n,},
// {n,m}; a '{' that starts none of these is a literal, not consumed.
size_t SkipRepeats(std::string_view p, size_t j) {
  while (j < p.size()) {
    if (p[j] == '*' || p[j] == '+' || p[j] == '?') {
      j++;
      continue;
    }
    if (p[j] != '{') break;
    size_t k = j + 1, digits = 0;
    while (k < p.size() && std::isdigit(static_cast<unsigned char>(p[k]))) {
      k++, digits++;
    }
    if (digits == 0) break;
    if (k < p.size() && p[k] == ',') {
      k++;
      while (k < p.size() && std::isdigit(static_cast<unsigned char>(p[k]))) {
        k++;
      }
    }
    if (k >= p.size() || p[k] != '}') break;
    j = k + 1;
  }
  return j;
}

// Whether `p` has a \b or \B escape outside a character class (inside one,
// \b is a backspace).
bool HasWordBoundary(std::string_view p) {
  for (size_t i = 0; i < p.size();) {
    if (p[i] == '[') {
      i = SkipClass(p, i);
      if (i == kBad) return true;
    } else if (p[i] == '\\') {
      if (i + 1 < p.size() && (p[i + 1] == 'b' || p[i + 1] == 'B')) {
        return true;
      }
      i = SkipEscape(p, i);
      if (i == kBad) return true;
    } else {
      i++;
    }
  }
  return false;
}

}  // namespace

bool StartAnchored(std::string_view p) {
  size_t i = 0;
  while (p.compare(i, 2, "(?") == 0) {  // "(?i)": flags, no ':' group
    size_t k = i + 2;
    while (k < p.size() && std::isalpha(static_cast<unsigned char>(p[k]))) {
      k++;
    }
    if (k >= p.size() || p[k] != ')') break;
    i = k + 1;
  }
  if (p.compare(i, 1, "^") != 0) return false;
  for (i++; i < p.size();) {
    bool captures = false;
    if (p[i] == '|') return false;
    if (p[i] == '(') {
      i = SkipGroup(p, i, &captures);
    } else if (p[i] == '[') {
      i = SkipClass(p, i);
    } else if (p[i] == '\\') {
      i = SkipEscape(p, i);
    } else {
      i++;
    }
    if (i == kBad) return false;
  }
  return true;
}

std::vector<std::string> TopLevelAlternatives(std::string_view p) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < p.size();) {
    char c = p[i];
    if (c == '|') {
      out.emplace_back(p.substr(start, i - start));
      start = ++i;
      continue;
    }
    if (c == ')') return {};
    if (c == '(' && !Captures(p, i) && SetsFlags(p, i)) return {};
    bool captures = false;
    i = SkipAtom(p, i, &captures);
    if (i == kBad) return {};
  }
  out.emplace_back(p.substr(start));
  if (out.size() < 2) return {};
  for (const auto& a : out) {
    if (a.empty()) return {};
  }
  return out;
}

bool SplitBeforeGroups(std::string_view p, std::string* head, std::string* tail,
                       std::string_view head_group) {
  const std::string named =
      head_group.empty() ? "" : "(?P<" + std::string(head_group) + ">";
  std::vector<size_t> starts;   // of top-level items
  size_t first_capture = kBad;  // item index
  for (size_t i = 0; i < p.size();) {
    size_t start = i;
    bool captures = false;
    char c = p[i];
    if (c == '|' || c == ')' || c == '*' || c == '+' || c == '?') {
      return false;
    } else if (c == '(') {
      if (!Captures(p, i) && SetsFlags(p, i)) return false;
      i = SkipGroup(p, i, &captures);
      // The named head group, if it holds no other group: what SkipGroup
      // sees inside it, from its first inner item to its ')'.
      if (captures && i != kBad && !named.empty() &&
          p.compare(start, named.size(), named) == 0) {
        bool inner = false;
        size_t j = start + named.size();
        while (j != kBad && j + 1 < i) j = SkipAtom(p, j, &inner);
        captures = inner || j == kBad;
      }
    } else if (c == '[') {
      i = SkipClass(p, i);
    } else if (c == '\\') {
      i = SkipEscape(p, i);
    } else {
      i++;
    }
    if (i == kBad) return false;
    i = SkipRepeats(p, i);
    if (captures && first_capture == kBad) first_capture = starts.size();
    starts.push_back(start);
  }
  if (first_capture == kBad || first_capture < 2) return false;
  size_t cut = starts[first_capture - 1];
  if (HasWordBoundary(p.substr(cut))) return false;
  head->assign(p.substr(0, cut));
  tail->assign(p.substr(cut));
  return true;
}

}  // namespace keyward

#include "source/ignore.h"

#include <cctype>

namespace keyward {
namespace {

// Matches a POSIX class name ("alpha", ...) against c. Unknown names match
// nothing, like git's wildmatch.
bool MatchPosixClass(std::string_view name, unsigned char c) {
  if (name == "alnum") return std::isalnum(c);
  if (name == "alpha") return std::isalpha(c);
  if (name == "blank") return c == ' ' || c == '\t';
  if (name == "cntrl") return std::iscntrl(c);
  if (name == "digit") return std::isdigit(c);
  if (name == "graph") return std::isgraph(c);
  if (name == "lower") return std::islower(c);
  if (name == "print") return std::isprint(c);
  if (name == "punct") return std::ispunct(c);
  if (name == "space") return std::isspace(c);
  if (name == "upper") return std::isupper(c);
  if (name == "xdigit") return std::isxdigit(c);
  return false;
}

// Parses the bracket expression starting at glob[0] == '[' and tests c.
// Returns the length of the expression, or 0 if it is not well formed (then
// the caller treats '[' as a literal, as git does).
size_t MatchBracket(std::string_view glob, char c, bool* matched) {
  size_t i = 1;
  bool negate = false;
  if (i < glob.size() && (glob[i] == '!' || glob[i] == '^')) {
    negate = true;
    ++i;
  }
  bool found = false;
  bool first = true;
  while (i < glob.size()) {
    char lo = glob[i];
    if (lo == ']' && !first) {
      *matched = (found != negate) && c != '/';
      return i + 1;
    }
    first = false;
    if (lo == '[' && i + 1 < glob.size() && glob[i + 1] == ':') {
      size_t end = glob.find(":]", i + 2);
      if (end == std::string_view::npos) return 0;
      if (MatchPosixClass(glob.substr(i + 2, end - i - 2),
                          static_cast<unsigned char>(c))) {
        found = true;
      }
      i = end + 2;
      continue;
    }
    if (lo == '\\') {
      if (++i >= glob.size()) return 0;
      lo = glob[i];
    }
    ++i;
    char hi = lo;
    if (i + 1 < glob.size() && glob[i] == '-' && glob[i + 1] != ']') {
      hi = glob[i + 1];
      i += 2;
      if (hi == '\\') {
        if (i >= glob.size()) return 0;
        hi = glob[i++];
      }
    }
    if (static_cast<unsigned char>(lo) <= static_cast<unsigned char>(c) &&
        static_cast<unsigned char>(c) <= static_cast<unsigned char>(hi)) {
      found = true;
    }
  }
  return 0;  // no closing ']'
}

// True when glob[pos] starts a "**" that is a whole path component.
bool IsDoubleStarComponent(std::string_view glob, size_t pos) {
  return glob.substr(pos, 2) == "**" && (pos == 0 || glob[pos - 1] == '/') &&
         (pos + 2 == glob.size() || glob[pos + 2] == '/');
}

bool GlobMatchAt(std::string_view glob, size_t g, std::string_view path,
                 size_t p) {
  while (g < glob.size()) {
    char gc = glob[g];
    if (gc == '*') {
      if (IsDoubleStarComponent(glob, g)) {
        if (g + 2 == glob.size()) return true;  // trailing "/**": anything
        // "**/rest": rest matches here or after any '/' further on.
        size_t rest = g + 3;
        if (GlobMatchAt(glob, rest, path, p)) return true;
        for (size_t i = p; i < path.size(); ++i) {
          if (path[i] == '/' && GlobMatchAt(glob, rest, path, i + 1)) {
            return true;
          }
        }
        return false;
      }
      // Any run of stars that is not a "**" component is a single "*".
      while (g < glob.size() && glob[g] == '*') ++g;
      if (g == glob.size()) {
        return path.find('/', p) == std::string_view::npos;
      }
      for (size_t i = p; i <= path.size(); ++i) {
        if (GlobMatchAt(glob, g, path, i)) return true;
        if (i < path.size() && path[i] == '/') break;
      }
      return false;
    }
    if (p >= path.size()) return false;
    char pc = path[p];
    if (gc == '?') {
      if (pc == '/') return false;
    } else if (gc == '[') {
      bool matched = false;
      size_t len = MatchBracket(glob.substr(g), pc, &matched);
      if (len > 0) {
        if (!matched) return false;
        g += len;
        ++p;
        continue;
      }
      if (pc != '[') return false;
    } else {
      if (gc == '\\' && g + 1 < glob.size()) gc = glob[++g];
      if (gc != pc) return false;
    }
    ++g;
    ++p;
  }
  return p == path.size();
}

// Strips trailing spaces unless the last one is escaped by a backslash.
std::string_view TrimTrailingSpaces(std::string_view s) {
  while (!s.empty() && s.back() == ' ') {
    size_t backslashes = 0;
    for (size_t i = s.size() - 1; i > 0 && s[i - 1] == '\\'; --i) {
      ++backslashes;
    }
    if (backslashes % 2 == 1) break;  // "\ " keeps the space
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

bool GlobMatch(std::string_view glob, std::string_view path) {
  return GlobMatchAt(glob, 0, path, 0);
}

void IgnoreList::AddLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  line = TrimTrailingSpaces(line);
  if (line.empty() || line[0] == '#') return;
  Pattern pattern;
  if (line[0] == '!') {
    pattern.negate = true;
    line.remove_prefix(1);
  }
  // A trailing backslash escapes nothing; git drops such a pattern.
  if (!line.empty() && line.back() == '\\') {
    size_t backslashes = 0;
    for (size_t i = line.size(); i > 0 && line[i - 1] == '\\'; --i) {
      ++backslashes;
    }
    if (backslashes % 2 == 1) return;
  }
  if (!line.empty() && line.back() == '/') {
    pattern.dir_only = true;
    while (!line.empty() && line.back() == '/') line.remove_suffix(1);
  }
  if (line.find('/') != std::string_view::npos) pattern.anchored = true;
  while (!line.empty() && line[0] == '/') line.remove_prefix(1);
  if (line.empty()) return;  // "/" or "!" alone mean nothing
  pattern.glob = std::string(line);
  patterns_.push_back(std::move(pattern));
}

void IgnoreList::AddText(std::string_view text) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    AddLine(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

IgnoreList::Verdict IgnoreList::Match(std::string_view rel_path,
                                      bool is_dir) const {
  std::string_view base_name = rel_path;
  if (size_t slash = rel_path.rfind('/'); slash != std::string_view::npos) {
    base_name = rel_path.substr(slash + 1);
  }
  // Last match wins, so scan from the end and stop at the first hit.
  for (auto it = patterns_.rbegin(); it != patterns_.rend(); ++it) {
    if (it->dir_only && !is_dir) continue;
    // An unanchored pattern has no '/', so it can only ever match one
    // component: matching the base name equals "**/pattern" and is cheaper.
    std::string_view subject = it->anchored ? rel_path : base_name;
    if (GlobMatch(it->glob, subject)) {
      return it->negate ? Verdict::kInclude : Verdict::kIgnore;
    }
  }
  return Verdict::kNone;
}

PathExcluder::PathExcluder(const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) list_.AddLine(p);
}

bool PathExcluder::Excludes(std::string_view rel_path) const {
  if (list_.empty()) return false;
  while (rel_path.starts_with("./")) rel_path.remove_prefix(2);
  for (size_t slash = rel_path.find('/'); slash != std::string_view::npos;
       slash = rel_path.find('/', slash + 1)) {
    if (list_.Match(rel_path.substr(0, slash), /*is_dir=*/true) ==
        IgnoreList::Verdict::kIgnore) {
      return true;
    }
  }
  return list_.Match(rel_path, /*is_dir=*/false) ==
         IgnoreList::Verdict::kIgnore;
}

}  // namespace keyward

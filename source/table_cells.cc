// Credential columns of tables (source/table_cells.h).
#include "source/table_cells.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace keyward {
namespace {

constexpr size_t kMaxLine = 4096;   // longer lines are not table rows
constexpr size_t kMaxLabel = 40;    // a header cell is a short label
constexpr size_t kMaxRows = 10000;  // rows read under one header
constexpr size_t kMinValue = 6, kMaxValue = 200;

struct Cell {
  size_t begin = 0, end = 0;  // in the line, after trimming
};

// ASCII only, and branch-free: a file with HTML tables is lowered whole
// (the C library's tolower, a call per byte, was 3% of a linux-source scan).
char Lower(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return static_cast<char>(u +
                           ((static_cast<unsigned>(u - 'A') < 26u) ? 32 : 0));
}

bool Blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); i++) {
    if (Lower(s[s.size() - suffix.size() + i]) != suffix[i]) return false;
  }
  return true;
}

// Trims blanks and the markup around a cell's text: quotes, backticks,
// `{{ }}` (Confluence), `**`/`*` emphasis, `\texttt{}`/`\textbf{}` (LaTeX),
// `<code>`/`<b>` (HTML in Markdown).
Cell Clean(std::string_view line, Cell c) {
  auto trim = [&] {
    while (c.begin < c.end && Blank(line[c.begin])) c.begin++;
    while (c.end > c.begin && Blank(line[c.end - 1])) c.end--;
  };
  auto strip = [&](std::string_view open, std::string_view close) {
    std::string_view s = line.substr(c.begin, c.end - c.begin);
    if (s.size() >= open.size() + close.size() && s.starts_with(open) &&
        s.ends_with(close)) {
      c.begin += open.size();
      c.end -= close.size();
      trim();
      return true;
    }
    return false;
  };
  trim();
  for (bool more = true; more;) {
    more = strip("\"", "\"") || strip("'", "'") || strip("`", "`") ||
           strip("{{", "}}") || strip("**", "**") || strip("*", "*") ||
           strip("\\texttt{", "}") || strip("\\textbf{", "}") ||
           strip("\\verb|", "|") || strip("<code>", "</code>") ||
           strip("<b>", "</b>") || strip("<strong>", "</strong>");
  }
  return c;
}

// Splits a line into cells at `delim`. Pipes: a run of `|` is one
// delimiter and the line's outer pipes are no cells (Markdown, org,
// Confluence `||`, reStructuredText grids, AsciiDoc); a MediaWiki header
// (`! a !! b`) is read the same way. `&`: LaTeX, `\&` is no delimiter and
// the row's closing `\\` is dropped. Others: CSV/TSV, double quotes may
// hold the delimiter.
std::vector<Cell> Split(std::string_view line, char delim) {
  std::vector<Cell> cells;
  if (delim == '|') {
    const bool wiki_header = !line.empty() && line.front() == '!';
    auto is_bar = [&](size_t i) {
      return line[i] == '|' || (wiki_header && line[i] == '!');
    };
    size_t i = 0;
    while (i < line.size() && (Blank(line[i]) || is_bar(i))) i++;
    size_t start = i;
    for (; i <= line.size(); i++) {
      if (i == line.size() || is_bar(i)) {
        Cell c{start, i};
        while (i < line.size() && is_bar(i)) i++;
        cells.push_back(c);
        start = i;
      }
    }
    // A trailing delimiter leaves an empty last cell: not a cell.
    while (!cells.empty()) {
      Cell last = Clean(line, cells.back());
      if (last.begin < last.end) break;
      cells.pop_back();
    }
    return cells;
  }
  if (delim == '&') {
    size_t end = line.size();
    while (end > 0 && Blank(line[end - 1])) end--;
    if (end >= 2 && line.substr(end - 2, 2) == "\\\\") end -= 2;
    size_t start = 0;
    for (size_t i = 0; i <= end; i++) {
      if (i == end || (line[i] == '&' && (i == 0 || line[i - 1] != '\\'))) {
        cells.push_back({start, i});
        start = i + 1;
      }
    }
    return cells;
  }
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i <= line.size(); i++) {
    if (i < line.size() && line[i] == '"') {
      quoted = !quoted;  // "" inside quotes toggles twice: still quoted
    } else if (i == line.size() || (line[i] == delim && !quoted)) {
      cells.push_back({start, i});
      start = i + 1;
    }
  }
  return cells;
}

bool HasWord(std::string_view s, std::string_view word) {
  for (size_t at = s.find(word); at != std::string_view::npos;
       at = s.find(word, at + 1)) {
    bool left = at == 0 || !isalpha(static_cast<unsigned char>(s[at - 1]));
    size_t e = at + word.size();
    bool right = e == s.size() || !isalpha(static_cast<unsigned char>(s[e]));
    if (left && right) return true;
  }
  return false;
}

// The kind of credential a header label names, or "" (lower-case label).
std::string CredentialLabel(std::string_view l) {
  static constexpr std::array<std::string_view, 20> kNotValue = {
      "hash",  "sha",    "md5",    "digest", "checksum", "policy",  "type",
      "expir", "length", "rotat",  "hint",   "reset",    "name",    "url",
      "salt",  "public", "finger", "format", "date",     "strength"};
  for (std::string_view w : kNotValue) {
    if (l.find(w) != std::string_view::npos) return "";
  }
  if (HasWord(l, "id") || HasWord(l, "ids")) return "";
  static constexpr std::array<std::string_view, 14> kPassword = {
      "password", "passwort", "passwd",     "pwd",         "passphrase",
      "passcode", "kennwort", "wachtwoord", "senha",       "mot de passe",
      "contrase", "salasana", "lösenord",   "has\xc5\x82o"};
  for (std::string_view w : kPassword) {
    if (l.find(w) != std::string_view::npos) return "password";
  }
  if (l.find("private key") != std::string_view::npos ||
      l.find("private_key") != std::string_view::npos) {
    return "private_key";
  }
  if (l.find("secret") != std::string_view::npos) return "secret";
  static constexpr std::array<std::string_view, 8> kKey = {
      "api key",  "api-key",  "api_key",    "apikey",
      "api-schl", "api schl", "access key", "pre-shared key"};
  for (std::string_view w : kKey) {
    if (l.find(w) != std::string_view::npos) return "api_key";
  }
  if (HasWord(l, "psk")) return "api_key";
  if (l.find("token") != std::string_view::npos) return "token";
  return "";
}

// A header cell: a short label of words, no digits and no value-like
// characters (a data row's `MyPassword1!` is not a label).
bool LabelLike(std::string_view s) {
  if (s.empty() || s.size() > kMaxLabel) return false;
  bool letter = false;
  for (unsigned char c : s) {
    if (isdigit(c) || c == '=' || c == '@' || c == '!' || c == '$' ||
        c == '%' || c == '<' || c == '>' || c == '{' || c == '}') {
      return false;
    }
    letter |= isalpha(c) || c >= 0x80;
  }
  return letter;
}

// A rule between a table's rows: `|---|:--:|`, `+----+`, `|===`, `====`.
bool RuleLine(std::string_view line) {
  bool any = false;
  for (char c : line) {
    if (c == '-' || c == '=' || c == '+' || c == ':') {
      any = true;
    } else if (!Blank(c) && c != '|') {
      return false;
    }
  }
  return any;
}

bool LatexRule(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && Blank(line[i])) i++;
  std::string_view s = line.substr(i);
  return s.starts_with("\\hline") || s.starts_with("\\toprule") ||
         s.starts_with("\\midrule") || s.starts_with("\\bottomrule") ||
         s.starts_with("\\cline");
}

struct Header {
  char delim = 0;
  size_t cells = 0;
  std::vector<std::pair<size_t, std::string>> columns;  // index, label
};

// The header a line is, if it is one.
bool ReadHeader(std::string_view line, Header* h) {
  for (char delim : {'\t', '|', ';', ',', '&'}) {
    if (line.find(delim) == std::string_view::npos &&
        !(delim == '|' && !line.empty() && line.front() == '!')) {
      continue;
    }
    std::vector<Cell> cells = Split(line, delim);
    if (cells.size() < 2) continue;
    Header got;
    got.delim = delim;
    got.cells = cells.size();
    bool ok = true;
    size_t labels = 0;
    for (size_t i = 0; i < cells.size() && ok; i++) {
      Cell c = Clean(line, cells[i]);
      std::string_view s = line.substr(c.begin, c.end - c.begin);
      // An empty header cell (a spreadsheet's), or a row number's `#`.
      if (s.empty() || s == "#") continue;
      ok = LabelLike(s);
      labels++;
      if (!ok) break;
      std::string kind = CredentialLabel(LowerCopy(s));
      if (!kind.empty()) got.columns.emplace_back(i, kind);
    }
    if (ok && labels >= 2 && !got.columns.empty()) {
      *h = std::move(got);
      return true;
    }
  }
  return false;
}

bool Contains(std::string_view line, char delim) {
  if (delim == '|') {
    return line.find('|') != std::string_view::npos ||
           (!line.empty() && line.front() == '!');
  }
  return line.find(delim) != std::string_view::npos;
}

// The line [begin, end) that holds `pos`.
std::pair<size_t, size_t> LineAt(std::string_view text, size_t pos) {
  size_t nl = pos == 0 ? std::string_view::npos : text.rfind('\n', pos - 1);
  size_t begin = nl == std::string_view::npos ? 0 : nl + 1;
  size_t end = text.find('\n', pos);
  if (end == std::string_view::npos) end = text.size();
  return {begin, end};
}

// The start of the next `<td` or `<th` tag in lower[from, to), or npos.
size_t CellTag(const std::string& lower, size_t from, size_t to) {
  for (size_t at = lower.find("<t", from); at != std::string::npos && at < to;
       at = lower.find("<t", at + 2)) {
    if (at + 3 < lower.size() &&
        (lower[at + 2] == 'd' || lower[at + 2] == 'h') &&
        (lower[at + 3] == '>' || lower[at + 3] == ' ')) {
      return at;
    }
  }
  return std::string::npos;
}

// An HTML cell's text: blanks, line breaks and the tags around it off.
Cell HtmlClean(std::string_view text, Cell c) {
  auto ws = [](char ch) { return Blank(ch) || ch == '\n'; };
  for (bool more = true; more;) {
    more = false;
    while (c.begin < c.end && ws(text[c.begin])) c.begin++;
    while (c.end > c.begin && ws(text[c.end - 1])) c.end--;
    if (c.begin < c.end && text[c.begin] == '<') {
      size_t gt = text.find('>', c.begin);
      if (gt != std::string_view::npos && gt < c.end) {
        c.begin = gt + 1;
        more = true;
      }
    }
    if (c.end > c.begin && text[c.end - 1] == '>') {
      size_t lt = text.rfind('<', c.end - 1);
      if (lt != std::string_view::npos && lt >= c.begin) {
        c.end = lt;
        more = true;
      }
    }
  }
  return c;
}

// HTML tables: the first row of <th>/<td> labels naming a credential is the
// header; the rows after it, to the table's end, hold the values.
void HtmlCells(std::string_view text, const std::string& lower,
               std::vector<TableCell>* out) {
  for (size_t pos = lower.find("<table"); pos != std::string::npos;
       pos = lower.find("<table", pos)) {
    size_t end = lower.find("</table", pos);
    if (end == std::string::npos) end = text.size();
    std::vector<std::pair<size_t, std::string>> columns;
    size_t rows = 0;
    for (size_t r = lower.find("<tr", pos);
         r != std::string::npos && r < end;) {
      size_t next = lower.find("<tr", r + 3);
      size_t row_end = std::min(next == std::string::npos ? end : next, end);
      std::vector<Cell> cells;
      for (size_t at = CellTag(lower, r, row_end); at != std::string::npos;) {
        size_t gt = lower.find('>', at);
        if (gt == std::string::npos || gt >= row_end) break;
        size_t after = CellTag(lower, gt, row_end);
        size_t close = lower.find("</t", gt);
        size_t e =
            std::min({after == std::string::npos ? row_end : after,
                      close == std::string::npos ? row_end : close, row_end});
        cells.push_back(HtmlClean(text, {gt + 1, e}));
        at = after;
      }
      if (columns.empty()) {
        bool labels = cells.size() >= 2;
        std::vector<std::pair<size_t, std::string>> found;
        for (size_t i = 0; i < cells.size() && labels; i++) {
          std::string_view l =
              text.substr(cells[i].begin, cells[i].end - cells[i].begin);
          if (l.empty()) continue;
          labels = LabelLike(l);
          std::string kind = labels ? CredentialLabel(LowerCopy(l)) : "";
          if (!kind.empty()) found.emplace_back(i, kind);
        }
        if (labels) columns = std::move(found);
      } else if (++rows <= kMaxRows) {
        for (const auto& [index, label] : columns) {
          if (index >= cells.size()) continue;
          const Cell& c = cells[index];
          size_t n = c.end - c.begin;
          if (n < kMinValue || n > kMaxValue) continue;
          std::string_view v = text.substr(c.begin, n);
          if (std::any_of(v.begin(), v.end(), [](char ch) {
                return Blank(ch) || ch == '\n' || ch == '<' || ch == '>';
              })) {
            continue;
          }
          out->push_back({label, c.begin, n});
        }
      }
      if (next == std::string::npos) break;
      r = next;
    }
    pos = end;
  }
}

// The words a credential column's header holds, ASCII case folded.
constexpr std::array<std::string_view, 14> kHeaderWords = {
    "pass",         "pwd",
    "secret",       "token",
    "key",          "kennwort",
    "mot de",       "senha",
    "contrase",     "salasana",
    "has\xc5\x82o", "schl\xc3\xbcssel",
    "wachtwoord",   "l\xc3\xb6senord"};

bool HeaderWordAt(const char* p, size_t left) {
  for (std::string_view w : kHeaderWords) {
    if (w.size() > left) continue;
    size_t i = 0;
    while (i < w.size() && Lower(p[i]) == w[i]) i++;
    if (i == w.size()) return true;
  }
  return false;
}

#ifdef __SSE2__
// 0x20 where `c` is a letter: a text byte ORed with it equals `c` in
// either case.
constexpr char FoldOf(char c) { return c >= 'a' && c <= 'z' ? 0x20 : 0; }

// Bit j set when header word K may start at p[j]: its first, second and
// last bytes are there. K is a constant, so the loads' offsets and the
// bytes compared are too.
template <size_t K>
__m128i MayStart(const char* p) {
  constexpr std::string_view w = kHeaderWords[K];
  __m128i m = _mm_set1_epi8(-1);
  for (size_t at : {size_t{0}, size_t{1}, w.size() - 1}) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
    v = _mm_or_si128(v, _mm_set1_epi8(FoldOf(w[at])));
    m = _mm_and_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(w[at])));
  }
  return m;
}

template <size_t... K>
unsigned AnyMayStart(const char* p, std::index_sequence<K...>) {
  return _mm_movemask_epi8((MayStart<K>(p) | ...));
}
#endif

// The offsets, in order, where a header word starts. Every byte of a table
// file is looked at, so 16 at a time where SSE2 is: a word's first, second
// and last bytes pick the few places worth comparing. (Twelve `find`s over
// a lowered copy were 5% of a linux-source scan.)
void HeaderWords(std::string_view text, std::vector<size_t>* hits) {
  const char* d = text.data();
  const size_t n = text.size();
  size_t i = 0;
#ifdef __SSE2__
  constexpr size_t kReach = [] {  // the bytes a block's probes read past 16
    size_t r = 0;
    for (std::string_view w : kHeaderWords) r = std::max(r, w.size() - 1);
    return r;
  }();
  for (; i + 16 + kReach <= n; i += 16) {
    unsigned bits =
        AnyMayStart(d + i, std::make_index_sequence<kHeaderWords.size()>());
    for (; bits; bits &= bits - 1) {
      const size_t at = i + __builtin_ctz(bits);
      if (HeaderWordAt(d + at, n - at)) hits->push_back(at);
    }
  }
#endif
  for (; i < n; i++) {
    if (HeaderWordAt(d + i, n - i)) hits->push_back(i);
  }
}

}  // namespace

bool IsTablePath(std::string_view path) {
  static constexpr std::array<std::string_view, 20> kExt = {
      ".csv",       ".tsv",  ".md",   ".markdown", ".txt",
      ".rst",       ".org",  ".adoc", ".asciidoc", ".wiki",
      ".mediawiki", ".tex",  ".eml",  ".textile",  ".confluence",
      ".mdx",       ".text", ".html", ".htm",      ".xhtml"};
  for (std::string_view e : kExt) {
    if (EndsWithNoCase(path, e)) return true;
  }
  return false;
}

std::vector<TableCell> CredentialTableCells(std::string_view text) {
  std::vector<TableCell> out;
  // Headers hold a credential word: look only at the lines that do.
  std::vector<size_t> hits;
  HeaderWords(text, &hits);
  size_t done = 0;  // text before this was read as part of a table
  for (size_t hit : hits) {
    if (hit < done) continue;
    auto [begin, end] = LineAt(text, hit);
    done = end;
    if (end - begin > kMaxLine) continue;
    Header h;
    if (!ReadHeader(text.substr(begin, end - begin), &h)) continue;
    // A header opens its table: a row in the middle of one (a translation
    // table's `Password<TAB>Passwort` row) is not one.
    if (begin > 0) {
      auto [pb, pe] = LineAt(text, begin - 1);
      std::string_view prev = text.substr(pb, pe - pb);
      bool opens = !Contains(prev, h.delim) || RuleLine(prev) ||
                   LatexRule(prev) || prev.starts_with("{|") ||
                   prev.starts_with("|-") || prev.starts_with("|+");
      if (!opens) continue;
    }
    size_t pos = end + 1, rows = 0;
    while (pos < text.size() && rows < kMaxRows) {
      size_t next = text.find('\n', pos);
      if (next == std::string_view::npos) next = text.size();
      std::string_view line = text.substr(pos, next - pos);
      if (line.size() > kMaxLine) break;
      size_t row_at = pos;
      pos = next + 1;
      if (RuleLine(line) || (h.delim == '&' && LatexRule(line))) continue;
      if (!Contains(line, h.delim)) break;
      rows++;
      std::vector<Cell> cells = Split(line, h.delim);
      for (const auto& [index, label] : h.columns) {
        if (index >= cells.size()) continue;
        Cell c = Clean(line, cells[index]);
        size_t n = c.end - c.begin;
        if (n < kMinValue || n > kMaxValue) continue;
        std::string_view v = line.substr(c.begin, n);
        if (std::any_of(v.begin(), v.end(),
                        [](char ch) { return Blank(ch) || ch == '\n'; })) {
          continue;
        }
        out.push_back({label, row_at + c.begin, n});
      }
    }
    done = std::min(pos, text.size());
  }
  if (text.find("<t") != std::string_view::npos ||
      text.find("<T") != std::string_view::npos) {
    HtmlCells(text, LowerCopy(text), &out);
  }
  std::sort(out.begin(), out.end(), [](const TableCell& a, const TableCell& b) {
    return a.offset < b.offset;
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const TableCell& a, const TableCell& b) {
                          return a.offset == b.offset;
                        }),
            out.end());
  return out;
}

}  // namespace keyward

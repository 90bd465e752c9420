// Gitignore-syntax pattern lists (internal). Used by the walker for
// .gitignore/.keywardignore, and by configuration excludes and baselines.
//
//   IgnoreList list;
//   list.AddLine("*.log");  list.AddLine("!keep.log"); list.AddLine("/build/");
//   list.Match("a/b.log", /*is_dir=*/false)  -> kIgnore
//   list.Match("keep.log", false)           -> kInclude
//   list.Match("src/build", true)           -> kNone (anchored to the base)
//
// Semantics follow gitignore(5): blank lines and "#" comments are skipped,
// "\#" and "\!" escape, trailing spaces are trimmed unless escaped, "!"
// negates, a trailing "/" matches directories only, a "/" at the start or in
// the middle anchors the pattern to the list's base directory, otherwise it
// matches the last path component at any depth; "*", "?", "[...]" (with "!"
// or "^" negation, ranges and "[:alpha:]"-style classes) do not cross "/";
// "**/", "/**" and "/**/" match any number of directories; "\x" matches x.
// The last matching pattern wins.
//
// Match checks the path itself, not its parents: the walker never descends
// into an ignored directory, which is how "dir/" hides everything below it.
// Paths given to Match are relative to the list's base, '/'-separated, with
// no leading "./" or trailing '/'.
//
// Thread safety: const methods may be called concurrently; AddLine/AddText
// need exclusive access.
#ifndef KEYWARD_SOURCE_IGNORE_H_
#define KEYWARD_SOURCE_IGNORE_H_

#include <string>
#include <string_view>
#include <vector>

namespace keyward {

class IgnoreList {
 public:
  enum class Verdict { kNone, kIgnore, kInclude };

  // Adds one pattern line (comments and blank lines are accepted and
  // skipped). A trailing '\r' is dropped so CRLF files work.
  void AddLine(std::string_view line);
  void AddText(std::string_view text);  // one pattern per line
  bool empty() const { return patterns_.empty(); }

  // The verdict of the last pattern matching `rel_path`, or kNone.
  Verdict Match(std::string_view rel_path, bool is_dir) const;

 private:
  struct Pattern {
    std::string glob;
    bool negate = false;
    bool dir_only = false;
    bool anchored = false;  // contains a '/' other than a trailing one
  };
  std::vector<Pattern> patterns_;
};

// Configuration excludes (`exclude:`, --exclude) applied to a file's
// repository-relative path, as the directory walk applies them: gitignore
// semantics, and an excluded directory hides everything below it. Used where
// there is no walk (git history, staged changes, commit ranges).
class PathExcluder {
 public:
  explicit PathExcluder(const std::vector<std::string>& patterns);
  bool empty() const { return list_.empty(); }
  bool Excludes(std::string_view rel_path) const;

 private:
  IgnoreList list_;
};

// Glob match with gitignore semantics ("*" and "?" stop at '/', "**" spans).
// The whole of `path` must match the whole of `glob`.
bool GlobMatch(std::string_view glob, std::string_view path);

}  // namespace keyward

#endif  // KEYWARD_SOURCE_IGNORE_H_

// Test support: run the real keyward binary, make temporary trees.
#ifndef KEYWARD_TESTS_SUPPORT_RUN_H_
#define KEYWARD_TESTS_SUPPORT_RUN_H_

#include <string>
#include <vector>

namespace keyward::test {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs build/keyward with `args` (no shell), feeding `input` on stdin.
// `env` entries ("NAME=value") are added to the environment; `cwd` is the
// working directory (empty: the current one).
RunResult RunKeyward(const std::vector<std::string>& args,
                     const std::string& input = "",
                     const std::vector<std::string>& env = {},
                     const std::string& cwd = "");

// Runs build/keyward as an ordinary user: as itself when not root, else as
// `nobody` through setpriv (util-linux), so that permission tests run in CI,
// which runs as root. The tree it reads must be world-traversable
// (MakeWorldReadable). HOME and XDG_CACHE_HOME point into /tmp.
RunResult RunKeywardUnprivileged(const std::vector<std::string>& args,
                                 const std::vector<std::string>& env = {},
                                 const std::string& cwd = "");

// Opens `dir` (a TempDir) to other users: mode 0755 on it.
void MakeWorldReadable(const std::string& dir);

// Runs any program the same way (git, sh ...).
RunResult RunProgram(const std::vector<std::string>& argv,
                     const std::string& input = "",
                     const std::vector<std::string>& env = {},
                     const std::string& cwd = "");

// A fresh temporary directory, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `content` to path()/rel, creating parent directories.
  std::string Write(const std::string& rel, const std::string& content) const;

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_RUN_H_

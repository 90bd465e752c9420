// Runs the system `git` for the audit (clone, ls-remote, rev-parse): no
// shell, no terminal prompt, output captured (internal).
#ifndef KEYWARD_AUDIT_GIT_PROCESS_H_
#define KEYWARD_AUDIT_GIT_PROCESS_H_

#include <string>
#include <vector>

#include "keyward/status.h"

namespace keyward {

struct ProcessOutput {
  int exit_code = -1;  // -1: could not start or killed by a signal
  std::string out;     // stdout
  std::string err;     // stderr (kept short: the last 4 KiB)
};

// Runs `git ARGS...` with GIT_TERMINAL_PROMPT=0 (a URL that needs a password
// fails instead of waiting) and stdin from /dev/null. kIoError only when git
// cannot be started.
Result<ProcessOutput> RunGit(const std::vector<std::string>& args);

// The commit HEAD names: in the local repository `dir` (git rev-parse), or
// at a clone URL (git ls-remote). "" for a directory that is no repository.
std::string LocalHead(const std::string& dir);
Result<std::string> RemoteHead(const std::string& url);

}  // namespace keyward

#endif  // KEYWARD_AUDIT_GIT_PROCESS_H_

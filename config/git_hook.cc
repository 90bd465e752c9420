// `keyward install-hook`: a plain git pre-commit hook, never clobbering a
// hook someone else wrote.
#include <git2.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <system_error>

#include "keyward/atomic_file.h"
#include "keyward/config.h"

namespace keyward {
namespace {

namespace fs = std::filesystem;

// Recognises hooks this function wrote, so reinstalling updates them.
constexpr char kHookMarker[] = "# keyward pre-commit hook";

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

struct RepoDeleter {
  void operator()(git_repository* r) const { git_repository_free(r); }
};
using RepoPtr = std::unique_ptr<git_repository, RepoDeleter>;

std::string GitError() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

// The hooks directory git itself would run hooks from.
Result<fs::path> HooksDir(git_repository* repo) {
  git_config* config = nullptr;
  if (git_repository_config_snapshot(&config, repo) == 0) {
    const char* value = nullptr;
    std::string hooks_path;
    if (git_config_get_string(&value, config, "core.hooksPath") == 0 && value) {
      hooks_path = value;
    }
    git_config_free(config);
    if (!hooks_path.empty()) {
      if (hooks_path.rfind("~/", 0) == 0 && std::getenv("HOME")) {
        return fs::path(std::getenv("HOME")) / hooks_path.substr(2);
      }
      fs::path p(hooks_path);
      // Relative hooksPath is relative to where hooks run: the work tree.
      const char* workdir = git_repository_workdir(repo);
      if (p.is_relative() && workdir) return fs::path(workdir) / p;
      return p;
    }
  }
  git_buf buf = GIT_BUF_INIT;
  if (git_repository_item_path(&buf, repo, GIT_REPOSITORY_ITEM_HOOKS) != 0) {
    return Status::IoError("cannot locate the hooks directory: " + GitError());
  }
  fs::path dir(buf.ptr);
  git_buf_dispose(&buf);
  return dir;
}

std::string FreeBackupPath(const fs::path& hook) {
  std::error_code ec;
  std::string base = hook.string() + ".keyward-backup";
  if (!fs::exists(fs::symlink_status(base, ec))) return base;
  for (int i = 1;; ++i) {
    std::string p = base + "." + std::to_string(i);
    if (!fs::exists(fs::symlink_status(p, ec))) return p;
  }
}

}  // namespace

std::string PreCommitHookScript(const std::string& command) {
  return std::string("#!/bin/sh\n") + kHookMarker +
         " (written by `keyward install-hook`).\n"
         "# Blocks commits that add credentials. Honours the repository's\n"
         "# .keyward.yaml (allowlist, baseline, fail_on) and keyward:allow\n"
         "# comments. Skip once, knowingly: git commit --no-verify\n"
         "exec " +
         ShellQuote(command) + " scan --staged\n";
}

Result<HookInstall> InstallPreCommitHook(const std::string& repo_path,
                                         const std::string& command,
                                         bool force) {
  git_libgit2_init();
  struct Shutdown {
    ~Shutdown() { git_libgit2_shutdown(); }
  } shutdown;
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, repo_path.c_str(), 0, nullptr) != 0) {
    return Status::NotFound(repo_path + ": not in a git repository");
  }
  RepoPtr repo(raw);
  auto dir = HooksDir(repo.get());
  if (!dir.ok()) return dir.status();
  std::error_code ec;
  fs::create_directories(*dir, ec);
  if (ec) {
    return Status::IoError(dir->string() + ": cannot create: " + ec.message());
  }

  HookInstall result;
  fs::path hook = *dir / "pre-commit";
  result.path = hook.string();
  const std::string script = PreCommitHookScript(command);
  auto existing = ReadFileToString(result.path);
  if (existing.ok()) {
    if (*existing == script) {
      result.changed = false;
      return result;
    }
    bool ours = existing->find(kHookMarker) != std::string::npos;
    if (!ours && !force) {
      return Status::InvalidArgument(
          result.path +
          " already exists and was not written by keyward; rerun with "
          "--force to replace it (the old hook is kept as a backup), or "
          "call `keyward scan --staged` from it");
    }
    if (!ours) {
      result.backup = FreeBackupPath(hook);
      Status s = WriteFileAtomic(result.backup, *existing);
      if (!s.ok()) return s;
    }
  } else if (existing.status().code() != Status::Code::kNotFound) {
    return existing.status();
  }
  Status s = WriteFileAtomic(result.path, script);
  if (!s.ok()) return s;
  if (chmod(result.path.c_str(), 0755) != 0) {
    return Status::IoError(result.path + ": cannot make it executable");
  }
  return result;
}

}  // namespace keyward

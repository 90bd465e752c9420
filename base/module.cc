// Loading optional modules with dlopen (base/module.h).
#include "base/module.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <map>
#include <mutex>
#include <vector>

namespace keyward {
namespace {

std::vector<std::string> SearchDirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("KEYWARD_MODULE_DIR"); env && *env) {
    dirs.emplace_back(env);
  }
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    // /proc/self/exe is absolute: its directory ends before the last '/'.
    std::string dir(exe, static_cast<size_t>(n));
    size_t slash = dir.rfind('/');
    if (slash != std::string::npos) dir.erase(slash == 0 ? 1 : slash);
    dirs.push_back(dir + "/../lib/keyward");
    dirs.push_back(dir);
  }
  return dirs;
}

// The module's table, or null and why. Not yet checked against the ABI
// the caller expects.
ModuleLoad Load(const std::string& file_name, const char* entry) {
  ModuleLoad out;
  std::string tried;
  for (const std::string& dir : SearchDirs()) {
    std::string path = dir + "/" + file_name;
    if (access(path.c_str(), F_OK) != 0) {
      tried += (tried.empty() ? "" : ", ") + dir;
      continue;
    }
    // RTLD_LOCAL: the module's libraries stay out of the global namespace.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      out.error = path + " cannot be loaded: " + (why ? why : "dlopen failed");
      return out;
    }
    using Entry = const void* (*)();
    auto fn = reinterpret_cast<Entry>(dlsym(handle, entry));
    out.table = fn ? fn() : nullptr;
    if (!out.table) out.error = path + " has no " + entry + " table";
    return out;
  }
  out.error = file_name + " not found (looked in " + tried +
              "; KEYWARD_MODULE_DIR names another place)";
  return out;
}

}  // namespace

ModuleLoad LoadModule(const std::string& file_name, const char* entry, int abi,
                      size_t size) {
  static std::mutex mu;
  static std::map<std::string, ModuleLoad> loaded;
  ModuleLoad out;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = loaded.find(file_name);
    if (it == loaded.end()) {
      it = loaded.emplace(file_name, Load(file_name, entry)).first;
    }
    out = it->second;
  }
  const auto* header = static_cast<const ModuleHeader*>(out.table);
  if (header && (header->abi != abi || header->size != size)) {
    out.table = nullptr;
    out.error = file_name + " is from another keyward build (module ABI " +
                std::to_string(header->abi) + ", expected " +
                std::to_string(abi) + ")";
  }
  return out;
}

}  // namespace keyward

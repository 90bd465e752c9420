#include "git/mapped_guard.h"

#include <setjmp.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>

namespace keyward::git {
namespace {

// Registered mappings; read lock-free by the signal handler. A slot is
// free while `begin` is 0. `end` is written before `begin` is published.
struct Range {
  std::atomic<uintptr_t> begin{0};
  std::atomic<uintptr_t> end{0};
};
// More packs than this are mapped only by repositories with thousands of
// packs; a mapping beyond the table is simply not guarded (its fault exits).
constexpr size_t kMaxRanges = 4096;
Range g_ranges[kMaxRanges];
std::mutex g_register_mu;  // serialises registration, never the handler

thread_local sigjmp_buf* t_jump = nullptr;

bool InRegisteredMapping(uintptr_t address) {
  for (const Range& r : g_ranges) {
    uintptr_t begin = r.begin.load(std::memory_order_acquire);
    if (begin != 0 && address >= begin &&
        address < r.end.load(std::memory_order_relaxed)) {
      return true;
    }
  }
  return false;
}

void OnSigbus(int, siginfo_t* info, void*) {
  if (t_jump != nullptr &&
      InRegisteredMapping(reinterpret_cast<uintptr_t>(info->si_addr))) {
    siglongjmp(*t_jump, 1);
  }
  static const char kMessage[] =
      "keyward: error: a file shrank while it was read (SIGBUS); the scan is "
      "incomplete\n";
  (void)!write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  _exit(2);
}

void InstallHandler() {
  struct sigaction sa {};
  sa.sa_sigaction = OnSigbus;
  // SA_NODEFER: siglongjmp leaves the handler without restoring the mask,
  // and a SIGBUS blocked on the next fault would kill the process.
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, nullptr);
}

}  // namespace

void RegisterMapping(const void* data, size_t size) {
  static std::once_flag installed;
  std::call_once(installed, InstallHandler);
  if (data == nullptr || size == 0) return;
  std::lock_guard<std::mutex> lock(g_register_mu);
  for (Range& r : g_ranges) {
    if (r.begin.load(std::memory_order_relaxed) != 0) continue;
    r.end.store(reinterpret_cast<uintptr_t>(data) + size,
                std::memory_order_relaxed);
    r.begin.store(reinterpret_cast<uintptr_t>(data), std::memory_order_release);
    return;
  }
}

void UnregisterMapping(const void* data) {
  if (data == nullptr) return;
  std::lock_guard<std::mutex> lock(g_register_mu);
  for (Range& r : g_ranges) {
    if (r.begin.load(std::memory_order_relaxed) ==
        reinterpret_cast<uintptr_t>(data)) {
      r.begin.store(0, std::memory_order_release);
      r.end.store(0, std::memory_order_relaxed);
      return;
    }
  }
}

namespace internal {

bool RunGuarded(void (*fn)(void*), void* arg) {
  sigjmp_buf jump;
  sigjmp_buf* const outer = t_jump;
  // No signal mask to save: the handler runs with SA_NODEFER.
  if (sigsetjmp(jump, 0) != 0) {
    t_jump = outer;
    return false;
  }
  t_jump = &jump;
  fn(arg);
  t_jump = outer;
  return true;
}

}  // namespace internal
}  // namespace keyward::git

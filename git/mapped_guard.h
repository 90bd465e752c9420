// Reads of a mapped file that another process truncates fault with SIGBUS
// on the pages past its new end, which would end the process. keyward maps
// pack files (MappedFile registers every mapping here) and reads them only
// inside ReadMapped, which turns such a fault into `false`, so that a pack
// that shrinks while it is scanned is reported as unreadable instead.
//
//   bool ok = ReadMapped([&] { status = Inflate(mapped, out); });
//
// A SIGBUS anywhere else (outside a registered mapping, or outside
// ReadMapped, e.g. in libgit2's own mappings of the same pack) ends the
// process with a message on stderr and exit status 2 rather than a crash
// signal: the scan is incomplete, as for any input error.
#ifndef KEYWARD_GIT_MAPPED_GUARD_H_
#define KEYWARD_GIT_MAPPED_GUARD_H_

#include <cstddef>
#include <type_traits>

namespace keyward::git {

// Registers [data, data + size) as a mapping whose faults ReadMapped
// reports. Installs the SIGBUS handler on first use. Thread-safe.
void RegisterMapping(const void* data, size_t size);
// Removes a mapping registered with `data`; call before unmapping it.
void UnregisterMapping(const void* data);

namespace internal {
bool RunGuarded(void (*fn)(void*), void* arg);
}  // namespace internal

// Runs `f`; false if it faulted on a registered mapping (what `f` wrote is
// then partial). `f` is left with siglongjmp on a fault, so it must only
// read mappings and write memory the caller owns: no allocation, no lock, no
// object whose destructor must run, no exception. Nestable; per thread.
template <typename F>
bool ReadMapped(F&& f) {
  using Fn = std::remove_reference_t<F>;
  return internal::RunGuarded([](void* p) { (*static_cast<Fn*>(p))(); },
                              const_cast<void*>(static_cast<const void*>(&f)));
}

}  // namespace keyward::git

#endif  // KEYWARD_GIT_MAPPED_GUARD_H_

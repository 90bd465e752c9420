// Helpers shared by the libFuzzer targets in fuzz/ (see fuzz/README.md).
#ifndef KEYWARD_FUZZ_FUZZ_UTIL_H_
#define KEYWARD_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace keyward::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A property the target checks did not hold: print it and abort, so
// libFuzzer saves the input as a crash.
[[noreturn]] inline void Fail(const char* what) {
  std::fprintf(stderr, "keyward fuzz check failed: %s\n", what);
  std::abort();
}

#define KEYWARD_FUZZ_CHECK(cond)               \
  do {                                         \
    if (!(cond)) ::keyward::fuzz::Fail(#cond); \
  } while (0)

}  // namespace keyward::fuzz

#endif  // KEYWARD_FUZZ_FUZZ_UTIL_H_

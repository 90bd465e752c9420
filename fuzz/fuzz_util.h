// Helpers shared by the libFuzzer targets in fuzz/ (see fuzz/README.md).
#ifndef KEYWARD_FUZZ_FUZZ_UTIL_H_
#define KEYWARD_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
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

// Input split as "2 bytes base length (little endian), the base, a delta",
// copied to exact-size buffers so that ASan sees a read past either.
class BaseAndDelta {
 public:
  // False when the input is too short to hold the length.
  bool Split(const uint8_t* data, size_t size) {
    if (size < 2) return false;
    size_t base_len = data[0] | (static_cast<size_t>(data[1]) << 8);
    data += 2;
    size -= 2;
    if (base_len > size) base_len = size;
    base_.reset(new char[base_len]);
    delta_.reset(new char[size - base_len]);
    if (base_len) std::memcpy(base_.get(), data, base_len);
    if (size - base_len) {
      std::memcpy(delta_.get(), data + base_len, size - base_len);
    }
    base = {base_.get(), base_len};
    delta = {delta_.get(), size - base_len};
    return true;
  }
  std::string_view base, delta;  // valid while this object lives

 private:
  std::unique_ptr<char[]> base_, delta_;
};

#define KEYWARD_FUZZ_CHECK(cond)               \
  do {                                         \
    if (!(cond)) ::keyward::fuzz::Fail(#cond); \
  } while (0)

}  // namespace keyward::fuzz

#endif  // KEYWARD_FUZZ_FUZZ_UTIL_H_

// Bytes of git's pack format written by hand, for tests: zlib streams and
// delta instructions.
#ifndef KEYWARD_TESTS_SUPPORT_PACK_BYTES_H_
#define KEYWARD_TESTS_SUPPORT_PACK_BYTES_H_

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace keyward::test {

// `in` as one zlib stream (what a pack entry holds after its header).
inline std::string Deflate(std::string_view in) {
  uLongf size = compressBound(in.size());
  std::string out(size, '\0');
  EXPECT_EQ(compress(reinterpret_cast<Bytef*>(out.data()), &size,
                     reinterpret_cast<const Bytef*>(in.data()), in.size()),
            Z_OK);
  out.resize(size);
  return out;
}

// Writes a delta: Copy and Insert instructions, then Finish with the base's
// size (the target's is the sum of the instructions).
class DeltaWriter {
 public:
  // Copies `size` (1..0xffffff) bytes of the base from `offset`.
  void Copy(uint64_t offset, uint64_t size) {
    unsigned char code = 0x80;
    std::string args;
    for (int i = 0; i < 4; ++i) {
      if (unsigned char b = (offset >> (8 * i)) & 0xff) {
        code |= 1u << i;
        args.push_back(static_cast<char>(b));
      }
    }
    for (int i = 0; i < 3; ++i) {
      if (unsigned char b = (size >> (8 * i)) & 0xff) {
        code |= 0x10u << i;
        args.push_back(static_cast<char>(b));
      }
    }
    ops_.push_back(static_cast<char>(code));
    ops_ += args;
    target_ += size;
  }
  // Inserts `literal`, in instructions of at most 127 bytes.
  void Insert(std::string_view literal) {
    while (!literal.empty()) {
      size_t n = std::min<size_t>(literal.size(), 127);
      ops_.push_back(static_cast<char>(n));
      ops_.append(literal.substr(0, n));
      literal.remove_prefix(n);
      target_ += n;
    }
  }
  std::string Finish(uint64_t source_size) const {
    return Varint(source_size) + Varint(target_) + ops_;
  }

 private:
  static std::string Varint(uint64_t v) {
    std::string s;
    do {
      unsigned char c = v & 0x7f;
      v >>= 7;
      if (v) c |= 0x80;
      s.push_back(static_cast<char>(c));
    } while (v);
    return s;
  }

  std::string ops_;
  uint64_t target_ = 0;
};

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_PACK_BYTES_H_

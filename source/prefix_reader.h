// ByteReader helpers (internal): bytes already read from a reader put back
// in front of it, and reading a head of a given size.
#ifndef KEYWARD_SOURCE_PREFIX_READER_H_
#define KEYWARD_SOURCE_PREFIX_READER_H_

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "source/byte_reader.h"

namespace keyward {

// `head`, then the rest of `rest` (not owned; it must outlive this).
class PrefixReader : public ByteReader {
 public:
  PrefixReader(std::string_view head, ByteReader* rest)
      : head_(head), rest_(rest) {}
  // The head and then what one read of `rest` gives, so that a first chunk
  // is as full as it would be without a sniffed head (the binary check
  // looks at its first 8 KiB).
  long Read(char* out, size_t n) override {
    if (failed_) return -1;
    size_t k = 0;
    if (pos_ < head_.size()) {
      k = std::min(n, head_.size() - pos_);
      memcpy(out, head_.data() + pos_, k);
      pos_ += k;
      if (k == n) return static_cast<long>(k);
    }
    long got = rest_->Read(out + k, n - k);
    if (got < 0) {
      if (k == 0) return -1;
      failed_ = true;  // -1 on the next call, after the head's bytes
      return static_cast<long>(k);
    }
    return static_cast<long>(k + got);
  }
  std::string error() const override { return rest_->error(); }

 private:
  std::string_view head_;
  size_t pos_ = 0;
  ByteReader* rest_;
  bool failed_ = false;
};

// Reads from `in` until `out` holds `n` bytes or `in` ends: false on a read
// error (what was read stays in `out`).
inline bool ReadUpTo(ByteReader& in, size_t n, std::string* out) {
  out->resize(n);
  size_t got = 0;
  while (got < n) {
    long k = in.Read(out->data() + got, n - got);
    if (k < 0) {
      out->resize(got);
      return false;
    }
    if (k == 0) break;
    got += k;
  }
  out->resize(got);
  return true;
}

}  // namespace keyward

#endif  // KEYWARD_SOURCE_PREFIX_READER_H_

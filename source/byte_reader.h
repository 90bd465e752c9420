// Sequential byte sources for stream-mode scans (internal): a file
// descriptor, optionally with bytes already read from it in front (a sniffed
// header), and decoders layered on another reader (source/gzip_reader.h).
// Not thread-safe: one reader per scan.
#ifndef KEYWARD_SOURCE_BYTE_READER_H_
#define KEYWARD_SOURCE_BYTE_READER_H_

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace keyward {

class ByteReader {
 public:
  virtual ~ByteReader() = default;
  // Copies up to `n` bytes to `out`: the count, 0 at the end, -1 on an
  // error (error() says which). A short count is not the end.
  virtual long Read(char* out, size_t n) = 0;
  virtual std::string error() const = 0;
};

// Reads `fd` (not owned, not closed), after handing out `head` first.
class FdReader : public ByteReader {
 public:
  explicit FdReader(int fd, std::string head = {})
      : fd_(fd), head_(std::move(head)) {}
  // The head and then what one read(2) gives, so that a first chunk is as
  // full as it would be without a sniffed head.
  long Read(char* out, size_t n) override {
    if (err_ != 0) return -1;
    size_t k = 0;
    if (pos_ < head_.size()) {
      k = std::min(n, head_.size() - pos_);
      memcpy(out, head_.data() + pos_, k);
      pos_ += k;
      if (k == n) return static_cast<long>(k);
    }
    for (;;) {
      ssize_t got = read(fd_, out + k, n - k);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        err_ = errno;
        return k > 0 ? static_cast<long>(k) : -1;  // -1 on the next call
      }
      return static_cast<long>(k + got);
    }
  }
  std::string error() const override { return strerror(err_); }
  int error_number() const { return err_; }

 private:
  int fd_;
  std::string head_;
  size_t pos_ = 0;
  int err_ = 0;
};

// Reads up to `n` bytes of `fd` (fewer only at its end), EINTR retried:
// the head a caller sniffs before choosing a decoder. Returns false on a
// read error (errno set).
inline bool ReadHead(int fd, size_t n, std::string* head) {
  head->assign(n, '\0');
  size_t got = 0;
  while (got < n) {
    ssize_t k = read(fd, head->data() + got, n - got);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return false;
    if (k == 0) break;
    got += k;
  }
  head->resize(got);
  return true;
}

}  // namespace keyward

#endif  // KEYWARD_SOURCE_BYTE_READER_H_

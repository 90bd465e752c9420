// Streaming gzip decompression with a budget (internal): the bytes of a
// `.gz` file or a gzip-compressed stdin, in chunks, never more than one
// chunk of compressed and one of decompressed data in memory. Concatenated
// members (`cat a.gz b.gz`) decode as one text, as `gzip -d` does.
//
//   FdReader file(fd);
//   GzipReader gz(&file, GzipLimits{});
//   while ((n = gz.Read(buf, sizeof buf)) > 0) ...;
//   if (gz.limit_hit()) warn(gz.limit_reason());
//
// The budget stops a gzip bomb: Read returns 0 (the end) once the output
// would pass GzipLimits::max_bytes, or once, past GzipLimits::ratio_grace
// bytes, the output outgrows GzipLimits::max_ratio times the compressed
// bytes consumed; limit_hit() then tells the caller that the end is not the
// end of the data. Corrupt data is an error (-1, error()); data that ends
// inside a member too (a truncated file), after the bytes decoded so far.
// Not thread-safe. The input reader must outlive the GzipReader.
#ifndef KEYWARD_SOURCE_GZIP_READER_H_
#define KEYWARD_SOURCE_GZIP_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "source/byte_reader.h"

namespace keyward {

struct GzipLimits {
  uint64_t max_bytes = 4ull << 30;    // decompressed bytes per file
  uint64_t max_ratio = 250;           // decompressed : compressed
  uint64_t ratio_grace = 1ull << 20;  // ratio checked past this output
};

// True when `head` starts with the gzip magic bytes 1f 8b.
inline bool HasGzipMagic(std::string_view head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
         static_cast<unsigned char>(head[1]) == 0x8b;
}

class GzipReader : public ByteReader {
 public:
  GzipReader(ByteReader* input, GzipLimits limits);
  ~GzipReader() override;
  long Read(char* out, size_t n) override;
  std::string error() const override { return error_; }

  bool limit_hit() const { return !limit_reason_.empty(); }
  // "decompression stopped after N bytes (...)"; empty when not hit.
  const std::string& limit_reason() const { return limit_reason_; }
  // Raises or lowers GzipLimits::max_bytes from here on.
  void set_max_bytes(uint64_t max_bytes) { limits_.max_bytes = max_bytes; }
  uint64_t bytes_in() const { return in_total_; }
  uint64_t bytes_out() const { return out_total_; }

 private:
  struct State;
  bool Refill();
  ByteReader* input_;
  GzipLimits limits_;
  std::unique_ptr<State> state_;
  std::string in_;  // compressed bytes read, not yet all consumed
  bool input_done_ = false;
  bool done_ = false;
  uint64_t in_total_ = 0, out_total_ = 0;
  std::string error_;
  std::string limit_reason_;
};

}  // namespace keyward

#endif  // KEYWARD_SOURCE_GZIP_READER_H_

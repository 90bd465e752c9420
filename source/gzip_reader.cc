// Streaming gzip decompression with a budget (source/gzip_reader.h).
#include "source/gzip_reader.h"

#include <zlib.h>

#include <algorithm>

namespace keyward {
namespace {

constexpr size_t kInputChunk = 64 << 10;
// Output per inflate call: the ratio is checked this often, so a bomb is
// stopped within this many bytes of its limit.
constexpr size_t kStep = 256 << 10;

}  // namespace

struct GzipReader::State {
  z_stream z{};
  bool ok = false;
  bool between_members = false;  // a member ended; another may follow
};

GzipReader::GzipReader(ByteReader* input, GzipLimits limits)
    : input_(input), limits_(limits), state_(std::make_unique<State>()) {
  // 16 + MAX_WBITS: gzip framing only (header and CRC-32 checked).
  state_->ok = inflateInit2(&state_->z, 16 + MAX_WBITS) == Z_OK;
  if (!state_->ok) error_ = "cannot start gzip decompression";
}

GzipReader::~GzipReader() {
  if (state_->ok) inflateEnd(&state_->z);
}

bool GzipReader::Refill() {
  in_.resize(kInputChunk);
  long got = input_->Read(in_.data(), in_.size());
  if (got < 0) {
    error_ = input_->error();
    return false;
  }
  if (got == 0) input_done_ = true;
  in_.resize(got);
  in_total_ += got;
  state_->z.next_in = reinterpret_cast<Bytef*>(in_.data());
  state_->z.avail_in = static_cast<uInt>(got);
  return true;
}

long GzipReader::Read(char* out, size_t n) {
  if (!error_.empty()) return -1;
  if (done_) return 0;
  z_stream& z = state_->z;
  size_t produced = 0;
  while (produced < n && !done_) {
    if (z.avail_in == 0) {
      if (input_done_) {
        if (!state_->between_members) {
          error_ = "truncated gzip data";
          return produced > 0 ? static_cast<long>(produced) : -1;
        }
        done_ = true;
        break;
      }
      if (!Refill()) return produced > 0 ? static_cast<long>(produced) : -1;
      continue;
    }
    if (state_->between_members) {
      // Another member follows (its header is checked by inflate); any
      // other trailing bytes (padding) are ignored, as gzip -d does.
      if (z.next_in[0] != 0x1f) {
        done_ = true;
        break;
      }
      inflateReset(&z);
      state_->between_members = false;
    }
    uint64_t budget = limits_.max_bytes - out_total_;
    size_t step = std::min<uint64_t>({n - produced, kStep, budget});
    z.next_out = reinterpret_cast<Bytef*>(out + produced);
    z.avail_out = static_cast<uInt>(step);
    int ret = inflate(&z, Z_NO_FLUSH);
    size_t got = step - z.avail_out;
    produced += got;
    out_total_ += got;
    if (ret == Z_STREAM_END) {
      state_->between_members = true;
    } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
      error_ = std::string("corrupt gzip data (") +
               (z.msg ? z.msg : "inflate failed") + ")";
      return produced > 0 ? static_cast<long>(produced) : -1;
    }
    const uint64_t consumed = in_total_ - z.avail_in;
    const bool more =
        !state_->between_members || z.avail_in > 0 || !input_done_;
    if (more && out_total_ >= limits_.max_bytes) {
      limit_reason_ = "decompression stopped after " +
                      std::to_string(out_total_) +
                      " bytes (the per-file limit); the rest is not scanned";
      done_ = true;
    } else if (more && out_total_ > limits_.ratio_grace &&
               out_total_ >
                   limits_.max_ratio * std::max<uint64_t>(consumed, 1)) {
      limit_reason_ = "decompression stopped after " +
                      std::to_string(out_total_) + " bytes from " +
                      std::to_string(consumed) + " compressed (over " +
                      std::to_string(limits_.max_ratio) +
                      ":1, a likely gzip bomb); the rest is not scanned";
      done_ = true;
    }
  }
  return static_cast<long>(produced);
}

}  // namespace keyward

// Test support: gzip data made with zlib at test time.
#ifndef KEYWARD_TESTS_SUPPORT_GZIP_H_
#define KEYWARD_TESTS_SUPPORT_GZIP_H_

#include <zlib.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace keyward::test {

// One gzip member holding what `next` yields, chunk by chunk until it
// returns an empty view: input of any size compresses in bounded memory.
inline std::string GzipStream(const std::function<std::string_view()>& next,
                              int level = 9,
                              int strategy = Z_DEFAULT_STRATEGY) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 9, strategy) !=
      Z_OK) {
    return {};
  }
  std::string out;
  char buf[1 << 16];
  for (;;) {
    std::string_view in = next();
    int flush = in.empty() ? Z_FINISH : Z_NO_FLUSH;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    int ret;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      ret = deflate(&z, flush);
      out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0 || (flush == Z_FINISH && ret != Z_STREAM_END));
    if (flush == Z_FINISH) break;
  }
  deflateEnd(&z);
  return out;
}

// `text` as one gzip member.
inline std::string Gzip(std::string_view text, int level = 9) {
  bool given = false;
  return GzipStream(
      [&]() -> std::string_view {
        if (given) return {};
        given = true;
        return text;
      },
      level);
}

// `total` bytes of `fill`, compressed by streaming 1 MiB at a time: a gzip
// bomb (1 GiB of zeros is about 1 MB of gzip).
inline std::string GzipBomb(uint64_t total, char fill = '\0') {
  const std::string block(1 << 20, fill);
  uint64_t left = total;
  return GzipStream([&]() -> std::string_view {
    size_t n = left < block.size() ? left : block.size();
    left -= n;
    return std::string_view(block.data(), n);
  });
}

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_GZIP_H_

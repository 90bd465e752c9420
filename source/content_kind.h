// What a file's first bytes say it is (internal): text, a compressed
// stream, or an archive. Only magic bytes are looked at, never names, so
// `app.log.1` that is gzip data and `release` that is a zip are recognised;
// a check costs a few byte compares on bytes already read.
#ifndef KEYWARD_SOURCE_CONTENT_KIND_H_
#define KEYWARD_SOURCE_CONTENT_KIND_H_

#include <cstddef>
#include <cstring>
#include <string_view>

namespace keyward {

enum class ContentKind {
  kPlain,       // anything else: scanned as it is (binary is skipped)
  kGzip,        // 1f 8b (source/gzip_reader.h)
  kCompressed,  // bzip2, xz, zstd (source/archive_reader.h, raw mode)
  kArchive,     // zip (jar, apk, docx...), tar, 7z, rar, ar
};

// Enough head for every kind: a tar header's "ustar" is at offset 257.
inline constexpr size_t kSniffBytes = 512;

inline ContentKind SniffContent(std::string_view h) {
  auto starts = [&](std::string_view magic) {
    return h.size() >= magic.size() &&
           memcmp(h.data(), magic.data(), magic.size()) == 0;
  };
  using namespace std::string_view_literals;
  if (h.size() < 4) {
    return starts("\x1f\x8b"sv) ? ContentKind::kGzip : ContentKind::kPlain;
  }
  switch (h[0]) {
    case '\x1f':
      if (h[1] == '\x8b') return ContentKind::kGzip;
      break;
    case 'B':  // "BZh" and the block size 1-9
      if (starts("BZh"sv) && h[3] >= '1' && h[3] <= '9') {
        return ContentKind::kCompressed;
      }
      break;
    case '\xfd':
      if (starts("\xfd"
                 "7zXZ\0"sv))
        return ContentKind::kCompressed;
      break;
    case '\x28':
      if (starts("\x28\xb5\x2f\xfd"sv)) return ContentKind::kCompressed;
      break;
    case 'P':  // a zip's first local header, or an empty zip's end record
      if (starts("PK\x03\x04"sv) || starts("PK\x05\x06"sv)) {
        return ContentKind::kArchive;
      }
      break;
    case '7':
      if (starts("7z\xbc\xaf\x27\x1c"sv)) return ContentKind::kArchive;
      break;
    case 'R':
      if (starts("Rar!\x1a\x07"sv)) return ContentKind::kArchive;
      break;
    case '!':
      if (starts("!<arch>\n"sv)) return ContentKind::kArchive;
      break;
  }
  if (h.size() >= 262 && memcmp(h.data() + 257, "ustar", 5) == 0) {
    return ContentKind::kArchive;
  }
  return ContentKind::kPlain;
}

}  // namespace keyward

#endif  // KEYWARD_SOURCE_CONTENT_KIND_H_

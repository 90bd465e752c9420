// Test support: archives made with libarchive's writer at test time (zip,
// tar, 7z, with gzip / bzip2 / xz / zstd filters), and a zip bomb written
// by hand (one entry expanding to any size from a few MB of deflate data).
#ifndef KEYWARD_TESTS_SUPPORT_ARCHIVE_WRITER_H_
#define KEYWARD_TESTS_SUPPORT_ARCHIVE_WRITER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace keyward::test {

enum class ArchiveFormat { kZip, kTar, kSevenZip, kRaw };
enum class ArchiveFilter { kNone, kGzip, kBzip2, kXz, kZstd };

using ArchiveEntries = std::vector<std::pair<std::string, std::string>>;

// The archive of `entries` (name, content) in that order; empty on a
// libarchive failure (with a test failure). kRaw: the first entry's content
// alone, compressed by `filter` (a .gz / .bz2 / .xz / .zst file).
std::string MakeArchive(ArchiveFormat format, const ArchiveEntries& entries,
                        ArchiveFilter filter = ArchiveFilter::kNone);

// A zip whose one entry `name` expands to `total` zero bytes (zip64 sizes
// when needed). Built from one deflate segment repeated, in a few ms.
std::string ZipBomb(const std::string& name, uint64_t total);

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_ARCHIVE_WRITER_H_

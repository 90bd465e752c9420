// Test support: archives made at test time (tests/support/archive_writer.h).
#include "support/archive_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <zlib.h>

namespace keyward::test {
namespace {

la_ssize_t Append(struct archive*, void* client, const void* buf, size_t n) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

void Put(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++)
    out->push_back(static_cast<char>(v >> (8 * i)));
}

}  // namespace

std::string MakeArchive(ArchiveFormat format, const ArchiveEntries& entries,
                        ArchiveFilter filter) {
  struct archive* a = archive_write_new();
  int r = ARCHIVE_OK;
  switch (format) {
    case ArchiveFormat::kZip:
      r = archive_write_set_format_zip(a);
      break;
    case ArchiveFormat::kTar:
      r = archive_write_set_format_pax_restricted(a);
      break;
    case ArchiveFormat::kSevenZip:
      r = archive_write_set_format_7zip(a);
      break;
    case ArchiveFormat::kRaw:
      r = archive_write_set_format_raw(a);
      break;
  }
  switch (filter) {
    case ArchiveFilter::kNone:
      break;
    case ArchiveFilter::kGzip:
      r |= archive_write_add_filter_gzip(a);
      break;
    case ArchiveFilter::kBzip2:
      r |= archive_write_add_filter_bzip2(a);
      break;
    case ArchiveFilter::kXz:
      r |= archive_write_add_filter_xz(a);
      break;
    case ArchiveFilter::kZstd:
      r |= archive_write_add_filter_zstd(a);
      break;
  }
  std::string out;
  // No padding to 10 KiB blocks: the archive ends where its data ends.
  archive_write_set_bytes_in_last_block(a, 1);
  if (r != ARCHIVE_OK ||
      archive_write_open(a, &out, nullptr, Append, nullptr) != ARCHIVE_OK) {
    ADD_FAILURE() << "libarchive writer: " << archive_error_string(a);
    archive_write_free(a);
    return {};
  }
  for (const auto& [name, content] : entries) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, 1700000000, 0);
    if (archive_write_header(a, e) != ARCHIVE_OK ||
        archive_write_data(a, content.data(), content.size()) !=
            static_cast<la_ssize_t>(content.size())) {
      ADD_FAILURE() << "libarchive writer: " << archive_error_string(a);
    }
    archive_entry_free(e);
  }
  if (archive_write_close(a) != ARCHIVE_OK) {
    ADD_FAILURE() << "libarchive writer: " << archive_error_string(a);
  }
  archive_write_free(a);
  return out;
}

std::string ZipBomb(const std::string& name, uint64_t total) {
  // Raw deflate of 1 MiB of zeros, full-flushed: after a full flush the
  // compressor starts afresh, so every further MiB compresses to the same
  // bytes, and the stream is first + middle * (k - 1) + tail.
  constexpr uint64_t kMiB = 1 << 20;
  const std::string zeros(kMiB, '\0');
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
  auto run = [&](uint64_t n, int flush) {
    std::string out;
    char buf[1 << 16];
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    z.avail_in = static_cast<uInt>(n);
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      deflate(&z, flush);
      out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0);
    return out;
  };
  const uint64_t k = total / kMiB, rest = total % kMiB;
  std::string data;
  if (k > 0) {
    data = run(kMiB, Z_FULL_FLUSH);
    std::string middle = k > 1 ? run(kMiB, Z_FULL_FLUSH) : std::string();
    for (uint64_t i = 1; i < k; i++) data += middle;
  }
  data += run(rest, Z_FINISH);
  deflateEnd(&z);
  const uLong crc_mib = crc32(0, reinterpret_cast<const Bytef*>(zeros.data()),
                              static_cast<uInt>(kMiB));
  uLong crc = 0;
  for (uint64_t i = 0; i < k; i++) crc = crc32_combine(crc, crc_mib, kMiB);
  crc = crc32_combine(
      crc, crc32(0, reinterpret_cast<const Bytef*>(zeros.data()), rest), rest);

  const bool z64 = total >= 0xffffffffull;
  const uint64_t csize = data.size();
  auto sizes = [&](std::string* out) {
    Put(out, crc, 4);
    Put(out, z64 ? 0xffffffffull : csize, 4);
    Put(out, z64 ? 0xffffffffull : total, 4);
    Put(out, name.size(), 2);
    Put(out, z64 ? 20 : 0, 2);  // extra field length
  };
  auto extra = [&](std::string* out) {
    if (!z64) return;
    Put(out, 1, 2);  // zip64 extended information
    Put(out, 16, 2);
    Put(out, total, 8);
    Put(out, csize, 8);
  };
  std::string zip;
  Put(&zip, 0x04034b50, 4);  // local file header
  Put(&zip, z64 ? 45 : 20, 2);
  Put(&zip, 0, 2);  // flags
  Put(&zip, 8, 2);  // deflate
  Put(&zip, 0, 4);  // time, date
  sizes(&zip);
  zip += name;
  extra(&zip);
  zip += data;
  const uint64_t cd = zip.size();
  Put(&zip, 0x02014b50, 4);  // central directory header
  Put(&zip, z64 ? 45 : 20, 2);
  Put(&zip, z64 ? 45 : 20, 2);
  Put(&zip, 0, 2);
  Put(&zip, 8, 2);
  Put(&zip, 0, 4);
  sizes(&zip);
  Put(&zip, 0, 2);  // comment
  Put(&zip, 0, 2);  // disk
  Put(&zip, 0, 2);  // internal attributes
  Put(&zip, 0, 4);  // external attributes
  Put(&zip, 0, 4);  // local header offset
  zip += name;
  extra(&zip);
  const uint64_t cd_size = zip.size() - cd;
  Put(&zip, 0x06054b50, 4);  // end of central directory
  Put(&zip, 0, 4);
  Put(&zip, 1, 2);
  Put(&zip, 1, 2);
  Put(&zip, cd_size, 4);
  Put(&zip, cd, 4);
  Put(&zip, 0, 2);
  return zip;
}

}  // namespace keyward::test

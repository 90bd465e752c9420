#include "git/pack_format.h"

#include <fcntl.h>
#include <libdeflate.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "git/mapped_guard.h"

namespace keyward::git {
namespace {

uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
         (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

uint64_t Be64(const unsigned char* p) {
  return (uint64_t{Be32(p)} << 32) | Be32(p + 4);
}

constexpr size_t kIdxHeader = 8;
constexpr size_t kFanout = 256 * 4;
constexpr size_t kPackHeader = 12;
constexpr size_t kPackTrailer = kSha1Size;

// The type and inflated size that start an entry header at p[*pos] (bytes
// before `end` only); moves *pos past them. False when the size runs past
// `end` or 64 bits.
bool ReadTypeAndSize(const unsigned char* p, uint64_t end, uint64_t* pos,
                     PackType* type, uint64_t* size) {
  if (*pos >= end) return false;
  unsigned c = p[(*pos)++];
  *type = static_cast<PackType>((c >> 4) & 7);
  uint64_t v = c & 15;
  int shift = 4;
  while (c & 0x80) {
    if (*pos >= end || shift > 57) return false;
    c = p[(*pos)++];
    v |= uint64_t{c & 0x7f} << shift;
    shift += 7;
  }
  *size = v;
  return true;
}

}  // namespace

Result<MappedFile> MappedFile::Open(const std::string& path, bool keep_open) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::IoError(path + ": " + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || st.st_size <= 0) {
    ::close(fd);
    return Status::IoError(path + ": empty or unreadable");
  }
  void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                   MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) {
    ::close(fd);
    return Status::IoError(path + ": mmap: " + std::strerror(errno));
  }
  if (!keep_open) {
    ::close(fd);  // the mapping keeps the file alive
    fd = -1;
  }
  MappedFile f;
  f.data_ = p;
  f.size_ = static_cast<size_t>(st.st_size);
  f.fd_ = fd;
  RegisterMapping(f.data_, f.size_);
  return f;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      fd_(std::exchange(other.fd_, -1)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    Close();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void MappedFile::DropPages() const {
  if (data_) ::madvise(data_, size_, MADV_DONTNEED);
}

void MappedFile::Close() {
  if (data_) {
    UnregisterMapping(data_);
    ::munmap(data_, size_);
    data_ = nullptr;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

MappedFile::~MappedFile() { Close(); }

Result<PackIndex> PackIndex::Parse(std::string_view idx) {
  const auto* p = reinterpret_cast<const unsigned char*>(idx.data());
  if (idx.size() < kIdxHeader + kFanout + 2 * kSha1Size ||
      std::memcmp(p, "\377tOc", 4) != 0) {
    return Status::Corruption("not a version 2 pack index (bad magic)");
  }
  if (Be32(p + 4) != 2) {
    return Status::Corruption("unsupported pack index version " +
                              std::to_string(Be32(p + 4)));
  }
  PackIndex index;
  index.fanout_ = p + kIdxHeader;
  uint32_t prev = 0;
  for (int i = 0; i < 256; ++i) {
    uint32_t v = Be32(index.fanout_ + 4 * i);
    if (v < prev) return Status::Corruption("pack index fanout not sorted");
    prev = v;
  }
  index.count_ = prev;
  // 20-byte id, crc32 and 4-byte offset per object, then 8 bytes per large
  // offset, then the pack and index checksums.
  uint64_t fixed =
      kIdxHeader + kFanout + uint64_t{index.count_} * 28 + 2 * kSha1Size;
  if (idx.size() < fixed || (idx.size() - fixed) % 8 != 0 ||
      (idx.size() - fixed) / 8 > index.count_) {
    return Status::Corruption(
        "pack index size does not match a SHA-1 version 2 index");
  }
  index.large_count_ = static_cast<uint32_t>((idx.size() - fixed) / 8);
  index.ids_ = index.fanout_ + kFanout;
  index.offsets_ = index.ids_ + uint64_t{index.count_} * (kSha1Size + 4);
  index.large_ = index.offsets_ + uint64_t{index.count_} * 4;
  return index;
}

uint32_t PackIndex::crc(uint32_t pos) const {
  return Be32(ids_ + uint64_t{count_} * kSha1Size + uint64_t{pos} * 4);
}

int64_t PackIndex::Find(const unsigned char* id) const {
  uint32_t lo = id[0] == 0 ? 0 : Be32(fanout_ + 4 * (id[0] - 1));
  uint32_t hi = Be32(fanout_ + 4 * id[0]);
  // Ids are sorted: compared by their first 8 bytes as a number, then the
  // rest. Object ids are uniformly distributed, so the first probes
  // interpolate (a million-entry index is found in 2-3 probes instead of
  // ~20); a few at most, then bisection, so a crafted index costs no more
  // than a binary search.
  const uint64_t key = Be64(id);
  auto compare = [&](uint32_t pos) {
    const unsigned char* at = ids_ + uint64_t{pos} * kSha1Size;
    uint64_t k = Be64(at);
    if (k != key) return k < key ? -1 : 1;
    return std::memcmp(at + 8, id + 8, kSha1Size - 8);
  };
  // Narrows [lo, hi) to one side of `mid`; true when `mid` holds the id.
  auto narrow = [&](uint32_t mid) {
    int c = compare(mid);
    if (c < 0) lo = mid + 1;
    if (c > 0) hi = mid;
    return c == 0;
  };
  for (int probes = 0; probes < 4 && hi - lo > 16; ++probes) {
    uint64_t first = Be64(ids_ + uint64_t{lo} * kSha1Size);
    uint64_t last = Be64(ids_ + uint64_t{hi - 1} * kSha1Size);
    if (key < first || key > last) return -1;
    if (last == first) break;
    uint32_t mid =
        lo + static_cast<uint32_t>(static_cast<unsigned __int128>(key - first) *
                                   (hi - 1 - lo) / (last - first));
    if (narrow(mid)) return mid;
  }
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (narrow(mid)) return mid;
  }
  return -1;
}

int64_t PackIndex::offset(uint32_t pos) const {
  uint32_t v = Be32(offsets_ + uint64_t{pos} * 4);
  if ((v & 0x80000000u) == 0) return v;
  uint32_t large = v & 0x7fffffffu;
  if (large >= large_count_) return -1;
  uint64_t off = Be64(large_ + uint64_t{large} * 8);
  if (off > uint64_t{INT64_MAX}) return -1;
  return static_cast<int64_t>(off);
}

Status CheckPackHeader(std::string_view pack, uint32_t count) {
  const auto* p = reinterpret_cast<const unsigned char*>(pack.data());
  if (pack.size() < kPackHeader + kPackTrailer ||
      std::memcmp(p, "PACK", 4) != 0) {
    return Status::Corruption("not a pack file");
  }
  uint32_t version = Be32(p + 4);
  if (version != 2 && version != 3) {
    return Status::Corruption("unsupported pack version " +
                              std::to_string(version));
  }
  if (Be32(p + 8) != count) {
    return Status::Corruption("pack and index disagree on the object count");
  }
  return Status::OK();
}

bool ParseEntrySize(std::string_view entry, PackType type, uint64_t* size,
                    size_t* header) {
  const auto* p = reinterpret_cast<const unsigned char*>(entry.data());
  const uint64_t end = entry.size();
  uint64_t pos = 0, s = 0;
  PackType read;
  if (!ReadTypeAndSize(p, end, &pos, &read, &s) || read != type) return false;
  unsigned c = 0;
  if (type == PackType::kOfsDelta) {
    do {
      if (pos >= end) return false;
      c = p[pos++];
    } while (c & 0x80);
  } else if (type == PackType::kRefDelta) {
    if (end - pos < kSha1Size) return false;
    pos += kSha1Size;
  }
  *size = s;
  *header = pos;
  return true;
}

Status ParseEntryHeader(std::string_view pack, uint64_t offset,
                        EntryHeader* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(pack.data());
  auto corrupt = [&](const char* what) {
    return Status::Corruption("pack entry at offset " + std::to_string(offset) +
                              ": " + what);
  };
  // Shorter than header and trailer: `end` below would wrap around.
  if (pack.size() < kPackHeader + kPackTrailer)
    return corrupt("pack too short");
  const uint64_t end = pack.size() - kPackTrailer;
  if (offset < kPackHeader || offset >= end) return corrupt("out of range");
  uint64_t pos = offset;
  uint64_t size = 0;
  if (!ReadTypeAndSize(p, end, &pos, &out->type, &size)) {
    return corrupt("bad size");
  }
  unsigned c = 0;
  out->size = size;
  out->base_offset = 0;
  out->base_id = nullptr;
  switch (out->type) {
    case PackType::kCommit:
    case PackType::kTree:
    case PackType::kBlob:
    case PackType::kTag:
      break;
    case PackType::kOfsDelta: {
      if (pos >= end) return corrupt("truncated base offset");
      c = p[pos++];
      uint64_t rel = c & 0x7f;
      while (c & 0x80) {
        if (pos >= end || rel > (UINT64_MAX >> 8)) {
          return corrupt("bad base offset");
        }
        c = p[pos++];
        rel = ((rel + 1) << 7) | (c & 0x7f);
      }
      if (rel == 0 || rel > offset - kPackHeader) {
        return corrupt("base offset out of range");
      }
      out->base_offset = offset - rel;
      break;
    }
    case PackType::kRefDelta:
      if (end - pos < kSha1Size) return corrupt("truncated base id");
      out->base_id = p + pos;
      pos += kSha1Size;
      break;
    default:
      return corrupt("unknown type");
  }
  if (pos >= end) return corrupt("no data");
  out->data = pos;
  return Status::OK();
}

// libdeflate inflates a whole stream in one call, about twice as fast as
// zlib's streaming inflate (bench/README.md, "Git history"). Pack entries are
// whole in the mapping and their inflated size is known, so nothing is lost.
struct Inflater::Stream {
  libdeflate_decompressor* d = nullptr;
};

Inflater::Inflater() : stream_(std::make_unique<Stream>()) {
  stream_->d = libdeflate_alloc_decompressor();
}

Inflater::~Inflater() {
  if (stream_->d) libdeflate_free_decompressor(stream_->d);
}

Status Inflater::Inflate(std::string_view in, char* out, size_t size,
                         size_t* consumed, bool check_data) {
  if (!stream_->d) return Status::Corruption("zlib: cannot initialize");
  // The zlib wrapper by hand (RFC 1950): a 2-byte header, raw deflate, the
  // Adler-32 of the data. Git writes no preset dictionary.
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  if (in.size() < 2) return Status::Corruption("zlib: truncated stream");
  if ((p[0] & 0x0f) != 8) {
    return Status::Corruption("zlib: unknown compression method");
  }
  if ((p[0] >> 4) > 7) return Status::Corruption("zlib: invalid window size");
  if (((p[0] << 8) | p[1]) % 31 != 0) {
    return Status::Corruption("zlib: incorrect header check");
  }
  if (p[1] & 0x20) return Status::Corruption("zlib: need dictionary");
  size_t used = 0, made = 0;
  char none;  // an empty entry's output (never written)
  // A stream longer than the entry is LIBDEFLATE_INSUFFICIENT_SPACE.
  libdeflate_result r = libdeflate_deflate_decompress_ex(
      stream_->d, p + 2, in.size() - 2, out ? out : &none, size, &used, &made);
  if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
    return Status::Corruption("zlib: more data than the entry size");
  }
  if (r != LIBDEFLATE_SUCCESS) {
    return Status::Corruption("zlib: invalid or truncated deflate data");
  }
  if (made != size) {
    return Status::Corruption("zlib: less data than the entry size");
  }
  size_t total = 2 + used + 4;
  if (total > in.size()) return Status::Corruption("zlib: truncated stream");
  if (check_data && !StreamChecksumMatches(in.substr(0, total),
                                           std::string_view(out, size))) {
    return Status::Corruption("zlib: incorrect data check");
  }
  if (consumed) *consumed = total;
  return Status::OK();
}

bool StreamChecksumMatches(std::string_view stream, std::string_view data) {
  if (stream.size() < 4) return false;
  const auto* t =
      reinterpret_cast<const unsigned char*>(stream.data() + stream.size() - 4);
  uint32_t want = Be32(t);
  return libdeflate_adler32(1, data.data(), data.size()) == want;
}

Status ReadDeltaSizes(std::string_view delta, uint64_t* source,
                      uint64_t* target, size_t* header) {
  const auto* p = reinterpret_cast<const unsigned char*>(delta.data());
  size_t pos = 0;
  for (uint64_t* v : {source, target}) {
    *v = 0;
    int shift = 0;
    unsigned c;
    do {
      if (pos >= delta.size() || shift > 63) {
        return Status::Corruption("delta: bad size header");
      }
      c = p[pos++];
      *v |= uint64_t{c & 0x7f} << shift;
      shift += 7;
    } while (c & 0x80);
  }
  *header = pos;
  return Status::OK();
}

Status ReadDeltaOp(std::string_view delta, size_t* pos, DeltaOp* op) {
  const auto* p = reinterpret_cast<const unsigned char*>(delta.data());
  const size_t end = delta.size();
  size_t at = *pos;
  unsigned code = p[at++];
  if (code & 0x80) {
    uint64_t off = 0, len = 0;
    for (int i = 0; i < 4; ++i) {
      if (code & (1u << i)) {
        if (at >= end) return Status::Corruption("delta: truncated copy");
        off |= uint64_t{p[at++]} << (8 * i);
      }
    }
    for (int i = 0; i < 3; ++i) {
      if (code & (0x10u << i)) {
        if (at >= end) return Status::Corruption("delta: truncated copy");
        len |= uint64_t{p[at++]} << (8 * i);
      }
    }
    *op = {true, off, len == 0 ? 0x10000 : len, nullptr};
  } else if (code != 0) {
    if (code > end - at)
      return Status::Corruption("delta: insert out of bounds");
    *op = {false, 0, code, delta.data() + at};
    at += code;
  } else {
    return Status::Corruption("delta: reserved opcode 0");
  }
  *pos = at;
  return Status::OK();
}

Status ApplyDelta(std::string_view base, std::string_view delta, char* out,
                  size_t target_size) {
  uint64_t source = 0, target = 0;
  size_t pos = 0;
  Status s = ReadDeltaSizes(delta, &source, &target, &pos);
  if (!s.ok()) return s;
  if (source != base.size()) {
    return Status::Corruption("delta: base size mismatch");
  }
  if (target != target_size) {
    return Status::Corruption("delta: target size mismatch");
  }
  size_t written = 0;
  DeltaOp op;
  while (pos < delta.size()) {
    s = ReadDeltaOp(delta, &pos, &op);
    if (!s.ok()) return s;
    if (op.size > target_size - written) {
      return Status::Corruption(op.copy ? "delta: copy out of bounds"
                                        : "delta: insert out of bounds");
    }
    if (op.copy) {
      if (op.offset > base.size() || op.size > base.size() - op.offset) {
        return Status::Corruption("delta: copy out of bounds");
      }
      std::memcpy(out + written, base.data() + op.offset, op.size);
    } else {
      std::memcpy(out + written, op.literal, op.size);
    }
    written += op.size;
  }
  if (written != target_size) {
    return Status::Corruption("delta: result shorter than its header says");
  }
  return Status::OK();
}

}  // namespace keyward::git

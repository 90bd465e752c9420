// The minimum of git's pack format that PackReader needs, hand-written:
// pack index v2 lookups, pack entry headers, zlib inflation of one entry and
// the delta instruction format. Everything else stays libgit2.
//
// Every function validates its input against the bytes it is given (corrupt
// or hostile packs give a Status, never a read out of bounds). All types here
// are immutable after construction and safe to share between threads, except
// Inflater (one per thread).
#ifndef KEYWARD_GIT_PACK_FORMAT_H_
#define KEYWARD_GIT_PACK_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "keyward/status.h"

namespace keyward::git {

// A read-only private mapping of a whole file; unmapped on destruction.
// Registered with RegisterMapping (mapped_guard.h): read it only inside
// ReadMapped, since the file may shrink while it is mapped.
class MappedFile {
 public:
  // With `keep_open`, the file stays open too (fd(), for pread: reading
  // through it maps no page into the process).
  static Result<MappedFile> Open(const std::string& path,
                                 bool keep_open = false);
  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view bytes() const {
    return {static_cast<const char*>(data_), size_};
  }
  // The open file (Open's keep_open), or -1.
  int fd() const { return fd_; }
  // Unmaps the pages read so far from this process (they stay in the page
  // cache; reading them again maps them again, same bytes). Bounds RSS.
  // Safe while other threads read the mapping.
  void DropPages() const;

 private:
  void Close();
  void* data_ = nullptr;
  size_t size_ = 0;
  int fd_ = -1;
};

constexpr size_t kSha1Size = 20;

// A view of a pack index, version 2, SHA-1 object ids. Borrows the bytes.
class PackIndex {
 public:
  // Checks magic, version, fanout monotonicity and the exact file size a
  // SHA-1 index of that many objects has (which also rejects SHA-256
  // indexes). Anything else is an error: the caller does not use the pack.
  static Result<PackIndex> Parse(std::string_view idx);
  PackIndex() = default;

  uint32_t count() const { return count_; }
  // Position of `id` (20 bytes) in the index, or -1.
  int64_t Find(const unsigned char* id) const;
  const unsigned char* id(uint32_t pos) const { return ids_ + pos * kSha1Size; }
  // Pack offset of the object at `pos`; -1 when a large offset is malformed.
  int64_t offset(uint32_t pos) const;
  // CRC-32 of the packed entry (header and compressed data) of the object at
  // `pos`, as written by git.
  uint32_t crc(uint32_t pos) const;

 private:
  const unsigned char* fanout_ = nullptr;
  const unsigned char* ids_ = nullptr;
  const unsigned char* offsets_ = nullptr;
  const unsigned char* large_ = nullptr;
  uint32_t count_ = 0;
  uint32_t large_count_ = 0;
};

// Checks the 12-byte pack header ("PACK", version 2 or 3) and that the pack
// holds `count` objects.
Status CheckPackHeader(std::string_view pack, uint32_t count);

enum class PackType : uint8_t {
  kCommit = 1,
  kTree = 2,
  kBlob = 3,
  kTag = 4,
  kOfsDelta = 6,
  kRefDelta = 7,
};

struct EntryHeader {
  PackType type;
  uint64_t size;         // inflated size (of the object, or of the delta)
  uint64_t data;         // offset of the zlib stream
  uint64_t base_offset;  // kOfsDelta: offset of the base entry
  const unsigned char* base_id;  // kRefDelta: 20-byte id of the base
};

// Parses the entry header at `offset`. The last 20 bytes of `pack` are its
// checksum and never part of an entry.
Status ParseEntryHeader(std::string_view pack, uint64_t offset,
                        EntryHeader* out);

// The inflated size and header length of an entry of known `type` whose
// bytes start `entry` (at least its header): what ParseEntryHeader found
// when the entry was planned, read again where the plan keeps no copy.
// False when the bytes do not hold such a header.
inline constexpr size_t kMaxEntryHeader = 1 + 10 + kSha1Size;
bool ParseEntrySize(std::string_view entry, PackType type, uint64_t* size,
                    size_t* header);

// Inflates pack entries, one at a time. Not thread-safe (one per thread).
class Inflater {
 public:
  Inflater();
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Inflates the zlib stream at the start of `in` into exactly `size` bytes
  // at `out`; the stream must end exactly there. On success, `*consumed`
  // (if given) is the length of the stream in `in`. With `check_data` false
  // the stream's Adler-32 is not computed (the caller checks the packed
  // bytes another way; StreamChecksumMatches can still check it).
  Status Inflate(std::string_view in, char* out, size_t size,
                 size_t* consumed = nullptr, bool check_data = true);

 private:
  struct Stream;
  std::unique_ptr<Stream> stream_;
};

// Whether `data` has the Adler-32 that the zlib stream `stream` (exactly the
// bytes Inflate consumed) ends with.
bool StreamChecksumMatches(std::string_view stream, std::string_view data);

// The source and target sizes a delta starts with; `*header` is the number
// of bytes they take.
Status ReadDeltaSizes(std::string_view delta, uint64_t* source,
                      uint64_t* target, size_t* header);

// One instruction of a delta: copy `size` bytes of the base from `offset`,
// or insert `size` bytes of the delta itself, from `literal`.
struct DeltaOp {
  bool copy = false;
  uint64_t offset = 0;
  uint64_t size = 0;
  const char* literal = nullptr;
};

// Reads the instruction at `delta[*pos]` (*pos starts after the size header)
// and advances *pos past it. Bounds within the delta are checked here;
// bounds within the base and the target are the caller's.
Status ReadDeltaOp(std::string_view delta, size_t* pos, DeltaOp* op);

// Applies `delta` to `base`, writing exactly `target_size` bytes (the value
// ReadDeltaSizes returned) to `out`. Every copy and insert is bounds-checked.
Status ApplyDelta(std::string_view base, std::string_view delta, char* out,
                  size_t target_size);

}  // namespace keyward::git

#endif  // KEYWARD_GIT_PACK_FORMAT_H_

// Archive and compressed-stream reading through libarchive (internal): the
// regular files of a zip (jar, war, apk, whl, nupkg, docx...), tar, 7z, rar
// or ar archive one after another, each as a ByteReader, never more than a
// block of compressed and one of decompressed data in memory; or, in raw
// mode, the one text of a bzip2 / xz / zstd stream.
//
//   ExpansionBudget budget(4ull << 30);
//   ArchiveReader ar(&input, ArchiveReader::kArchive, limits, &budget);
//   while (ar.NextEntry()) { ... ar.entry().Read(buf, n) ... }
//   if (!ar.error().empty()) warn(ar.error());
//
// Limits against bombs: every byte an entry yields is charged to `budget`
// (shared by all the layers of one top-level file, nested archives
// included); an entry stops (Read returns 0, limit_hit()) when the budget is
// spent or when, past ExpansionLimits::ratio_grace bytes, it has produced
// more than max_ratio times the archive bytes read since its header.
// Not thread-safe; `input` and `budget` must outlive the reader.
#ifndef KEYWARD_SOURCE_ARCHIVE_READER_H_
#define KEYWARD_SOURCE_ARCHIVE_READER_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "source/byte_reader.h"

struct archive;

namespace keyward {

// Bytes all decompression under one top-level file may produce.
class ExpansionBudget {
 public:
  explicit ExpansionBudget(uint64_t max_bytes) : max_(max_bytes) {}
  uint64_t max() const { return max_; }
  uint64_t used() const { return used_; }
  uint64_t left() const { return used_ < max_ ? max_ - used_ : 0; }
  void Charge(uint64_t n) { used_ += n; }
  void Refund(uint64_t n) { used_ -= std::min(n, used_); }

 private:
  uint64_t max_;
  uint64_t used_ = 0;
};

struct ExpansionLimits {
  uint64_t max_ratio = 250;           // entry bytes : archive bytes read
  uint64_t ratio_grace = 1ull << 20;  // ratio checked past this output
};

// Reads a seekable in-memory buffer (zip: through its central directory).
class MemoryReader : public ByteReader {
 public:
  explicit MemoryReader(std::string_view data) : data_(data) {}
  long Read(char* out, size_t n) override;
  std::string error() const override { return {}; }
  std::string_view data() const { return data_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

class ArchiveReader {
 public:
  enum Mode { kArchive, kRawStream };
  // Reads from `input`; a MemoryReader is read with seeks, anything else
  // as a stream. Opening problems show in error() after the first
  // NextEntry().
  ArchiveReader(ByteReader* input, Mode mode, ExpansionLimits limits,
                ExpansionBudget* budget);
  ~ArchiveReader();
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  // Moves to the next regular file (directories, links and devices are
  // passed over): false at the end, after a limit, or on an error.
  bool NextEntry();
  // The current entry's name as stored ("app/config/.env"; "data" in raw
  // mode) and size (-1 when the archive does not say).
  const std::string& entry_name() const { return name_; }
  int64_t entry_size() const { return size_; }
  // The current entry's bytes; valid until the next NextEntry().
  ByteReader& entry() { return entry_; }
  // The current entry is a container whose own entries are charged to the
  // budget: what it charged is refunded and the rest not charged (nothing
  // counts twice). The ratio limit still applies.
  void UncountEntry() {
    budget_->Refund(entry_out_);
    counting_ = false;
  }
  // True when an entry was encrypted (its data cannot be read).
  bool entry_encrypted() const { return encrypted_; }

  // "zip", "tar", ... after the first NextEntry().
  std::string format() const;
  // Why reading stopped early (corrupt data); empty when it did not.
  const std::string& error() const { return error_; }
  // The error came from an entry's data (its reader reported it).
  bool error_in_entry() const { return error_in_entry_; }
  bool limit_hit() const { return !limit_reason_.empty(); }
  const std::string& limit_reason() const { return limit_reason_; }
  uint64_t bytes_out() const { return out_total_; }

 private:
  class EntryReader : public ByteReader {
   public:
    explicit EntryReader(ArchiveReader* owner) : owner_(owner) {}
    long Read(char* out, size_t n) override { return owner_->ReadData(out, n); }
    std::string error() const override { return owner_->error_; }

   private:
    ArchiveReader* owner_;
  };
  struct Callbacks;
  long ReadData(char* out, size_t n);
  void Fail(const char* what);

  ByteReader* input_;
  Mode mode_;
  MemoryReader* memory_;  // input_ when it is one: seekable
  ExpansionLimits limits_;
  ExpansionBudget* budget_;
  struct archive* a_;
  bool opened_ = false, done_ = false, entry_done_ = false;
  bool encrypted_ = false;
  bool counting_ = true;
  bool error_in_entry_ = false;  // the entry's bytes are charged to the budget
  std::string name_;
  int64_t size_ = -1;
  std::string block_;       // the last block handed to libarchive (streams)
  size_t mem_pos_ = 0;      // read position in memory_
  uint64_t in_total_ = 0;   // archive bytes handed to libarchive
  uint64_t entry_in_ = 0;   // in_total_ at the current entry's header
  uint64_t entry_out_ = 0;  // bytes the current entry produced
  uint64_t out_total_ = 0;
  EntryReader entry_{this};
  std::string error_, limit_reason_;
};

}  // namespace keyward

#endif  // KEYWARD_SOURCE_ARCHIVE_READER_H_

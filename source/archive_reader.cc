// Archive and compressed-stream reading through libarchive
// (source/archive_reader.h).
#include "source/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>

namespace keyward {
namespace {

constexpr size_t kBlock = 64 << 10;
// Output per archive_read_data call: the ratio is checked this often.
constexpr size_t kStep = 256 << 10;

}  // namespace

long MemoryReader::Read(char* out, size_t n) {
  size_t k = std::min(n, data_.size() - pos_);
  memcpy(out, data_.data() + pos_, k);
  pos_ += k;
  return static_cast<long>(k);
}

// libarchive's client callbacks: `client` is the ArchiveReader.
struct ArchiveReader::Callbacks {
  static la_ssize_t Read(struct archive*, void* client, const void** buffer) {
    auto* r = static_cast<ArchiveReader*>(client);
    if (r->memory_ != nullptr) {
      // Handed out in blocks, not whole: the bytes read since an entry's
      // header are what the ratio limit compares with.
      std::string_view d = r->memory_->data();
      size_t k = std::min(kBlock, d.size() - r->mem_pos_);
      *buffer = d.data() + r->mem_pos_;
      r->mem_pos_ += k;
      r->in_total_ += k;
      return static_cast<la_ssize_t>(k);
    }
    r->block_.resize(kBlock);
    long got = r->input_->Read(r->block_.data(), r->block_.size());
    if (got < 0) {
      archive_set_error(r->a_, EIO, "%s", r->input_->error().c_str());
      return -1;
    }
    r->in_total_ += got;
    *buffer = r->block_.data();
    return got;
  }
  static la_int64_t Seek(struct archive*, void* client, la_int64_t offset,
                         int whence) {
    auto* r = static_cast<ArchiveReader*>(client);
    const int64_t size = static_cast<int64_t>(r->memory_->data().size());
    int64_t base = whence == SEEK_SET   ? 0
                   : whence == SEEK_CUR ? static_cast<int64_t>(r->mem_pos_)
                                        : size;
    int64_t to = base + offset;
    if (to < 0 || to > size) return ARCHIVE_FATAL;
    r->mem_pos_ = static_cast<size_t>(to);
    return to;
  }
  static la_int64_t Skip(struct archive*, void* client, la_int64_t request) {
    auto* r = static_cast<ArchiveReader*>(client);
    const size_t size = r->memory_->data().size();
    size_t k = std::min<size_t>(request, size - r->mem_pos_);
    r->mem_pos_ += k;
    return static_cast<la_int64_t>(k);
  }
};

ArchiveReader::ArchiveReader(ByteReader* input, Mode mode,
                             ExpansionLimits limits, ExpansionBudget* budget)
    : input_(input),
      mode_(mode),
      memory_(dynamic_cast<MemoryReader*>(input)),
      limits_(limits),
      budget_(budget),
      a_(archive_read_new()) {
  if (a_ == nullptr) {
    error_ = "cannot start libarchive";
    done_ = true;
    return;
  }
  archive_read_support_filter_all(a_);
  if (mode == kRawStream) {
    archive_read_support_format_raw(a_);
  } else {
    archive_read_support_format_zip(a_);
    archive_read_support_format_tar(a_);
    archive_read_support_format_gnutar(a_);
    archive_read_support_format_7zip(a_);
    archive_read_support_format_rar(a_);
    archive_read_support_format_rar5(a_);
    archive_read_support_format_ar(a_);
    archive_read_support_format_cpio(a_);
  }
  archive_read_set_read_callback(a_, Callbacks::Read);
  if (memory_ != nullptr) {
    archive_read_set_seek_callback(a_, Callbacks::Seek);
    archive_read_set_skip_callback(a_, Callbacks::Skip);
  }
  archive_read_set_callback_data(a_, this);
}

ArchiveReader::~ArchiveReader() {
  if (a_ != nullptr) archive_read_free(a_);
}

void ArchiveReader::Fail(const char* what) {
  const char* why = archive_error_string(a_);
  error_ = std::string(what) + (why ? std::string(" (") + why + ")" : "");
  done_ = true;
}

std::string ArchiveReader::format() const {
  const char* name = opened_ ? archive_format_name(a_) : nullptr;
  return name ? name : "";
}

bool ArchiveReader::NextEntry() {
  if (done_) return false;
  if (!opened_) {
    opened_ = true;
    if (archive_read_open1(a_) != ARCHIVE_OK) {
      Fail("cannot read archive");
      return false;
    }
  }
  limit_reason_.clear();
  for (;;) {
    struct archive_entry* e = nullptr;
    int r = archive_read_next_header(a_, &e);
    if (r == ARCHIVE_RETRY) continue;
    if (r == ARCHIVE_EOF) {
      done_ = true;
      return false;
    }
    if (r < ARCHIVE_WARN) {
      Fail("corrupt archive");
      return false;
    }
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    const char* name = archive_entry_pathname_utf8(e);
    if (name == nullptr) name = archive_entry_pathname(e);
    name_ = name ? name : "";
    size_ = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
    encrypted_ = archive_entry_is_data_encrypted(e) > 0;
    // A raw stream's one entry is all the input (read ahead to find the
    // filter before the header is returned).
    entry_in_ = mode_ == kRawStream ? 0 : in_total_;
    entry_out_ = 0;
    entry_done_ = false;
    counting_ = true;
    return true;
  }
}

long ArchiveReader::ReadData(char* out, size_t n) {
  if (entry_done_ || n == 0) return 0;
  uint64_t left = counting_ ? budget_->left() : UINT64_MAX;
  if (left == 0) {
    char probe;
    la_ssize_t r = archive_read_data(a_, &probe, 1);
    entry_done_ = done_ = true;
    if (r > 0) {
      limit_reason_ = "decompression stopped: the budget of " +
                      std::to_string(budget_->max()) +
                      " bytes per file is used up; the rest is not scanned";
    }
    return 0;
  }
  size_t step = std::min<uint64_t>({n, kStep, left});
  la_ssize_t r = archive_read_data(a_, out, step);
  if (r < 0) {
    Fail(encrypted_ ? "encrypted entry" : "corrupt archive data");
    entry_done_ = error_in_entry_ = true;
    return -1;
  }
  if (r == 0) {
    entry_done_ = true;
    return 0;
  }
  entry_out_ += r;
  out_total_ += r;
  if (counting_) budget_->Charge(r);
  const uint64_t consumed = std::max<uint64_t>(in_total_ - entry_in_, 1);
  if (entry_out_ > limits_.ratio_grace &&
      entry_out_ > limits_.max_ratio * consumed) {
    limit_reason_ =
        "decompression stopped after " + std::to_string(entry_out_) +
        " bytes from " + std::to_string(consumed) + " compressed (over " +
        std::to_string(limits_.max_ratio) + ":1, a likely decompression bomb)";
    entry_done_ = true;
    // A stream cannot pass the rest of this entry without decompressing
    // it: the archive ends here. A buffer seeks to the next entry.
    if (memory_ == nullptr) {
      done_ = true;
      if (mode_ == kRawStream) return static_cast<long>(r);
      limit_reason_ += "; the rest of the archive is not scanned";
    }
  }
  return static_cast<long>(r);
}

}  // namespace keyward

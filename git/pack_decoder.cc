// PackDecoder: decodes the delta trees a PackReader planned (pack_reader.h).
#include <libdeflate.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <new>
#include <utility>

#include "git/mapped_guard.h"
#include "git/pack_reader.h"
#include "git/pack_reader_internal.h"
#include "git/repo.h"

namespace keyward::git {
namespace {

// Deflate expands at most ~1032:1; a header claiming more is corrupt (and
// must not make us allocate it).
constexpr uint64_t kMaxInflateRatio = 1040;
// Entries up to this many packed bytes are read with pread (ReadEntry);
// larger ones through the mapping, where a fault maps many pages at once.
constexpr uint64_t kMaxReadEntry = uint64_t{4} << 20;
// A root's size is known only once its header is read: Take the largest
// spare buffer for it.
constexpr size_t kUnknownSize = SIZE_MAX;

}  // namespace

PackDecoder::PackDecoder(const PackReader& reader, size_t held_budget)
    : reader_(reader), held_budget_(held_budget) {}
PackDecoder::~PackDecoder() = default;

bool PackDecoder::Reserve(Buffer* b, size_t size) {
  if (b->capacity < size || !b->data) {
    size_t cap = std::max<size_t>(size, 1);
    b->data.reset(new (std::nothrow) char[cap]);
    b->capacity = b->data ? cap : 0;
    if (!b->data) return false;
  }
  b->size = size;
  return true;
}

PackDecoder::Buffer PackDecoder::Take(size_t size) {
  // The smallest spare buffer that fits, else the largest (to grow).
  size_t best = spare_.size();
  for (size_t i = 0; i < spare_.size(); ++i) {
    if (best == spare_.size()) {
      best = i;
      continue;
    }
    size_t have = spare_[best].capacity, cap = spare_[i].capacity;
    bool better = have >= size ? (cap >= size && cap < have) : cap > have;
    if (better) best = i;
  }
  if (best == spare_.size()) return Buffer();
  Buffer b = std::move(spare_[best]);
  spare_bytes_ -= b.capacity;
  spare_.erase(spare_.begin() + static_cast<ptrdiff_t>(best));
  return b;
}

void PackDecoder::Give(Buffer b) {
  // Spares are memory too: a few, and 32 MiB together at most.
  constexpr size_t kMaxSpare = 8;
  constexpr size_t kMaxSpareBytes = size_t{32} << 20;
  if (b.data && spare_bytes_ + b.capacity <= kMaxSpareBytes &&
      spare_.size() < kMaxSpare) {
    spare_bytes_ += b.capacity;
    spare_.push_back(std::move(b));
  }
}

Status PackDecoder::Prepare(uint64_t size, uint64_t packed, bool whole,
                            Buffer* inflated) {
  if (size / kMaxInflateRatio > packed) {
    return Status::Corruption("entry size larger than its data allows");
  }
  // Too large to hold (the limit, or the allocator): libgit2 names it.
  if (whole && size > MaxBlobBytes()) {
    return Status::Corruption("too large to hold in memory");
  }
  if (!Reserve(inflated, size)) return Status::Corruption("out of memory");
  return Status::OK();
}

bool PackDecoder::ReadEntry(uint32_t n, bool whole, Buffer* inflated,
                            size_t* header, size_t* consumed) {
  const PackReader::Node& node = reader_.nodes_[n];
  const PackReader::Pack& pack = *reader_.packs_[node.pack];
  const uint64_t end = reader_.EntryEnd(n);
  const int fd = pack.pack_file.fd();
  if (fd < 0 || !node.has_crc || end <= node.offset ||
      end - node.offset > kMaxReadEntry) {
    return false;
  }
  const size_t len = end - node.offset;
  if (!Reserve(&packed_, len)) return false;
  for (size_t got = 0; got < len;) {
    ssize_t r = ::pread(fd, packed_.data.get() + got, len - got,
                        static_cast<off_t>(node.offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;  // shrank, or unreadable: the mapped path says
    got += static_cast<size_t>(r);
  }
  std::string_view entry = packed_.view();
  uint64_t size = 0;
  if (!ParseEntrySize(entry.substr(0, kMaxEntryHeader), node.type, &size,
                      header) ||
      !Prepare(size, len - *header, whole, inflated).ok() ||
      !inflater_
           .Inflate(entry.substr(*header), inflated->data.get(), size, consumed,
                    /*check_data=*/false)
           .ok()) {
    return false;
  }
  return libdeflate_crc32(0, entry.data(), *header + *consumed) ==
         pack.index.crc(node.pos);
}

Status PackDecoder::Decode(uint32_t n, const Buffer* parent, Buffer* out,
                           bool* matches_index) {
  const PackReader::Node& node = reader_.nodes_[n];
  std::string_view pack = reader_.packs_[node.pack]->bytes;
  // An entry found through the index is checked by its CRC-32 (which covers
  // the zlib stream), so zlib need not also sum what it inflates; only when
  // that CRC does not match is the stream's own checksum consulted, to tell
  // damaged data (an error, as zlib would report it) from a damaged index.
  Buffer* inflated = parent == nullptr ? out : &delta_;
  size_t header = 0, consumed = 0;
  uint64_t entry_size = 0;
  bool stream_damaged = false;
  Status s;
  bool read = true;
  if (ReadEntry(n, parent == nullptr, inflated, &header, &consumed)) {
    ++entries_read_;
    *matches_index = true;
  } else {
    // Planning parsed this header from the same bytes, so it is in range.
    const std::string_view rest =
        pack.substr(node.offset, pack.size() - kSha1Size - node.offset);
    uint64_t size = 0;
    bool parsed = false;
    read = ReadMapped([&] {
      parsed = ParseEntrySize(rest.substr(0, kMaxEntryHeader), node.type, &size,
                              &header);
    });
    if (read && !parsed) return Status::Corruption("bad entry header");
    if (read)
      s = Prepare(size, rest.size() - header, parent == nullptr, inflated);
    if (!s.ok()) return s;
    const std::string_view in = rest.substr(header);
    read = read && ReadMapped([&] {
             s = inflater_.Inflate(in, inflated->data.get(), size, &consumed,
                                   /*check_data=*/!node.has_crc);
             if (!s.ok()) return;
             entry_size = header + consumed;
             *matches_index =
                 !node.has_crc ||
                 libdeflate_crc32(0, pack.data() + node.offset, entry_size) ==
                     reader_.packs_[node.pack]->index.crc(node.pos);
             stream_damaged = !*matches_index &&
                              !StreamChecksumMatches(in.substr(0, consumed),
                                                     inflated->view());
           });
  }
  if (!read) {
    reader_.packs_[node.pack]->shrank.store(true, std::memory_order_relaxed);
    return Status::IoError(kPackShrank);
  }
  if (!s.ok()) return s;
  if (stream_damaged) return Status::Corruption("zlib: incorrect data check");
  if (parent != nullptr) {
    uint64_t source = 0, target = 0;
    size_t delta_header = 0;
    s = ReadDeltaSizes(delta_.view(), &source, &target, &delta_header);
    if (!s.ok()) return s;
    // Each instruction byte yields at most one copy of the whole base (or
    // 127 literal bytes): a bigger target is corrupt, not worth allocating.
    uint64_t per_op =
        std::max<uint64_t>(127, std::min<uint64_t>(parent->size, 0xffffff));
    if (target / per_op > delta_.size) {
      return Status::Corruption("delta: target size impossible");
    }
    if (target > MaxBlobBytes()) {
      return Status::Corruption("too large to hold in memory");
    }
    if (!Reserve(out, target)) return Status::Corruption("out of memory");
    s = ApplyDelta(parent->view(), delta_.view(), out->data.get(), target);
    if (!s.ok()) return s;
  }
  if (entry_size != 0) reader_.Touched(entry_size + kFaultAround);
  ++entries_;
  bytes_ += out->size;
  return Status::OK();
}

bool PackDecoder::Shrank(uint32_t n) const {
  const auto& pack = *reader_.packs_[reader_.nodes_[n].pack];
  return pack.shrank.load(std::memory_order_relaxed);
}

void PackDecoder::FailSubtree(uint32_t n, std::vector<size_t>* failed) const {
  const auto& nodes = reader_.nodes_;
  std::vector<uint32_t> stack{n};
  while (!stack.empty()) {
    uint32_t m = stack.back();
    stack.pop_back();
    if (nodes[m].is_wanted) failed->push_back(reader_.WantedOf(m));
    for (uint32_t c = nodes[m].first_child; c != kNone;
         c = nodes[c].next_sibling) {
      stack.push_back(c);
    }
  }
}

void PackDecoder::DecodeTree(PackType type, size_t t, const Visit& visit,
                             std::vector<size_t>* failed,
                             std::vector<size_t>* mismatched) {
  DecodeTree(
      type, t,
      [&visit](size_t index, std::string_view content, const Derivation&) {
        visit(index, content);
      },
      [](size_t) {}, failed, mismatched);
}

void PackDecoder::DecodeTree(PackType type, size_t t, const DerivedVisit& visit,
                             const std::function<void(size_t index)>& release,
                             std::vector<size_t>* failed,
                             std::vector<size_t>* mismatched) {
  const auto& nodes = reader_.nodes_;
  // Hands node `n` (just decoded; `matches`: its entry has the index's
  // CRC-32) to the visitor if it is wanted; true if it was.
  auto deliver = [&](uint32_t n, bool matches, std::string_view data,
                     const Derivation& from) {
    size_t index = reader_.WantedOf(n);
    if (index == kNotWanted) return false;
    if (!matches) {
      mismatched->push_back(index);
      return false;
    }
    visit(index, data, from);
    return true;
  };
  auto drop = [&](Frame* f) {
    if (f->delivered) release(reader_.WantedOf(f->node));
    Give(std::move(f->content));
  };
  uint32_t root = reader_.RootsOf(type)[t];
  Buffer content = Take(kUnknownSize);
  bool matches = false;
  if (!Decode(root, nullptr, &content, &matches).ok()) {
    Give(std::move(content));
    FailSubtree(root, Shrank(root) ? &lost_ : failed);
    return;
  }
  bool delivered = deliver(root, matches, content.view(), Derivation());
  std::vector<Frame> stack;
  stack.push_back(
      {root, std::move(content), nodes[root].first_child, delivered});
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next_child == kNone) {
      drop(&top);
      stack.pop_back();
      continue;
    }
    if (!top.content.data && !Rebuild(stack)) {
      // The pack changed under us: the rest of this subtree is unreadable.
      for (uint32_t c = top.next_child; c != kNone; c = nodes[c].next_sibling)
        FailSubtree(c, Shrank(c) ? &lost_ : failed);
      top.next_child = kNone;
      continue;
    }
    uint32_t c = top.next_child;
    top.next_child = nodes[c].next_sibling;
    Buffer child = Take(top.content.size);
    if (!Decode(c, &top.content, &child, &matches).ok()) {
      Give(std::move(child));
      FailSubtree(c, Shrank(c) ? &lost_ : failed);
      continue;
    }
    Derivation from;
    if (top.delivered) from.base = reader_.WantedOf(top.node);
    from.delta = delta_.view();
    bool got = deliver(c, matches, child.view(), from);
    Frame next{c, std::move(child), nodes[c].first_child, got};
    if (next.next_child == kNone) {  // a leaf: no one's base
      drop(&next);
      continue;
    }
    if (top.next_child == kNone) {  // the parent is no longer needed
      drop(&top);
      stack.pop_back();
    }
    stack.push_back(std::move(next));
    Evict(&stack);
  }
}

void PackDecoder::Evict(std::vector<Frame>* stack) {
  size_t held = 0;
  for (const Frame& f : *stack) {
    if (f.content.data) held += f.content.capacity;
  }
  // The bases nearest the root go first: their children are decoded last.
  for (size_t k = 0; held > held_budget_ && k + 1 < stack->size(); ++k) {
    Buffer& b = (*stack)[k].content;
    if (!b.data) continue;
    held -= b.capacity;
    b = Buffer();
    ++evicted_;
  }
}

bool PackDecoder::Rebuild(std::vector<Frame>& stack) {
  const auto& nodes = reader_.nodes_;
  // The top's chain up to the nearest base still held (or to the root).
  std::vector<uint32_t> chain;
  const Buffer* from = nullptr;
  for (uint32_t n = stack.back().node;;) {
    chain.push_back(n);
    if (!IsDelta(nodes[n].type) || chain.size() > nodes.size()) break;
    n = nodes[n].base;
    auto held = std::find_if(stack.begin(), stack.end(), [&](const Frame& f) {
      return f.node == n && f.content.data;
    });
    if (held != stack.end()) {
      from = &held->content;
      break;
    }
  }
  if (from == nullptr && IsDelta(nodes[chain.back()].type)) {
    return false;
  }
  Buffer have, next;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    next = Take(from ? from->size : kUnknownSize);
    bool matches = false;
    if (!Decode(*it, from, &next, &matches).ok()) {
      Give(std::move(next));
      Give(std::move(have));
      return false;
    }
    Give(std::exchange(have, std::move(next)));
    from = &have;
    ++rebuilt_;
  }
  stack.back().content = std::move(have);
  return true;
}

}  // namespace keyward::git

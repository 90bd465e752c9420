// Numbers (object numbers, tree-graph nodes, blob indices) stored in 3
// bytes each, or 4 where one does not fit. The entries of every tree of a
// history are the bulk of what a full-history scan holds (a 200,000-commit
// history: ~70M entries, stored as ~32M numbers: tree_store.h), and a
// repository of fewer than 2^24 objects numbers every one of them in 3
// bytes.
#ifndef KEYWARD_GIT_NUMBERS_H_
#define KEYWARD_GIT_NUMBERS_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

namespace keyward::git {

// The largest number a 3-byte slot holds. Tests lower it to exercise the
// 4-byte fallbacks (ScopedNarrowMax).
inline constexpr uint32_t kNarrowMax = (uint32_t{1} << 24) - 1;
inline uint32_t narrow_max = kNarrowMax;

inline uint32_t LoadNumber(const unsigned char* p, uint32_t width) {
  uint32_t v = uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16;
  return width == 3 ? v : v | uint32_t{p[3]} << 24;
}

inline void StoreNumber(unsigned char* p, uint32_t width, uint32_t v) {
  p[0] = static_cast<unsigned char>(v);
  p[1] = static_cast<unsigned char>(v >> 8);
  p[2] = static_cast<unsigned char>(v >> 16);
  if (width == 4) p[3] = static_cast<unsigned char>(v >> 24);
}

// A read-only view of `size` numbers of `width` bytes each.
class NumberRun {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = uint32_t;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = uint32_t;
    Iterator() = default;
    Iterator(const unsigned char* p, uint32_t width) : p_(p), width_(width) {}
    uint32_t operator*() const { return LoadNumber(p_, width_); }
    Iterator& operator++() {
      p_ += width_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      p_ += width_;
      return before;
    }
    bool operator==(const Iterator& other) const { return p_ == other.p_; }

   private:
    const unsigned char* p_ = nullptr;
    uint32_t width_ = 4;
  };

  NumberRun() = default;
  NumberRun(const unsigned char* data, uint32_t size, uint32_t width)
      : data_(data), size_(size), width_(width) {}
  uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint32_t operator[](size_t i) const {
    return LoadNumber(data_ + i * width_, width_);
  }
  Iterator begin() const { return {data_, width_}; }
  Iterator end() const { return {data_ + size_t{size_} * width_, width_}; }

 private:
  const unsigned char* data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t width_ = 4;
};

// Numbers of one width (3 or 4 bytes), appended in place: reserve what the
// slice will hold and it never grows by copying.
class NumberSlice {
 public:
  explicit NumberSlice(uint32_t width = 4) : width_(width) {}
  uint32_t width() const { return width_; }
  size_t size() const { return bytes_.size() / width_; }
  size_t capacity() const { return bytes_.capacity() / width_; }
  void reserve(size_t n) { bytes_.reserve(n * width_); }
  // Whether `v` can be stored here.
  bool Fits(uint32_t v) const { return width_ == 4 || v <= narrow_max; }
  void push_back(uint32_t v) {
    size_t at = bytes_.size();
    bytes_.resize(at + width_);
    StoreNumber(bytes_.data() + at, width_, v);
  }
  // Appends `n` numbers (zero, to be Set); returns the first's position.
  size_t Grow(size_t n) {
    size_t at = size();
    bytes_.resize(bytes_.size() + n * width_);
    return at;
  }
  uint32_t Get(size_t i) const {
    return LoadNumber(bytes_.data() + i * width_, width_);
  }
  // `v` must fit (Fits).
  void Set(size_t i, uint32_t v) {
    StoreNumber(bytes_.data() + i * width_, width_, v);
  }
  // Numbers [begin, end).
  NumberRun Run(size_t begin, size_t end) const {
    return {bytes_.data() + begin * width_, static_cast<uint32_t>(end - begin),
            width_};
  }
  // Stores every number in 4 bytes from now on (same positions).
  void Widen() {
    if (width_ == 4) return;
    std::vector<unsigned char> wide(size() * 4);
    for (size_t i = 0; i < size(); ++i) StoreNumber(&wide[i * 4], 4, Get(i));
    bytes_.swap(wide);
    width_ = 4;
  }

 private:
  uint32_t width_;
  std::vector<unsigned char> bytes_;
};

// Where one tree's numbers are: [begin, mid) its subtrees', [mid, end) its
// blobs', in slice `slice` of its owner (a patched tree's differ:
// tree_store.h). PackedTrees' records (each tree's ids, as object numbers)
// become TreeGraph's nodes as they are, and their numbers its edges. So a
// packed tree costs these 20 bytes and its stored numbers, nothing else.
struct TreeRun {
  static constexpr uint32_t kNoNumber = UINT32_MAX;
  // `slice` of a tree that cannot be read: it has no numbers, and `begin`
  // says why (an index into PackedTrees' problems).
  static constexpr uint32_t kUnreadable = UINT32_MAX - 1;
  uint32_t number = kNoNumber;  // the tree's object number, when packed
  uint32_t slice = kUnreadable;
  uint32_t begin = 0, mid = 0, end = 0;
};

// Lowers narrow_max for a test's lifetime.
class ScopedNarrowMax {
 public:
  explicit ScopedNarrowMax(uint32_t max) : before_(narrow_max) {
    narrow_max = max;
  }
  ~ScopedNarrowMax() { narrow_max = before_; }
  ScopedNarrowMax(const ScopedNarrowMax&) = delete;
  ScopedNarrowMax& operator=(const ScopedNarrowMax&) = delete;

 private:
  uint32_t before_;
};

}  // namespace keyward::git

#endif  // KEYWARD_GIT_NUMBERS_H_

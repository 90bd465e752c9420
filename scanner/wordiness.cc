// Characters per BPE token (scanner/wordiness.h).
#include "scanner/wordiness.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace keyward {
namespace wordiness_data {
// scanner/data/bpe_merges.txt, embedded at build time
// (scanner/data/embed_merges.cmake).
extern const std::string_view kBpeMerges;
}  // namespace wordiness_data

namespace {

constexpr uint32_t kNone = UINT32_MAX;

// The merges as an open-addressing table: (left id, right id) -> rank and
// the id of the merged token. Ids 0-255 are the bytes.
class Model {
 public:
  Model() { Load(wordiness_data::kBpeMerges); }

  size_t merges() const { return merges_; }

  // Rank of merging `a` then `b`, and the merged token id; kNone if no
  // such merge.
  uint32_t Find(uint32_t a, uint32_t b, uint32_t* merged) const {
    uint64_t key = Key(a, b);
    for (size_t i = Hash(key) & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key == kEmpty) return kNone;
      if (s.key == key) {
        *merged = s.merged;
        return s.rank;
      }
    }
  }

  const std::string& Text(uint32_t id) const { return texts_[id]; }

 private:
  static constexpr uint64_t kEmpty = UINT64_MAX;
  struct Slot {
    uint64_t key = kEmpty;
    uint32_t rank = 0;
    uint32_t merged = 0;
  };

  static uint64_t Key(uint32_t a, uint32_t b) {
    return (uint64_t{a} << 32) | b;
  }
  static size_t Hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<size_t>(k);
  }

  static std::string Decode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); i++) {
      if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x') {
        out += static_cast<char>(
            std::strtoul(std::string(s.substr(i + 2, 2)).c_str(), nullptr, 16));
        i += 3;
      } else {
        out += s[i];
      }
    }
    return out;
  }

  // The data is compiled in and checked by the tests; a malformed line
  // (which the build cannot produce from the trainer's output) is fatal.
  [[noreturn]] static void Corrupt(std::string_view line) {
    std::fprintf(stderr, "keyward: corrupt BPE merges line: %.*s\n",
                 static_cast<int>(line.size()), line.data());
    std::abort();
  }

  // Text -> token id while loading: open addressing over views of the
  // texts (no allocation per entry).
  class TextIds {
   public:
    explicit TextIds(size_t n) {
      size_t cap = 16;
      while (cap < 2 * n) cap <<= 1;
      slots_.assign(cap, Slot());
      mask_ = cap - 1;
    }
    uint32_t Find(std::string_view text) const {
      for (size_t i = Slot0(text);; i = (i + 1) & mask_) {
        const Slot& s = slots_[i];
        if (s.id == kNone || s.text == text) return s.id;
      }
    }
    void Add(std::string_view text, uint32_t id) {  // text is not in yet
      size_t i = Slot0(text);
      while (slots_[i].id != kNone) i = (i + 1) & mask_;
      slots_[i] = Slot{text, id};
    }

   private:
    struct Slot {
      std::string_view text;
      uint32_t id = kNone;
    };
    size_t Slot0(std::string_view text) const {
      return std::hash<std::string_view>{}(text)&mask_;
    }
    std::vector<Slot> slots_;
    size_t mask_ = 0;
  };

  // Decoded `s`: `s` itself unless it holds an escape (1% of the lines).
  static std::string_view Decoded(std::string_view s, std::string* buf) {
    if (s.find('\\') == std::string_view::npos) return s;
    *buf = Decode(s);
    return *buf;
  }

  void Load(std::string_view data) {
    // A line adds at most one token: with the texts reserved for all of
    // them up front, none moves, and the map's keys view them in place
    // (a process that finds a generic candidate loads this once; its
    // allocations were most of the start-up of a one-file scan).
    size_t lines = std::count(data.begin(), data.end(), '\n') + 1;
    texts_.reserve(256 + lines);
    TextIds ids(256 + lines);
    for (int b = 0; b < 256; b++) {
      texts_.push_back(std::string(1, static_cast<char>(b)));
      ids.Add(texts_.back(), b);
    }
    std::vector<std::pair<uint64_t, uint32_t>> pairs;  // key, merged id
    pairs.reserve(lines);
    std::string left_buf, right_buf, joined;
    size_t pos = 0;
    while (pos < data.size()) {
      size_t end = data.find('\n', pos);
      if (end == std::string_view::npos) end = data.size();
      std::string_view line = data.substr(pos, end - pos);
      pos = end + 1;
      if (line.empty() || line[0] == '#') continue;
      size_t sp = line.find(' ');
      if (sp == std::string_view::npos) Corrupt(line);
      std::string_view left = Decoded(line.substr(0, sp), &left_buf);
      std::string_view right = Decoded(line.substr(sp + 1), &right_buf);
      uint32_t l = ids.Find(left), r = ids.Find(right);
      if (l == kNone || r == kNone) Corrupt(line);
      joined.assign(left).append(right);
      uint32_t merged = ids.Find(joined);
      if (merged == kNone) {
        if (texts_.size() == texts_.capacity()) Corrupt(line);
        merged = static_cast<uint32_t>(texts_.size());
        texts_.push_back(joined);
        ids.Add(texts_.back(), merged);
      }
      pairs.emplace_back(Key(l, r), merged);
    }
    merges_ = pairs.size();
    size_t cap = 16;
    while (cap < pairs.size() * 2) cap <<= 1;
    slots_.assign(cap, Slot());
    mask_ = cap - 1;
    for (uint32_t rank = 0; rank < pairs.size(); rank++) {
      uint64_t key = pairs[rank].first;
      size_t i = Hash(key) & mask_;
      while (slots_[i].key != kEmpty && slots_[i].key != key) {
        i = (i + 1) & mask_;
      }
      if (slots_[i].key == key) continue;  // a repeated pair keeps rank
      slots_[i] = Slot{key, rank, pairs[rank].second};
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t merges_ = 0;
  std::vector<std::string> texts_;  // by id
};

const Model& TheModel() {
  static const Model* model = new Model();  // thread-safe, never freed
  return *model;
}

bool IsLower(unsigned char c) { return (c >= 'a' && c <= 'z') || c >= 0x80; }
bool IsUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

// Calls f(begin, end) for each piece of s (see wordiness.h; the same cut as
// PIECE in scanner/data/train_bpe.py).
template <typename F>
void ForEachPiece(std::string_view s, F f) {
  size_t n = s.size(), i = 0;
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  while (i < n) {
    size_t j = i;
    if (IsDigit(at(i))) {
      while (j < n && IsDigit(at(j))) j++;
    } else if (IsLower(at(i))) {
      while (j < n && IsLower(at(j))) j++;
    } else if (IsUpper(at(i))) {
      while (j < n && IsUpper(at(j))) j++;
      if (j < n && IsLower(at(j))) {
        if (j - i == 1) {  // Word: one capital and its lower-case run
          while (j < n && IsLower(at(j))) j++;
        } else {  // HTTPServer: the last capital starts the next piece
          j--;
        }
      }
    } else {
      i++;
      continue;
    }
    f(i, j);
    i = j;
  }
}

// Encodes one piece (at most kWordinessMaxBytes) into token ids.
size_t Encode(const Model& m, std::string_view piece, uint32_t* ids) {
  size_t n = piece.size();
  uint32_t rank[kWordinessMaxBytes];
  uint32_t merged[kWordinessMaxBytes];
  for (size_t k = 0; k < n; k++) {
    unsigned char c = static_cast<unsigned char>(piece[k]);
    ids[k] = IsUpper(c) ? c - 'A' + 'a' : c;
  }
  for (size_t k = 0; k + 1 < n; k++) {
    rank[k] = m.Find(ids[k], ids[k + 1], &merged[k]);
  }
  while (n > 1) {
    size_t best = 0;
    for (size_t k = 1; k + 1 < n; k++) {
      if (rank[k] < rank[best]) best = k;
    }
    if (rank[best] == kNone) break;
    ids[best] = merged[best];
    for (size_t k = best + 1; k + 1 < n; k++) ids[k] = ids[k + 1];
    for (size_t k = best + 1; k + 2 < n; k++) {
      rank[k] = rank[k + 1];
      merged[k] = merged[k + 1];
    }
    n--;
    if (best + 1 < n) {
      rank[best] = m.Find(ids[best], ids[best + 1], &merged[best]);
    }
    if (best > 0) {
      rank[best - 1] = m.Find(ids[best - 1], ids[best], &merged[best - 1]);
    }
  }
  return n;
}

}  // namespace

double CharsPerToken(std::string_view value) {
  if (value.size() > kWordinessMaxBytes) {
    value = value.substr(0, kWordinessMaxBytes);
  }
  const Model& m = TheModel();
  uint32_t ids[kWordinessMaxBytes];
  size_t chars = 0, tokens = 0;
  ForEachPiece(value, [&](size_t b, size_t e) {
    chars += e - b;
    tokens += Encode(m, value.substr(b, e - b), ids);
  });
  return tokens ? static_cast<double>(chars) / tokens : 0.0;
}

std::vector<std::string> BpeTokens(std::string_view value) {
  if (value.size() > kWordinessMaxBytes) {
    value = value.substr(0, kWordinessMaxBytes);
  }
  const Model& m = TheModel();
  uint32_t ids[kWordinessMaxBytes];
  std::vector<std::string> out;
  ForEachPiece(value, [&](size_t b, size_t e) {
    size_t n = Encode(m, value.substr(b, e - b), ids);
    for (size_t k = 0; k < n; k++) out.push_back(m.Text(ids[k]));
  });
  return out;
}

size_t BpeMergeCount() { return TheModel().merges(); }

}  // namespace keyward

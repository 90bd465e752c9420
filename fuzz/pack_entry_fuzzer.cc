// Pack entries (objects/pack/*.pack): the header check, entry headers at
// every offset the input names and zlib inflation of what they point at.
// Any bytes give a Status, never a read out of bounds.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "git/pack_format.h"

namespace kg = keyward::git;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::unique_ptr<char[]> copy(new char[size]);
  if (size) std::memcpy(copy.get(), data, size);
  std::string_view pack(copy.get(), size);
  uint32_t count = size >= 12
                       ? (static_cast<uint32_t>(data[8]) << 24 |
                          static_cast<uint32_t>(data[9]) << 16 |
                          static_cast<uint32_t>(data[10]) << 8 | data[11])
                       : 0;
  (void)kg::CheckPackHeader(pack, count);
  kg::Inflater inflater;
  // Walk the entries the way git writes them: one after the other from
  // offset 12, each zlib stream ending where the next header starts.
  uint64_t offset = 12;
  for (int i = 0; i < 64 && offset < size; ++i) {
    kg::EntryHeader h;
    if (!kg::ParseEntryHeader(pack, offset, &h).ok()) break;
    KEYWARD_FUZZ_CHECK(h.data > offset && h.data <= size);
    if (h.size > (1u << 20)) break;
    std::vector<char> out(h.size);
    size_t consumed = 0;
    std::string_view in = pack.substr(h.data);
    bool check = (i & 1) == 0;
    keyward::Status s =
        inflater.Inflate(in, out.data(), out.size(), &consumed, check);
    if (!s.ok()) break;
    KEYWARD_FUZZ_CHECK(consumed <= in.size());
    (void)kg::StreamChecksumMatches(in.substr(0, consumed),
                                    {out.data(), out.size()});
    offset = h.data + consumed;
  }
  return 0;
}

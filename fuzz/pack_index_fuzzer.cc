// Pack index v2 (objects/pack/*.idx): any bytes are refused or give an
// index whose every lookup stays inside the bytes it was given.
#include <cstring>
#include <memory>
#include <string>

#include "fuzz/fuzz_util.h"
#include "git/pack_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A copy the exact size of the input, so ASan sees any read past it.
  std::unique_ptr<char[]> copy(new char[size]);
  if (size) std::memcpy(copy.get(), data, size);
  auto idx = keyward::git::PackIndex::Parse({copy.get(), size});
  if (!idx.ok()) return 0;
  uint32_t n = idx->count();
  for (uint32_t pos = 0; pos < n && pos < 4096; ++pos) {
    (void)idx->offset(pos);
    (void)idx->crc(pos);
    // Parse does not check that the ids are sorted (git writes them so);
    // in a damaged index a lookup may miss, but what it finds is that id.
    int64_t found = idx->Find(idx->id(pos));
    KEYWARD_FUZZ_CHECK(found >= -1 && found < static_cast<int64_t>(n));
    if (found >= 0) {
      KEYWARD_FUZZ_CHECK(std::memcmp(idx->id(found), idx->id(pos),
                                     keyward::git::kSha1Size) == 0);
    }
  }
  unsigned char probe[keyward::git::kSha1Size] = {};
  (void)idx->Find(probe);
  std::memset(probe, 0xff, sizeof probe);
  (void)idx->Find(probe);
  return 0;
}

// Git delta instructions: ReadDeltaSizes / ReadDeltaOp / ApplyDelta on any
// base and delta. Input: 2 bytes base length (little endian), the base, the
// delta. Every copy and insert must be bounds-checked.
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "git/pack_format.h"

namespace kg = keyward::git;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  keyward::fuzz::BaseAndDelta input;
  if (!input.Split(data, size)) return 0;
  std::string_view b = input.base, d = input.delta;

  uint64_t source = 0, target = 0;
  size_t header = 0;
  if (!kg::ReadDeltaSizes(d, &source, &target, &header).ok()) return 0;
  KEYWARD_FUZZ_CHECK(header <= d.size());
  size_t pos = header;
  uint64_t produced = 0;
  bool ops_ok = true;
  while (pos < d.size()) {
    size_t before = pos;
    kg::DeltaOp op;
    if (!kg::ReadDeltaOp(d, &pos, &op).ok()) {
      ops_ok = false;
      break;
    }
    KEYWARD_FUZZ_CHECK(pos > before && pos <= d.size());
    if (!op.copy) {
      KEYWARD_FUZZ_CHECK(op.literal >= d.data() &&
                         op.literal + op.size <= d.data() + d.size());
    }
    produced += op.size;
  }
  if (target > (1u << 20)) return 0;
  std::unique_ptr<char[]> out(new char[target ? target : 1]);
  keyward::Status s = kg::ApplyDelta(b, d, out.get(), target);
  if (s.ok()) {
    KEYWARD_FUZZ_CHECK(ops_ok);
    KEYWARD_FUZZ_CHECK(produced == target);
  }
  return 0;
}

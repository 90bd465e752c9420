// Baseline files: any text gives a Baseline or kCorruption; a baseline
// that parses serializes to a file that parses to the same bytes.
#include <string>

#include "fuzz/fuzz_util.h"
#include "keyward/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto b = keyward::Baseline::Parse(keyward::fuzz::AsText(data, size),
                                    "baseline.json");
  if (!b.ok()) return 0;
  std::string once = b->Serialize();
  auto again = keyward::Baseline::Parse(once, "baseline.json");
  KEYWARD_FUZZ_CHECK(again.ok());
  KEYWARD_FUZZ_CHECK(again->Serialize() == once);
  return 0;
}

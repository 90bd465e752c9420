// `.keyward.yaml`: any text gives a Config or a kConfig error naming the
// file, never a crash.
#include <string>

#include "fuzz/fuzz_util.h"
#include "keyward/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto text = keyward::fuzz::AsText(data, size);
  auto config = keyward::ParseConfigIn(text, ".keyward.yaml", "/repo");
  if (!config.ok()) {
    KEYWARD_FUZZ_CHECK(config.status().message().find(".keyward.yaml") !=
                       std::string::npos);
    return 0;
  }
  for (const auto& pattern : config->exclude) {
    (void)keyward::ExcludedPath({pattern}, "src/a/b.txt");
  }
  return 0;
}

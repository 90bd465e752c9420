// The rule YAML loader (--rules files, rules/*.yaml): any text gives a
// Status, never a crash; a set that loads validates and hashes.
#include <string>

#include "fuzz/fuzz_util.h"
#include "keyward/rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  keyward::RuleSet set;
  keyward::Status s =
      set.AddText(keyward::fuzz::AsText(data, size), "fuzz/rules.yaml");
  if (!s.ok()) {
    KEYWARD_FUZZ_CHECK(!s.message().empty());
    KEYWARD_FUZZ_CHECK(set.rules().empty());
    return 0;
  }
  (void)set.Validate();
  (void)set.CheckRegexes();
  (void)set.Digest();
  for (const auto& rule : set.rules()) KEYWARD_FUZZ_CHECK(!rule.id.empty());
  return 0;
}

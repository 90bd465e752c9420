// Inventory JSON (keyward-inventory.json): any text parses or gives an
// error; an inventory that parses serializes, and that text parses again to
// the same bytes (a rewrite loses nothing and never fails on its own file).
#include <optional>
#include <string>

#include "fuzz/fuzz_util.h"
#include "keyward/inventory.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks whether a pepper is set.
  std::optional<std::string> pepper;
  if (data[0] & 1) pepper = "fuzz-pepper";
  auto text = keyward::fuzz::AsText(data + 1, size - 1);
  auto inv = keyward::Inventory::Parse(text, "inv.json", pepper);
  if (!inv.ok()) return 0;
  std::string once = inv->Serialize();
  auto again = keyward::Inventory::Parse(once, "inv.json", pepper);
  KEYWARD_FUZZ_CHECK(again.ok());
  KEYWARD_FUZZ_CHECK(again->Serialize() == once);
  (void)inv->MatchSecret("fuzz-secret");
  (void)inv->MatchIdentifier("AKIAFUZZ");
  return 0;
}

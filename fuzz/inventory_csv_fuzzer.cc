// Inventory CSV import (`inventory import`): any text imports rows or gives
// an error, never a crash; the result serializes and parses again.
#include <optional>
#include <string>

#include "fuzz/fuzz_util.h"
#include "keyward/inventory.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto inv = keyward::Inventory::Create(
      std::nullopt,
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  keyward::Credential defaults;
  defaults.use.owner = "ops";
  keyward::FixedClock clock("2026-06-01");
  keyward::ImportReport report;
  keyward::Status s =
      keyward::ImportCsv(keyward::fuzz::AsText(data, size), "import.csv",
                         defaults, clock, &inv, &report);
  if (!s.ok()) {
    KEYWARD_FUZZ_CHECK(inv.credentials().empty());
    return 0;
  }
  KEYWARD_FUZZ_CHECK(report.added.size() == inv.credentials().size());
  std::string text = inv.Serialize();
  auto again = keyward::Inventory::Parse(text, "inv.json", std::nullopt);
  KEYWARD_FUZZ_CHECK(again.ok());
  KEYWARD_FUZZ_CHECK(again->Serialize() == text);
  return 0;
}

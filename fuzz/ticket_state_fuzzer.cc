// Ticket state files (DIR/KW-*.json), read as TicketStore::Load reads them:
// any text gives a Ticket or an error; a ticket that loads round-trips
// through JSON exactly and renders as Markdown, CSV and the index.
#include <string>
#include <vector>

#include "base/json_file.h"
#include "fuzz/fuzz_util.h"
#include "keyward/tickets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string file = "tickets/KW-0123456789.json";
  auto j = keyward::ParseJsonFile(keyward::fuzz::AsText(data, size), file);
  if (!j.ok()) return 0;
  std::vector<keyward::Ticket> loaded;
  keyward::Status s = keyward::ReadJsonFields(file, [&]() -> keyward::Status {
    auto t = keyward::TicketFromJson(*j);
    if (!t.ok()) return t.status();
    loaded.push_back(std::move(*t));
    return keyward::Status::OK();
  });
  if (!s.ok()) return 0;
  const keyward::Ticket& t = loaded.front();
  nlohmann::json out = keyward::TicketToJson(t);
  // What TicketStore::Update writes: invalid UTF-8 replaced, never thrown.
  std::string text =
      out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  auto back_json = keyward::ParseJsonFile(text, file);
  KEYWARD_FUZZ_CHECK(back_json.ok());
  keyward::Status back = keyward::ReadJsonFields(file, [&]() {
    auto t2 = keyward::TicketFromJson(*back_json);
    if (!t2.ok()) return t2.status();
    return keyward::Status::OK();
  });
  KEYWARD_FUZZ_CHECK(back.ok());
  (void)keyward::TicketToMarkdown(t);
  (void)keyward::TicketsToCsv(loaded);
  (void)keyward::TicketIndexJson(loaded);
  auto merged = keyward::MergeTickets(loaded, loaded);
  KEYWARD_FUZZ_CHECK(merged.size() == 1);
  return 0;
}

// The ticket directory: merge a run into the existing tickets, write
// atomically under a lock.
#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>
#include <tuple>

#include "base/json_file.h"
#include "keyward/atomic_file.h"
#include "keyward/tickets.h"
#include "tickets/ticket_text.h"

namespace keyward {
namespace {

namespace fs = std::filesystem;

auto LocationKey(const TicketLocation& l) {
  return std::tie(l.path, l.line, l.column, l.commit, l.rule_id);
}

bool LocationLess(const TicketLocation& a, const TicketLocation& b) {
  return LocationKey(a) < LocationKey(b);
}

std::string MinDate(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return std::min(a, b);
}

// The fresh ticket carries today's facts (action, priority, systems, steps);
// the existing one carries history and what people wrote.
Ticket MergeOne(const Ticket& old, const Ticket& fresh) {
  Ticket t = fresh;
  t.first_seen = MinDate(old.first_seen, fresh.first_seen);
  t.status = old.status;
  t.notes = old.notes;
  t.previous_id = old.previous_id;
  t.presence = "seen";
  if (t.verification.empty()) t.verification = old.verification;
  // A key's id does not change: ids seen before stay with the ticket.
  AddIdentifiers(old.identifiers, &t);
  for (auto& step : t.checklist) {
    for (const auto& prev : old.checklist) {
      if (prev.text == step.text) step.done = prev.done;
    }
  }
  // Locations not found this time stay listed: the secret was exposed there
  // and may still sit in caches, forks or backups.
  std::vector<TicketLocation> merged = old.locations;
  for (const auto& l : fresh.locations) {
    auto it = std::find_if(merged.begin(), merged.end(),
                           [&](const TicketLocation& m) {
                             return LocationKey(m) == LocationKey(l);
                           });
    if (it == merged.end()) {
      merged.push_back(l);
    } else {
      std::string first = MinDate(it->first_seen, l.first_seen);
      *it = l;
      it->first_seen = first;
    }
  }
  std::sort(merged.begin(), merged.end(), LocationLess);
  t.locations = std::move(merged);
  return t;
}

}  // namespace

std::vector<Ticket> MergeTickets(const std::vector<Ticket>& existing,
                                 const std::vector<Ticket>& fresh,
                                 bool audit_included) {
  std::map<std::string, Ticket> by_id;
  for (const Ticket& t : existing) by_id[t.id] = t;
  std::map<std::string, const Ticket*> fresh_by_id;
  for (const Ticket& t : fresh) fresh_by_id[t.id] = &t;
  // A ticket written before keyed fingerprints is keyed "sha256:<hex>": it
  // moves to the keyed id of the same secret, keeping status, notes and
  // ticked steps, and the old key (SHA-256 of the secret) is dropped.
  for (const Ticket& t : fresh) {
    if (t.legacy_key.empty()) continue;
    auto old = by_id.find(TicketId(t.legacy_key));
    if (old == by_id.end() || old->second.key != t.legacy_key) continue;
    if (auto done = by_id.find(t.id); done != by_id.end()) {
      // Carried over already (a run stopped before removing the old file).
      if (done->second.previous_id == old->first) by_id.erase(old);
      continue;
    }
    Ticket moved = std::move(old->second);
    by_id.erase(old);
    moved.previous_id = moved.id;
    moved.id = t.id;
    moved.key = t.key;
    by_id[t.id] = std::move(moved);
  }
  for (auto& [id, t] : by_id) {
    bool audit_only = t.key.rfind("inventory:", 0) == 0;
    if (!fresh_by_id.count(id) && (audit_included || !audit_only)) {
      // Never closed automatically: gone from this scan is not revoked.
      t.presence = "not seen since " + t.last_seen;
    }
  }
  for (const auto& [id, f] : fresh_by_id) {
    auto it = by_id.find(id);
    by_id[id] = it == by_id.end() ? *f : MergeOne(it->second, *f);
  }
  std::vector<Ticket> out;
  for (auto& [id, t] : by_id) out.push_back(std::move(t));
  return out;
}

Result<std::vector<Ticket>> TicketStore::Load() const {
  std::vector<Ticket> out;
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return out;
  if (!fs::is_directory(dir_, ec)) {
    return Status::InvalidArgument(dir_ + ": not a directory");
  }
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.rfind("KW-", 0) == 0 && it->path().extension() == ".json") {
      files.push_back(it->path().string());
    }
  }
  if (ec) return Status::IoError(dir_ + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    auto text = ReadFileToString(file);
    if (!text.ok()) return text.status();
    auto j = ParseJsonFile(*text, file);
    if (!j.ok()) {
      return Status::Corruption(j.status().message() + " (fix or remove it)");
    }
    Status s = ReadJsonFields(file, [&]() -> Status {
      auto t = TicketFromJson(*j);
      if (!t.ok())
        return Status::Corruption(file + ": " + t.status().message());
      out.push_back(std::move(*t));
      return Status::OK();
    });
    if (!s.ok()) return s;
  }
  return out;
}

Status TicketStore::Update(const std::vector<Ticket>& fresh,
                           const std::vector<TicketFormat>& formats,
                           const TicketOptions& opts,
                           std::vector<Ticket>* written) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::IoError(dir_ + ": " + ec.message());
  std::string index = (fs::path(dir_) / "index.json").string();
  FileLock lock;
  Status s = lock.Acquire(index);
  if (!s.ok()) return s;
  auto existing = Load();
  if (!existing.ok()) return existing.status();
  std::vector<Ticket> merged =
      MergeTickets(*existing, fresh, opts.audit_included);
  bool md = std::count(formats.begin(), formats.end(), TicketFormat::kMarkdown);
  bool csv = std::count(formats.begin(), formats.end(), TicketFormat::kCsv);
  for (const Ticket& t : merged) {
    std::string base = (fs::path(dir_) / t.id).string();
    // A ticket carried over from an old key: its old files would otherwise
    // come back as a second ticket (and keep SHA-256 of the secret).
    if (!t.previous_id.empty() && t.previous_id != t.id) {
      std::string old = (fs::path(dir_) / t.previous_id).string();
      fs::remove(old + ".md", ec);
      if (fs::exists(old + ".json", ec)) {
        // Written first, so a crash between leaves both, never neither.
        s = WriteFileAtomic(
            base + ".json",
            TicketToJson(t).dump(2, ' ', false,
                                 nlohmann::json::error_handler_t::replace) +
                "\n");
        if (!s.ok()) return s;
        fs::remove(old + ".json", ec);
      }
    }
    s = WriteFileAtomic(
        base + ".json",
        TicketToJson(t).dump(2, ' ', false,
                             nlohmann::json::error_handler_t::replace) +
            "\n");
    if (!s.ok()) return s;
    if (md) {
      s = WriteFileAtomic(base + ".md", TicketToMarkdown(t));
      if (!s.ok()) return s;
    }
  }
  if (csv) {
    s = WriteFileAtomic((fs::path(dir_) / "tickets.csv").string(),
                        TicketsToCsv(merged));
    if (!s.ok()) return s;
  }
  // The index last: a reader who sees it sees every ticket it names.
  s = WriteFileAtomic(index, TicketIndexJson(merged));
  if (!s.ok()) return s;
  if (written) *written = std::move(merged);
  return Status::OK();
}

}  // namespace keyward

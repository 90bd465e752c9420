// Loading and locked read-modify-write of the inventory file.
#include <cstdlib>

#include "keyward/atomic_file.h"
#include "keyward/inventory.h"

namespace keyward {

Result<Inventory> LoadInventory(const std::string& path,
                                std::optional<std::string> pepper) {
  auto text = ReadFileToString(path);
  if (!text.ok()) {
    if (text.status().code() == Status::Code::kNotFound) {
      return Status::NotFound("no inventory at " + path +
                              " (create one with: keyward inventory init)");
    }
    return text.status();
  }
  return Inventory::Parse(text.value(), path, std::move(pepper));
}

Status EditInventoryFile(const std::string& path,
                         std::optional<std::string> pepper, bool dry_run,
                         bool create_if_missing,
                         const std::function<Status(Inventory&)>& change,
                         InventoryEdit* edit) {
  // A dry run takes the lock too: it shows the change against the file as
  // it is, not one that is being rewritten under it.
  FileLock lock;
  Status s = lock.Acquire(path);
  if (!s.ok()) return s;
  InventoryEdit local;
  InventoryEdit* out = edit ? edit : &local;
  out->before.clear();
  Inventory inv;
  auto text = ReadFileToString(path);
  if (text.ok()) {
    out->before = text.value();
    auto parsed = Inventory::Parse(out->before, path, pepper);
    if (!parsed.ok()) return parsed.status();
    inv = std::move(parsed.value());
  } else if (text.status().code() == Status::Code::kNotFound &&
             create_if_missing) {
    auto salt = Inventory::NewSalt();
    if (!salt.ok()) return salt.status();
    inv = Inventory::Create(pepper, salt.value());
  } else if (text.status().code() == Status::Code::kNotFound) {
    return Status::NotFound("no inventory at " + path +
                            " (create one with: keyward inventory init)");
  } else {
    return text.status();
  }
  s = change(inv);
  if (!s.ok()) return s;
  out->after = inv.Serialize();
  if (dry_run || out->after == out->before) return Status::OK();
  return WriteFileAtomic(path, out->after);
}

InventoryEnv InventoryEnv::FromEnvironment() {
  InventoryEnv env;
  if (const char* p = std::getenv("KEYWARD_INVENTORY"); p && *p) env.path = p;
  if (const char* p = std::getenv("KEYWARD_INVENTORY_PEPPER"); p && *p) {
    env.pepper = p;
  }
  return env;
}

Result<std::optional<Inventory>> LoadScanInventory(const std::string& flag,
                                                   const InventoryEnv& env) {
  std::string path = flag.empty() ? env.path : flag;
  if (path.empty()) {
    // The default file is used only when present: scanning must not demand
    // an inventory.
    path = "keyward-inventory.json";
    if (ReadFileToString(path).status().code() == Status::Code::kNotFound) {
      return std::optional<Inventory>();
    }
  }
  auto inv = LoadInventory(path, env.pepper);
  if (!inv.ok()) return inv.status();
  return std::optional<Inventory>(std::move(*inv));
}

Status AnnotateFromInventory(const std::string& flag, const InventoryEnv& env,
                             std::vector<Finding>* findings) {
  auto inv = LoadScanInventory(flag, env);
  if (!inv.ok()) return inv.status();
  if (!inv->has_value()) return Status::OK();
  return (*inv)->Annotate(findings);
}

}  // namespace keyward

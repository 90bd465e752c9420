// Credential lifecycle: rotation and status transitions (keyward/inventory.h).
#include "keyward/inventory.h"

namespace keyward {

namespace {

Status NoCredential(std::string_view id) {
  return Status::NotFound("no credential '" + std::string(id) + "'");
}

}  // namespace

Status Inventory::Rotate(std::string_view id, std::string_view secret,
                         const std::string& date) {
  Credential* c = FindMutable(id);
  if (!c) return NoCredential(id);
  if (c->status != "active") {
    return Status::InvalidArgument(std::string(id) + " is " + c->status +
                                   "; add a new credential instead");
  }
  StoredFingerprint fp = MakeFingerprint(secret, date);
  if (auto dup = MatchSecret(secret)) {
    return Status::InvalidArgument("the new secret is already recorded as '" +
                                   dup->credential->id + "'");
  }
  for (auto& old : c->fingerprints) {
    if (old.retired.empty()) old.retired = date;
  }
  c->fingerprints.push_back(fp);
  c->last_rotated = date;
  return Status::OK();
}

Status Inventory::SetStatus(std::string_view id, const std::string& status,
                            const std::string& date) {
  if (status != "revoked" && status != "retired") {
    return Status::InvalidArgument("unknown credential status '" + status +
                                   "'");
  }
  Credential* c = FindMutable(id);
  if (!c) return NoCredential(id);
  c->status = status;
  (status == "revoked" ? c->revoked : c->retired) = date;
  return Status::OK();
}

}  // namespace keyward

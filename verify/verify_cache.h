// The verification cache: results by keyed fingerprint, never the secret,
// in one JSON file ($XDG_CACHE_HOME/keyward/verify.json), each entry kept
// for a TTL. Errors are never cached. Not thread-safe: the verifier reads
// it before its workers start and writes it after they end.
#ifndef KEYWARD_VERIFY_VERIFY_CACHE_H_
#define KEYWARD_VERIFY_VERIFY_CACHE_H_

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "keyward/status.h"

namespace keyward {

struct CachedVerification {
  std::string status;  // active | inactive | unknown
  std::string account;
  std::string scope;
  std::string date;    // YYYY-MM-DD of the check
  double checked = 0;  // seconds since the epoch
};

class VerifyCache {
 public:
  // An unreadable or malformed file is an empty cache and a warning.
  static VerifyCache Load(const std::string& path,
                          const std::function<void(const std::string&)>& warn);

  // The key of one (rule, identifier, secret): the rule id and a keyed
  // fingerprint (keyward/fingerprint.h) of the identifier and secret.
  static std::string Key(const std::string& rule_id, const std::string& id,
                         const std::string& secret);

  // A fresh entry (checked within `ttl` seconds before `now`).
  std::optional<CachedVerification> Find(const std::string& key, double now,
                                         double ttl) const;
  void Put(const std::string& key, CachedVerification entry);
  // Writes the file atomically (directory created 0700), dropping entries
  // older than `ttl`.
  Status Save(double now, double ttl) const;

 private:
  std::string path_;
  std::map<std::string, CachedVerification> entries_;
};

}  // namespace keyward

#endif  // KEYWARD_VERIFY_VERIFY_CACHE_H_

// The in-memory inventory: fingerprints, lookups, annotation of findings.
#include "keyward/inventory.h"

#include <algorithm>
#include <cctype>

#include "base/crypto.h"

namespace keyward {

namespace {

// The literal prefix a hint may show: leading lowercase words ending in '_'
// or '-' ("ghp_", "sk_live_", "xoxb-", "github_pat_"), or the 4-letter
// uppercase AWS-style id prefix ("AKIA"). Empty when none.
std::string HintPrefix(std::string_view s) {
  // AWS-style ids: AKIA/ASIA/AGPA... followed by uppercase/digits.
  if (s.size() >= 16 && s[0] == 'A' &&
      s.substr(0, 4).find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
          std::string_view::npos) {
    return std::string(s.substr(0, 4));
  }
  size_t end = 0, pos = 0;
  for (int words = 0; words < 3; ++words) {
    size_t start = pos;
    while (pos < s.size() && pos - start < 10 && s[pos] >= 'a' && s[pos] <= 'z')
      ++pos;
    if (pos - start < 2 || pos >= s.size() || (s[pos] != '_' && s[pos] != '-'))
      break;
    end = ++pos;
  }
  return std::string(s.substr(0, end));
}

constexpr std::string_view kHmacPrefix = "hmac-sha256:";
constexpr std::string_view kShaPrefix = "sha256:";

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  auto ok_first = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  if (!ok_first(id[0])) return false;
  return std::all_of(id.begin(), id.end(), [&](char c) {
    return ok_first(c) || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

Inventory Inventory::Create(std::optional<std::string> pepper,
                            std::string salt_hex) {
  Inventory inv;
  inv.pepper_ = std::move(pepper);
  // A pepper-keyed inventory keeps no salt: nothing in the file alone
  // suffices to test guesses against its fingerprints.
  if (!inv.pepper_) inv.salt_hex_ = std::move(salt_hex);
  return inv;
}

Result<std::string> Inventory::NewSalt() {
  std::string salt;
  if (!RandomHex(32, &salt)) {
    return Status::IoError("cannot get random bytes for the inventory salt");
  }
  return salt;
}

const Credential* Inventory::Find(std::string_view id) const {
  auto it = credentials_.find(id);
  return it == credentials_.end() ? nullptr : &it->second;
}

Credential* Inventory::FindMutable(std::string_view id) {
  auto it = credentials_.find(id);
  if (it == credentials_.end()) return nullptr;
  index_stale_ = true;
  return &it->second;
}

void Inventory::IndexCredential(const Credential& c) {
  for (size_t i = 0; i < c.fingerprints.size(); ++i) {
    by_fingerprint_[c.fingerprints[i].value].push_back(
        {c.id, static_cast<uint32_t>(i)});
  }
  for (const auto& ident : c.identifiers) {
    auto [it, fresh] = by_identifier_.emplace(ident, c.id);
    if (!fresh && c.id < it->second) it->second = c.id;
  }
}

void Inventory::RebuildIndex() {
  by_fingerprint_.clear();
  by_identifier_.clear();
  by_fingerprint_.reserve(credentials_.size());
  for (const auto& [id, c] : credentials_) IndexCredential(c);
  index_stale_ = false;
}

std::vector<std::string> Inventory::MatchKeys() const {
  std::vector<std::string> keys;
  if (pepper_) keys.push_back(*pepper_);
  std::string salt;
  if (!salt_hex_.empty() && HexDecode(salt_hex_, &salt)) keys.push_back(salt);
  return keys;
}

std::string Inventory::FingerprintFromSha256(
    std::string_view sha256_fingerprint) const {
  if (sha256_fingerprint.substr(0, kShaPrefix.size()) != kShaPrefix) return "";
  std::string digest;
  if (!HexDecode(sha256_fingerprint.substr(kShaPrefix.size()), &digest) ||
      digest.size() != 32) {
    return "";
  }
  // New fingerprints use the pepper when there is one, else the salt.
  std::vector<std::string> keys = MatchKeys();
  if (keys.empty()) return "";
  return std::string(kHmacPrefix) + HexEncode(HmacSha256(keys[0], digest));
}

std::string Inventory::FingerprintSecret(std::string_view secret) const {
  return FingerprintFromSha256(std::string(kShaPrefix) +
                               HexEncode(Sha256(secret)));
}

StoredFingerprint Inventory::MakeFingerprint(std::string_view secret,
                                             const std::string& today) const {
  StoredFingerprint fp;
  fp.value = FingerprintSecret(secret);
  fp.hint = Redact(secret, HintPrefix(secret));
  fp.added = today;
  return fp;
}

std::optional<CredentialMatch> Inventory::MatchFingerprint(
    const std::string& sha256_fingerprint) const {
  std::string digest;
  if (sha256_fingerprint.substr(0, kShaPrefix.size()) != kShaPrefix ||
      !HexDecode(sha256_fingerprint.substr(kShaPrefix.size()), &digest) ||
      digest.size() != 32) {
    return std::nullopt;
  }
  return MatchDigest(digest);
}

std::optional<CredentialMatch> Inventory::MatchDigest(
    std::string_view digest) const {
  if (digest.size() != 32) return std::nullopt;
  std::vector<std::string> candidates;
  for (const auto& key : MatchKeys()) {
    candidates.push_back(std::string(kHmacPrefix) +
                         HexEncode(HmacSha256(key, digest)));
  }
  // A current fingerprint wins over a retired one, so a key rotated from
  // one credential into another reports where it lives now. Among equals the
  // first credential by id (then fingerprint) wins.
  std::optional<CredentialMatch> current_match, retired_match;
  auto consider = [&](const Credential& c, const StoredFingerprint& fp) {
    auto& slot = fp.retired.empty() ? current_match : retired_match;
    if (!slot || c.id < slot->credential->id ||
        (c.id == slot->credential->id && &fp < slot->fingerprint)) {
      slot = CredentialMatch{&c, &fp};
    }
  };
  if (index_stale_) {
    for (const auto& [id, c] : credentials_) {
      for (const auto& fp : c.fingerprints) {
        if (std::find(candidates.begin(), candidates.end(), fp.value) !=
            candidates.end()) {
          consider(c, fp);
        }
      }
    }
  } else {
    for (const std::string& value : candidates) {
      auto hits = by_fingerprint_.find(value);
      if (hits == by_fingerprint_.end()) continue;
      for (const IndexEntry& e : hits->second) {
        const Credential& c = credentials_.find(e.id)->second;
        consider(c, c.fingerprints[e.fingerprint]);
      }
    }
  }
  return current_match ? current_match : retired_match;
}

std::optional<CredentialMatch> Inventory::MatchSecret(
    std::string_view secret) const {
  return MatchDigest(Sha256(secret));
}

std::optional<CredentialMatch> Inventory::MatchIdentifier(
    std::string_view identifier) const {
  if (identifier.empty()) return std::nullopt;
  if (!index_stale_) {
    auto it = by_identifier_.find(std::string(identifier));
    if (it == by_identifier_.end()) return std::nullopt;
    return CredentialMatch{&credentials_.find(it->second)->second, nullptr};
  }
  for (const auto& [cid, c] : credentials_) {
    for (const auto& id : c.identifiers) {
      if (id == identifier) return CredentialMatch{&c, nullptr};
    }
  }
  return std::nullopt;
}

CredentialRef MakeCredentialRef(const CredentialMatch& match) {
  const Credential& c = *match.credential;
  CredentialRef ref;
  ref.id = c.id;
  ref.name = c.name;
  ref.use = c.use;
  ref.identifiers = c.identifiers;
  ref.status = c.status;
  std::vector<std::string> notes;
  if (c.status == "revoked") {
    notes.push_back(c.revoked.empty() ? "revoked" : "revoked on " + c.revoked);
  } else if (c.status == "retired") {
    notes.push_back(c.retired.empty() ? "retired" : "retired on " + c.retired);
  }
  if (match.fingerprint && !match.fingerprint->retired.empty()) {
    notes.push_back("rotated out on " + match.fingerprint->retired);
  }
  for (size_t i = 0; i < notes.size(); ++i) {
    ref.note += (i ? "; " : "") + notes[i];
  }
  return ref;
}

Status Inventory::Annotate(std::vector<Finding>* findings) const {
  for (Finding& f : *findings) {
    // Reports hold keyed fingerprints: the inventory matches on the
    // in-memory digest (from the scan, or opened from a report's seal), or
    // on an old report's "sha256:" fingerprint.
    std::optional<CredentialMatch> m;
    if (f.secret_digest.size() == 32) {
      m = MatchDigest(f.secret_digest);
    } else if (!f.secret.empty()) {
      m = MatchDigest(Sha256(f.secret));
    } else {
      m = MatchFingerprint(f.fingerprint);
    }
    if (!m) m = MatchIdentifier(f.identifier);
    if (m) {
      f.credential = MakeCredentialRef(*m);
    } else {
      CredentialRef unknown;
      unknown.status = "unknown";
      f.credential = unknown;
    }
  }
  return Status::OK();
}

Status Inventory::Add(Credential credential) {
  if (!ValidId(credential.id)) {
    return Status::InvalidArgument(
        "invalid credential id '" + credential.id +
        "': use lowercase letters, digits, '.', '_' and '-'");
  }
  if (Find(credential.id)) {
    return Status::InvalidArgument("credential id '" + credential.id +
                                   "' already exists");
  }
  std::string id = credential.id;
  const Credential& added =
      credentials_.try_emplace(std::move(id), std::move(credential))
          .first->second;
  if (index_stale_) {
    RebuildIndex();
  } else {
    IndexCredential(added);
  }
  return Status::OK();
}

std::string Inventory::NewId(std::string_view name) const {
  std::string slug;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) && u < 128) {
      slug.push_back(static_cast<char>(std::tolower(u)));
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.size() > 60) slug.resize(60);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "credential";
  std::string id = slug;
  for (int n = 2; Find(id); ++n) id = slug + "-" + std::to_string(n);
  return id;
}

}  // namespace keyward

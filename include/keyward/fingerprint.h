// Secret fingerprints: how reports, baselines, allowlists and tickets name a
// secret without holding anything a dictionary guess can be checked against.
//
//   fingerprint = "hmac-sha256:" + hex(HMAC-SHA256(K, SHA-256(secret)))
//
// K is the fingerprint key (docs/ci.md "Fingerprint key"): the CLI loads it
// once with LoadFingerprintKey() and installs it with SetFingerprintKey()
// before scanning. Same secret and same K give the same fingerprint on every
// run and machine; without K a fingerprint says nothing about the secret, so
// a guessable password is not confirmed by hashing a dictionary.
//
// The plain digest SHA-256(secret) stays in memory (Finding::secret_digest):
// the inventory matches on it, and old files that still hold "sha256:<hex>"
// (written before keyed fingerprints) are honoured by comparing with it.
//
// A JSON report also carries, per finding, `fingerprint_seal`: the digest
// encrypted deterministically under K (SIV construction: the fingerprint is
// the synthetic IV, the pad is HMAC(K', fingerprint)). `keyward tickets`
// opens it with the same K to match a saved report against the inventory.
// Whoever holds K can open it, but whoever holds K can already test guesses
// against the fingerprint itself, so the seal exposes nothing more.
//
// Thread safety: SetFingerprintKey() must happen before any other call runs
// on another thread (the CLI calls it once, before scanning); everything
// else is safe to call concurrently.
#ifndef KEYWARD_FINGERPRINT_H_
#define KEYWARD_FINGERPRINT_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "keyward/status.h"

namespace keyward {

inline constexpr std::string_view kFingerprintPrefix = "hmac-sha256:";
// Fingerprints written before keyed ones: plain SHA-256 of the secret.
inline constexpr std::string_view kLegacyFingerprintPrefix = "sha256:";
// Shortest key accepted from the environment or a key file.
inline constexpr size_t kMinFingerprintKeyBytes = 16;

// Where the fingerprint key came from.
struct FingerprintKey {
  std::string key;       // raw bytes; never printed
  std::string origin;    // "KEYWARD_FINGERPRINT_KEY", or the key file's path
  bool created = false;  // a new per-user key file was made by this call
};

// Finds the key, in order: $KEYWARD_FINGERPRINT_KEY (the key itself: how CI
// gets it, as a CI secret), $KEYWARD_FINGERPRINT_KEY_FILE (a file holding
// it), else the per-user file $XDG_CONFIG_HOME/keyward/fingerprint.key
// (default ~/.config/keyward/fingerprint.key), created with 32 random bytes
// (hex, mode 0600, atomically: two processes racing agree on one key) when
// missing. Never reads the scanned tree. `getenv` is injectable for tests.
// Errors (key too short, key file unreadable, no home to keep a key in)
// are kConfig/kIoError naming the variable or file.
Result<FingerprintKey> LoadFingerprintKey(
    const std::function<const char*(const char*)>& getenv = nullptr);

// Installs the process-wide key. Until it is called, a random key made
// once per process is used: fingerprints are then stable only within the
// process, and never unkeyed.
void SetFingerprintKey(std::string key);
// 16 hex digits naming the installed key (HMAC of a fixed label): tells
// two keys apart in a baseline or report without revealing either.
std::string FingerprintKeyId();

// Raw 32-byte SHA-256(secret).
std::string SecretDigest(std::string_view secret);
// "hmac-sha256:<64 hex>" under the installed key, from the raw digest.
std::string FingerprintFromDigest(std::string_view digest);
// FingerprintFromDigest(SecretDigest(secret)).
std::string SecretFingerprint(std::string_view secret);

// "sha256:<64 hex>" of a raw digest: only to compare with old files.
std::string LegacyFingerprint(std::string_view digest);
// True for "sha256:<64 hex>" (any case).
bool IsLegacyFingerprint(std::string_view fingerprint);
// True for "hmac-sha256:<64 hex>" (any case).
bool IsKeyedFingerprint(std::string_view fingerprint);
// The raw digest inside a legacy fingerprint; nullopt for anything else.
std::optional<std::string> DigestFromLegacy(std::string_view fingerprint);

// 64 hex digits sealing `digest` under the installed key (see above).
std::string SealDigest(std::string_view fingerprint, std::string_view digest);
// The digest, when `seal` was made under the installed key for
// `fingerprint`; nullopt otherwise (another key, tampered, malformed).
std::optional<std::string> OpenSeal(std::string_view fingerprint,
                                    std::string_view seal);

}  // namespace keyward

#endif  // KEYWARD_FINGERPRINT_H_

#include "keyward/fingerprint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "base/crypto.h"
#include "keyward/atomic_file.h"

namespace keyward {
namespace {

// Labels keep the three uses of K apart (fingerprint, seal pad, key id).
constexpr std::string_view kSealLabel = "keyward-fingerprint-seal-v1";
constexpr std::string_view kIdLabel = "keyward-fingerprint-key-id-v1";

std::string RandomHexKey() {
  std::string key;
  if (!RandomHex(32, &key)) return "";
  return key;
}

struct KeyState {
  std::once_flag once;
  std::string key;
  std::string seal_key;
  std::string id;
};

KeyState& State() {
  static KeyState state;
  return state;
}

void Install(KeyState& s, std::string key) {
  s.seal_key = HmacSha256(key, kSealLabel);
  s.id = HexEncode(HmacSha256(key, kIdLabel)).substr(0, 16);
  s.key = std::move(key);
}

const KeyState& Key() {
  KeyState& s = State();
  // No key installed (a library user, a unit test): a random one, so that
  // nothing is ever written unkeyed.
  std::call_once(s.once, [&] {
    if (s.key.empty()) Install(s, RandomHexKey());
  });
  return s;
}

bool HexOf(std::string_view text, std::string_view prefix) {
  if (text.size() != prefix.size() + 64) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i])
      return false;
  }
  return std::all_of(text.begin() + prefix.size(), text.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c));
  });
}

std::string Trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.pop_back();
  return s;
}

Result<FingerprintKey> ReadKeyFile(const std::string& path) {
  auto text = ReadFileToString(path, 1 << 16);
  if (!text.ok()) {
    return Status::IoError("fingerprint key file " + path + ": " +
                           text.status().message());
  }
  FingerprintKey k{Trimmed(*text), path, false};
  if (k.key.size() < kMinFingerprintKeyBytes) {
    return Status::Config("fingerprint key file " + path + ": the key must " +
                          "be at least " +
                          std::to_string(kMinFingerprintKeyBytes) +
                          " bytes (e.g. 64 hex digits: openssl rand -hex 32)");
  }
  return k;
}

// Creates `path` holding a new random key unless it exists, without ever
// exposing a partial file: the key is written to a private temporary file
// and hard-linked into place, so a concurrent creator either wins or reads
// the winner's key.
Status CreateKeyFile(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec)
    return Status::IoError(path.parent_path().string() + ": " + ec.message());
  std::string key = RandomHexKey();
  if (key.empty()) return Status::IoError("cannot get random bytes for a key");
  std::string tmp = path.string() + ".tmp-" + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError(tmp + ": " + std::strerror(errno));
  std::string content = key + "\n";
  bool ok = write(fd, content.data(), content.size()) ==
                static_cast<ssize_t>(content.size()) &&
            fsync(fd) == 0;
  int saved = errno;
  close(fd);
  if (!ok) {
    unlink(tmp.c_str());
    return Status::IoError(tmp + ": " + std::strerror(saved));
  }
  int rc = link(tmp.c_str(), path.c_str());
  saved = errno;
  unlink(tmp.c_str());
  if (rc != 0 && saved != EEXIST) {
    return Status::IoError(path.string() + ": " + std::strerror(saved));
  }
  return Status::OK();
}

}  // namespace

Result<FingerprintKey> LoadFingerprintKey(
    const std::function<const char*(const char*)>& getenv_fn) {
  auto env = [&](const char* name) -> std::string {
    const char* v = getenv_fn ? getenv_fn(name) : std::getenv(name);
    return v ? v : "";
  };
  if (std::string k = env("KEYWARD_FINGERPRINT_KEY"); !k.empty()) {
    if (k.size() < kMinFingerprintKeyBytes) {
      return Status::Config(
          "KEYWARD_FINGERPRINT_KEY must be at least " +
          std::to_string(kMinFingerprintKeyBytes) +
          " bytes (e.g. 64 hex digits: openssl rand -hex 32)");
    }
    return FingerprintKey{k, "KEYWARD_FINGERPRINT_KEY", false};
  }
  if (std::string file = env("KEYWARD_FINGERPRINT_KEY_FILE"); !file.empty()) {
    return ReadKeyFile(file);
  }
  std::filesystem::path dir;
  if (std::string xdg = env("XDG_CONFIG_HOME"); !xdg.empty() && xdg[0] == '/') {
    dir = xdg;
  } else if (std::string home = env("HOME"); !home.empty()) {
    dir = std::filesystem::path(home) / ".config";
  } else {
    return Status::Config(
        "no fingerprint key: set KEYWARD_FINGERPRINT_KEY (or "
        "KEYWARD_FINGERPRINT_KEY_FILE), or HOME for a per-user key file");
  }
  std::filesystem::path path = dir / "keyward" / "fingerprint.key";
  std::error_code ec;
  bool created = false;
  if (!std::filesystem::exists(path, ec)) {
    Status s = CreateKeyFile(path);
    if (!s.ok()) {
      return Status::IoError(
          "cannot create the per-user fingerprint key (" + s.message() +
          "): set KEYWARD_FINGERPRINT_KEY or KEYWARD_FINGERPRINT_KEY_FILE");
    }
    created = true;
  }
  auto k = ReadKeyFile(path.string());
  if (k.ok()) k->created = created;
  return k;
}

void SetFingerprintKey(std::string key) {
  KeyState& s = State();
  bool fresh = false;
  std::call_once(s.once, [&] {
    Install(s, key);
    fresh = true;
  });
  if (!fresh) Install(s, std::move(key));
}

std::string FingerprintKeyId() { return Key().id; }

std::string SecretDigest(std::string_view secret) { return Sha256(secret); }

std::string FingerprintFromDigest(std::string_view digest) {
  return std::string(kFingerprintPrefix) +
         HexEncode(HmacSha256(Key().key, digest));
}

std::string SecretFingerprint(std::string_view secret) {
  return FingerprintFromDigest(SecretDigest(secret));
}

std::string LegacyFingerprint(std::string_view digest) {
  return std::string(kLegacyFingerprintPrefix) + HexEncode(digest);
}

bool IsLegacyFingerprint(std::string_view fp) {
  return HexOf(fp, kLegacyFingerprintPrefix);
}

bool IsKeyedFingerprint(std::string_view fp) {
  return HexOf(fp, kFingerprintPrefix);
}

std::optional<std::string> DigestFromLegacy(std::string_view fp) {
  std::string digest;
  if (!IsLegacyFingerprint(fp) ||
      !HexDecode(fp.substr(kLegacyFingerprintPrefix.size()), &digest)) {
    return std::nullopt;
  }
  return digest;
}

std::string SealDigest(std::string_view fingerprint, std::string_view digest) {
  std::string pad = HmacSha256(Key().seal_key, fingerprint);
  std::string out(digest);
  for (size_t i = 0; i < out.size() && i < pad.size(); ++i) out[i] ^= pad[i];
  return HexEncode(out);
}

std::optional<std::string> OpenSeal(std::string_view fingerprint,
                                    std::string_view seal) {
  std::string digest;
  if (!IsKeyedFingerprint(fingerprint) || !HexDecode(seal, &digest) ||
      digest.size() != 32) {
    return std::nullopt;
  }
  std::string lower(fingerprint);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string pad = HmacSha256(Key().seal_key, lower);
  for (size_t i = 0; i < digest.size(); ++i) digest[i] ^= pad[i];
  // The synthetic IV authenticates: only the right key gives back a digest
  // whose fingerprint is the one it was sealed for.
  if (FingerprintFromDigest(digest) != lower) return std::nullopt;
  return digest;
}

}  // namespace keyward

// .keyward.yaml: parsing with line-numbered errors, and finding the file.
//
// yaml-cpp reports problems by throwing; every call into it stays inside
// ParseConfig's try block so the library never lets an exception out.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <system_error>

#include "base/visible_text.h"
#include "keyward/atomic_file.h"
#include "keyward/config.h"

namespace keyward {
namespace {

namespace fs = std::filesystem;

const std::set<std::string>& KnownKeys() {
  static const std::set<std::string> keys = {
      "rules",        "disable_rules",  "exclude",     "allow",
      "fail_on",      "min_confidence", "inventory",   "baseline",
      "tickets",      "decompress",     "source_maps", "documents",
      "decode",       "verify_staged",  "archives",    "archive_max_depth",
      "max_expansion"};
  return keys;
}

// Parses one configuration node; the first problem found is kept in
// `error` as "<file>:<line>: <message>" and stops the walk.
class ConfigParser {
 public:
  explicit ConfigParser(const std::string& file) : file_(file) {}

  Status Parse(const YAML::Node& root, Config* out) {
    if (!root || root.IsNull()) return Status::OK();  // empty file
    if (!root.IsMap()) return Error(root, "top level must be a mapping");
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      const YAML::Node& value = kv.second;
      Status s;
      if (!KnownKeys().count(key)) {
        s = Error(kv.first, "unknown key `" + ShownName(key) +
                                "` (known: rules, disable_rules, exclude, "
                                "allow, fail_on, min_confidence, inventory, "
                                "baseline, tickets, decompress, "
                                "source_maps, documents, decode, "
                                "verify_staged, archives, "
                                "archive_max_depth, max_expansion)");
      } else if (key == "rules") {
        s = StringList(value, key, &out->rules);
      } else if (key == "disable_rules") {
        s = StringList(value, key, &out->disable_rules);
        // Where each id is written, for "unknown rule" errors later.
        auto where = [&](const YAML::Node& n) {
          return file_ + ":" + std::to_string(n.Mark().line + 1);
        };
        if (s.ok() && value.IsScalar()) {
          out->disable_rules_where.push_back(where(value));
        } else if (s.ok() && value.IsSequence()) {
          for (const auto& item : value) {
            out->disable_rules_where.push_back(where(item));
          }
        }
      } else if (key == "exclude") {
        s = StringList(value, key, &out->exclude);
      } else if (key == "allow") {
        s = AllowList(value, &out->allow);
      } else if (key == "fail_on") {
        s = FailOn(value, &out->fail_on);
      } else if (key == "min_confidence") {
        s = MinConfidence(value, &out->min_confidence);
      } else if (key == "inventory") {
        s = String(value, key, &out->inventory);
      } else if (key == "baseline") {
        s = String(value, key, &out->baseline);
      } else if (key == "tickets") {
        s = Tickets(value, out);
      } else if (key == "decompress") {
        s = Bool(value, key, &out->decompress);
      } else if (key == "source_maps") {
        s = Bool(value, key, &out->source_maps);
      } else if (key == "documents") {
        s = Bool(value, key, &out->documents);
      } else if (key == "decode") {
        s = Bool(value, key, &out->decode);
      } else if (key == "verify_staged") {
        s = Bool(value, key, &out->verify_staged);
      } else if (key == "archives") {
        s = Bool(value, key, &out->archives);
      } else if (key == "archive_max_depth") {
        uint64_t n = 0;
        s = Size(value, key, &n);
        if (s.ok() && (n < 1 || n > 64)) {
          s = Error(value, "`archive_max_depth` must be from 1 to 64");
        }
        out->archive_max_depth = static_cast<int>(n);
      } else if (key == "max_expansion") {
        s = Size(value, key, &out->max_expansion);
      }
      if (!s.ok()) return s;
    }
    return Status::OK();
  }

 private:
  Status Error(const YAML::Node& at, const std::string& msg) const {
    int line = at.Mark().line >= 0 ? at.Mark().line + 1 : 0;
    return Status::Config(file_ + ":" + std::to_string(line) + ": " + msg);
  }

  Status String(const YAML::Node& v, const std::string& key,
                std::string* out) const {
    if (!v.IsScalar()) return Error(v, "`" + key + "` must be a string");
    *out = v.Scalar();
    return Status::OK();
  }

  Status Bool(const YAML::Node& v, const std::string& key, bool* out) const {
    if (v.IsScalar()) {
      const std::string& b = v.Scalar();
      if (b == "true" || b == "false") {
        *out = b == "true";
        return Status::OK();
      }
    }
    return Error(v, "`" + key + "` must be true or false");
  }

  // A byte count: digits with an optional K, M or G (powers of 1024).
  Status Size(const YAML::Node& v, const std::string& key,
              uint64_t* out) const {
    const std::string what = "`" + key + "` must be a size (e.g. 500M)";
    if (!v.IsScalar() || v.Scalar().empty()) return Error(v, what);
    const std::string& t = v.Scalar();
    uint64_t n = 0;
    size_t i = 0;
    for (; i < t.size() && isdigit(static_cast<unsigned char>(t[i])); ++i) {
      if (n > (UINT64_MAX - 9) / 10) return Error(v, what);
      n = n * 10 + (t[i] - '0');
    }
    if (i == 0) return Error(v, what);
    int shift = 0;
    if (i < t.size()) {
      char u = static_cast<char>(toupper(static_cast<unsigned char>(t[i])));
      shift = u == 'K' ? 10 : u == 'M' ? 20 : u == 'G' ? 30 : -1;
      if (shift < 0 || i + 1 != t.size()) return Error(v, what);
    }
    if (n > (UINT64_MAX >> shift)) return Error(v, what);
    *out = n << shift;
    return Status::OK();
  }

  // A list of strings; a single string is accepted as a list of one.
  Status StringList(const YAML::Node& v, const std::string& key,
                    std::vector<std::string>* out) const {
    if (v.IsNull()) return Status::OK();
    if (v.IsScalar()) {
      out->push_back(v.Scalar());
      return Status::OK();
    }
    if (!v.IsSequence()) {
      return Error(v, "`" + key + "` must be a list of strings");
    }
    for (const auto& item : v) {
      if (!item.IsScalar()) {
        return Error(item, "`" + key + "` entries must be strings");
      }
      out->push_back(item.Scalar());
    }
    return Status::OK();
  }

  Status AllowList(const YAML::Node& v, std::vector<AllowedSecret>* out) {
    if (v.IsNull()) return Status::OK();
    if (!v.IsSequence()) {
      return Error(v, "`allow` must be a list of {fingerprint, reason}");
    }
    for (const auto& item : v) {
      if (!item.IsMap()) {
        return Error(item, "`allow` entries must be {fingerprint, reason}");
      }
      AllowedSecret entry;
      for (const auto& kv : item) {
        const std::string key = kv.first.Scalar();
        Status s;
        if (key == "fingerprint") {
          s = String(kv.second, "fingerprint", &entry.fingerprint);
        } else if (key == "reason") {
          s = String(kv.second, "reason", &entry.reason);
        } else {
          s = Error(kv.first, "unknown key `" + ShownName(key) +
                                  "` in `allow` entry (known: fingerprint, "
                                  "reason)");
        }
        if (!s.ok()) return s;
      }
      std::string& fp = entry.fingerprint;
      std::transform(fp.begin(), fp.end(), fp.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (!IsKeyedFingerprint(fp) && !IsLegacyFingerprint(fp)) {
        return Error(item,
                     "`allow` entry needs `fingerprint: hmac-sha256:<64 hex>` "
                     "(the fingerprint shown in JSON reports and by a "
                     "blocked scan)");
      }
      entry.line = item.Mark().line + 1;
      if (entry.reason.empty()) {
        return Error(item, "`allow` entry needs a `reason`");
      }
      out->push_back(std::move(entry));
    }
    return Status::OK();
  }

  Status FailOn(const YAML::Node& v, Severity* out) const {
    if (!v.IsScalar() || !ParseSeverity(v.Scalar(), out)) {
      return Error(v, "`fail_on` must be one of low, medium, high, critical");
    }
    return Status::OK();
  }

  Status MinConfidence(const YAML::Node& v, Confidence* out) const {
    if (!v.IsScalar() || !ParseConfidence(v.Scalar(), out)) {
      return Error(v, "`min_confidence` must be one of low, medium, high");
    }
    return Status::OK();
  }

  Status Tickets(const YAML::Node& v, Config* out) const {
    if (v.IsNull()) return Status::OK();
    if (!v.IsMap()) return Error(v, "`tickets` must be a mapping");
    for (const auto& kv : v) {
      const std::string key = kv.first.Scalar();
      if (key != "assignee") {
        return Error(kv.first, "unknown key `" + ShownName(key) +
                                   "` in `tickets` (known: assignee)");
      }
      Status s = String(kv.second, "tickets.assignee", &out->ticket_assignee);
      if (!s.ok()) return s;
    }
    return Status::OK();
  }

  std::string file_;
};

std::string Resolve(const fs::path& base, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}

bool Exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(p, ec));
}

}  // namespace

Result<Config> ParseConfig(std::string_view yaml,
                           const std::string& display_path) {
  Config config;
  config.path = display_path;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    Status s = ConfigParser(display_path).Parse(root, &config);
    if (!s.ok()) return s;
  } catch (const YAML::Exception& e) {
    return Status::Config(display_path + ":" + std::to_string(e.mark.line + 1) +
                          ": " + e.msg);
  }
  return config;
}

Result<Config> LoadConfig(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  return ParseConfigIn(*text, path, fs::path(path).parent_path().string());
}

Result<Config> ParseConfigIn(std::string_view yaml,
                             const std::string& display_path,
                             const std::string& dir) {
  auto config = ParseConfig(yaml, display_path);
  if (!config.ok()) return config;
  fs::path base = dir;
  for (auto& r : config->rules) r = Resolve(base, r);
  config->inventory = Resolve(base, config->inventory);
  config->baseline = Resolve(base, config->baseline);
  return config;
}

std::string WorkingTreeTop(const std::string& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start.empty() ? "." : start, ec);
  if (ec) return "";
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  dir = dir.lexically_normal();
  if (dir.has_filename() == false && dir != dir.root_path()) {
    dir = dir.parent_path();  // "a/b/" -> "a/b"
  }
  for (fs::path p = dir;; p = p.parent_path()) {
    if (Exists(p / ".git")) return p.string();
    if (p == p.parent_path()) break;
  }
  return dir.string();
}

std::string FindConfigFile(const std::string& start) {
  std::string top = WorkingTreeTop(start);
  if (top.empty()) return "";
  std::error_code ec;
  fs::path candidate = fs::path(top) / kConfigFileName;
  return fs::is_regular_file(candidate, ec) ? candidate.string() : "";
}

}  // namespace keyward

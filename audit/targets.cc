// Targets files and the deterministic shard split (keyward/audit.h).
#include <charconv>
#include <filesystem>
#include <map>

#include "base/crypto.h"
#include "keyward/atomic_file.h"
#include "keyward/audit.h"

namespace keyward {
namespace {

namespace fs = std::filesystem;

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

bool HasScheme(const std::string& s, std::string* scheme) {
  size_t p = s.find("://");
  if (p == std::string::npos || p == 0) return false;
  for (size_t i = 0; i < p; ++i) {
    char c = s[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' ||
          c == '.')) {
      return false;
    }
  }
  *scheme = s.substr(0, p);
  return true;
}

// git's scp-like syntax: user@host:path (no "://", a ':' before any '/').
bool IsScpLike(const std::string& s) {
  size_t colon = s.find(':');
  size_t slash = s.find('/');
  size_t at = s.find('@');
  return colon != std::string::npos && at != std::string::npos && at < colon &&
         (slash == std::string::npos || colon < slash);
}

}  // namespace

Result<std::vector<AuditTarget>> ParseTargets(std::string_view content,
                                              const std::string& origin,
                                              const std::string& base_dir) {
  std::vector<AuditTarget> out;
  std::map<std::string, int> seen;  // text -> line
  int line_no = 0;
  size_t pos = 0;
  while (pos <= content.size()) {
    size_t nl = content.find('\n', pos);
    std::string_view raw = content.substr(
        pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? content.size() + 1 : nl + 1;
    ++line_no;
    std::string line = Trim(raw);
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](const std::string& why) {
      return Status::InvalidArgument(origin + ":" + std::to_string(line_no) +
                                     ": " + why);
    };
    for (unsigned char c : line) {
      if (c < 0x20 || c == 0x7f) {
        return bad("control character in target");
      }
    }
    if (line[0] == '-') {
      return bad("a target cannot start with '-' (it would be a git option)");
    }
    AuditTarget t;
    t.line = line_no;
    std::string scheme;
    if (HasScheme(line, &scheme)) {
      static const char* kSchemes[] = {"file", "https", "http", "ssh", "git"};
      bool known = false;
      for (const char* s : kSchemes) known = known || scheme == s;
      if (!known) return bad("unsupported URL scheme `" + scheme + "`");
      t.remote = true;
    } else if (IsScpLike(line)) {
      t.remote = true;
    }
    while (line.size() > 1 && line.back() == '/') line.pop_back();
    if (t.remote && line.size() > 4 &&
        line.compare(line.size() - 4, 4, ".git") == 0) {
      line.resize(line.size() - 4);
      while (line.size() > 1 && line.back() == '/') line.pop_back();
    }
    if (line.find_first_of(" \t") != std::string::npos && t.remote) {
      return bad("a URL cannot contain spaces");
    }
    t.text = line;
    if (t.remote) {
      t.location = line;
    } else {
      fs::path p(line);
      if (p.is_relative()) p = fs::path(base_dir) / p;
      t.location = p.lexically_normal().string();
      while (t.location.size() > 1 && t.location.back() == '/') {
        t.location.pop_back();
      }
    }
    if (auto it = seen.find(t.text); it != seen.end()) {
      return bad("duplicate target (first on line " +
                 std::to_string(it->second) + ")");
    }
    seen[t.text] = line_no;
    t.id = Sha256Hex(t.text).substr(0, 16);
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<AuditTarget>> LoadTargets(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  std::error_code ec;
  fs::path base = fs::absolute(fs::path(path), ec).parent_path();
  return ParseTargets(*text, path, base.string());
}

Status ParseShard(std::string_view text, int* k, int* n) {
  size_t slash = text.find('/');
  auto bad = [&] {
    return Status::InvalidArgument(
        "--shard expects K/N with 0 <= K < N (K 0-based, e.g. 0/4), got `" +
        std::string(text) + "`");
  };
  if (slash == std::string_view::npos) return bad();
  auto parse = [](std::string_view s, int* v) {
    if (s.empty()) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  int kk, nn;
  if (!parse(text.substr(0, slash), &kk) || !parse(text.substr(slash + 1), &nn))
    return bad();
  if (nn < 1 || kk < 0 || kk >= nn) return bad();
  *k = kk;
  *n = nn;
  return Status::OK();
}

int ShardOf(const AuditTarget& t, int n) {
  std::string d = Sha256(t.text);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(d[i]);
  return static_cast<int>(v % static_cast<uint64_t>(n < 1 ? 1 : n));
}

}  // namespace keyward

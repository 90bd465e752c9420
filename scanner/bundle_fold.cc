// Bundle findings folded into their sources (scanner/bundle_fold.h).
#include "scanner/bundle_fold.h"

#include <algorithm>
#include <filesystem>
#include <unordered_map>

namespace keyward {
namespace {

constexpr size_t kCommentTail = 4096;

// One spelling per path: "./dist/../dist/app.js.map" and "dist/app.js.map"
// name the same map.
std::string Normal(std::string_view path) {
  return std::filesystem::path(path).lexically_normal().generic_string();
}

std::string Key(std::string_view map, const Finding& f) {
  std::string key = Normal(map);
  key += '\0';
  key += f.rule_id;
  key += '\0';
  key += f.fingerprint;
  return key;
}

}  // namespace

std::string SourceMapOf(std::string_view text, const std::string& path) {
  static constexpr std::string_view kName = "sourceMappingURL=";
  std::string_view tail =
      text.substr(text.size() - std::min(text.size(), kCommentTail));
  size_t at = tail.rfind(kName);
  // `//# ` (or the older `//@ `), `/*# ` in CSS.
  if (at == std::string_view::npos || at < 4) return "";
  std::string_view lead = tail.substr(at - 4, 4);
  if ((lead[0] != '/' || (lead[1] != '/' && lead[1] != '*')) ||
      (lead[2] != '#' && lead[2] != '@') || lead[3] != ' ') {
    return "";
  }
  std::string_view url = tail.substr(at + kName.size());
  url = url.substr(0, url.find_first_of(" \t\r\n\"'*?#"));
  if (url.empty() || url.rfind("data:", 0) == 0 || url[0] == '/' ||
      url.find("://") != std::string_view::npos) {
    return "";
  }
  // The bundle's directory; inside a container ("release.zip!app.js") the
  // container's root.
  size_t dir = path.find_last_of("/!");
  std::string base = dir == std::string::npos ? "" : path.substr(0, dir + 1);
  return Normal(base + std::string(url));
}

size_t FoldBundleFindings(
    std::vector<Finding>* findings,
    const std::vector<std::pair<std::string, std::string>>& bundle_maps) {
  static constexpr std::string_view kMapEntry = ".map!";
  // Findings in maps' embedded sources, by map, rule and secret.
  std::unordered_map<std::string, std::vector<size_t>> sources;
  for (size_t i = 0; i < findings->size(); i++) {
    const std::string& p = (*findings)[i].path;
    for (size_t at = p.find(kMapEntry); at != std::string::npos;
         at = p.find(kMapEntry, at + 1)) {
      sources[Key(std::string_view(p).substr(0, at + 4), (*findings)[i])]
          .push_back(i);
    }
  }
  if (sources.empty()) return 0;
  std::unordered_map<std::string, std::vector<std::string>> named;
  for (const auto& [bundle, map] : bundle_maps) named[bundle].push_back(map);

  std::vector<bool> drop(findings->size(), false);
  size_t dropped = 0;
  for (size_t j = 0; j < findings->size(); j++) {
    const Finding& f = (*findings)[j];
    if (f.path.find(kMapEntry) != std::string::npos) continue;
    std::vector<std::string> maps = {f.path + ".map"};
    if (auto it = named.find(f.path); it != named.end()) {
      maps.insert(maps.begin(), it->second.begin(), it->second.end());
    }
    for (const std::string& map : maps) {
      auto it = sources.find(Key(map, f));
      if (it == sources.end()) continue;
      for (size_t i : it->second) {
        (*findings)[i].related.push_back(
            {f.path, f.line, f.column, f.end_line, f.end_column, "bundle"});
      }
      drop[j] = true;
      dropped++;
      break;
    }
  }
  if (dropped == 0) return 0;
  size_t out = 0;
  for (size_t j = 0; j < findings->size(); j++) {
    if (drop[j]) continue;
    if (out != j) (*findings)[out] = std::move((*findings)[j]);
    out++;
  }
  findings->resize(out);
  return dropped;
}

}  // namespace keyward

// Source maps: sourcesContent entries as texts (source/source_map.h).
#include "source/source_map.h"

#include <nlohmann/json.hpp>

#include "base/json_file.h"

namespace keyward {
namespace {

using nlohmann::json;

// Appends the embedded sources of one (non-index) map; false when it has
// no sourcesContent array.
bool ReadMap(const json& map, std::vector<EmbeddedSource>* out) {
  if (!map.is_object()) return false;
  auto contents = map.find("sourcesContent");
  if (contents == map.end() || !contents->is_array()) return false;
  const json* sources = nullptr;
  if (auto s = map.find("sources"); s != map.end() && s->is_array()) {
    sources = &*s;
  }
  for (size_t i = 0; i < contents->size(); i++) {
    const json& c = (*contents)[i];
    if (!c.is_string()) continue;
    EmbeddedSource e;
    if (sources && i < sources->size() && (*sources)[i].is_string() &&
        !(*sources)[i].get_ref<const std::string&>().empty()) {
      e.name = (*sources)[i].get<std::string>();
    } else {
      e.name = "source " + std::to_string(i);
    }
    e.content = c.get<std::string>();
    out->push_back(std::move(e));
  }
  return true;
}

}  // namespace

bool IsSourceMapPath(std::string_view path) {
  return path.size() > 4 && path.substr(path.size() - 4) == ".map";
}

bool ParseSourceMap(std::string_view text, std::vector<EmbeddedSource>* out) {
  // Depth-checked before parsing: a map nested 300k levels deep would
  // overflow the stack of nlohmann's recursive destructor.
  auto parsed = ParseJsonFile(text, "source map");
  if (!parsed.ok() || !parsed->is_object()) return false;
  const json& doc = *parsed;
  std::vector<EmbeddedSource> found;
  bool any = false;
  if (auto sections = doc.find("sections");
      sections != doc.end() && sections->is_array()) {
    for (const json& section : *sections) {
      if (!section.is_object()) continue;
      if (auto m = section.find("map"); m != section.end()) {
        any = ReadMap(*m, &found) || any;
      }
    }
  } else {
    any = ReadMap(doc, &found);
  }
  if (!any) return false;
  for (auto& e : found) out->push_back(std::move(e));
  return true;
}

}  // namespace keyward

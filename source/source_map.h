// Source maps (internal): the original sources a `*.map` file embeds in
// `sourcesContent`, with their names from `sources`, JSON escapes decoded.
// Scanning them finds a secret at its line in the original file rather
// than at one escaped line of the map.
#ifndef KEYWARD_SOURCE_SOURCE_MAP_H_
#define KEYWARD_SOURCE_SOURCE_MAP_H_

#include <string>
#include <string_view>
#include <vector>

namespace keyward {

struct EmbeddedSource {
  std::string name;     // sources[i]; "source <i>" when missing or not text
  std::string content;  // sourcesContent[i], decoded
};

// True when `path` names a source map (`*.map`).
bool IsSourceMapPath(std::string_view path);

// Parses `text` as a source map. Returns false (and leaves `out` empty)
// when it is not JSON, not an object, or has no `sourcesContent` array;
// otherwise appends one entry per non-null string in `sourcesContent`
// (possibly none) and returns true. Index maps (`sections`) are read
// section by section.
bool ParseSourceMap(std::string_view text, std::vector<EmbeddedSource>* out);

}  // namespace keyward

#endif  // KEYWARD_SOURCE_SOURCE_MAP_H_

// Reading JSON files people own (inventory, baselines, ticket state, JSON
// reports) without a crash and without echoing their content.
//
//   auto doc = ParseJsonFile(text, path);     // never throws
//   if (!doc.ok()) return doc.status();       // "path:3:14: malformed JSON:
//   ..." Status s = ReadJsonFields(path, [&] { ... doc->at("x").get<int>() ...
//   });
//
// Errors name the file, and the line and column of a syntax error; they never
// quote the file's text, which may hold a secret.
#ifndef KEYWARD_BASE_JSON_FILE_H_
#define KEYWARD_BASE_JSON_FILE_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "keyward/status.h"

namespace keyward {

// Arrays and objects nested deeper than this are refused before parsing:
// keyward's own files nest a handful of levels, and a value nested 300k
// levels deep overflows the stack of recursive JSON code (destructors, dump).
inline constexpr int kMaxJsonDepth = 256;

// Parses `text`, the content of `path`. kCorruption, naming
// path:line:column, for malformed JSON or nesting deeper than kMaxJsonDepth.
Result<nlohmann::json> ParseJsonFile(std::string_view text,
                                     const std::string& path);

// Runs `read`, which takes typed fields out of a parsed document, and turns
// a nlohmann::json::exception (a field of the wrong type, such as
// "version": "1") into kCorruption naming `path`. A Status from `read` is
// returned as it is.
Status ReadJsonFields(const std::string& path,
                      const std::function<Status()>& read);

// "line:column" of the byte at `offset` (0-based) in `text`.
std::string JsonLineColumn(std::string_view text, size_t offset);

}  // namespace keyward

#endif  // KEYWARD_BASE_JSON_FILE_H_

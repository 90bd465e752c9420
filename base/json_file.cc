// Bounded, quiet JSON parsing for files people own.
#include "base/json_file.h"

#include <algorithm>

namespace keyward {
namespace {

// The offset of the first '[' or '{' that opens level kMaxJsonDepth + 1,
// or npos. Brackets inside strings do not count.
size_t TooDeepAt(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

// nlohmann's message without its "[json.exception...] parse error at line
// 1, column 2: " preamble and without the "; last read: '...'" quote of the
// input, which may be a secret.
std::string Explanation(std::string what) {
  size_t colon = what.find(": ", what.find("parse error"));
  if (colon != std::string::npos) what = what.substr(colon + 2);
  size_t quote = what.find("; last read:");
  if (quote != std::string::npos) what.erase(quote);
  return what;
}

}  // namespace

std::string JsonLineColumn(std::string_view text, size_t offset) {
  size_t end = std::min(offset, text.size());
  int line = 1, col = 1;
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

Result<nlohmann::json> ParseJsonFile(std::string_view text,
                                     const std::string& path) {
  if (size_t at = TooDeepAt(text); at != std::string_view::npos) {
    return Status::Corruption(path + ":" + JsonLineColumn(text, at) +
                              ": JSON nested deeper than " +
                              std::to_string(kMaxJsonDepth) + " levels");
  }
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the byte that broke the parse.
    return Status::Corruption(path + ":" +
                              JsonLineColumn(text, e.byte ? e.byte - 1 : 0) +
                              ": malformed JSON: " + Explanation(e.what()));
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(path +
                              ": malformed JSON: " + Explanation(e.what()));
  }
}

Status ReadJsonFields(const std::string& path,
                      const std::function<Status()>& read) {
  try {
    return read();
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    // "[json.exception.type_error.302] type must be string, but is number"
    if (size_t b = what.find("] ");
        what.rfind("[json.", 0) == 0 && b != std::string::npos) {
      what.erase(0, b + 2);
    }
    return Status::Corruption(path + ": a field has the wrong type (" + what +
                              ")");
  }
}

}  // namespace keyward

#include "keyward/finding.h"

#include <tuple>

namespace keyward {

std::string Redact(std::string_view secret, std::string_view prefix) {
  bool has_prefix =
      !prefix.empty() && secret.substr(0, prefix.size()) == prefix;
  std::string out = has_prefix ? std::string(prefix) : std::string();
  size_t rest = secret.size() - (has_prefix ? prefix.size() : 0);
  out += "…";
  // Showing 4 characters of a short secret would give away too much of it.
  if (rest >= 12) {
    std::string_view tail = secret.substr(secret.size() - 4);
    // Multi-line secrets (key blocks) end in armour: no characters shown.
    if (tail.find_first_of("\r\n") == std::string_view::npos) out += tail;
  }
  return out;
}

const char* ConfidenceName(Confidence c) {
  switch (c) {
    case Confidence::kLow:
      return "low";
    case Confidence::kMedium:
      return "medium";
    case Confidence::kHigh:
      return "high";
  }
  return "medium";
}

bool ParseConfidence(std::string_view text, Confidence* out) {
  for (Confidence c :
       {Confidence::kLow, Confidence::kMedium, Confidence::kHigh}) {
    if (text == ConfidenceName(c)) {
      *out = c;
      return true;
    }
  }
  return false;
}

bool FindingLess(const Finding& a, const Finding& b) {
  auto commit = [](const Finding& f) {
    return f.git ? f.git->commit : std::string();
  };
  return std::forward_as_tuple(a.path, a.line, a.column, a.rule_id, commit(a)) <
         std::forward_as_tuple(b.path, b.line, b.column, b.rule_id, commit(b));
}

}  // namespace keyward

// Inline `keyward:allow` comments (scanner/inline_allow.h).
#include "scanner/inline_allow.h"

#include <algorithm>
#include <cctype>

namespace keyward {
namespace {

constexpr std::string_view kAllowMarker = "keyward:allow";
// How far from the secret the marker may be on its line (see config.h).
constexpr size_t kInlineReach = 4096;
constexpr size_t kMaxReasonBytes = 200;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

// A reason is free text from the scanned file, shown in reports; a long
// token mixing letters and digits may be a secret written after the marker,
// so such reasons are dropped rather than risk printing one.
bool LooksSecretBearing(std::string_view reason) {
  size_t i = 0;
  while (i < reason.size()) {
    while (i < reason.size() &&
           std::isspace(static_cast<unsigned char>(reason[i]))) {
      ++i;
    }
    size_t start = i;
    bool alpha = false, digit = false;
    for (; i < reason.size() &&
           !std::isspace(static_cast<unsigned char>(reason[i]));
         ++i) {
      unsigned char c = reason[i];
      alpha |= std::isalpha(c) != 0;
      digit |= std::isdigit(c) != 0;
    }
    if (i - start >= 16 && alpha && digit) return true;
  }
  return false;
}

std::string InlineReason(std::string_view rest) {
  // The reason ends where the comment does.
  for (std::string_view closer : {"*/", "-->", "%>", "}}", "#}"}) {
    rest = rest.substr(0, rest.find(closer));
  }
  rest = Trim(rest);
  while (!rest.empty() &&
         (rest.front() == ':' || rest.front() == '-' || rest.front() == '=')) {
    rest = Trim(rest.substr(1));
  }
  if (rest.size() > kMaxReasonBytes) rest = rest.substr(0, kMaxReasonBytes);
  if (LooksSecretBearing(rest)) return "";
  return std::string(rest);
}

}  // namespace

bool InlineAllowed(std::string_view window, size_t secret_offset,
                   std::string* suppression) {
  if (secret_offset > window.size()) return false;
  size_t lo = secret_offset > kInlineReach ? secret_offset - kInlineReach : 0;
  size_t hi = std::min(window.size(), secret_offset + kInlineReach);
  // Bounded searches: a multi-megabyte line must not be rescanned per match.
  std::string_view before = window.substr(lo, secret_offset - lo);
  size_t nl = before.rfind('\n');
  size_t line_start = nl == std::string_view::npos ? lo : lo + nl + 1;
  std::string_view after = window.substr(secret_offset, hi - secret_offset);
  size_t eol = after.find('\n');
  size_t line_end = eol == std::string_view::npos ? hi : secret_offset + eol;
  std::string_view line = window.substr(line_start, line_end - line_start);
  for (size_t at = line.find(kAllowMarker); at != std::string_view::npos;
       at = line.find(kAllowMarker, at + 1)) {
    std::string_view rest = line.substr(at + kAllowMarker.size());
    // With the marker before the secret, the reason stops short of it: the
    // reason is printed, the secret must not be.
    size_t secret_in_line = secret_offset - line_start;
    if (at < secret_in_line) {
      rest = rest.substr(0, secret_in_line - at - kAllowMarker.size());
    }
    // "keyward:allowed" or "keyward:allow_x" is not the marker.
    if (!rest.empty() &&
        (std::isalnum(static_cast<unsigned char>(rest.front())) ||
         rest.front() == '_')) {
      continue;
    }
    std::string reason = InlineReason(rest);
    *suppression = reason.empty() ? "inline" : "inline: " + reason;
    return true;
  }
  return false;
}

}  // namespace keyward

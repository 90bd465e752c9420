// Inline `keyward:allow` comments, found while a finding is built
// (internal; the suppression rules are described in keyward/config.h).
#ifndef KEYWARD_SCANNER_INLINE_ALLOW_H_
#define KEYWARD_SCANNER_INLINE_ALLOW_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace keyward {

// Inline allow check used when a finding is built. `window` holds the
// scanned bytes and `secret_offset` is where the secret starts in it. True
// when the line holding that offset carries "keyward:allow"; `*suppression`
// becomes "inline" or "inline: <reason>" (the text after the marker, comment
// closers trimmed, dropped if it looks like it holds a secret). Only the
// 4 KiB on each side of the secret are searched, so minified one-line files
// cost O(matches), not O(matches x line length).
bool InlineAllowed(std::string_view window, size_t secret_offset,
                   std::string* suppression);

}  // namespace keyward

#endif  // KEYWARD_SCANNER_INLINE_ALLOW_H_

// How word-like is a value? Characters per byte-pair-encoding token.
//
// Shannon entropy cannot tell `Contraseña2024` or `getUserPasswordHash` from
// a token: all have many distinct characters. A BPE vocabulary trained on
// natural text and code (scanner/data/train_bpe.py, trained on Debian's
// /usr/share/doc and /usr/include; the merges in scanner/data/bpe_merges.txt
// are compiled into the binary) splits words, identifiers and code into few
// long tokens and random secrets into many short ones:
//
//   random base62/base64/hex keys     ~1.3-1.9 characters per token
//   words, identifiers, CamelCase     ~3-6
//
// The value is first cut into pieces as the training text was: runs of
// digits, and runs of letters (ASCII and every byte >= 0x80) cut at case
// changes (`getUserPassword` -> get, User, Password; `HTTPServer` -> HTTP,
// Server); other bytes only separate pieces and are not counted. Each piece
// is folded to ASCII lower case and encoded by applying the merges in rank
// order (standard BPE).
//
// Rules use it through `max_chars_per_token` (include/keyward/rules.h); the
// per-finding confidence may use it as a signal beside entropy.
//
// Thread safety: the merges are loaded once, on first use (thread-safe);
// every function may be called from any thread.
#ifndef KEYWARD_SCANNER_WORDINESS_H_
#define KEYWARD_SCANNER_WORDINESS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace keyward {

// Only the first kWordinessMaxBytes bytes of a value are scored (secrets are
// short; this bounds the cost of a pathological candidate).
inline constexpr size_t kWordinessMaxBytes = 256;

// Characters per BPE token over the value's letter and digit pieces: higher
// is more word-like. 0 when the value has no letter or digit.
double CharsPerToken(std::string_view value);

// The BPE tokens of `value` (lower-cased pieces, split), for tests and
// diagnostics.
std::vector<std::string> BpeTokens(std::string_view value);

// Number of merges compiled into the binary.
size_t BpeMergeCount();

}  // namespace keyward

#endif  // KEYWARD_SCANNER_WORDINESS_H_

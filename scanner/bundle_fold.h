// Bundle findings folded into their sources (internal). A secret in
// `src/config.ts` is built into `dist/app.js`, whose source map
// `dist/app.js.map` embeds `src/config.ts` again: one secret, two findings.
// The one in the map's source is the place to fix, so it is reported, with
// the bundle's location as a related location, and the bundle's finding is
// dropped.
//
// Which map covers a bundle: the one its `sourceMappingURL` comment names
// (`//# sourceMappingURL=app.js.map`, `/*# ... */` in CSS), resolved
// against the bundle's directory; and `<bundle>.map` beside it. Remote URLs
// and inline `data:` maps name no file of the scan.
#ifndef KEYWARD_SCANNER_BUNDLE_FOLD_H_
#define KEYWARD_SCANNER_BUNDLE_FOLD_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keyward/finding.h"

namespace keyward {

// The path of the map file that `text`, the content of `path`, names in a
// `sourceMappingURL` comment at its end (the last 4 KiB), relative to
// `path`'s directory ("dist/app.js" naming "app.js.map" ->
// "dist/app.js.map"); empty when there is none, or it is a `data:` URL, a
// remote URL or an absolute one.
std::string SourceMapOf(std::string_view text, const std::string& path);

// Folds every finding at a bundle path into the findings with the same rule
// and fingerprint in the embedded sources ("<map>!<source>") of a map that
// covers the bundle: `bundle_maps` lists (bundle, map) pairs from
// SourceMapOf, and "<bundle>.map" covers each bundle too. The bundle's
// location is appended to each such finding's `related` (role "bundle")
// and the bundle finding is removed. Returns how many were removed. Order of
// the remaining findings is kept.
size_t FoldBundleFindings(
    std::vector<Finding>* findings,
    const std::vector<std::pair<std::string, std::string>>& bundle_maps);

}  // namespace keyward

#endif  // KEYWARD_SCANNER_BUNDLE_FOLD_H_

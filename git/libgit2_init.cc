// EnsureLibgit2: libgit2 set up for reading local repositories, and no more.
//
// A pre-commit hook starts keyward once per commit, so what libgit2 does at
// start-up and per object read counts. Strict hash verification re-hashes
// every object read (every tree of HEAD in a staged diff, every blob of a
// history); git itself does not, and zlib still checks each object's data.
//
// (Built with mbedTLS, as on Debian, git_libgit2_init also parses the system
// CA bundle for an HTTPS transport keyward never uses, ~1.5 ms per start.
// libgit2 has no option to skip it; overriding the TLS library's symbol
// would, but is not worth its fragility.)
#include <mutex>

#include "git/repo.h"

namespace keyward::git {

void EnsureLibgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // libgit2 maps packs in windows; the default limit (8 GiB on 64-bit)
    // would let RSS track pack size. 8 MiB windows, 32 MiB in total keep
    // memory bounded; libgit2 reads only commits and trees here (blobs come
    // from keyward's own pack reader), so larger windows bought nothing.
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, size_t{8} << 20);
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, size_t{32} << 20);
    // Blobs are read once each; caching them would only hold memory. So are
    // commits: a full-history scan looks each one up once, for its tree, and
    // the cache kept every one for the rest of the run (~575 bytes a commit:
    // 115 MB for 200,000 commits; bench/README.md "Memory per tree").
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB,
                     size_t{0});
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_COMMIT,
                     size_t{0});
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  });
}

}  // namespace keyward::git

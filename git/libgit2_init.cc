// EnsureLibgit2: libgit2 set up for reading local repositories, and no more.
//
// A pre-commit hook starts keyward once per commit, so what libgit2 does at
// start-up counts. Two things it does by default serve no scan:
//
// - Built with mbedTLS (as on Debian), git_libgit2_init parses the whole
//   system CA bundle (~140 PEM certificates, base64 and X.509 decoding) for
//   an HTTPS transport keyward never uses: ~10% of `scan --staged` in a
//   10,000-file repository. keyward defines mbedtls_x509_crt_parse_file
//   below; the executable's definition takes precedence over the library's
//   for libgit2's call, and loads nothing while git_libgit2_init runs on this
//   thread, forwarding to mbedTLS otherwise. libgit2's TLS trust store is so
//   left empty: HTTPS through libgit2 fails verification rather than
//   trusting anything. Code that ever needs it sets
//   GIT_OPT_SET_SSL_CERT_LOCATIONS, which goes through to mbedTLS.
//   Built with OpenSSL instead, libgit2 never calls the function: no effect.
// - Strict hash verification re-hashes every object read (every tree of
//   HEAD in a staged diff); git itself does not, and zlib still checks each
//   object's data.
#include <dlfcn.h>

#include <mutex>

#include "git/repo.h"

namespace keyward::git {
namespace {

// True while git_libgit2_init runs on this thread.
thread_local bool in_libgit2_init = false;

}  // namespace

void EnsureLibgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    in_libgit2_init = true;
    git_libgit2_init();
    in_libgit2_init = false;
    // libgit2 maps packs in windows; the default limit (8 GiB on 64-bit)
    // would let RSS track pack size. 32 MiB windows, 256 MiB in total keep
    // memory bounded while still reading packs sequentially in large pieces.
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, size_t{32} << 20);
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, size_t{256} << 20);
    // Blobs are read once each; caching them would only hold memory.
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB,
                     size_t{0});
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  });
}

}  // namespace keyward::git

// mbedTLS's signature is int (mbedtls_x509_crt*, const char*); the chain is
// only passed through, so its type is not needed here.
extern "C" int mbedtls_x509_crt_parse_file(void* chain, const char* path) {
  if (keyward::git::in_libgit2_init) return 0;  // an empty, valid chain
  using ParseFile = int (*)(void*, const char*);
  static const auto real = reinterpret_cast<ParseFile>(
      dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file"));
  if (!real) return -0x2900;  // MBEDTLS_ERR_X509_FILE_IO_ERROR
  return real(chain, path);
}

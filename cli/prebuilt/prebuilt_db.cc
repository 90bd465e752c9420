// The built-in rules' Hyperscan databases, compiled at build time by
// keyward_dbgen (scanner/gen/dbgen.cc) and linked into the binary as bytes,
// so that a first run loads them instead of compiling (MatcherOptions::
// prebuilt). KEYWARD_PREBUILT_DB is the pack's path in the build tree; a
// build with -DKEYWARD_PREBUILT_DB=OFF links an empty pack instead.
#include <string_view>

#include "cli/commands.h"

#ifdef KEYWARD_PREBUILT_DB
__asm__(
    ".section .rodata\n"
    ".balign 64\n"
    "keyward_prebuilt_db_begin:\n"
    ".incbin \"" KEYWARD_PREBUILT_DB
    "\"\n"
    "keyward_prebuilt_db_end:\n"
    ".previous\n");
extern "C" const char keyward_prebuilt_db_begin[];
extern "C" const char keyward_prebuilt_db_end[];
#endif

namespace keyward::cli {

std::string_view PrebuiltDatabases() {
#ifdef KEYWARD_PREBUILT_DB
  return std::string_view(keyward_prebuilt_db_begin,
                          keyward_prebuilt_db_end - keyward_prebuilt_db_begin);
#else
  return {};
#endif
}

}  // namespace keyward::cli

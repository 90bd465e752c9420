// Optional modules (internal): the parts of keyward that need a large
// library are built as shared objects and loaded at their first use, so a
// run that needs none of them (a pre-commit hook, a CI scan) does not map,
// relocate and initialise those libraries and the dozens they pull in.
// poppler (PDF text, source/pdf_module.h) and libcurl (verification,
// verify/http_module.h) were 10 of the ~17 ms that `keyward --version`
// took before anything ran.
//
//   ModuleLoad pdf = LoadModule("keyward-pdf.so", "keyward_pdf_module");
//   if (!pdf.table) warn(pdf.error);  // names the module and where it looked
//
// A module is looked for in $KEYWARD_MODULE_DIR when it is set, then in
// <executable's directory>/../lib/keyward (installed: /usr/bin/keyward and
// /usr/lib/keyward/), then beside the executable (the build tree). Its entry
// is an `extern "C"` function returning a table whose first two members are
// the table's ABI number and size (ModuleHeader); a table that does not
// match what the caller expects is refused, as from another build.
// Modules stay loaded until exit. Thread-safe.
#ifndef KEYWARD_BASE_MODULE_H_
#define KEYWARD_BASE_MODULE_H_

#include <cstddef>
#include <string>

namespace keyward {

// First members of every module table.
struct ModuleHeader {
  int abi;
  size_t size;
};

struct ModuleLoad {
  const void* table = nullptr;  // null when the module could not be loaded
  std::string error;            // why, naming the module and the places
};

// Loads `file_name` (once per process; later calls return the first
// outcome) and calls its `entry` function. `abi` and `size` must equal the
// table's header.
ModuleLoad LoadModule(const std::string& file_name, const char* entry, int abi,
                      size_t size);

}  // namespace keyward

#endif  // KEYWARD_BASE_MODULE_H_

// Test support: the optional modules (base/module.h) are built beside the
// keyward executable, not beside the test binary (build/tests/): point the
// loader at them unless the environment already names a place.
#include <cstdlib>

namespace {

const bool kModuleDirSet = [] {
  setenv("KEYWARD_MODULE_DIR", KEYWARD_MODULE_BUILD_DIR, 0);
  return true;
}();

}  // namespace

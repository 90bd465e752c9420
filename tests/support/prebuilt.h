// The built-in rules' databases the build compiled (scanner/gen/dbgen.cc),
// for tests that match with every built-in rule: ctest runs each test in a
// process of its own, and compiling ~470 rules costs ~20 s each time.
#ifndef KEYWARD_TESTS_SUPPORT_PREBUILT_H_
#define KEYWARD_TESTS_SUPPORT_PREBUILT_H_

#include "keyward/matcher.h"

namespace keyward::test {

// Options whose `prebuilt` is the build's pack (read once; empty when the
// build made none, and then the matcher compiles as usual).
MatcherOptions BuiltinMatcherOptions();

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_PREBUILT_H_

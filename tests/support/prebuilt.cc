#include "support/prebuilt.h"

#include <fstream>
#include <iterator>
#include <string>

namespace keyward::test {

MatcherOptions BuiltinMatcherOptions() {
  static const std::string* pack = [] {
    std::ifstream in(KEYWARD_PREBUILT_PACK, std::ios::binary);
    return new std::string((std::istreambuf_iterator<char>(in)),
                           std::istreambuf_iterator<char>());
  }();
  MatcherOptions opts;
  opts.prebuilt = *pack;
  return opts;
}

}  // namespace keyward::test

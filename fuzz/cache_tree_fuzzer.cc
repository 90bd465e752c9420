// An index file's bytes: ReadCacheTree (git/staged_paths.h), the reader of
// the cache tree `scan --staged` trusts to skip unchanged directories. What
// it accepts is a tree rooted at "", with no NUL in a name and no more nodes
// than the input's bytes could describe.
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "git/staged_paths.h"

namespace {

size_t Check(const keyward::git::CacheTreeNode& node, bool root) {
  if (root) {
    KEYWARD_FUZZ_CHECK(node.name.empty());
  } else {
    KEYWARD_FUZZ_CHECK(node.name.find('\0') == std::string::npos);
  }
  size_t nodes = 1;
  for (const auto& child : node.children) {
    nodes += Check(child, false);
  }
  return nodes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  keyward::git::CacheTreeNode root;
  if (!keyward::git::ReadCacheTree(keyward::fuzz::AsText(data, size), &root)) {
    return 0;
  }
  // Each node takes at least 5 bytes ("\0" "0 0\n").
  KEYWARD_FUZZ_CHECK(Check(root, true) <= size / 5 + 1);
  return 0;
}

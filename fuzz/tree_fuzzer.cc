// Raw git tree objects: ParseTreeEntry over any bytes, and SplitTree's
// delta shortcut checked against a plain parse. Input: 2 bytes base tree
// length (little endian), the base tree, a delta. The delta applied to the
// base gives the new tree; splitting it while reusing the base's entries
// the delta copies must give exactly the entries a plain split gives.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "git/pack_format.h"
#include "git/packed_trees.h"

namespace kg = keyward::git;

namespace {

struct Numbering {
  std::map<std::string, uint32_t> ids;
  uint32_t operator()(const kg::TreeEntry& e) {
    std::string id(reinterpret_cast<const char*>(e.id), kg::kSha1Size);
    return ids.emplace(id, ids.size()).first->second;
  }
};

bool SameEntries(const std::vector<kg::EntryAt>& a,
                 const std::vector<kg::EntryAt>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].offset != b[i].offset || a[i].kind != b[i].kind) return false;
    if (a[i].kind != kg::TreeEntry::kGitlink && a[i].id != b[i].id) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  keyward::fuzz::BaseAndDelta input;
  if (!input.Split(data, size)) return 0;
  std::string_view b = input.base, d = input.delta;

  // Entry by entry, as libgit2 would reject them.
  std::string_view rest = b;
  while (!rest.empty()) {
    kg::TreeEntry e;
    if (!kg::ParseTreeEntry(rest, &e).ok()) break;
    KEYWARD_FUZZ_CHECK(e.size > kg::kSha1Size && e.size <= rest.size());
    KEYWARD_FUZZ_CHECK(e.id + kg::kSha1Size ==
                       reinterpret_cast<const unsigned char*>(rest.data()) +
                           e.size);
    rest.remove_prefix(e.size);
  }

  Numbering number;
  auto num = [&number](const kg::TreeEntry& e) { return number(e); };
  std::vector<kg::EntryAt> base_split;
  if (!kg::SplitTree(b, {}, nullptr, num, &base_split).ok()) return 0;
  KEYWARD_FUZZ_CHECK(!base_split.empty() &&
                     base_split.back().offset == b.size());

  uint64_t source = 0, target = 0;
  size_t header = 0;
  if (!kg::ReadDeltaSizes(d, &source, &target, &header).ok()) return 0;
  if (source != b.size() || target > (1u << 20)) return 0;
  std::unique_ptr<char[]> out(new char[target ? target : 1]);
  if (!kg::ApplyDelta(b, d, out.get(), target).ok()) return 0;
  std::string_view content(out.get(), target);

  std::vector<kg::EntryAt> plain, shortcut;
  keyward::Status p = kg::SplitTree(content, {}, nullptr, num, &plain);
  keyward::Status s = kg::SplitTree(content, d, &base_split, num, &shortcut);
  KEYWARD_FUZZ_CHECK(p.ok() == s.ok());
  if (p.ok()) KEYWARD_FUZZ_CHECK(SameEntries(plain, shortcut));
  return 0;
}

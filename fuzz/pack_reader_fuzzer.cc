// A whole pack as PackReader and PackedTrees read it (`scan --git`): plan
// every object, decode every delta tree of every type, parse every tree.
// Input: 4 bytes index length (little endian), the .idx, the .pack. Both
// are written to a private objects/pack/ directory, as git would leave
// them. Corrupt packs must give fallbacks, failures or mismatches, never a
// crash, a loop or a read out of bounds.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "git/pack_reader.h"
#include "git/packed_trees.h"
#include "git/repo.h"

namespace kg = keyward::git;
namespace fs = std::filesystem;

namespace {

// A private directory for this process, removed at exit. Never destroyed
// itself: the exit handler that removes it runs after static destructors.
const std::string& ObjectsDir() {
  static const std::string* dir = [] {
    std::string tmpl = (fs::temp_directory_path() / "keyward-fuzz-XXXXXX");
    if (!mkdtemp(tmpl.data())) keyward::fuzz::Fail("mkdtemp");
    fs::create_directories(fs::path(tmpl) / "pack");
    kg::EnsureLibgit2();
    return new std::string(tmpl);
  }();
  static const bool cleanup = [] {
    return std::atexit([] {
             std::error_code ec;
             fs::remove_all(*dir, ec);
           }) == 0;
  }();
  (void)cleanup;
  return *dir;
}

void Write(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  size_t idx_len = data[0] | data[1] << 8 | data[2] << 16 |
                   static_cast<size_t>(data[3]) << 24;
  auto rest = keyward::fuzz::AsText(data + 4, size - 4);
  if (idx_len > rest.size()) idx_len = rest.size();
  const std::string& objects = ObjectsDir();
  Write(fs::path(objects) / "pack" / "pack-fuzz.idx", rest.substr(0, idx_len));
  Write(fs::path(objects) / "pack" / "pack-fuzz.pack", rest.substr(idx_len));

  auto reader = kg::PackReader::Open(objects);
  reader->PlanAll();
  size_t typed = 0;
  reader->ForEachObjectType([&](uint32_t n, kg::PackType) {
    KEYWARD_FUZZ_CHECK(n < reader->object_count());
    ++typed;
  });
  KEYWARD_FUZZ_CHECK(typed <= reader->wanted_count());
  kg::PackDecoder decoder(*reader);
  for (kg::PackType type : {kg::PackType::kCommit, kg::PackType::kTree,
                            kg::PackType::kBlob, kg::PackType::kTag}) {
    for (size_t t = 0; t < reader->tree_count(type); ++t) {
      std::vector<size_t> failed, mismatched;
      decoder.DecodeTree(
          type, t,
          [&](size_t index, std::string_view) {
            KEYWARD_FUZZ_CHECK(index < reader->wanted_count());
          },
          &failed, &mismatched);
    }
  }
  auto trees = kg::PackedTrees::Load(*reader, 1);
  for (size_t i = 0; i < reader->wanted_count(); ++i) {
    kg::PackedTrees::Entries e;
    if (trees->Find(reader->wanted_id(i), &e) != kg::PackedTrees::kFound) {
      continue;
    }
    for (uint32_t id : e.trees) KEYWARD_FUZZ_CHECK(id < trees->id_count());
    for (uint32_t id : e.blobs) KEYWARD_FUZZ_CHECK(id < trees->id_count());
  }
  return 0;
}

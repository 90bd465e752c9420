// Compiles the built-in rules' Hyperscan databases at build time and writes
// them as a prebuilt pack (scanner/hs_cache.h), which the keyward binary
// links in (cli/prebuilt/prebuilt_db.cc): a first run, a pre-commit hook on
// a fresh clone or a CI job on a fresh machine loads them in milliseconds
// instead of compiling for seconds.
//
//   keyward_dbgen OUT
//
// The pack holds the block database, the file-format (scoped) database (and
// one per file-format rule) and the stream database, keyed like the on-disk
// cache (rule set digest, Hyperscan version, CPU features), compiled for this
// machine's CPU, plus the block and scoped databases capped at AVX2 so that the
// binary's pack loads on other machines too. When OUT already holds entries for
// exactly these keys it is left alone, so a rebuild that did not change the
// rules costs no compile.
#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/rules.h"
#include "scanner/hs_cache.h"

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "keyward_dbgen: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return Fail("usage: keyward_dbgen OUT");
  const std::string out = argv[1];
  auto rules = keyward::RuleSet::Builtin();
  if (!rules.ok()) return Fail(rules.status().message());
  const std::string digest = rules->Digest();
  // Two variants: for this machine's CPU features (full speed where the
  // binary was built, e.g. CI), and capped at AVX2 (other machines; an
  // AVX2 database runs ~1.5x slower on an AVX-512 machine, so it is only the
  // fallback). The second is skipped when they coincide. The keys are those
  // Matcher uses for its databases (scanner/matcher.cc).
  struct Variant {
    bool portable;
    unsigned long long features;
    std::vector<keyward::HsCacheKey> keys;
  };
  std::vector<Variant> variants;
  for (bool portable : {false, true}) {
    unsigned long long features = portable ? keyward::PortableCpuFeatures()
                                           : keyward::NativeCpuFeatures();
    if (portable && features == variants[0].features) break;
    std::vector<keyward::HsCacheKey> keys = {
        keyward::MakeHsCacheKey(digest, features),
        keyward::MakeHsCacheKey(digest + "|scoped", features)};
    // Each file-format rule's own database (a file runs those that apply).
    for (const keyward::Rule& r : rules->rules()) {
      if (r.paths.empty()) continue;
      keys.push_back(
          keyward::MakeHsCacheKey(digest + "|scoped|" + r.id, features));
    }
    // The stream databases (stdin, huge files) only for this machine: with
    // every pattern, and without the file-format rules' (stdin's).
    if (!portable) {
      keys.push_back(keyward::MakeHsCacheKey(digest + "|stream", features));
      keys.push_back(
          keyward::MakeHsCacheKey(digest + "|stream-main", features));
    }
    variants.push_back({portable, features, keys});
  }

  std::string existing = ReadFile(out);
  bool current = !existing.empty();
  for (const auto& v : variants) {
    for (const auto& k : v.keys) {
      current = current && !keyward::FindPackedHsEntry(existing, k).empty();
    }
  }
  if (current) return 0;

  char tmpl[] = "/tmp/keyward-dbgen-XXXXXX";
  if (!mkdtemp(tmpl)) return Fail("cannot create a temporary directory");
  const std::string dir = tmpl;
  std::vector<std::pair<keyward::HsCacheKey, std::string>> entries;
  for (const auto& v : variants) {
    keyward::MatcherOptions opts;
    opts.cache_dir = dir;
    opts.portable = v.portable;
    auto matcher = keyward::Matcher::Create(*rules, opts);
    if (!matcher.ok()) return Fail(matcher.status().message());
    // A block scan with no path loads (compiles and caches) the block and
    // the scoped database; opening a stream, the stream database.
    auto scratch = (*matcher)->NewScratch();
    std::vector<keyward::RuleMatch> found;
    if (auto s = (*matcher)->Scan("x", scratch.get(), &found); !s.ok()) {
      return Fail(s.ToString());
    }
    (*matcher)->LoadFileFormatDatabases();
    if (!v.portable) {
      (*matcher)->OpenStream(scratch.get());       // every rule applies
      (*matcher)->OpenStream(scratch.get(), "-");  // no file-format rule
    }
    for (const auto& k : v.keys) {
      std::string file = dir + "/" + k.hex + ".hsdb";
      std::string bytes = ReadFile(file);
      unlink(file.c_str());
      if (bytes.empty()) return Fail("no database was compiled for " + k.hex);
      entries.push_back({k, std::move(bytes)});
    }
  }
  rmdir(dir.c_str());
  std::string tmp = out + ".tmp";
  {
    std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
    std::string pack = keyward::PackHsEntries(entries);
    o.write(pack.data(), pack.size());
    if (!o) return Fail("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), out.c_str()) != 0) {
    return Fail("cannot rename " + tmp + " to " + out);
  }
  std::fprintf(stderr, "keyward_dbgen: %zu rules compiled into %s\n",
               rules->rules().size(), out.c_str());
  return 0;
}

// The always-on Hyperscan database on its own, for bench/hs_cost.sh: what a
// set of patterns costs to scan, counted by valgrind (instructions and
// simulated branch misses), which unlike wall or CPU time does not move with
// the machine's load.
//
//   keyward_hs_cost compile PATTERNS DB [--pad] [--native]
//                                  # PATTERNS: "id<TAB>pattern" lines
//   keyward_hs_cost scan DB DATA          # run under valgrind by the script
//   keyward_hs_cost time DATA REPS DB...  # native timing, no valgrind
//
// `compile` takes each pattern as the matcher does (exact, else
// HS_FLAG_PREFILTER; a pattern Hyperscan refuses is left out and named on
// stderr, as the matcher confirms those with RE2 alone), for at most AVX2,
// which valgrind can run (--native: for this CPU, AVX-512 included, as the
// matcher compiles); with --pad, plus the padding literals the matcher adds
// to a set as large (scanner/matcher_impl.h, PadLiterals). `scan` scans DATA
// in 1 MiB blocks inside ScanAll, the function the script tells valgrind to
// count. `time` runs ScanAll natively over DATA REPS times for each DB in
// turn (interleaved, so a change in the machine's load hits them alike) and
// prints the best and the median milliseconds: valgrind cannot run the
// AVX-512 code Hyperscan uses where the CPU has it, and the costs differ
// there (bench/README.md, "Fifteenth session"). Not built by default:
// `cmake --build build --target keyward_hs_cost`.
#include <hs/hs.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "scanner/matcher_impl.h"

namespace {

std::string Slurp(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The flags the matcher would use (scanner/matcher.cc, ProbeHyperscan), or
// false when Hyperscan takes the pattern neither way.
bool Probe(const std::string& pattern, unsigned* flags) {
  for (unsigned f : {0u, unsigned(HS_FLAG_PREFILTER)}) {
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_compile(pattern.c_str(), f, HS_MODE_BLOCK, nullptr, &db, &err) ==
        HS_SUCCESS) {
      hs_free_database(db);
      *flags = f;
      return true;
    }
    hs_free_compile_error(err);
  }
  return false;
}

int Compile(const char* patterns_path, const char* db_path, bool pad,
            bool native) {
  std::ifstream in(patterns_path);
  std::vector<std::string> patterns;
  std::vector<unsigned> flags, ids;
  std::string line;
  size_t refused = 0;
  for (unsigned n = 0; std::getline(in, line); ++n) {
    size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    std::string pattern = line.substr(tab + 1);
    unsigned f = 0;
    if (!Probe(pattern, &f)) {
      std::fprintf(stderr, "not taken by Hyperscan (RE2 only): %s\n",
                   line.substr(0, tab).c_str());
      ++refused;
      continue;
    }
    patterns.push_back(std::move(pattern));
    flags.push_back(f);
    ids.push_back(n);
  }
  const size_t taken = patterns.size();
  if (pad && taken >= keyward::kPadFromExpressions) {
    for (const std::string& p : keyward::PadLiterals()) {
      patterns.push_back(p);
      flags.push_back(0);
      ids.push_back(keyward::kPadId);
    }
  }
  std::vector<const char*> ptrs;
  for (const auto& p : patterns) ptrs.push_back(p.c_str());
  hs_platform_info_t plat;
  hs_populate_platform(&plat);
  if (!native) plat.cpu_features &= HS_CPU_FEATURES_AVX2;  // for valgrind
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(ptrs.data(), flags.data(), ids.data(), ptrs.size(),
                       HS_MODE_BLOCK, &plat, &db, &err) != HS_SUCCESS) {
    std::fprintf(stderr, "cannot compile: %s\n", err ? err->message : "?");
    return 1;
  }
  char* bytes = nullptr;
  size_t size = 0;
  if (hs_serialize_database(db, &bytes, &size) != HS_SUCCESS) return 1;
  std::ofstream(db_path, std::ios::binary).write(bytes, size);
  std::printf(
      "%zu patterns (%zu left to RE2, %zu padding), database %zu "
      "bytes\n",
      taken, refused, patterns.size() - taken, size);
  std::free(bytes);
  hs_free_database(db);
  return 0;
}

int OnMatch(unsigned, unsigned long long, unsigned long long, unsigned,
            void* ctx) {
  ++*static_cast<size_t*>(ctx);
  return 0;
}

}  // namespace

// Not static and not inlined: the script names it to valgrind.
extern "C" __attribute__((noinline)) size_t ScanAll(const hs_database_t* db,
                                                    hs_scratch_t* scratch,
                                                    const std::string& data) {
  size_t matches = 0;
  constexpr size_t kBlock = 1 << 20;
  for (size_t off = 0; off < data.size(); off += kBlock) {
    hs_scan(db, data.data() + off,
            static_cast<unsigned>(std::min(kBlock, data.size() - off)), 0,
            scratch, OnMatch, &matches);
  }
  return matches;
}

static bool Load(const char* path, hs_database_t** db, hs_scratch_t** scratch) {
  std::string bytes = Slurp(path);
  if (hs_deserialize_database(bytes.data(), bytes.size(), db) != HS_SUCCESS) {
    std::fprintf(stderr, "%s: not a database for this machine\n", path);
    return false;
  }
  return hs_alloc_scratch(*db, scratch) == HS_SUCCESS;
}

// `time DATA REPS DB...`: best and median ms per pass for each database.
static int Time(int argc, char** argv) {
  std::string data = Slurp(argv[2]);
  if (data.empty()) {
    std::fprintf(stderr, "%s: no text to scan (missing or empty)\n", argv[2]);
    return 2;
  }
  const int reps = std::max(1, std::atoi(argv[3]));
  const int n = argc - 4;
  std::vector<hs_database_t*> dbs(n, nullptr);
  std::vector<hs_scratch_t*> scratches(n, nullptr);
  for (int i = 0; i < n; i++) {
    if (!Load(argv[4 + i], &dbs[i], &scratches[i])) return 1;
  }
  std::vector<std::vector<double>> ms(n);
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < n; i++) {
      auto start = std::chrono::steady_clock::now();
      ScanAll(dbs[i], scratches[i], data);
      ms[i].push_back(std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count());
    }
  }
  for (int i = 0; i < n; i++) {
    std::sort(ms[i].begin(), ms[i].end());
    std::printf("%-40s best %8.2f ms  median %8.2f ms  %6.2f GB/s\n",
                argv[4 + i], ms[i][0], ms[i][ms[i].size() / 2],
                data.size() / ms[i][0] / 1e6);
    hs_free_scratch(scratches[i]);
    hs_free_database(dbs[i]);
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc >= 4 && !std::strcmp(argv[1], "compile")) {
    bool pad = false, native = false, ok = true;
    for (int i = 4; i < argc; i++) {
      if (!std::strcmp(argv[i], "--pad")) {
        pad = true;
      } else if (!std::strcmp(argv[i], "--native")) {
        native = true;
      } else {
        ok = false;
      }
    }
    if (ok) return Compile(argv[2], argv[3], pad, native);
  }
  if (argc >= 5 && !std::strcmp(argv[1], "time")) return Time(argc, argv);
  if (argc != 4 || std::strcmp(argv[1], "scan")) {
    std::fprintf(stderr,
                 "usage: keyward_hs_cost compile PATTERNS DB [--pad] "
                 "[--native] | scan DB DATA | time DATA REPS DB...\n");
    return 2;
  }
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
  if (!Load(argv[2], &db, &scratch)) return 1;
  std::string data = Slurp(argv[3]);
  std::printf("%zu matches\n", ScanAll(db, scratch, data));
  hs_free_scratch(scratch);
  hs_free_database(db);
  return 0;
}

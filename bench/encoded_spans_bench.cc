// Throughput of the encoded-string search (source/encoded_spans.h) over the
// text files of a tree, held in memory: what a directory scan pays for it
// per byte, without the reads and the matcher.
//
//   keyward_encoded_spans_bench DIR [ROUNDS]
//
// Prints the bytes searched, the spans found (count, decoded bytes and a
// digest of their places, encodings and text, to compare two builds) and the
// best round's seconds and MB/s, for the search as the scan runs it (AVX2
// where the CPU has it) and for its portable (SSE2) version. Each file is
// read once before its search is timed, so it is in the CPU's caches as
// after the scan's read and match. Binary files (a NUL in the first 8 KB)
// are left out, as the scan leaves them out. Not built by default:
// `cmake --build build --target keyward_encoded_spans_bench`.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "source/encoded_spans.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [ROUNDS]\n", argv[0]);
    return 2;
  }
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  std::vector<std::string> files;
  size_t bytes = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(
           argv[1],
           std::filesystem::directory_options::skip_permission_denied)) {
    if (!e.is_regular_file() || e.is_symlink()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    if (std::memchr(s.data(), 0, std::min<size_t>(s.size(), 8192))) continue;
    bytes += s.size();
    files.push_back(std::move(s));
  }
  keyward::SpanLimits limits;
  for (keyward::SpanSimd simd :
       {keyward::SpanSimd::kAuto, keyward::SpanSimd::kPortable}) {
    double best = 1e18;
    size_t spans = 0, decoded = 0;
    uint64_t digest = 0;
    for (int r = 0; r < rounds; r++) {
      spans = decoded = 0;
      digest = 1469598103934665603ull;
      auto mix = [&](uint64_t v) { digest = (digest ^ v) * 1099511628211ull; };
      double seconds = 0;
      for (const std::string& f : files) {
        // Into the caches, as the scan's read and match leave it.
        if (std::memchr(f.data(), 1, f.size()) != nullptr) mix(1);
        uint64_t budget = 64ull << 20;
        bool hit = false;
        std::vector<keyward::DecodedSpan> out;
        auto t0 = std::chrono::steady_clock::now();
        keyward::FindEncodedSpans(f, limits, &budget, &hit, &out, simd);
        seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
                .count();
        spans += out.size();
        for (const auto& s : out) {
          decoded += s.text.size();
          mix(s.begin);
          mix(s.end);
          mix(static_cast<uint64_t>(s.encoding));
          for (unsigned char c : s.text) mix(c);
        }
      }
      if (seconds < best) best = seconds;
    }
    const bool avx2 =
        simd == keyward::SpanSimd::kAuto && keyward::SpanSearchHasAvx2();
    std::printf(
        "%-8s %zu files, %.1f MB: %zu spans, %zu decoded bytes, digest "
        "%016llx; best of %d: %.3f s, %.0f MB/s\n",
        avx2 ? "avx2" : "portable", files.size(), bytes / 1048576.0, spans,
        decoded, static_cast<unsigned long long>(digest), rounds, best,
        bytes / 1048576.0 / best);
  }
  return 0;
}

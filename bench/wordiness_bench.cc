// Scores values with the word-likeness signal (scanner/wordiness.h).
//
//   keyward_wordiness_bench < values.txt          score<TAB>value per line
//   keyward_wordiness_bench --time < values.txt   ns per CharsPerToken call
//
// Not built by default: `cmake --build build --target keyward_wordiness_bench`.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "scanner/wordiness.h"

int main(int argc, char** argv) {
  bool time = argc > 1 && std::string(argv[1]) == "--time";
  std::vector<std::string> values;
  for (std::string line; std::getline(std::cin, line);) values.push_back(line);
  if (!time) {
    for (const auto& v : values) {
      std::printf("%.3f\t%s\n", keyward::CharsPerToken(v), v.c_str());
    }
    return 0;
  }
  if (values.empty()) return 1;
  keyward::CharsPerToken("warm up");  // loads the merges
  size_t bytes = 0;
  for (const auto& v : values) bytes += v.size();
  double sink = 0, best = 1e18;
  for (int round = 0; round < 5; round++) {
    auto t0 = std::chrono::steady_clock::now();
    for (int rep = 0; rep < 20; rep++) {
      for (const auto& v : values) sink += keyward::CharsPerToken(v);
    }
    auto t1 = std::chrono::steady_clock::now();
    double ns = std::chrono::duration<double, std::nano>(t1 - t0).count() /
                (20.0 * values.size());
    if (ns < best) best = ns;
  }
  std::printf("%zu values, mean %.1f bytes: best of 5 %.0f ns per call (%g)\n",
              values.size(), static_cast<double>(bytes) / values.size(), best,
              sink > 0 ? 1.0 : 0.0);
  std::printf("merges: %zu\n", keyward::BpeMergeCount());
  return 0;
}

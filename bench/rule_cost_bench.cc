// What each rule costs on its own: compiles a matcher with one rule (and the
// rules it supersedes) and times a scan of real files with it, so that rule
// authors see which patterns make the Hyperscan database slow.
//
//   keyward_rule_cost_bench [--top N] [--max-mb MB] [--only IDS] DIR...
//
// Reads regular files under DIR (up to --max-mb, default 128) into memory,
// measures the scan with no rule (the floor: per-file overhead) and with each
// built-in rule alone (best of 3), and prints the rules by cost, in ms and in
// MB/s. `--only IDS` keeps only the rules listed in file IDS (one id per
// line; e.g. an older release's `rules list`) to compare rule sets. Single-rule
// costs do not add up to the whole set's (Hyperscan shares work between
// literals), but a rule that is slow alone is slow in the set. Not built by
// default: `cmake --build build --target keyward_rule_cost_bench`.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "keyward/matcher.h"
#include "keyward/rules.h"

namespace {

struct File {
  std::string path, data;
};

std::vector<File> ReadFiles(const std::vector<std::string>& dirs,
                            size_t max_bytes) {
  std::vector<File> files;
  size_t total = 0;
  for (const auto& dir : dirs) {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(
             dir, std::filesystem::directory_options::skip_permission_denied,
             ec);
         it != std::filesystem::recursive_directory_iterator();
         it.increment(ec)) {
      if (ec || !it->is_regular_file(ec)) continue;
      std::ifstream in(it->path(), std::ios::binary);
      std::string data((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
      if (data.find('\0') != std::string::npos) continue;  // binary
      total += data.size();
      files.push_back({it->path().string(), std::move(data)});
      if (total >= max_bytes) return files;
    }
  }
  return files;
}

// CPU time this thread used: unlike wall time, it barely changes when other
// processes share the cores, so rule sets can be compared on a busy machine.
double ThreadCpuMillis() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct Cost {
  double ms = 0;
  double cpu_ms = 0;  // this thread's CPU time
};

// The best of 3 scans of `files`, in wall time and in cycles.
Cost ScanCost(const keyward::Matcher& m, const std::vector<File>& files) {
  auto scratch = m.NewScratch();
  std::vector<keyward::RuleMatch> out;
  Cost best{1e300, 1e300};
  for (int round = 0; round < 3; round++) {
    double c0 = ThreadCpuMillis();
    auto t0 = std::chrono::steady_clock::now();
    for (const auto& f : files) {
      out.clear();
      if (!m.Scan(f.data, scratch.get(), &out, f.path).ok()) std::abort();
    }
    auto t1 = std::chrono::steady_clock::now();
    double c1 = ThreadCpuMillis();
    best.ms = std::min(
        best.ms, std::chrono::duration<double, std::milli>(t1 - t0).count());
    best.cpu_ms = std::min(best.cpu_ms, c1 - c0);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  size_t top = 40, max_mb = 128, split = 0;
  bool portable = false;  // compile as prebuilt packs are (at most AVX2)
  std::vector<std::string> dirs;
  std::set<std::string> only;  // --only FILE: rule ids, one per line
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--top" && i + 1 < argc) {
      top = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--only" && i + 1 < argc) {
      std::ifstream in(argv[++i]);
      for (std::string id; std::getline(in, id);) {
        if (!id.empty()) only.insert(id);
      }
    } else if (a == "--portable") {
      portable = true;
    } else if (a == "--split" && i + 1 < argc) {
      split = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--max-mb" && i + 1 < argc) {
      max_mb = std::strtoul(argv[++i], nullptr, 10);
    } else {
      dirs.push_back(a);
    }
  }
  if (dirs.empty()) {
    std::fprintf(stderr,
                 "usage: keyward_rule_cost_bench [--top N] [--max-mb MB] "
                 "DIR...\n");
    return 2;
  }
  auto all = keyward::RuleSet::Builtin();
  if (!all.ok()) {
    std::fprintf(stderr, "%s\n", all.status().message().c_str());
    return 2;
  }
  if (!only.empty()) {
    std::vector<std::string> drop;
    for (const auto& r : all->rules()) {
      if (!only.count(r.id)) drop.push_back(r.id);
    }
    if (auto st = all->Disable(drop); !st.ok()) {
      std::fprintf(stderr, "%s\n", st.message().c_str());
      return 2;
    }
  }
  auto files = ReadFiles(dirs, max_mb << 20);
  size_t bytes = 0;
  for (const auto& f : files) bytes += f.data.size();
  std::printf("%zu files, %.1f MB in memory, %zu rules\n", files.size(),
              bytes / 1048576.0, all->rules().size());

  {
    keyward::MatcherOptions opts;
    opts.portable = portable;
    auto m = keyward::Matcher::Create(*all, opts);
    if (!m.ok()) {
      std::fprintf(stderr, "%s\n", m.status().message().c_str());
      return 2;
    }
    Cost c = ScanCost(**m, files);
    std::printf("all rules: %.1f ms, %.0f MB/s, %.1f CPU-ms\n", c.ms,
                bytes / 1048576.0 / (c.ms / 1000.0), c.cpu_ms);
  }
  if (split > 1) {
    // The set as `split` databases (round robin), scanned one after another.
    std::vector<std::unique_ptr<keyward::Matcher>> parts;
    for (size_t k = 0; k < split; k++) {
      std::set<std::string> keep;
      for (size_t i = 0; i < all->rules().size(); i++) {
        if (i % split == k) keep.insert(all->rules()[i].id);
      }
      for (bool grew = true; grew;) {
        grew = false;
        for (const auto& r : all->rules()) {
          if (!keep.count(r.id)) continue;
          for (const auto& s : r.supersedes) grew |= keep.insert(s).second;
        }
      }
      std::vector<std::string> drop;
      for (const auto& r : all->rules()) {
        if (!keep.count(r.id)) drop.push_back(r.id);
      }
      keyward::RuleSet part = *all;
      if (auto st = part.Disable(drop); !st.ok()) return 2;
      auto m = keyward::Matcher::Create(part);
      if (!m.ok()) return 2;
      parts.push_back(std::move(*m));
    }
    double ms = 0;
    for (const auto& m : parts) {
      double one = ScanCost(*m, files).ms;
      std::printf("  part: %zu rules, %.1f ms\n", m->rules().size(), one);
      ms += one;
    }
    std::printf("split in %zu: %.1f ms, %.0f MB/s\n", split, ms,
                bytes / 1048576.0 / (ms / 1000.0));
  }
  if (top == 0) return 0;  // --top 0: the whole set only
  struct RuleCost {
    std::string id;
    Cost cost;
  };
  std::vector<RuleCost> costs;
  const auto& rules = all->rules();
  for (size_t i = 0; i < rules.size(); i++) {
    // Keep the rule and, transitively, the rules it supersedes.
    std::set<std::string> keep = {rules[i].id};
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& r : rules) {
        if (!keep.count(r.id)) continue;
        for (const auto& s : r.supersedes) grew |= keep.insert(s).second;
      }
    }
    std::vector<std::string> drop;
    for (const auto& r : rules) {
      if (!keep.count(r.id)) drop.push_back(r.id);
    }
    keyward::RuleSet one = *all;
    if (auto st = one.Disable(drop); !st.ok()) {
      std::fprintf(stderr, "%s\n", st.message().c_str());
      return 2;
    }
    auto m = keyward::Matcher::Create(one);
    if (!m.ok()) {
      std::fprintf(stderr, "%s: %s\n", rules[i].id.c_str(),
                   m.status().message().c_str());
      return 2;
    }
    costs.push_back({rules[i].id, ScanCost(**m, files)});
  }
  // By CPU time: steadier than wall time on a shared machine.
  std::sort(costs.begin(), costs.end(),
            [](const RuleCost& a, const RuleCost& b) {
              return a.cost.cpu_ms > b.cost.cpu_ms;
            });
  double sum = 0;
  for (const auto& c : costs) sum += c.cost.ms;
  std::printf("sum of single-rule scans: %.0f ms\n", sum);
  std::printf("%10s %10s %10s  %s\n", "ms", "MB/s", "CPU-ms", "rule");
  for (size_t i = 0; i < costs.size() && i < top; i++) {
    std::printf("%10.1f %10.0f %10.0f  %s\n", costs[i].cost.ms,
                bytes / 1048576.0 / (costs[i].cost.ms / 1000.0),
                costs[i].cost.cpu_ms, costs[i].id.c_str());
  }
  return 0;
}

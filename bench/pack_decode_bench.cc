// Decode-only throughput of PackReader (no matching): how fast the pack
// reader itself turns a repository's packs into blob contents.
//
//   cmake --build build --target keyward_pack_bench
//   build/keyward_pack_bench /work/bench-git [threads] [--odb]
//
// Lists every blob in the object database (untimed), then times Plan and
// the decoding of all delta trees with `threads` workers. --odb also times
// reading the same blobs one by one with git_odb_read (the old path).
// Not a test; prints figures.
#include <git2.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "git/pack_reader.h"
#include "git/repo.h"

namespace {

using Clock = std::chrono::steady_clock;
// Current and peak resident set size, from /proc/self/status.
std::string Rss() {
  std::ifstream in("/proc/self/status");
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0 || line.rfind("VmHWM:", 0) == 0) {
      out += line.substr(0, 6) + line.substr(line.find_first_not_of(" \t", 6)) +
             " ";
    }
  }
  return out;
}

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace keyward::git;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s REPO [threads] [--odb]\n", argv[0]);
    return 2;
  }
  int threads = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2;
  bool odb_too = argc > 3 && std::strcmp(argv[3], "--odb") == 0;
  auto repo = OpenRepo(argv[1]);
  if (!repo.ok()) {
    std::fprintf(stderr, "%s\n", repo.status().ToString().c_str());
    return 2;
  }
  git_odb* odb = nullptr;
  git_repository_odb(&odb, repo->get());
  std::vector<git_oid> ids, blobs;
  git_odb_foreach(
      odb,
      [](const git_oid* id, void* p) {
        static_cast<std::vector<git_oid>*>(p)->push_back(*id);
        return 0;
      },
      &ids);
  for (const git_oid& id : ids) {
    size_t size;
    git_object_t type;
    if (git_odb_read_header(&size, &type, odb, &id) == 0 &&
        type == GIT_OBJECT_BLOB) {
      blobs.push_back(id);
    }
  }

  std::printf("before: %s\n", Rss().c_str());
  // What a full-history scan plans: every entry of every pack.
  double plan_all = 1e9;
  for (int i = 0; i < 5; ++i) {
    auto ta = Clock::now();
    auto all = PackReader::Open(ObjectsDir(repo->get()));
    all->PlanAll();
    plan_all = std::min(plan_all, Since(ta));
  }
  std::printf("plan of every pack entry (PlanAll, best of 5): %.4fs\n",
              plan_all);
  auto t0 = Clock::now();
  auto reader = PackReader::Open(ObjectsDir(repo->get()));
  std::vector<size_t> fallback;
  reader->Plan(blobs, &fallback);
  double plan = Since(t0);

  std::atomic<size_t> next{0};
  std::atomic<uint64_t> wanted_bytes{0}, entries{0}, decoded{0};
  std::vector<double> busiest(threads, 0);
  auto t1 = Clock::now();
  auto work = [&](int slot) {
    PackDecoder decoder(*reader);
    std::vector<size_t> failed;
    uint64_t bytes = 0;
    auto visit = [&](size_t, std::string_view d) { bytes += d.size(); };
    for (;;) {
      size_t t = next.fetch_add(1);
      if (t >= reader->tree_count(PackType::kBlob)) break;
      auto ts = Clock::now();
      decoder.DecodeTree(PackType::kBlob, t, visit, &failed, &failed);
      busiest[slot] = std::max(busiest[slot], Since(ts));
    }
    wanted_bytes += bytes;
    entries += decoder.entries_decoded();
    decoded += decoder.bytes_decoded();
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(work, i);
  work(0);
  for (auto& th : pool) th.join();
  double decode = Since(t1);
  std::printf("after decoding: %s\n", Rss().c_str());
  double longest = *std::max_element(busiest.begin(), busiest.end());

  std::printf(
      "blobs %zu (fallback %zu), packs %zu, trees %zu\n"
      "plan %.3fs; decode %.3fs with %d threads (longest tree %.3fs)\n"
      "entries inflated %llu, bytes produced %.1f MB, wanted blob bytes "
      "%.1f MB\n"
      "decode-only: %.0f MB/s of blob bytes (plan included: %.0f MB/s)\n",
      blobs.size(), fallback.size(), reader->pack_count(),
      reader->tree_count(PackType::kBlob), plan, decode, threads, longest,
      static_cast<unsigned long long>(entries.load()), decoded / 1e6,
      wanted_bytes / 1e6, wanted_bytes / 1e6 / decode,
      wanted_bytes / 1e6 / (decode + plan));

  if (odb_too) {
    auto t2 = Clock::now();
    std::atomic<size_t> k{0};
    auto read = [&](int) {
      git_odb* o = nullptr;
      auto r = OpenRepo(argv[1]);
      git_repository_odb(&o, r->get());
      for (size_t i = k++; i < blobs.size(); i = k++) {
        git_odb_object* obj = nullptr;
        if (git_odb_read(&obj, o, &blobs[i]) == 0) git_odb_object_free(obj);
      }
      git_odb_free(o);
    };
    std::vector<std::thread> p2;
    for (int i = 1; i < threads; ++i) p2.emplace_back(read, i);
    read(0);
    for (auto& th : p2) th.join();
    double odb_s = Since(t2);
    std::printf("git_odb_read one by one: %.3fs, %.0f MB/s\n", odb_s,
                wanted_bytes / 1e6 / odb_s);
  }
  git_odb_free(odb);
  return 0;
}

#include "cli/progress_line.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/commands.h"

namespace keyward::cli {
namespace {

constexpr int64_t kFirstDrawNs = 1'000'000'000;  // quiet for short scans
constexpr int64_t kRedrawNs = 200'000'000;

}  // namespace

bool ShouldShowProgress() {
  const char* ci = std::getenv("CI");
  bool in_ci =
      ci && *ci && std::string(ci) != "false" && std::string(ci) != "0";
  return !in_ci && isatty(STDERR_FILENO);
}

ProgressLine::ProgressLine(bool enabled)
    : enabled_(enabled), start_(Clock::now()), next_draw_ns_(kFirstDrawNs) {}

std::function<void(const ScanStats&)> ProgressLine::Callback() {
  if (!enabled_) return {};
  return [this](const ScanStats& delta) { Update(delta); };
}

void ProgressLine::Update(const ScanStats& delta) {
  if (!enabled_) return;
  files_.fetch_add(delta.files, std::memory_order_relaxed);
  bytes_.fetch_add(delta.bytes, std::memory_order_relaxed);
  findings_.fetch_add(delta.findings, std::memory_order_relaxed);
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    Clock::now() - start_)
                    .count();
  int64_t due = next_draw_ns_.load(std::memory_order_relaxed);
  // One thread wins the right to draw; the others go straight back to work.
  if (now < due || !next_draw_ns_.compare_exchange_strong(
                       due, now + kRedrawNs, std::memory_order_relaxed)) {
    return;
  }
  std::lock_guard<std::mutex> lock(draw_mu_);
  double mb = bytes_.load(std::memory_order_relaxed) / 1e6;
  double seconds = now / 1e9;
  // Standard input (or one large file) is one file still being read: its
  // bytes tell the progress, a file count of 0 would not.
  uint64_t files = files_.load();
  std::string counted = files == 0 ? "" : CountOf(files, "file") + ", ";
  std::fprintf(stderr, "\rkeyward: %s%.1f MB, %.1f MB/s, %s\033[K",
               counted.c_str(), mb, mb / seconds,
               CountOf(findings_.load(), "finding").c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::Finish() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(draw_mu_);
  if (drawn_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    drawn_ = false;
  }
}

}  // namespace keyward::cli

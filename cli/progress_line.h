// A live progress line on stderr for long scans:
//   "keyward: 1234 files, 512.0 MB, 830.2 MB/s, 3 findings"
//   "keyward: 512.0 MB, 830.2 MB/s, 1 finding"     (stdin: bytes, no files)
// Shown only when stderr is a terminal, CI is not set, and the scan has run
// for more than a second; redrawn in place (\r) at most 5 times a second
// and erased by Finish(), so piped output and logs never see it.
//
// Thread safety: Update() may be called from any number of worker threads
// (it is the ScanOptions::progress callback); Finish() once, after the scan.
#ifndef KEYWARD_CLI_PROGRESS_LINE_H_
#define KEYWARD_CLI_PROGRESS_LINE_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>

#include "keyward/scan.h"

namespace keyward::cli {

class ProgressLine {
 public:
  // `enabled` false makes every call a no-op; see ShouldShowProgress().
  explicit ProgressLine(bool enabled);
  ~ProgressLine() { Finish(); }

  // A ScanOptions::progress callback feeding this line (empty when
  // disabled, so workers skip the call entirely). Valid while *this lives.
  std::function<void(const ScanStats&)> Callback();

  void Update(const ScanStats& delta);
  void Finish();  // erases the line if one was drawn

 private:
  using Clock = std::chrono::steady_clock;
  const bool enabled_;
  const Clock::time_point start_;
  std::atomic<uint64_t> files_{0}, bytes_{0}, findings_{0};
  std::atomic<int64_t> next_draw_ns_;  // since start_; 1 s at first
  std::mutex draw_mu_;
  bool drawn_ = false;  // guarded by draw_mu_
};

// True when stderr is a terminal and the CI environment variable is unset
// (or "false"/"0").
bool ShouldShowProgress();

}  // namespace keyward::cli

#endif  // KEYWARD_CLI_PROGRESS_LINE_H_

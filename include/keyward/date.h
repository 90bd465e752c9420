// Dates and the one clock (base/date.cc).
//
// Dates are ISO "YYYY-MM-DD" strings, in UTC. Only SystemClock reads the
// system time; everything that needs "today" takes a Clock (or a date), so
// tests and `--today` fix it.
//
// Thread safety: every function and both clocks may be used from any thread.
#ifndef KEYWARD_DATE_H_
#define KEYWARD_DATE_H_

#include <string>
#include <string_view>

namespace keyward {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::string Today() const = 0;  // "YYYY-MM-DD"
};

// Today's date in UTC. Construct it at the edge (the CLI), pass it down.
class SystemClock : public Clock {
 public:
  std::string Today() const override;
};

// Always the same day: for tests and for `--today`.
class FixedClock : public Clock {
 public:
  explicit FixedClock(std::string today) : today_(std::move(today)) {}
  std::string Today() const override { return today_; }

 private:
  std::string today_;
};

// True for a valid calendar date written as YYYY-MM-DD.
bool IsIsoDate(std::string_view text);
// Days since 1970-01-01 of a valid date; REQUIRES: IsIsoDate(date).
long DaysFromEpoch(std::string_view date);
std::string DateFromDays(long days);

}  // namespace keyward

#endif  // KEYWARD_DATE_H_

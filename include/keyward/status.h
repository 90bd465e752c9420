// Status: the result of a fallible library call, after LevelDB's Status.
//
//   keyward::Status s = rules.LoadFile(path);
//   if (!s.ok()) std::cerr << s.ToString() << "\n";
//
// Success carries no allocation. Errors carry a code and a message that names
// the place (file, line, rule id) where the problem is. The library never
// throws; the CLI maps codes to exit status 2.
#ifndef KEYWARD_STATUS_H_
#define KEYWARD_STATUS_H_

#include <string>
#include <utility>

namespace keyward {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // bad usage or option value
    kIoError,          // a file could not be read or written
    kNotFound,
    kCorruption,  // a file the user owns is malformed (never overwritten)
    kConfig,      // a rule or configuration file is invalid
    kBusy,        // a lock could not be taken in time
    kInternal,    // a broken invariant or a dependency's failure (a bug)
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status IoError(std::string msg) {
    return Status(Code::kIoError, std::move(msg));
  }
  static Status NotFound(std::string msg) {
    return Status(Code::kNotFound, std::move(msg));
  }
  static Status Corruption(std::string msg) {
    return Status(Code::kCorruption, std::move(msg));
  }
  static Status Config(std::string msg) {
    return Status(Code::kConfig, std::move(msg));
  }
  static Status Busy(std::string msg) {
    return Status(Code::kBusy, std::move(msg));
  }
  static Status Internal(std::string msg) {
    return Status(Code::kInternal, std::move(msg));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T>: a value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  // A Result holds a value or an error: an OK Status has no value to give,
  // so it becomes an internal error rather than an "ok" default value.
  Result(Status status)  // NOLINT: implicit by design
      : status_(status.ok() ? Status::Internal("a Result was built from an OK "
                                               "Status without a value")
                            : std::move(status)) {}
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  // REQUIRES: ok()
  T& value() { return value_; }
  const T& value() const { return value_; }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }
  T& operator*() { return value_; }
  const T& operator*() const { return value_; }

 private:
  Status status_;
  T value_{};
};

}  // namespace keyward

#endif  // KEYWARD_STATUS_H_

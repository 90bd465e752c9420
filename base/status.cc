#include "keyward/status.h"

namespace keyward {

std::string Status::ToString() const {
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidArgument:
      return "invalid argument: " + message_;
    case Code::kIoError:
      return "I/O error: " + message_;
    case Code::kNotFound:
      return "not found: " + message_;
    case Code::kCorruption:
      return "malformed: " + message_;
    case Code::kConfig:
      return "configuration error: " + message_;
    case Code::kBusy:
      return "busy: " + message_;
    case Code::kInternal:
      return "internal error: " + message_;
  }
  return message_;
}

}  // namespace keyward

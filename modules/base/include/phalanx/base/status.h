// Status: the outcome of an operation that returns no value. OK is the fast path (one null
// pointer); an error carries a code a caller can branch on and a message a human can act on.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace phalanx {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument,     // the caller's input is malformed or out of range
  kNotFound,            // a requested item does not exist
  kAlreadyExists,       // a duplicate (transaction, key, file)
  kCorruption,          // stored or received bytes are inconsistent
  kLimitExceeded,       // input exceeds a named limit
  kFailedPrecondition,  // the system is not in a state that allows the operation
  kPermissionDenied,    // bad signature, wrong password, not authorized
  kUnavailable,         // a peer, node or resource cannot be reached right now
  kDeadlineExceeded,    // a timeout elapsed
  kIOError,             // the operating system or storage failed
  kInternal,            // a bug: an invariant was broken
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() noexcept = default;
  Status(StatusCode code, std::string message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status Ok() { return Status(); }

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  std::string_view message() const { return rep_ ? std::string_view(rep_->message) : ""; }
  // "<code name>: <message>", or "ok".
  std::string ToString() const;
  // Prefixes the message with context ("reading block 12: ..."), keeping the code.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code() == b.code() && a.message() == b.message();
  }

 private:
  struct Rep {
    StatusCode code;
    std::string message;
  };
  std::unique_ptr<Rep> rep_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
inline Status LimitExceeded(std::string m) { return {StatusCode::kLimitExceeded, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceeded(std::string m) {
  return {StatusCode::kDeadlineExceeded, std::move(m)};
}
inline Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

}  // namespace phalanx

#define PHX_CONCAT_INNER(a, b) a##b
#define PHX_CONCAT(a, b) PHX_CONCAT_INNER(a, b)

// Returns the status from the enclosing function if `expr` (a Status or Result) is an error.
#define RETURN_IF_ERROR(expr)                                                 \
  do {                                                                        \
    auto&& phx_status_ = (expr);                                              \
    if (!phx_status_.ok()) return ::phalanx::internal::ToStatus(phx_status_); \
  } while (0)

namespace phalanx::internal {
inline const Status& ToStatus(const Status& s) { return s; }
}  // namespace phalanx::internal

// Result<T>: a value or an error Status, never both (the semantics of absl::StatusOr).
// Access to the value of an error Result is a programmer error and aborts, in every build.
#pragma once

#include <optional>
#include <utility>

#include "phalanx/base/check.h"
#include "phalanx/base/status.h"

namespace phalanx {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : value_(value) {}             // NOLINT: implicit by design
  Result(T&& value) : value_(std::move(value)) {}       // NOLINT
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    PHX_CHECK(!status_.ok(), "Result constructed from an OK status without a value");
  }
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Status> &&
           !std::is_same_v<std::decay_t<U>, Result<T>> && !std::is_same_v<std::decay_t<U>, T>)
      Result(U&& v)
      : value_(std::forward<U>(v)) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    PHX_CHECK(ok(), status_.ToString());
    return *value_;
  }
  const T& value() const& {
    PHX_CHECK(ok(), status_.ToString());
    return *value_;
  }
  T&& value() && {
    PHX_CHECK(ok(), status_.ToString());
    return std::move(*value_);
  }
  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

namespace internal {
template <typename T>
const Status& ToStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace phalanx

// ASSIGN_OR_RETURN(auto x, Compute()); returns the error from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  PHX_ASSIGN_OR_RETURN_IMPL(PHX_CONCAT(phx_result_, __LINE__), lhs, expr)
#define PHX_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

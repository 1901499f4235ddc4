// Checks for programmer errors that stay on in release builds (like Bitcoin Core's Assert).
// Never use them on untrusted input: network bytes, transactions, RPC params, wasm modules.
#pragma once

#include <string_view>

namespace phalanx::internal {
[[noreturn]] void CheckFailed(const char* expr, const char* file, int line, std::string_view msg);
}  // namespace phalanx::internal

#define PHX_CHECK(cond, ...)                                                                      \
  do {                                                                                            \
    if (__builtin_expect(!(cond), 0))                                                             \
      ::phalanx::internal::CheckFailed(#cond, __FILE__, __LINE__, std::string_view{__VA_ARGS__}); \
  } while (0)

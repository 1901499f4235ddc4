// Typed host functions: derives a wasm FuncType from a C++ signature and adapts a callable
// taking (HostContext&, typed arguments...) to the engine's raw HostFn. Used by Store::HostFunc.
//
//   C++ type                 wasm type
//   int32_t, uint32_t        i32
//   int64_t, uint64_t        i64
//   float, double            f32, f64
//   void / T / std::tuple<T...>   no result / one / several
//
// The callable returns Status (void signatures) or Result<T> (others) to be able to trap, or the
// plain value (or nothing) if it cannot fail.
#pragma once

#include <bit>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

#include "phalanx/vm/instance.h"

namespace phalanx::vm {
namespace host_internal {

template <typename T>
struct WasmTypeOf;
template <>
struct WasmTypeOf<int32_t> {
  static constexpr ValType kType = ValType::kI32;
};
template <>
struct WasmTypeOf<uint32_t> {
  static constexpr ValType kType = ValType::kI32;
};
template <>
struct WasmTypeOf<int64_t> {
  static constexpr ValType kType = ValType::kI64;
};
template <>
struct WasmTypeOf<uint64_t> {
  static constexpr ValType kType = ValType::kI64;
};
template <>
struct WasmTypeOf<float> {
  static constexpr ValType kType = ValType::kF32;
};
template <>
struct WasmTypeOf<double> {
  static constexpr ValType kType = ValType::kF64;
};

template <typename T>
T FromBits(uint64_t bits) {
  if constexpr (std::is_same_v<T, float>) {
    return std::bit_cast<float>(static_cast<uint32_t>(bits));
  } else if constexpr (std::is_same_v<T, double>) {
    return std::bit_cast<double>(bits);
  } else {
    return static_cast<T>(bits);
  }
}

// i32 results are stored zero-extended, as the interpreter keeps them.
template <typename T>
uint64_t ToBits(T v) {
  if constexpr (std::is_same_v<T, float>) {
    return std::bit_cast<uint32_t>(v);
  } else if constexpr (std::is_same_v<T, double>) {
    return std::bit_cast<uint64_t>(v);
  } else if constexpr (sizeof(T) == 4) {
    return static_cast<uint32_t>(v);
  } else {
    return static_cast<uint64_t>(v);
  }
}

template <typename T>
struct ResultTypes {  // one result
  static std::vector<ValType> Get() { return {WasmTypeOf<T>::kType}; }
  static void Write(const T& v, std::span<uint64_t> out) { out[0] = ToBits(v); }
};
template <>
struct ResultTypes<void> {
  static std::vector<ValType> Get() { return {}; }
};
template <typename... T>
struct ResultTypes<std::tuple<T...>> {
  static std::vector<ValType> Get() { return {WasmTypeOf<T>::kType...}; }
  static void Write(const std::tuple<T...>& v, std::span<uint64_t> out) {
    [&]<size_t... I>(std::index_sequence<I...>) { ((out[I] = ToBits(std::get<I>(v))), ...); }
    (std::index_sequence_for<T...>{});
  }
};

template <typename T>
struct IsResult : std::false_type {};
template <typename T>
struct IsResult<Result<T>> : std::true_type {};

template <typename Sig>
struct Signature;
template <typename R, typename... A>
struct Signature<R(A...)> {
  static FuncType Type() { return FuncType{{WasmTypeOf<A>::kType...}, ResultTypes<R>::Get()}; }

  template <typename F>
  static HostFn Wrap(F f) {
    static_assert(std::is_invocable_v<F&, HostContext&, A...>,
                  "a host function takes (HostContext&, arguments of its signature...)");
    return [f = std::move(f)](HostContext& ctx, std::span<const uint64_t> args,
                              std::span<uint64_t> results) mutable -> Status {
      return Call(f, ctx, args, results, std::index_sequence_for<A...>{});
    };
  }

 private:
  template <typename F, size_t... I>
  static Status Call(F& f, HostContext& ctx, std::span<const uint64_t> args,
                     std::span<uint64_t> results, std::index_sequence<I...>) {
    using Ret = std::invoke_result_t<F&, HostContext&, A...>;
    if constexpr (std::is_void_v<R>) {
      if constexpr (std::is_same_v<Ret, Status>) {
        return f(ctx, FromBits<A>(args[I])...);
      } else {
        static_assert(std::is_void_v<Ret>, "a void host function returns Status or nothing");
        f(ctx, FromBits<A>(args[I])...);
        return Status::Ok();
      }
    } else if constexpr (IsResult<Ret>::value) {
      static_assert(std::is_same_v<Ret, Result<R>>, "the callable must return Result<R> or R");
      Ret r = f(ctx, FromBits<A>(args[I])...);
      if (!r.ok()) return r.status();
      ResultTypes<R>::Write(*r, results);
      return Status::Ok();
    } else {
      static_assert(std::is_convertible_v<Ret, R>, "the callable must return Result<R> or R");
      ResultTypes<R>::Write(static_cast<R>(f(ctx, FromBits<A>(args[I])...)), results);
      return Status::Ok();
    }
  }
};

}  // namespace host_internal

// The wasm type of a C++ host signature, e.g. FuncTypeOf<int32_t(int32_t, int64_t)>().
template <typename Sig>
FuncType FuncTypeOf() {
  return host_internal::Signature<Sig>::Type();
}

}  // namespace phalanx::vm

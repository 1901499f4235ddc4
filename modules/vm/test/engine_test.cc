// The engine as an embedder sees it: typed errors with byte offsets, traps as values with the
// trapping instruction's offset, exact per-block fuel, NaN canonicalization, host functions
// that charge fuel, trap and re-enter the machine, and bounds-checked memory helpers.
#include <gtest/gtest.h>

#include "phalanx/vm/module.h"
#include "phalanx/vm/store.h"
#include "wasm_builder.h"

namespace phalanx::vm {
namespace {

using namespace wasmtest;

Instance* Instantiate(Store& store, const Bytes& bytes, Machine& machine,
                      const Imports& imports = {}) {
  auto m = CompileModule(bytes);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (!m.ok()) return nullptr;
  auto inst = store.Instantiate(*m, imports, machine);
  EXPECT_TRUE(inst.ok()) << inst.status().ToString();
  return inst.ok() ? *inst : nullptr;
}

TEST(VmDecode, BadMagicIsMalformedAtByteZero) {
  Bytes b = {0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00};
  auto m = CompileModule(b);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(ErrorOf(m.status()), Error::kMalformed);
  EXPECT_EQ(m.status().code(), StatusCode::kCorruption);
  EXPECT_NE(m.status().message().find("at byte 0:"), std::string_view::npos)
      << m.status().message();
}

TEST(VmDecode, IllegalOpcodeIsMalformedAtItsOffset) {
  Bytes b = OneFunc({}, {}, {0x01, 0xff, 0x0b});
  const size_t at = b.size() - 2;  // the 0xff byte
  auto m = CompileModule(b);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(ErrorOf(m.status()), Error::kMalformed);
  EXPECT_NE(m.status().message().find("at byte " + std::to_string(at) + ":"),
            std::string_view::npos)
      << m.status().message();
}

TEST(VmDecode, TypeMismatchIsInvalidAtTheInstruction) {
  Bytes b = OneFunc({}, {kI32}, {0x42, 0x00, 0x0b});  // i64.const 0 where i32 is the result
  auto m = CompileModule(b);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(ErrorOf(m.status()), Error::kInvalid);
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("type mismatch"), std::string_view::npos);
}

TEST(VmDecode, TruncatedModuleNeverAborts) {
  Bytes full = OneFunc({kI32}, {kI32}, {0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b});
  for (size_t n = 0; n < full.size(); ++n) {
    // A prefix ending at a section boundary can be a valid module; any other is malformed.
    auto m = CompileModule(ByteView(full.data(), n));
    if (!m.ok()) {
      EXPECT_EQ(ErrorOf(m.status()), Error::kMalformed) << n << m.status().ToString();
    }
    if (n < 8 || n == full.size() - 1) {
      EXPECT_FALSE(m.ok()) << n;
    }
  }
}

TEST(VmExec, TrapIsAValueWithFunctionAndByteOffset) {
  // (i32.div_s (local.get 0) (i32.const 0))
  Bytes b = OneFunc({kI32}, {kI32}, {0x20, 0x00, 0x41, 0x00, 0x6d, 0x0b});
  const uint32_t div_at = b.size() - 2;
  Store store;
  Machine machine;
  auto inst = Instantiate(store, b, machine);
  ASSERT_TRUE(inst);
  Value one = Value::I32(1);
  auto out = machine.Invoke(*inst, "f", {&one, 1});
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(out->trap.has_value());
  EXPECT_EQ(out->trap->kind, TrapKind::kIntegerDivideByZero);
  EXPECT_EQ(out->trap->func_index, 0u);
  EXPECT_EQ(out->trap->code_offset, div_at);
}

// loop: n = n - 1; br_if loop (n != 0). Returns 0.
Bytes CountDown() {
  return OneFunc(
      {kI32}, {kI32},
      {0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x20, 0x00, 0x0b});
}

TEST(VmFuel, ChargedPerBlockExactlyAndDeterministically) {
  Store store;
  Machine machine;
  auto inst = Instantiate(store, CountDown(), machine);
  ASSERT_TRUE(inst);
  Value n = Value::I32(100);
  machine.SetFuel(1'000'000);
  ASSERT_TRUE(machine.Invoke(*inst, "f", {&n, 1})->ok());
  const uint64_t used = 1'000'000 - machine.fuel();
  // 100 loop iterations of 5 instructions (local.get, const, sub, tee, br_if) + local.get, return.
  EXPECT_EQ(used, 100u * 5 + 2);
  machine.SetFuel(used);
  ASSERT_TRUE(machine.Invoke(*inst, "f", {&n, 1})->ok());
  EXPECT_EQ(machine.fuel(), 0u);
  machine.SetFuel(used - 1);
  auto out = machine.Invoke(*inst, "f", {&n, 1});
  ASSERT_TRUE(out->trap.has_value());
  EXPECT_EQ(out->trap->kind, TrapKind::kOutOfFuel);
  // Same fuel, same trap point.
  machine.SetFuel(used - 1);
  auto again = machine.Invoke(*inst, "f", {&n, 1});
  EXPECT_EQ(again->trap->code_offset, out->trap->code_offset);
}

TEST(VmDeterminism, ArithmeticNaNsAreCanonicalBitwiseOpsPreservePayloads) {
  // f32.div (local 0) (local 1)
  Store store;
  Machine machine;
  auto div = Instantiate(store, OneFunc({kF32, kF32}, {kF32}, {0x20, 0x00, 0x20, 0x01, 0x95, 0x0b}),
                         machine);
  ASSERT_TRUE(div);
  Value args[] = {Value::F32Bits(0xFFA00001u), Value::F32(1.0f)};  // negative NaN with payload
  EXPECT_EQ(machine.Invoke(*div, "f", args)->results[0].bits, 0x7FC00000u);
  Value zeros[] = {Value::F32(0.0f), Value::F32(0.0f)};
  EXPECT_EQ(machine.Invoke(*div, "f", zeros)->results[0].bits, 0x7FC00000u);
  auto neg = Instantiate(store, OneFunc({kF32}, {kF32}, {0x20, 0x00, 0x8c, 0x0b}), machine);
  Value nan = Value::F32Bits(0x7FA00001u);
  EXPECT_EQ(machine.Invoke(*neg, "f", {&nan, 1})->results[0].bits, 0xFFA00001u);
}

// A module importing env.host : [i32] -> [i32], exporting "f" = host(local 0) + 1 and "g" = 7.
Bytes HostCaller() {
  Bytes imp = Cat({Str("env"), Str("host"), Bytes{0x00, 0x00}});
  return WasmModule({Section(1, Vec({TypeEntry({kI32}, {kI32}), TypeEntry({}, {kI32})})),
                     Section(2, Vec({imp})), Section(3, Vec({Bytes{0x00}, Bytes{0x01}})),
                     Section(5, Vec({Bytes{0x00, 0x01}})),
                     Section(7, Vec({ExportFunc("f", 1), ExportFunc("g", 2)})),
                     Section(10, Vec({Body({}, {0x20, 0x00, 0x10, 0x00, 0x41, 0x01, 0x6a, 0x0b}),
                                      Body({}, {0x41, 0x07, 0x0b})}))});
}

TEST(VmHost, HostFunctionChargesFuelTrapsAndReenters) {
  Store store;
  Machine machine;
  Instance* inst = nullptr;
  auto host = store.HostFunction(
      FuncType{{ValType::kI32}, {ValType::kI32}},
      [&](HostContext& ctx, std::span<const uint64_t> args, std::span<uint64_t> results) -> Status {
        RETURN_IF_ERROR(ctx.ChargeFuel(1000));
        if (args[0] == 13) return PermissionDenied("unlucky");
        ctx.memory()->Write(0, Bytes{42}).ok();
        // Re-enter: call the instance's "g" (returns 7) from inside the host call.
        auto inner = ctx.machine().Invoke(*inst, "g", {});
        if (!inner.ok() || inner->trap) return Internal("re-entry failed");
        results[0] = args[0] * 10 + inner->results[0].bits;
        return Status::Ok();
      });
  Imports imports;
  imports.Add("env", "host", host);
  inst = Instantiate(store, HostCaller(), machine, imports);
  ASSERT_TRUE(inst);
  machine.SetFuel(10'000);
  Value four = Value::I32(4);
  auto out = machine.Invoke(*inst, "f", {&four, 1});
  ASSERT_TRUE(out->ok()) << out->trap->ToString();
  EXPECT_EQ(out->results[0].i32(), 48u);
  EXPECT_LT(machine.fuel(), 9'000u);
  EXPECT_EQ(inst->memories[0]->Read(0, 1).value()[0], 42);

  Value thirteen = Value::I32(13);
  out = machine.Invoke(*inst, "f", {&thirteen, 1});
  ASSERT_TRUE(out->trap.has_value());
  EXPECT_EQ(out->trap->kind, TrapKind::kHost);
  EXPECT_EQ(out->trap->message, "unlucky");

  machine.SetFuel(500);
  out = machine.Invoke(*inst, "f", {&four, 1});
  ASSERT_TRUE(out->trap.has_value());
  EXPECT_EQ(out->trap->kind, TrapKind::kOutOfFuel);
}

TEST(VmMemory, HelpersAreBoundsChecked) {
  MemoryInstance mem(MemoryType{SizeLimits{1, false, 0}}, 10);
  EXPECT_TRUE(mem.Write(kPageBytes - 2, Bytes{1, 2}).ok());
  EXPECT_FALSE(mem.Write(kPageBytes - 1, Bytes{1, 2}).ok());
  EXPECT_FALSE(mem.Read(UINT64_MAX, 2).ok());
  EXPECT_EQ(mem.Read(kPageBytes - 2, 2).value()[1], 2);
}

TEST(VmApi, InvokeChecksArgumentsAndExportNames) {
  Store store;
  Machine machine;
  auto inst = Instantiate(store, CountDown(), machine);
  ASSERT_TRUE(inst);
  EXPECT_EQ(machine.Invoke(*inst, "nope", {}).status().code(), StatusCode::kNotFound);
  Value wrong = Value::I64(1);
  EXPECT_EQ(machine.Invoke(*inst, "f", {&wrong, 1}).status().code(), StatusCode::kInvalidArgument);
}

TEST(VmLink, MissingImportIsUnlinkable) {
  Store store;
  Machine machine;
  auto m = CompileModule(HostCaller());
  ASSERT_TRUE(m.ok());
  auto inst = store.Instantiate(*m, {}, machine);
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(ErrorOf(inst.status()), Error::kUnlinkable);
}

}  // namespace
}  // namespace phalanx::vm

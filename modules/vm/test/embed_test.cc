// The embedding API: a Store owns linked instances (no ownership cycles, no cross-store links),
// typed host functions derive their wasm type from the C++ signature and may trap or charge
// fuel, memory helpers are bounds-checked, traps name the function and instruction, and a
// snapshot resets an instance to its pristine state.
#include <gtest/gtest.h>

#include "phalanx/vm/module.h"
#include "phalanx/vm/store.h"
#include "wasm_builder.h"

namespace phalanx::vm {
namespace {

using namespace wasmtest;

Instance* MustInstantiate(Store& store, const Bytes& bytes, Machine& machine,
                          const Imports& imports = {}) {
  auto m = CompileModule(bytes);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (!m.ok()) return nullptr;
  auto inst = store.Instantiate(*m, imports, machine);
  EXPECT_TRUE(inst.ok()) << inst.status().ToString();
  return inst.ok() ? *inst : nullptr;
}

Bytes ExportOf(const std::string& name, uint8_t kind, uint32_t index) {
  return Cat({Str(name), Bytes{kind}, Leb(index)});
}

// Exports table "tab" (2 funcrefs) and call(i) = call_indirect (type [] -> [i32]) tab[i].
Bytes TableOwner() {
  return WasmModule({Section(1, Vec({TypeEntry({}, {kI32}), TypeEntry({kI32}, {kI32})})),
                     Section(3, Vec({Bytes{0x01}})), Section(4, Vec({Bytes{0x70, 0x00, 0x02}})),
                     Section(7, Vec({ExportFunc("call", 0), ExportOf("tab", 0x01, 0)})),
                     Section(10, Vec({Body({}, {0x20, 0x00, 0x11, 0x00, 0x00, 0x0b})}))});
}

// Imports a.tab and writes its function (returns `value`) at each of `offsets` by active element
// segments, in order.
Bytes TableWriter(uint8_t value, const std::vector<uint8_t>& offsets) {
  std::vector<Bytes> segs;
  for (uint8_t at : offsets) segs.push_back(Cat({Bytes{0x00, 0x41, at, 0x0b}, Vec({Bytes{0x00}})}));
  return WasmModule({Section(1, Vec({TypeEntry({}, {kI32})})),
                     Section(2, Vec({Cat({Str("a"), Str("tab"), Bytes{0x01, 0x70, 0x00, 0x02}})})),
                     Section(3, Vec({Bytes{0x00}})), Section(9, Vec(segs)),
                     Section(10, Vec({Body({}, {0x41, value, 0x0b})}))});
}

TEST(VmStore, InstanceWritingIntoAnImportedTableIsOwnedByTheStoreNotTheTable) {
  // This shape used to keep itself alive through the table (LeakSanitizer reported it).
  Store store;
  Machine machine;
  Instance* owner = MustInstantiate(store, TableOwner(), machine);
  ASSERT_TRUE(owner);
  Imports imports;
  imports.Add("a", "tab", *owner->GetExport("tab"));
  ASSERT_TRUE(MustInstantiate(store, TableWriter(42, {0}), machine, imports));
  Value zero = Value::I32(0);
  auto out = machine.Invoke(*owner, "call", {&zero, 1});
  ASSERT_TRUE(out.ok() && out->ok());
  EXPECT_EQ(out->results[0].i32(), 42u);
}

TEST(VmStore, FailedInstantiationLeavesItsTableWritesCallable) {
  Store store;
  Machine machine;
  Instance* owner = MustInstantiate(store, TableOwner(), machine);
  ASSERT_TRUE(owner);
  Imports imports;
  imports.Add("a", "tab", *owner->GetExport("tab"));
  auto m = CompileModule(TableWriter(7, {1, 5}));  // the second segment is out of bounds
  ASSERT_TRUE(m.ok());
  auto failed = store.Instantiate(*m, imports, machine);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(ErrorOf(failed.status()), Error::kUninstantiable);
  EXPECT_EQ(store.num_instances(), 2u);  // kept: the table refers to its function
  Value one = Value::I32(1);
  auto out = machine.Invoke(*owner, "call", {&one, 1});
  ASSERT_TRUE(out.ok() && out->ok());
  EXPECT_EQ(out->results[0].i32(), 7u);
}

TEST(VmStore, UnlinkableInstanceIsNotKept) {
  Store store;
  Machine machine;
  auto m = CompileModule(TableWriter(7, {0}));
  ASSERT_TRUE(m.ok());
  auto inst = store.Instantiate(*m, {}, machine);
  EXPECT_EQ(ErrorOf(inst.status()), Error::kUnlinkable);
  EXPECT_EQ(store.num_instances(), 0u);
}

TEST(VmStore, ObjectsOfAnotherStoreAreUnlinkable) {
  Store mine, other;
  Machine machine;
  Imports imports;
  imports.Add("a", "tab", other.AddTable(TableType{ValType::kFuncRef, SizeLimits{2, false, 0}}));
  auto m = CompileModule(TableWriter(7, {0}));
  ASSERT_TRUE(m.ok());
  auto inst = mine.Instantiate(*m, imports, machine);
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(ErrorOf(inst.status()), Error::kUnlinkable);
  EXPECT_NE(inst.status().message().find("not an object of this store"), std::string_view::npos);
  EXPECT_TRUE(other.Instantiate(*m, imports, machine).ok());
}

TEST(VmHostFunc, WasmTypeIsDerivedFromTheSignature) {
  EXPECT_EQ(FuncTypeOf<int32_t(int32_t, int64_t)>(),
            (FuncType{{ValType::kI32, ValType::kI64}, {ValType::kI32}}));
  EXPECT_EQ(FuncTypeOf<void(uint32_t, double, float)>(),
            (FuncType{{ValType::kI32, ValType::kF64, ValType::kF32}, {}}));
  EXPECT_EQ((FuncTypeOf<std::tuple<uint64_t, float>()>()),
            (FuncType{{}, {ValType::kI64, ValType::kF32}}));
}

// Imports env.host : [i32 i64] -> [i32]; exports f(a, b) = host(a, b).
Bytes TypedHostCaller() {
  Bytes imp = Cat({Str("env"), Str("host"), Bytes{0x00, 0x00}});
  return WasmModule({Section(1, Vec({TypeEntry({kI32, kI64}, {kI32})})), Section(2, Vec({imp})),
                     Section(3, Vec({Bytes{0x00}})), Section(7, Vec({ExportFunc("f", 1)})),
                     Section(10, Vec({Body({}, {0x20, 0x00, 0x20, 0x01, 0x10, 0x00, 0x0b})}))});
}

TEST(VmHostFunc, TypedHostFunctionGetsTypedArgumentsTrapsAndChargesFuel) {
  Store store;
  Machine machine;
  Imports imports;
  imports.Add("env", "host",
              store.HostFunc<int32_t(int32_t, int64_t)>(
                  [](HostContext& ctx, int32_t a, int64_t b) -> Result<int32_t> {
                    RETURN_IF_ERROR(ctx.ChargeFuel(1000));
                    if (a == 13) return PermissionDenied("unlucky");
                    return static_cast<int32_t>(a * b);
                  }));
  const Bytes bytes = TypedHostCaller();
  const uint32_t call_at = bytes.size() - 3;  // the call instruction
  Instance* inst = MustInstantiate(store, bytes, machine, imports);
  ASSERT_TRUE(inst);
  machine.SetFuel(10'000);
  Value args[] = {Value::I32(static_cast<uint32_t>(-5)), Value::I64(7)};
  auto out = machine.Invoke(*inst, "f", args);
  ASSERT_TRUE(out.ok() && out->ok());
  EXPECT_EQ(static_cast<int32_t>(out->results[0].i32()), -35);
  EXPECT_LT(machine.fuel(), 9'000u);

  args[0] = Value::I32(13);
  out = machine.Invoke(*inst, "f", args);
  ASSERT_TRUE(out->trap.has_value());
  EXPECT_EQ(out->trap->kind, TrapKind::kHost);
  EXPECT_EQ(out->trap->message, "unlucky");
  EXPECT_EQ(out->trap->func_index, 1u);  // the wasm caller
  EXPECT_EQ(out->trap->code_offset, call_at);

  machine.SetFuel(500);
  args[0] = Value::I32(1);
  out = machine.Invoke(*inst, "f", args);
  ASSERT_TRUE(out->trap.has_value());
  EXPECT_EQ(out->trap->kind, TrapKind::kOutOfFuel);
}

TEST(VmHostFunc, SeveralResultsComeFromATuple) {
  Store store;
  Machine machine;
  FunctionInstance* f =
      store.HostFunc<std::tuple<int32_t, uint64_t, double>(float)>([](HostContext&, float x) {
        return std::make_tuple(int32_t{-1}, uint64_t{1} << 40, static_cast<double>(x) * 2);
      });
  Value arg = Value::F32(1.5f);
  auto out = machine.Call(*f, {&arg, 1});
  ASSERT_TRUE(out.ok() && out->ok());
  ASSERT_EQ(out->results.size(), 3u);
  EXPECT_EQ(out->results[0], Value::I32(0xFFFFFFFFu));  // i32 results are zero-extended bits
  EXPECT_EQ(out->results[1], Value::I64(uint64_t{1} << 40));
  EXPECT_EQ(out->results[2].f64(), 3.0);
}

TEST(VmMemory, LittleEndianHelpersAreBoundsChecked) {
  MemoryInstance mem(MemoryType{SizeLimits{1, false, 0}}, 10);
  ASSERT_TRUE(mem.WriteLE<uint32_t>(8, 0x01020304u).ok());
  ByteView le = mem.Read(8, 4).value();
  EXPECT_EQ(Bytes(le.begin(), le.end()), (Bytes{0x04, 0x03, 0x02, 0x01}));
  EXPECT_EQ(mem.ReadLE<int16_t>(10).value(), 0x0102);
  ASSERT_TRUE(mem.WriteLE<double>(kPageBytes - 8, -2.5).ok());
  EXPECT_EQ(mem.ReadLE<double>(kPageBytes - 8).value(), -2.5);
  for (uint64_t bad : {kPageBytes - 7, kPageBytes, UINT64_MAX - 3, UINT64_MAX}) {
    auto r = mem.ReadLE<uint64_t>(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().rfind("out of bounds memory access", 0), 0u);
    EXPECT_FALSE(mem.WriteLE<uint64_t>(bad, 1).ok()) << bad;
  }
  auto span = mem.Span(kPageBytes - 2, 2);
  ASSERT_TRUE(span.ok());
  (*span)[1] = 9;
  EXPECT_EQ(mem.ReadLE<uint8_t>(kPageBytes - 1).value(), 9);
  EXPECT_FALSE(mem.Span(kPageBytes - 1, 2).ok());
}

// Imports env.sum : [i32 i32] -> [i32]; one page of memory with bytes 1 2 3 4 at 8;
// f(ptr, len) = sum(ptr, len).
Bytes MemoryHostCaller() {
  Bytes imp = Cat({Str("env"), Str("sum"), Bytes{0x00, 0x00}});
  Bytes data = Cat({Bytes{0x00, 0x41, 0x08, 0x0b}, Leb(4), Bytes{1, 2, 3, 4}});
  return WasmModule({Section(1, Vec({TypeEntry({kI32, kI32}, {kI32})})), Section(2, Vec({imp})),
                     Section(3, Vec({Bytes{0x00}})), Section(5, Vec({Bytes{0x00, 0x01}})),
                     Section(7, Vec({ExportFunc("f", 1)})),
                     Section(10, Vec({Body({}, {0x20, 0x00, 0x20, 0x01, 0x10, 0x00, 0x0b})})),
                     Section(11, Vec({data}))});
}

TEST(VmHostFunc, HostReadsAndWritesTheCallersMemoryWithinBounds) {
  Store store;
  Machine machine;
  Imports imports;
  imports.Add("env", "sum",
              store.HostFunc<uint32_t(uint32_t, uint32_t)>(
                  [](HostContext& ctx, uint32_t ptr, uint32_t len) -> Result<uint32_t> {
                    ASSIGN_OR_RETURN(ByteView bytes, ctx.Read(ptr, len));
                    uint32_t sum = 0;
                    for (uint8_t b : bytes) sum += b;
                    RETURN_IF_ERROR(ctx.WriteLE<uint32_t>(0, sum));
                    return sum;
                  }));
  Instance* inst = MustInstantiate(store, MemoryHostCaller(), machine, imports);
  ASSERT_TRUE(inst);
  Value args[] = {Value::I32(8), Value::I32(4)};
  auto out = machine.Invoke(*inst, "f", args);
  ASSERT_TRUE(out.ok() && out->ok());
  EXPECT_EQ(out->results[0].i32(), 10u);
  EXPECT_EQ(inst->memory()->ReadLE<uint32_t>(0).value(), 10u);

  args[0] = Value::I32(kPageBytes - 2);
  out = machine.Invoke(*inst, "f", args);
  ASSERT_TRUE(out->trap.has_value());
  EXPECT_EQ(out->trap->kind, TrapKind::kHost);
  EXPECT_EQ(out->trap->message.rfind("out of bounds memory access", 0), 0u) << out->trap->message;
}

TEST(VmHostFunc, HostCalledFromOutsideWasmHasNoMemory) {
  Store store;
  Machine machine;
  FunctionInstance* f =
      store.HostFunc<void()>([](HostContext& ctx) -> Status { return ctx.Write(0, Bytes{1}); });
  auto out = machine.Call(*f, {});
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(out->trap.has_value());
  EXPECT_EQ(out->trap->message, "the calling instance has no memory");
}

TEST(VmTrap, NamesTheInnermostFunctionAndInstruction) {
  // f (index 0) calls g (index 1), which divides by zero.
  Bytes code_g = {0x41, 0x01, 0x41, 0x00, 0x6d, 0x0b};
  Bytes bytes = WasmModule({Section(1, Vec({TypeEntry({}, {kI32})})),
                            Section(3, Vec({Bytes{0x00}, Bytes{0x00}})),
                            Section(7, Vec({ExportFunc("f", 0)})),
                            Section(10, Vec({Body({}, {0x10, 0x01, 0x0b}), Body({}, code_g)}))});
  const uint32_t div_at = bytes.size() - 2;
  Store store;
  Machine machine;
  Instance* inst = MustInstantiate(store, bytes, machine);
  ASSERT_TRUE(inst);
  auto out = machine.Invoke(*inst, "f", {});
  ASSERT_TRUE(out->trap.has_value());
  EXPECT_EQ(out->trap->kind, TrapKind::kIntegerDivideByZero);
  EXPECT_EQ(out->trap->func_index, 1u);
  EXPECT_EQ(out->trap->code_offset, div_at);
  EXPECT_EQ(out->trap->ToString().find("integer divide by zero"), 0u) << out->trap->ToString();
}

}  // namespace
}  // namespace phalanx::vm

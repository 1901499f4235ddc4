// One test per vm::Limits field: a module (or execution) at the limit passes, one past it is
// rejected with Error::kLimitExceeded (or traps, or fails to grow, for runtime limits).
#include <gtest/gtest.h>

#include "phalanx/vm/module.h"
#include "phalanx/vm/store.h"
#include "wasm_builder.h"

namespace phalanx::vm {
namespace {

using namespace wasmtest;

void ExpectLimit(const Bytes& module, const Limits& limits) {
  auto m = CompileModule(module, limits);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(ErrorOf(m.status()), Error::kLimitExceeded) << m.status().ToString();
}
void ExpectOk(const Bytes& module, const Limits& limits) {
  auto m = CompileModule(module, limits);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
}

Bytes Types(size_t n) {
  std::vector<Bytes> t(n, TypeEntry({}, {}));
  return Section(1, Vec(t));
}
Bytes Funcs(size_t n) {
  std::vector<Bytes> f(n, Bytes{0x00}), b(n, Body({}, {0x0b}));
  return WasmModule({Types(1), Section(3, Vec(f)), Section(10, Vec(b))});
}

TEST(VmLimits, ModuleBytes) {
  Limits l;
  Bytes m = Funcs(1);
  l.max_module_bytes = m.size();
  ExpectOk(m, l);
  l.max_module_bytes = m.size() - 1;
  ExpectLimit(m, l);
}

TEST(VmLimits, Types) {
  Limits l;
  l.max_types = 2;
  ExpectOk(WasmModule({Types(2)}), l);
  ExpectLimit(WasmModule({Types(3)}), l);
}

TEST(VmLimits, Functions) {
  Limits l;
  l.max_functions = 2;
  ExpectOk(Funcs(2), l);
  ExpectLimit(Funcs(3), l);
}

TEST(VmLimits, Imports) {
  Limits l;
  l.max_imports = 1;
  Bytes imp = Cat({Str("env"), Str("f"), Bytes{0x00, 0x00}});
  ExpectOk(WasmModule({Types(1), Section(2, Vec({imp}))}), l);
  ExpectLimit(WasmModule({Types(1), Section(2, Vec({imp, imp}))}), l);
}

TEST(VmLimits, Exports) {
  Limits l;
  l.max_exports = 1;
  std::vector<Bytes> f(1, Bytes{0x00}), b(1, Body({}, {0x0b}));
  auto mod = [&](std::vector<Bytes> exports) {
    return WasmModule(
        {Types(1), Section(3, Vec(f)), Section(7, Vec(exports)), Section(10, Vec(b))});
  };
  ExpectOk(mod({ExportFunc("a", 0)}), l);
  ExpectLimit(mod({ExportFunc("a", 0), ExportFunc("b", 0)}), l);
}

TEST(VmLimits, LocalsIncludingParams) {
  Limits l;
  l.max_locals = 3;
  ExpectOk(OneFunc({kI32}, {}, {0x0b}, {{2, kI64}}), l);
  ExpectLimit(OneFunc({kI32}, {}, {0x0b}, {{3, kI64}}), l);
}

TEST(VmLimits, Params) {
  Limits l;
  l.max_params = 2;
  ExpectOk(WasmModule({Section(1, Vec({TypeEntry({kI32, kI32}, {})}))}), l);
  ExpectLimit(WasmModule({Section(1, Vec({TypeEntry({kI32, kI32, kI32}, {})}))}), l);
}

TEST(VmLimits, Globals) {
  Limits l;
  l.max_globals = 1;
  Bytes g = {kI32, 0x00, 0x41, 0x00, 0x0b};
  ExpectOk(WasmModule({Section(6, Vec({g}))}), l);
  ExpectLimit(WasmModule({Section(6, Vec({g, g}))}), l);
}

TEST(VmLimits, Tables) {
  Limits l;
  l.max_tables = 1;
  Bytes t = {0x70, 0x00, 0x01};
  ExpectOk(WasmModule({Section(4, Vec({t}))}), l);
  ExpectLimit(WasmModule({Section(4, Vec({t, t}))}), l);
}

TEST(VmLimits, TableElementsAtDecodeAndGrow) {
  Limits l;
  l.max_table_elements = 10;
  ExpectOk(WasmModule({Section(4, Vec({Bytes{0x70, 0x00, 10}}))}), l);
  ExpectLimit(WasmModule({Section(4, Vec({Bytes{0x70, 0x00, 11}}))}), l);
  // table.grow past the limit returns -1 even though the table has no maximum.
  Bytes code = {0xd0, 0x70, 0x20, 0x00, 0xfc, 0x0f, 0x00, 0x0b};  // table.grow 0 (null, n)
  auto m =
      CompileModule(OneFunc({kI32}, {kI32}, code, {}, Section(4, Vec({Bytes{0x70, 0x00, 10}}))), l);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  Store store(l);
  Machine machine(l);
  auto inst = store.Instantiate(*m, {}, machine);
  ASSERT_TRUE(inst.ok());
  Value zero = Value::I32(0), one = Value::I32(1);
  EXPECT_EQ(machine.Invoke(**inst, "f", {&one, 1})->results[0].i32(), 0xFFFFFFFFu);
  EXPECT_EQ(machine.Invoke(**inst, "f", {&zero, 1})->results[0].i32(), 10u);
}

TEST(VmLimits, MemoryPagesAtDecodeAndGrow) {
  Limits l;
  l.max_memory_pages = 2;
  ExpectOk(WasmModule({Section(5, Vec({Bytes{0x00, 2}}))}), l);
  ExpectLimit(WasmModule({Section(5, Vec({Bytes{0x00, 3}}))}), l);
  Bytes code = {0x20, 0x00, 0x40, 0x00, 0x0b};  // memory.grow
  auto m = CompileModule(OneFunc({kI32}, {kI32}, code, {}, Section(5, Vec({Bytes{0x00, 1}}))), l);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  Store store(l);
  Machine machine(l);
  auto inst = store.Instantiate(*m, {}, machine);
  ASSERT_TRUE(inst.ok());
  Value two = Value::I32(2), one = Value::I32(1);
  EXPECT_EQ(machine.Invoke(**inst, "f", {&two, 1})->results[0].i32(), 0xFFFFFFFFu);
  EXPECT_EQ(machine.Invoke(**inst, "f", {&one, 1})->results[0].i32(), 1u);
}

TEST(VmLimits, BrTableTargets) {
  Limits l;
  l.max_br_table_targets = 2;
  auto code = [](uint8_t n) {
    Bytes c = {0x02, 0x40, 0x41, 0x00, 0x0e, n};
    for (int i = 0; i <= n; ++i) c.push_back(0x00);
    return Cat({c, Bytes{0x0b, 0x0b}});
  };
  ExpectOk(OneFunc({}, {}, code(2)), l);
  ExpectLimit(OneFunc({}, {}, code(3)), l);
}

TEST(VmLimits, DataSegments) {
  Limits l;
  l.max_data_segments = 1;
  Bytes d = {0x01, 0x00};  // passive, empty
  ExpectOk(WasmModule({Section(11, Vec({d}))}), l);
  ExpectLimit(WasmModule({Section(11, Vec({d, d}))}), l);
}

TEST(VmLimits, ElementSegments) {
  Limits l;
  l.max_element_segments = 1;
  Bytes e = {0x01, 0x00, 0x00};  // passive, funcref, no items
  ExpectOk(WasmModule({Section(9, Vec({e}))}), l);
  ExpectLimit(WasmModule({Section(9, Vec({e, e}))}), l);
}

TEST(VmLimits, FunctionBodyBytes) {
  Limits l;
  l.max_function_body_bytes = 3;
  ExpectOk(OneFunc({}, {}, {0x01, 0x0b}), l);  // locals count + nop + end = 3 bytes
  ExpectLimit(OneFunc({}, {}, {0x01, 0x01, 0x0b}), l);
}

TEST(VmLimits, BlockDepth) {
  Limits l;
  l.max_block_depth = 3;  // the function's own block counts
  ExpectOk(OneFunc({}, {}, {0x02, 0x40, 0x02, 0x40, 0x0b, 0x0b, 0x0b}), l);
  ExpectLimit(OneFunc({}, {}, {0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x0b, 0x0b, 0x0b, 0x0b}), l);
}

// f(n) = n == 0 ? 0 : f(n - 1): n + 1 frames deep.
Bytes Recursive() {
  return OneFunc({kI32}, {kI32},
                 {0x20, 0x00, 0x45, 0x04, 0x7f, 0x41, 0x00, 0x05, 0x20, 0x00, 0x41, 0x01, 0x6b,
                  0x10, 0x00, 0x0b, 0x0b});
}

TEST(VmLimits, CallDepth) {
  Limits l;
  l.max_call_depth = 10;
  auto m = CompileModule(Recursive(), l);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  Store store(l);
  Machine machine(l);
  auto inst = store.Instantiate(*m, {}, machine);
  ASSERT_TRUE(inst.ok());
  Value nine = Value::I32(9), ten = Value::I32(10);
  EXPECT_TRUE(machine.Invoke(**inst, "f", {&nine, 1})->ok());
  auto out = machine.Invoke(**inst, "f", {&ten, 1});
  ASSERT_TRUE(out->trap.has_value());
  EXPECT_EQ(out->trap->kind, TrapKind::kCallStackExhausted);
}

TEST(VmLimits, ValueStackBytes) {
  Limits l;
  l.max_value_stack_bytes = 8 * 40;  // each frame of f needs 1 local + 2 operand slots
  auto m = CompileModule(Recursive(), l);
  ASSERT_TRUE(m.ok());
  Store store(l);
  Machine machine(l);
  auto inst = store.Instantiate(*m, {}, machine);
  ASSERT_TRUE(inst.ok());
  Value small = Value::I32(5), big = Value::I32(100);
  EXPECT_TRUE(machine.Invoke(**inst, "f", {&small, 1})->ok());
  auto out = machine.Invoke(**inst, "f", {&big, 1});
  ASSERT_TRUE(out->trap.has_value());
  EXPECT_EQ(out->trap->kind, TrapKind::kCallStackExhausted);
}

TEST(VmLimits, FuelMeteringOffConsumesNoFuel) {
  Limits l;
  l.fuel_metering = false;
  auto m = CompileModule(Recursive(), l);
  ASSERT_TRUE(m.ok());
  Store store(l);
  Machine machine(l);
  auto inst = store.Instantiate(*m, {}, machine);
  ASSERT_TRUE(inst.ok());
  machine.SetFuel(3);
  Value n = Value::I32(50);
  EXPECT_TRUE(machine.Invoke(**inst, "f", {&n, 1})->ok());
  EXPECT_EQ(machine.fuel(), 3u);
}

}  // namespace
}  // namespace phalanx::vm

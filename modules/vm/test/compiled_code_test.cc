// The interpreter's compiled form (src/compiler.cc) rewrites wasm aggressively: values stay in
// their locals until they must move, results are written straight into the local a local.set
// names, comparisons fuse into branches, constants become immediates, an i32.add of a constant
// folds into a load's address and loads fold into arithmetic as memory operands, and branches
// and calls charge the next block's fuel themselves. Each test pins down one wasm rule those
// rewrites could break.
#include <gtest/gtest.h>

#include "phalanx/vm/module.h"
#include "phalanx/vm/store.h"
#include "wasm_builder.h"

namespace phalanx::vm {
namespace {

using namespace wasmtest;

const Bytes kOnePage = Section(5, Vec({Bytes{0x00, 0x01}}));  // memory: min 1 page, no max

class Compiled {
 public:
  explicit Compiled(const Bytes& module) {
    auto m = CompileModule(module);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    if (!m.ok()) return;
    auto inst = store_.Instantiate(*m, {}, machine_);
    EXPECT_TRUE(inst.ok()) << inst.status().ToString();
    if (inst.ok()) instance_ = *inst;
  }
  ExecOutcome Run(std::vector<Value> args, uint64_t fuel = UINT64_MAX) {
    machine_.SetFuel(fuel);
    auto out = machine_.Invoke(*instance_, "f", args);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : ExecOutcome{};
  }
  uint64_t I32(std::vector<Value> args) {
    ExecOutcome out = Run(std::move(args));
    EXPECT_FALSE(out.trap.has_value()) << out.trap->ToString();
    return out.results.empty() ? ~0ull : out.results[0].bits;
  }
  Machine& machine() { return machine_; }

 private:
  Store store_;
  Machine machine_;
  Instance* instance_ = nullptr;
};

TEST(VmCompiledCode, ReadOfALocalBeforeItIsSetKeepsTheOldValue) {
  // (local.get 0) (local.get 0) (i32.const 1) (i32.add) (local.set 0) (local.get 0) (i32.sub):
  // the first local.get was read before the set, so the result is old - new = -1.
  Compiled c(
      OneFunc({kI32}, {kI32},
              {0x20, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00, 0x20, 0x00, 0x6b, 0x0b}));
  EXPECT_EQ(c.I32({Value::I32(41)}), 0xFFFFFFFFu);
}

TEST(VmCompiledCode, TeeIntoALocalStillLeavesTheValue) {
  // (local.get 0) (i32.const 5) (i32.add) (local.tee 1) (local.get 1) (i32.mul): (x + 5)^2.
  Compiled c(OneFunc({kI32}, {kI32},
                     {0x20, 0x00, 0x41, 0x05, 0x6a, 0x22, 0x01, 0x20, 0x01, 0x6c, 0x0b},
                     {{1, kI32}}));
  EXPECT_EQ(c.I32({Value::I32(2)}), 49u);
}

TEST(VmCompiledCode, ConstantOnTheLeftOfAComparisonFusedIntoIf) {
  // (i32.const 10) (local.get 0) (i32.lt_s) (if (result i32) (then 1) (else 0)): 10 < x.
  Compiled c(OneFunc(
      {kI32}, {kI32},
      {0x41, 0x0a, 0x20, 0x00, 0x48, 0x04, 0x7f, 0x41, 0x01, 0x05, 0x41, 0x00, 0x0b, 0x0b}));
  EXPECT_EQ(c.I32({Value::I32(11)}), 1u);
  EXPECT_EQ(c.I32({Value::I32(10)}), 0u);
  EXPECT_EQ(c.I32({Value::I32(-5)}), 0u);
}

TEST(VmCompiledCode, WideConstantsAreNotSignExtendedImmediates) {
  // (local.get 0) (i64.const 2147483648) (i64.add): 2^31 does not fit a sign-extended 32-bit
  // immediate; (i64.const -1) (i64.and) does.
  Compiled add(
      OneFunc({kI64}, {kI64}, Cat({Bytes{0x20, 0x00, 0x42}, SLeb(2147483648), Bytes{0x7c, 0x0b}})));
  EXPECT_EQ(add.I32({Value::I64(1)}), 2147483649u);
  Compiled mask(OneFunc({kI64}, {kI64}, {0x20, 0x00, 0x42, 0x7f, 0x83, 0x0b}));
  EXPECT_EQ(mask.I32({Value::I64(-7)}), static_cast<uint64_t>(-7));
}

TEST(VmCompiledCode, AddFoldedIntoAnAddressWrapsButTheOffsetDoesNot) {
  // Store 0x1234 at address 0, then load from (x + 16) with offset 0 and from x with offset 16.
  const Bytes store = {0x41, 0x00, 0x41, 0xb4, 0x24, 0x36, 0x02, 0x00};  // i32.store [0] = 0x1234
  Compiled wrapped(OneFunc(
      {kI32}, {kI32}, Cat({store, Bytes{0x20, 0x00, 0x41, 0x10, 0x6a, 0x28, 0x02, 0x00, 0x0b}}), {},
      kOnePage));
  EXPECT_EQ(wrapped.I32({Value::I32(-16)}), 0x1234u);  // (0xFFFFFFF0 + 16) wraps to 0
  Compiled offset(OneFunc({kI32}, {kI32}, Cat({store, Bytes{0x20, 0x00, 0x28, 0x02, 0x10, 0x0b}}),
                          {}, kOnePage));
  ExecOutcome out = offset.Run({Value::I32(-16)});
  ASSERT_TRUE(out.trap.has_value());
  EXPECT_EQ(out.trap->kind, TrapKind::kMemoryOutOfBounds);
}

TEST(VmCompiledCode, LoadFusedIntoArithmeticTrapsAtTheLoad) {
  // (local.get 0) (local.get 1) (i32.load) (i32.add): the load's byte offset is the trap's.
  Bytes code = {0x20, 0x00, 0x20, 0x01, 0x28, 0x02, 0x00, 0x6a, 0x0b};
  Bytes module = OneFunc({kI32, kI32}, {kI32}, code, {}, kOnePage);
  const uint32_t load_at = module.size() - 5;  // the 0x28 byte
  ASSERT_EQ(module[load_at], 0x28);
  Compiled c(module);
  EXPECT_EQ(c.I32({Value::I32(5), Value::I32(0)}), 5u);
  ExecOutcome out = c.Run({Value::I32(5), Value::I32(65534)});
  ASSERT_TRUE(out.trap.has_value());
  EXPECT_EQ(out.trap->kind, TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(out.trap->code_offset, load_at);
}

TEST(VmCompiledCode, ShiftedOperandsOnEitherSide) {
  // (local.get 0) (i32.const 7) (i32.rotl) (local.get 1) (i32.xor): the shift is the left operand.
  Compiled left(
      OneFunc({kI32, kI32}, {kI32}, {0x20, 0x00, 0x41, 0x07, 0x77, 0x20, 0x01, 0x73, 0x0b}));
  EXPECT_EQ(left.I32({Value::I32(0x80000001), Value::I32(0xF0)}), 0xC0u ^ 0xF0u);
  // (local.get 1) (local.get 0) (i32.const 3) (i32.shr_u) (i32.sub): not commutative, so the
  // shift may only be fused as the right operand (and sub has no shifted form: plain code).
  Compiled sub(
      OneFunc({kI32, kI32}, {kI32}, {0x20, 0x01, 0x20, 0x00, 0x41, 0x03, 0x76, 0x6b, 0x0b}));
  EXPECT_EQ(sub.I32({Value::I32(64), Value::I32(100)}), 92u);
  // (local.get 1) (local.get 0) (i64.const 40) (i64.shl) (i64.add)
  Compiled wide(
      OneFunc({kI64, kI64}, {kI64}, {0x20, 0x01, 0x20, 0x00, 0x42, 0x28, 0x86, 0x7c, 0x0b}));
  EXPECT_EQ(wide.I32({Value::I64(3), Value::I64(5)}), (uint64_t{3} << 40) + 5);
}

TEST(VmCompiledCode, ChainsOfLocalMovesKeepTheirOrder) {
  // d = c; c = b; b = a; a = d + 1 (five moves in a row), then a * 1000 + b * 100 + c * 10 + d.
  Bytes code = {0x20, 0x02, 0x21, 0x03, 0x20, 0x01, 0x21, 0x02, 0x20, 0x00, 0x21, 0x01, 0x20, 0x03,
                0x41, 0x01, 0x6a, 0x21, 0x00, 0x20, 0x00, 0x41, 0xe8, 0x07, 0x6c, 0x20, 0x01, 0x41,
                0xe4, 0x00, 0x6c, 0x6a, 0x20, 0x02, 0x41, 0x0a, 0x6c, 0x6a, 0x20, 0x03, 0x6a, 0x0b};
  Compiled c(OneFunc({kI32, kI32, kI32}, {kI32}, code, {{1, kI32}}));
  // a=1, b=2, c=3 -> d=3, c=2, b=1, a=4 -> 4123
  EXPECT_EQ(c.I32({Value::I32(1), Value::I32(2), Value::I32(3)}), 4123u);
}

TEST(VmCompiledCode, NarrowLoadFusedIntoArithmeticExtendsLikeTheLoad) {
  // Store 0xFF at address 8, then (local.get 0) (i32.const 8) (i32.load8_s) (i32.add) and the
  // same with i32.load8_u: x - 1 and x + 255.
  const Bytes store = {0x41, 0x08, 0x41, 0xff, 0x01, 0x3a, 0x00, 0x00};  // i32.store8 [8] = 0xFF
  Compiled s(OneFunc({kI32}, {kI32},
                     Cat({store, Bytes{0x20, 0x00, 0x41, 0x08, 0x2c, 0x00, 0x00, 0x6a, 0x0b}}), {},
                     kOnePage));
  EXPECT_EQ(s.I32({Value::I32(10)}), 9u);
  Compiled u(OneFunc({kI32}, {kI32},
                     Cat({store, Bytes{0x20, 0x00, 0x41, 0x08, 0x2d, 0x00, 0x00, 0x6a, 0x0b}}), {},
                     kOnePage));
  EXPECT_EQ(u.I32({Value::I32(10)}), 265u);
}

TEST(VmCompiledCode, ZeroingALocalIsSkippedOnlyWhenNoPathWroteIt) {
  // (if (local.get 0) (then (local.set 1 (i32.const 5)))) (local.set 1 (i32.const 0)) (local.get 1)
  Compiled branch(OneFunc({kI32}, {kI32},
                          {0x20, 0x00, 0x04, 0x40, 0x41, 0x05, 0x21, 0x01, 0x0b, 0x41, 0x00, 0x21,
                           0x01, 0x20, 0x01, 0x0b},
                          {{1, kI32}}));
  EXPECT_EQ(branch.I32({Value::I32(1)}), 0u);
  // loop { x = 0; acc += x; x = 7; n -= 1; br_if n } acc: the x = 0 of the next iteration counts.
  Compiled loop(OneFunc(
      {kI32}, {kI32},
      {0x03, 0x40, 0x41, 0x00, 0x21, 0x01, 0x20, 0x02, 0x20, 0x01, 0x6a, 0x21, 0x02, 0x41, 0x07,
       0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x20, 0x02, 0x0b},
      {{2, kI32}}));
  EXPECT_EQ(loop.I32({Value::I32(3)}), 0u);
}

// g(x) = x + 1; f(n) = loop { acc = g(acc); n -= 1; br_if n } acc.
Bytes CallLoop() {
  Bytes g = Body({}, {0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b});
  Bytes f = Body({{1, kI32}}, {0x03, 0x40, 0x20, 0x01, 0x10, 0x00, 0x21, 0x01, 0x20, 0x00, 0x41,
                               0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x20, 0x01, 0x0b});
  return WasmModule({Section(1, Vec({TypeEntry({kI32}, {kI32})})),
                     Section(3, Vec({Bytes{0x00}, Bytes{0x00}})),
                     Section(7, Vec({ExportFunc("f", 1)})), Section(10, Vec({g, f}))});
}

TEST(VmCompiledCode, FuelThroughCallsAndFusedBranchesIsExactAndTrapsAtOnePoint) {
  Compiled c(CallLoop());
  const uint64_t start = 1'000'000;
  c.machine().SetFuel(start);
  ExecOutcome out = c.Run({Value::I32(50)}, start);
  ASSERT_FALSE(out.trap.has_value());
  EXPECT_EQ(out.results[0].bits, 50u);
  // Per iteration: local.get, call, local.set, local.get, const, sub, tee, br_if (8) and g's
  // local.get, const, add, return (4); then local.get and return.
  const uint64_t used = start - c.machine().fuel();
  EXPECT_EQ(used, 50u * 12 + 2);
  out = c.Run({Value::I32(50)}, used);
  EXPECT_FALSE(out.trap.has_value());
  EXPECT_EQ(c.machine().fuel(), 0u);
  for (uint64_t fuel : {used - 1, used / 2, uint64_t{3}}) {
    ExecOutcome a = c.Run({Value::I32(50)}, fuel);
    ExecOutcome b = c.Run({Value::I32(50)}, fuel);
    ASSERT_TRUE(a.trap.has_value()) << fuel;
    ASSERT_TRUE(b.trap.has_value()) << fuel;
    EXPECT_EQ(a.trap->kind, TrapKind::kOutOfFuel);
    EXPECT_EQ(a.trap->func_index, b.trap->func_index);
    EXPECT_EQ(a.trap->code_offset, b.trap->code_offset);
  }
}

TEST(VmCompiledCode, ConstantsAreFreshInEveryFrame) {
  // Recursion: f(n) = n == 0 ? 7 : f(n - 1) + 7 reads its constant after the callee's frame
  // (which reuses the stack above the arguments) has come and gone.
  Bytes f = Body({}, {0x20, 0x00, 0x45, 0x04, 0x7f, 0x41, 0x07, 0x05, 0x20, 0x00,
                      0x41, 0x01, 0x6b, 0x10, 0x00, 0x41, 0x07, 0x6a, 0x0b, 0x0b});
  Compiled c(
      WasmModule({Section(1, Vec({TypeEntry({kI32}, {kI32})})), Section(3, Vec({Bytes{0x00}})),
                  Section(7, Vec({ExportFunc("f", 0)})), Section(10, Vec({f}))}));
  EXPECT_EQ(c.I32({Value::I32(5)}), 42u);
}

}  // namespace
}  // namespace phalanx::vm

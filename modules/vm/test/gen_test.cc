// The module generator behind the execution fuzzer (wasm_gen.h) must only make valid modules,
// or the fuzzer would test the decoder instead of the interpreter; executing them under fuel
// must end (result or trap) — never an error status; and a reset must restore the exact state.
#include <gtest/gtest.h>

#include <random>

#include "phalanx/vm/module.h"
#include "phalanx/vm/store.h"
#include "wasm_gen.h"

namespace phalanx::vm {
namespace {

TEST(VmGen, GeneratedModulesValidateAndRunUnderFuel) {
  std::mt19937 rng(20261125);
  int executed = 0, trapped = 0;
  for (int seed = 0; seed < 1500; ++seed) {
    std::vector<uint8_t> bytes(rng() % 600);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
    const Bytes wasm = wasmtest::ModuleGen(bytes.data(), bytes.size()).Generate();
    auto module = CompileModule(wasm);
    ASSERT_TRUE(module.ok()) << "seed " << seed << ": " << module.status().ToString();
    Store store;
    Machine machine;
    auto inst = store.Instantiate(*module, {}, machine);
    ASSERT_TRUE(inst.ok()) << inst.status().ToString();
    const InstanceSnapshot pristine = (*inst)->Snapshot();
    for (const Export& e : (*module)->exports) {
      const FuncType& type = (*module)->TypeOfFunc(e.index);
      std::vector<Value> args;
      for (ValType t : type.params) args.push_back(Value{t, 0});
      machine.SetFuel(10'000);
      auto out = machine.Call(*(*inst)->funcs[e.index], args);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      ++executed;
      if (out->trap) ++trapped;
      ASSERT_TRUE((*inst)->Reset(pristine).ok());
      ASSERT_TRUE((*inst)->Snapshot() == pristine) << "seed " << seed << " export " << e.name;
    }
  }
  // Most calls should run to completion, or the generator mostly tests traps.
  EXPECT_GT(executed, 1500);
  EXPECT_LT(trapped, executed * 3 / 4) << trapped << " of " << executed << " trapped";
}

}  // namespace
}  // namespace phalanx::vm

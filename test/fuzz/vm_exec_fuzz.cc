// libFuzzer target for the wasm engine's execution: every input that becomes a valid module is
// instantiated with stub imports and each exported function is called with zero arguments under
// a fuel limit and small memory limits. Must never crash, hang or trip ASan/UBSan; traps are
// fine. Two modes, chosen by the first byte:
//   0x00 (the magic's first byte: the spec-suite seeds)  the input is the module itself
//   anything else   the rest of the input drives a generator of VALID modules (wasm_gen.h), so
//                   most inputs execute instead of failing validation
// After every call the instance is reset to its pristine snapshot, and a new snapshot must
// equal it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "phalanx/vm/module.h"
#include "phalanx/vm/store.h"
#include "wasm_gen.h"

namespace {

using namespace phalanx;
using namespace phalanx::vm;

constexpr uint64_t kFuelPerCall = 100'000;

Limits FuzzLimits() {
  Limits l;
  l.max_module_bytes = 1 << 20;
  l.max_memory_pages = 16;  // 1 MiB per memory
  l.max_table_elements = 10'000;
  l.max_call_depth = 500;
  l.max_value_stack_bytes = 256 << 10;
  return l;
}

// Imports of the right type: functions returning zeros, fresh tables, memories and globals.
// An import too large for the limits stays missing (the module is then unlinkable).
Imports StubImports(Store& store, const Module& m) {
  Imports imports;
  for (const Import& imp : m.imports) {
    switch (imp.kind) {
      case ExternKind::kFunc:
        imports.Add(
            imp.module, imp.name,
            store.HostFunction(m.types[imp.type_index], [](HostContext&, std::span<const uint64_t>,
                                                           std::span<uint64_t> results) {
              for (uint64_t& r : results) r = 0;
              return Status::Ok();
            }));
        break;
      case ExternKind::kTable:
        if (imp.table.limits.min > store.limits().max_table_elements) break;
        imports.Add(imp.module, imp.name, store.AddTable(imp.table));
        break;
      case ExternKind::kMemory:
        if (imp.memory.limits.min > store.limits().max_memory_pages) break;
        imports.Add(imp.module, imp.name, store.AddMemory(imp.memory));
        break;
      case ExternKind::kGlobal:
        imports.Add(imp.module, imp.name, store.AddGlobal(imp.global, 0));
        break;
    }
  }
  return imports;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Bytes wasm;
  if (data[0] == 0x00) {
    wasm.assign(data, data + size);
  } else {
    wasm = wasmtest::ModuleGen(data + 1, size - 1).Generate();
  }
  const Limits limits = FuzzLimits();
  auto module = CompileModule(wasm, limits);
  if (!module.ok()) {
    if (data[0] != 0x00) std::abort();  // the generator made an invalid module
    return 0;
  }
  Store store(limits);
  Machine machine(limits);
  const Imports imports = StubImports(store, **module);
  machine.SetFuel(kFuelPerCall);  // the start function runs under fuel too
  auto inst = store.Instantiate(*module, imports, machine);
  if (!inst.ok()) return 0;
  Instance& instance = **inst;
  const InstanceSnapshot pristine = instance.Snapshot();
  const uint64_t pages = instance.memory() ? instance.memory()->pages() : 0;
  for (const Export& e : (*module)->exports) {
    if (e.kind != ExternKind::kFunc) continue;
    std::vector<Value> args;
    for (ValType t : (*module)->TypeOfFunc(e.index).params) args.push_back(Value{t, 0});
    machine.SetFuel(kFuelPerCall);
    auto out = machine.Call(*instance.funcs[e.index], args);
    if (!out.ok()) std::abort();  // arguments match the type: only traps are allowed
    if (!instance.Reset(pristine).ok()) std::abort();
    if ((instance.memory() ? instance.memory()->pages() : 0) != pages) std::abort();
    if (!(instance.Snapshot() == pristine)) std::abort();  // reset restored everything
  }
  return 0;
}

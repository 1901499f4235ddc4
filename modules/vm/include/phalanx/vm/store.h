// The Store (WebAssembly spec 4.2.3): owns every runtime object — instances, functions, tables,
// memories, globals — for its whole life. Objects link to each other with plain pointers, so
// instances that write their functions into each other's tables cannot form an ownership cycle;
// everything is freed together when the Store is destroyed. Objects of different stores never
// link (instantiation checks it). A Store is not thread-safe.
#pragma once

#include <memory>
#include <unordered_set>
#include <vector>

#include "phalanx/vm/host_func.h"
#include "phalanx/vm/instance.h"

namespace phalanx::vm {

class Store {
 public:
  // `limits` bound the tables and memories this store allocates (max_table_elements,
  // max_memory_pages); execution limits belong to the Machine.
  explicit Store(const Limits& limits = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  const Limits& limits() const { return limits_; }

  // Links `imports` (objects of this store), allocates, initializes, runs the start function
  // with `machine`. Errors: kUnlinkable, kUninstantiable (ErrorOf), kLimitExceeded. An instance
  // that fails after writing into an imported table stays in the store (the table refers to its
  // functions), unreachable otherwise.
  Result<Instance*> Instantiate(std::shared_ptr<const Module> module, const Imports& imports,
                                Machine& machine);

  // A host function with an explicit type and raw-bits callback.
  FunctionInstance* HostFunction(FuncType type, HostFn fn);
  // A typed host function: the wasm type comes from the signature (see host_func.h), e.g.
  //   store.HostFunc<int32_t(int32_t, int64_t)>(
  //       [](HostContext& ctx, int32_t a, int64_t b) -> Result<int32_t> { ... });
  template <typename Sig, typename F>
  FunctionInstance* HostFunc(F f) {
    return HostFunction(FuncTypeOf<Sig>(), host_internal::Signature<Sig>::Wrap(std::move(f)));
  }
  TableInstance* AddTable(TableType type);
  MemoryInstance* AddMemory(MemoryType type);
  GlobalInstance* AddGlobal(GlobalType type, uint64_t bits);

  // Whether `v` names an object of this store.
  bool Owns(const ExternVal& v) const;

  size_t num_instances() const { return instances_.size(); }

 private:
  friend class Instance;
  FunctionInstance* NewFunction();
  TableInstance* NewTable(TableType type);
  MemoryInstance* NewMemory(MemoryType type);
  GlobalInstance* NewGlobal();

  Limits limits_;
  std::unordered_set<const void*> owned_;  // every object below, for Owns()
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<std::unique_ptr<FunctionInstance>> funcs_;
  std::vector<std::unique_ptr<TableInstance>> tables_;
  std::vector<std::unique_ptr<MemoryInstance>> memories_;
  std::vector<std::unique_ptr<GlobalInstance>> globals_;
};

}  // namespace phalanx::vm

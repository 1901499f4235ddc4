// The embedding API: runtime objects (functions, tables, memories, globals), host functions,
// instantiation with imports, and a Machine that invokes functions under a fuel budget.
//
//   ASSIGN_OR_RETURN(auto module, vm::CompileModule(bytes));
//   vm::Machine machine;
//   ASSIGN_OR_RETURN(auto instance, vm::Instance::Create(module, imports, machine));
//   machine.SetFuel(1'000'000);
//   vm::ExecOutcome out = machine.Invoke(*instance, "run", {vm::Value::I32(7)});
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "phalanx/base/result.h"
#include "phalanx/vm/limits.h"
#include "phalanx/vm/module.h"
#include "phalanx/vm/types.h"

namespace phalanx::vm {

inline constexpr uint64_t kPageBytes = 65536;
inline constexpr uint32_t kSpecMaxPages = 65536;

class Instance;
class Machine;

class MemoryInstance {
 public:
  MemoryInstance(MemoryType type, uint32_t max_pages_allowed);
  uint64_t size_bytes() const { return data_.size(); }
  uint32_t pages() const { return static_cast<uint32_t>(data_.size() / kPageBytes); }
  const MemoryType& type() const { return type_; }
  uint8_t* data() { return data_.data(); }
  // Grows by `delta` pages; returns the old size in pages, or -1 (the wasm result) if the
  // memory's maximum or the engine's max_memory_pages would be exceeded.
  int64_t Grow(uint64_t delta_pages);
  // Bounds-checked access for hosts and embedders.
  Result<ByteView> Read(uint64_t offset, uint64_t length) const;
  Status Write(uint64_t offset, ByteView bytes);

 private:
  MemoryType type_;
  uint32_t max_pages_;  // min(type max, engine limit)
  std::vector<uint8_t> data_;
};

class TableInstance {
 public:
  TableInstance(TableType type, uint64_t max_elements_allowed);
  const TableType& type() const { return type_; }
  uint64_t size() const { return elements_.size(); }
  uint64_t* data() { return elements_.data(); }
  // Returns the old size or -1, like table.grow.
  int64_t Grow(uint64_t delta, uint64_t init);
  // Keeps `owner` (an instance whose functions were stored here) alive as long as the table.
  void KeepAlive(std::shared_ptr<const void> owner);

 private:
  TableType type_;
  std::vector<std::shared_ptr<const void>> owners_;
  uint64_t max_;
  std::vector<uint64_t> elements_;  // references: 0 is null
};

struct GlobalInstance {
  GlobalType type;
  uint64_t value = 0;  // raw bits, as Value::bits
};

// What a host function gets: its caller's memory, and fuel it may charge.
class HostContext {
 public:
  HostContext(Machine& machine, Instance* caller) : machine_(machine), caller_(caller) {}
  // The caller's memory 0, or null if it has none.
  MemoryInstance* memory();
  // Takes `amount` fuel; if less is left, takes all of it and returns kOutOfFuel (the host
  // function should return that status, which traps with TrapKind::kOutOfFuel).
  Status ChargeFuel(uint64_t amount);
  Machine& machine() { return machine_; }

 private:
  Machine& machine_;
  Instance* caller_;
};

// A host function gets its arguments and writes its results as raw bits (Value::bits) in the
// order of its type. A non-OK status traps (TrapKind::kHost with the status's message).
using HostFn = std::function<Status(HostContext&, std::span<const uint64_t>, std::span<uint64_t>)>;

struct FunctionInstance {
  FuncType type;
  Instance* instance = nullptr;            // wasm functions: the owning instance
  const FunctionCode* code = nullptr;      // wasm functions
  uint32_t func_index = 0;                 // index in the owning module
  HostFn host;                             // host functions
  std::shared_ptr<const void> keep_alive;  // owner of `instance` (wasm functions)
};

std::shared_ptr<FunctionInstance> MakeHostFunction(FuncType type, HostFn fn);

struct ExternVal {
  ExternKind kind = ExternKind::kFunc;
  std::shared_ptr<FunctionInstance> func;
  std::shared_ptr<TableInstance> table;
  std::shared_ptr<MemoryInstance> memory;
  std::shared_ptr<GlobalInstance> global;
};

// Named imports: (module, name) -> extern value.
class Imports {
 public:
  void Add(std::string module, std::string name, ExternVal value);
  const ExternVal* Find(std::string_view module, std::string_view name) const;

 private:
  std::map<std::pair<std::string, std::string>, ExternVal, std::less<>> map_;
};

class Instance : public std::enable_shared_from_this<Instance> {
 public:
  // Links imports, allocates, initializes globals and segments and runs the start function
  // with `machine`. Errors: kUnlinkable, kUninstantiable (ErrorOf), kLimitExceeded.
  static Result<std::shared_ptr<Instance>> Create(std::shared_ptr<const Module> module,
                                                  const Imports& imports, Machine& machine);

  const Module& module() const { return *module_; }
  std::optional<ExternVal> GetExport(std::string_view name) const;

  // Runtime state, read by the interpreter (kept public for it; embedders use GetExport).
  std::vector<std::shared_ptr<FunctionInstance>> funcs;
  std::vector<std::shared_ptr<TableInstance>> tables;
  std::vector<std::shared_ptr<MemoryInstance>> memories;
  std::vector<std::shared_ptr<GlobalInstance>> globals;
  std::vector<FunctionInstance*> func_ptrs;  // funcs[i].get(), for the interpreter
  std::vector<GlobalInstance*> global_ptrs;
  std::vector<std::vector<uint64_t>> elem_items;  // evaluated segments; emptied by elem.drop
  std::vector<bool> data_dropped;

 private:
  explicit Instance(std::shared_ptr<const Module> module) : module_(std::move(module)) {}
  Status Link(const Imports& imports, const Limits& limits);
  Status Initialize(Machine& machine);
  std::shared_ptr<const Module> module_;
};

struct ExecOutcome {
  std::vector<Value> results;
  std::optional<Trap> trap;
  bool ok() const { return !trap.has_value(); }
};

// Executes functions. Owns the value stack and call stack (allocated once, reused by every
// call); not thread-safe, use one per thread. Host functions may re-enter it.
class Machine {
 public:
  explicit Machine(const Limits& limits = {});
  ~Machine();
  const Limits& limits() const { return limits_; }

  void SetFuel(uint64_t fuel) { fuel_ = fuel; }
  uint64_t fuel() const { return fuel_; }

  // Calls `func` with `args` (checked against its type: a mismatch is an InvalidArgument).
  Result<ExecOutcome> Call(const FunctionInstance& func, std::span<const Value> args);
  // Calls the exported function `name` of `instance`.
  Result<ExecOutcome> Invoke(const Instance& instance, std::string_view name,
                             std::span<const Value> args);

 private:
  friend class HostContext;
  friend struct Interpreter;
  Limits limits_;
  uint64_t fuel_ = UINT64_MAX;
  struct Frame;
  std::vector<uint64_t> stack_;
  std::unique_ptr<Frame[]> frames_;  // max_call_depth + 1 entries
  size_t stack_used_ = 0;            // slots in use by outer (re-entered) invocations
  uint32_t depth_ = 0;               // call depth of outer invocations
  bool host_out_of_fuel_ = false;
};

}  // namespace phalanx::vm

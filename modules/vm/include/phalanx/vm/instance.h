// The embedding API's runtime objects: memories, tables, globals, functions and instances, all
// owned by a Store (store.h) and linked by plain pointers, so no ownership cycle can form; plus
// the Machine that invokes functions under a fuel budget, and snapshots that reset an instance
// to its pristine state.
//
//   ASSIGN_OR_RETURN(auto module, vm::CompileModule(bytes));
//   vm::Store store;
//   vm::Imports imports;
//   imports.Add("env", "log", store.HostFunc<void(int32_t)>(...));
//   vm::Machine machine;
//   ASSIGN_OR_RETURN(vm::Instance* instance, store.Instantiate(module, imports, machine));
//   machine.SetFuel(1'000'000);
//   ASSIGN_OR_RETURN(vm::ExecOutcome out, machine.Invoke(*instance, "run", {vm::Value::I32(7)}));
#pragma once

#include <bit>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
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
class Store;

// A non-owning pointer to an object owned by a Store (valid as long as the Store). It reads like
// the shared_ptr it replaced (get(), ->, *), so code written against either compiles.
template <typename T>
class StorePtr {
 public:
  StorePtr() = default;
  StorePtr(T* p) : p_(p) {}  // NOLINT: implicit, a pointer is what it is
  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  bool operator==(const StorePtr&) const = default;

 private:
  T* p_ = nullptr;
};

// Errors of the memory helpers (MemoryInstance, HostContext): an access outside the memory is
// kInvalidArgument with a message starting "out of bounds memory access" (the wasm trap's words).
Status MemoryOutOfBounds(uint64_t offset, uint64_t length, uint64_t size_bytes);

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

  // Bounds-checked access for hosts and embedders. Views are valid until the memory grows.
  Result<ByteView> Read(uint64_t offset, uint64_t length) const;
  Result<std::span<uint8_t>> Span(uint64_t offset, uint64_t length);
  Status Write(uint64_t offset, ByteView bytes);
  // Little-endian loads and stores of integers and floats, as wasm's own i32.load etc.
  template <typename T>
  Result<T> ReadLE(uint64_t offset) const;
  template <typename T>
  Status WriteLE(uint64_t offset, T value);

 private:
  friend class Instance;  // snapshots and resets
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

 private:
  friend class Instance;  // snapshots and resets
  TableType type_;
  uint64_t max_;
  std::vector<uint64_t> elements_;  // references: 0 is null, else a FunctionInstance* (funcref)
};

struct GlobalInstance {
  GlobalType type;
  uint64_t value = 0;  // raw bits, as Value::bits
};

// What a host function gets: its caller's memory (with bounds-checked helpers), and fuel it may
// charge. Every error the helpers return may be returned as is: it traps the wasm caller.
class HostContext {
 public:
  HostContext(Machine& machine, Instance* caller) : machine_(machine), caller_(caller) {}
  // The caller's memory 0, or null if it has none (or the host was called from outside wasm).
  MemoryInstance* memory();
  // Takes `amount` fuel; if less is left, takes all of it and returns kOutOfFuel (the host
  // function should return that status, which traps with TrapKind::kOutOfFuel).
  Status ChargeFuel(uint64_t amount);
  Machine& machine() { return machine_; }
  Instance* caller() { return caller_; }

  // The memory helpers of MemoryInstance on the caller's memory 0; kFailedPrecondition if the
  // caller has no memory.
  Result<ByteView> Read(uint64_t offset, uint64_t length);
  Result<std::span<uint8_t>> Span(uint64_t offset, uint64_t length);
  Status Write(uint64_t offset, ByteView bytes);
  template <typename T>
  Result<T> ReadLE(uint64_t offset);
  template <typename T>
  Status WriteLE(uint64_t offset, T value);

 private:
  Result<MemoryInstance*> RequireMemory();
  Machine& machine_;
  Instance* caller_;
};

// A host function gets its arguments and writes its results as raw bits (Value::bits) in the
// order of its type. A non-OK status traps (TrapKind::kHost with the status's message). Typed
// host functions (Store::HostFunc) are built on this.
using HostFn = std::function<Status(HostContext&, std::span<const uint64_t>, std::span<uint64_t>)>;

struct FunctionInstance {
  FuncType type;
  Instance* instance = nullptr;        // wasm functions: the owning instance
  const FunctionCode* code = nullptr;  // wasm functions
  uint32_t func_index = 0;             // index in the owning module
  HostFn host;                         // host functions
};

// An importable or exported object: exactly one pointer is set, per `kind`. Pointers are owned
// by a Store.
struct ExternVal {
  ExternKind kind = ExternKind::kFunc;
  FunctionInstance* func = nullptr;
  TableInstance* table = nullptr;
  MemoryInstance* memory = nullptr;
  GlobalInstance* global = nullptr;

  ExternVal() = default;
  ExternVal(FunctionInstance* f) : kind(ExternKind::kFunc), func(f) {}    // NOLINT: implicit
  ExternVal(TableInstance* t) : kind(ExternKind::kTable), table(t) {}     // NOLINT
  ExternVal(MemoryInstance* m) : kind(ExternKind::kMemory), memory(m) {}  // NOLINT
  ExternVal(GlobalInstance* g) : kind(ExternKind::kGlobal), global(g) {}  // NOLINT
  bool IsNull() const { return !func && !table && !memory && !global; }
};

// Named imports: (module, name) -> extern value.
class Imports {
 public:
  void Add(std::string module, std::string name, ExternVal value);
  const ExternVal* Find(std::string_view module, std::string_view name) const;

 private:
  std::map<std::pair<std::string, std::string>, ExternVal, std::less<>> map_;
};

// The state of an instance taken by Instance::Snapshot: the contents and sizes of every memory
// and table it reaches, its mutable globals, and its segments' dropped state.
class InstanceSnapshot {
 public:
  const Instance* instance() const { return instance_; }
  // Bytes of memory image kept: only non-zero pages are (the others are known to be zero).
  uint64_t image_bytes() const;
  // Whether two snapshots (of the same instance) captured the same state.
  bool operator==(const InstanceSnapshot& other) const;

 private:
  friend class Instance;
  struct MemoryState {
    MemoryType type;
    uint64_t size_bytes = 0;
    std::vector<uint32_t> pages;  // indexes of the non-zero pages, ascending
    Bytes image;                  // their contents, kPageBytes each; every other page is zero
  };
  struct TableState {
    TableType type;
    std::vector<uint64_t> elements;
  };
  const Instance* instance_ = nullptr;
  std::vector<MemoryState> memories_;
  std::vector<TableState> tables_;
  std::vector<uint64_t> globals_;  // every global's value (immutable ones restore to themselves)
  std::vector<std::vector<uint64_t>> elem_items_;
  std::vector<bool> data_dropped_;
};

class Instance {
 public:
  const Module& module() const { return *module_; }
  Store& store() const { return *store_; }
  std::optional<ExternVal> GetExport(std::string_view name) const;
  // The exported function `name`, or null.
  FunctionInstance* GetFunction(std::string_view name) const;
  // Memory 0, or null.
  MemoryInstance* memory() const { return memories.empty() ? nullptr : memories[0].get(); }

  // Captures the current state (typically right after instantiation: the pristine instance).
  InstanceSnapshot Snapshot() const;
  // Restores a snapshot of this instance: memory contents and sizes, table contents and sizes,
  // globals, dropped segments. Costs a memset/memcpy of the memory (the interpreter does not
  // track dirty pages) and a copy of tables and globals; allocates nothing unless a table grew.
  // Must not be called while the instance is executing.
  Status Reset(const InstanceSnapshot& snapshot);

  // Runtime state, read by the interpreter (kept public for it; embedders use GetExport).
  std::vector<StorePtr<FunctionInstance>> funcs;
  std::vector<StorePtr<TableInstance>> tables;
  std::vector<StorePtr<MemoryInstance>> memories;
  std::vector<StorePtr<GlobalInstance>> globals;
  std::vector<FunctionInstance*> func_ptrs;  // funcs[i].get(), for the interpreter
  std::vector<GlobalInstance*> global_ptrs;
  std::vector<std::vector<uint64_t>> elem_items;  // evaluated segments; emptied by elem.drop
  std::vector<bool> data_dropped;

 private:
  friend class Store;
  Instance(Store* store, std::shared_ptr<const Module> module)
      : store_(store), module_(std::move(module)) {}
  Status Link(const Imports& imports);
  Status Initialize(Machine& machine);
  Store* store_;
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

// Implementation of the little-endian helpers (header-only: they are templates).
namespace internal {
template <typename T>
inline constexpr bool kIsLoadable =
    std::is_same_v<T, uint8_t> || std::is_same_v<T, int8_t> || std::is_same_v<T, uint16_t> ||
    std::is_same_v<T, int16_t> || std::is_same_v<T, uint32_t> || std::is_same_v<T, int32_t> ||
    std::is_same_v<T, uint64_t> || std::is_same_v<T, int64_t> || std::is_same_v<T, float> ||
    std::is_same_v<T, double>;
template <typename T>
T FromLittleEndian(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1) {
    uint8_t b[sizeof(T)];
    for (size_t i = 0; i < sizeof(T); ++i) b[i] = p[sizeof(T) - 1 - i];
    std::memcpy(&v, b, sizeof(T));
  }
  return v;
}
template <typename T>
void ToLittleEndian(T v, uint8_t* p) {
  std::memcpy(p, &v, sizeof(T));
  if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1) {
    for (size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(p[i], p[sizeof(T) - 1 - i]);
  }
}
}  // namespace internal

template <typename T>
Result<T> MemoryInstance::ReadLE(uint64_t offset) const {
  static_assert(internal::kIsLoadable<T>, "ReadLE loads integers and floats");
  if (offset > data_.size() || sizeof(T) > data_.size() - offset) {
    return MemoryOutOfBounds(offset, sizeof(T), data_.size());
  }
  return internal::FromLittleEndian<T>(data_.data() + offset);
}

template <typename T>
Status MemoryInstance::WriteLE(uint64_t offset, T value) {
  static_assert(internal::kIsLoadable<T>, "WriteLE stores integers and floats");
  if (offset > data_.size() || sizeof(T) > data_.size() - offset) {
    return MemoryOutOfBounds(offset, sizeof(T), data_.size());
  }
  internal::ToLittleEndian<T>(value, data_.data() + offset);
  return Status::Ok();
}

template <typename T>
Result<T> HostContext::ReadLE(uint64_t offset) {
  ASSIGN_OR_RETURN(MemoryInstance * mem, RequireMemory());
  return mem->ReadLE<T>(offset);
}

template <typename T>
Status HostContext::WriteLE(uint64_t offset, T value) {
  ASSIGN_OR_RETURN(MemoryInstance * mem, RequireMemory());
  return mem->WriteLE<T>(offset, value);
}

}  // namespace phalanx::vm

// Runtime objects and instantiation (spec section 4.5.4, WebAssembly 2.0 order): resolve and
// type-check imports, allocate, evaluate globals, apply active element and data segments in
// order (a failing one traps after the earlier ones took effect), then run the start function.
#include "phalanx/vm/instance.h"

#include <new>

namespace phalanx::vm {
namespace {

Status Unlinkable(std::string reason) { return ErrorStatus(Error::kUnlinkable, 0, reason); }
Status Uninstantiable(std::string reason) { return ErrorStatus(Error::kUninstantiable, 0, reason); }

// Import subtyping of limits: the provided object must be at least as large and at most as
// growable as the import asks.
bool LimitsMatch(uint64_t actual_min, const SizeLimits& actual, const SizeLimits& wanted) {
  if (actual_min < wanted.min) return false;
  if (!wanted.has_max) return true;
  return actual.has_max && actual.max <= wanted.max;
}

}  // namespace

MemoryInstance::MemoryInstance(MemoryType type, uint32_t max_pages_allowed) : type_(type) {
  uint64_t max = type.limits.has_max ? type.limits.max : kSpecMaxPages;
  max_pages_ = static_cast<uint32_t>(std::min<uint64_t>(max, max_pages_allowed));
  data_.resize(type.limits.min * kPageBytes);
}

int64_t MemoryInstance::Grow(uint64_t delta_pages) {
  const uint64_t old = pages();
  if (old + delta_pages > max_pages_) return -1;
  try {
    data_.resize((old + delta_pages) * kPageBytes);
  } catch (const std::bad_alloc&) {
    return -1;
  }
  type_.limits.min = old + delta_pages;
  return static_cast<int64_t>(old);
}

Result<ByteView> MemoryInstance::Read(uint64_t offset, uint64_t length) const {
  if (offset > data_.size() || length > data_.size() - offset) {
    return InvalidArgument("memory read of " + std::to_string(length) + " bytes at " +
                           std::to_string(offset) + " is out of bounds (memory has " +
                           std::to_string(data_.size()) + " bytes)");
  }
  return ByteView(data_.data() + offset, length);
}

Status MemoryInstance::Write(uint64_t offset, ByteView bytes) {
  if (offset > data_.size() || bytes.size() > data_.size() - offset) {
    return InvalidArgument("memory write of " + std::to_string(bytes.size()) + " bytes at " +
                           std::to_string(offset) + " is out of bounds (memory has " +
                           std::to_string(data_.size()) + " bytes)");
  }
  if (!bytes.empty()) std::memcpy(data_.data() + offset, bytes.data(), bytes.size());
  return Status::Ok();
}

TableInstance::TableInstance(TableType type, uint64_t max_elements_allowed) : type_(type) {
  uint64_t max = type.limits.has_max ? type.limits.max : UINT32_MAX;
  max_ = std::min(max, max_elements_allowed);
  elements_.resize(type.limits.min, 0);
}

int64_t TableInstance::Grow(uint64_t delta, uint64_t init) {
  const uint64_t old = elements_.size();
  if (old + delta > max_) return -1;
  try {
    elements_.resize(old + delta, init);
  } catch (const std::bad_alloc&) {
    return -1;
  }
  type_.limits.min = old + delta;
  return static_cast<int64_t>(old);
}

void TableInstance::KeepAlive(std::shared_ptr<const void> owner) {
  for (const auto& o : owners_) {
    if (o == owner) return;
  }
  owners_.push_back(std::move(owner));
}

std::shared_ptr<FunctionInstance> MakeHostFunction(FuncType type, HostFn fn) {
  auto f = std::make_shared<FunctionInstance>();
  f->type = std::move(type);
  f->host = std::move(fn);
  return f;
}

void Imports::Add(std::string module, std::string name, ExternVal value) {
  map_[{std::move(module), std::move(name)}] = std::move(value);
}

const ExternVal* Imports::Find(std::string_view module, std::string_view name) const {
  auto it = map_.find(std::make_pair(std::string(module), std::string(name)));
  return it == map_.end() ? nullptr : &it->second;
}

Result<std::shared_ptr<Instance>> Instance::Create(std::shared_ptr<const Module> module,
                                                   const Imports& imports, Machine& machine) {
  std::shared_ptr<Instance> inst(new Instance(std::move(module)));
  RETURN_IF_ERROR(inst->Link(imports, machine.limits()));
  RETURN_IF_ERROR(inst->Initialize(machine));
  return inst;
}

Status Instance::Link(const Imports& imports, const Limits& limits) {
  const Module& m = *module_;
  for (const Import& imp : m.imports) {
    const ExternVal* v = imports.Find(imp.module, imp.name);
    const std::string what = "import " + imp.module + "." + imp.name;
    if (v == nullptr) return Unlinkable("unknown import: " + what);
    if (v->kind != imp.kind)
      return Unlinkable("incompatible import type: " + what + " is not a " +
                        std::string(ExternKindName(imp.kind)));
    switch (imp.kind) {
      case ExternKind::kFunc:
        if (!(v->func->type == m.types[imp.type_index])) {
          return Unlinkable("incompatible import type: " + what + " has type " +
                            ToString(v->func->type) + ", the module wants " +
                            ToString(m.types[imp.type_index]));
        }
        funcs.push_back(v->func);
        break;
      case ExternKind::kTable:
        if (v->table->type().elem != imp.table.elem ||
            !LimitsMatch(v->table->size(), v->table->type().limits, imp.table.limits)) {
          return Unlinkable("incompatible import type: " + what + " (table type or limits)");
        }
        tables.push_back(v->table);
        break;
      case ExternKind::kMemory:
        if (!LimitsMatch(v->memory->pages(), v->memory->type().limits, imp.memory.limits)) {
          return Unlinkable("incompatible import type: " + what + " (memory limits)");
        }
        memories.push_back(v->memory);
        break;
      case ExternKind::kGlobal:
        if (v->global->type.type != imp.global.type || v->global->type.mut != imp.global.mut) {
          return Unlinkable("incompatible import type: " + what + " (global type)");
        }
        globals.push_back(v->global);
        break;
    }
  }
  for (size_t i = 0; i < m.code.size(); ++i) {
    auto f = std::make_shared<FunctionInstance>();
    const uint32_t index = m.num_imported_funcs + static_cast<uint32_t>(i);
    f->type = m.TypeOfFunc(index);
    f->instance = this;
    f->code = &m.code[i];
    f->func_index = index;
    funcs.push_back(std::move(f));
  }
  for (size_t i = m.num_imported_tables; i < m.tables.size(); ++i) {
    tables.push_back(std::make_shared<TableInstance>(m.tables[i], limits.max_table_elements));
  }
  for (size_t i = m.num_imported_memories; i < m.memories.size(); ++i) {
    memories.push_back(std::make_shared<MemoryInstance>(m.memories[i], limits.max_memory_pages));
  }
  for (const auto& f : funcs) func_ptrs.push_back(f.get());
  return Status::Ok();
}

Status Instance::Initialize(Machine& machine) {
  const Module& m = *module_;
  auto eval = [&](const ConstExpr& e) -> uint64_t {
    switch (e.kind) {
      case ConstExpr::Kind::kConst:
        return e.bits;
      case ConstExpr::Kind::kGlobalGet:
        return global_ptrs[e.index]->value;
      case ConstExpr::Kind::kRefFunc:
        return reinterpret_cast<uint64_t>(func_ptrs[e.index]);
      case ConstExpr::Kind::kRefNull:
        return 0;
    }
    return 0;
  };
  for (const auto& g : globals) global_ptrs.push_back(g.get());
  for (size_t i = m.num_imported_globals; i < m.globals.size(); ++i) {
    auto g = std::make_shared<GlobalInstance>();
    g->type = m.globals[i].type;
    g->value = eval(m.globals[i].init);
    global_ptrs.push_back(g.get());
    globals.push_back(std::move(g));
  }
  elem_items.resize(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    for (const ConstExpr& e : m.elems[i].items) elem_items[i].push_back(eval(e));
  }
  data_dropped.assign(m.datas.size(), false);
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode == SegmentMode::kActive) {
      const uint64_t offset = static_cast<uint32_t>(eval(seg.offset));
      TableInstance& t = *tables[seg.table];
      const auto& items = elem_items[i];
      if (offset + items.size() > t.size()) {
        return Uninstantiable("out of bounds table access: element segment " + std::to_string(i) +
                              " does not fit its table");
      }
      // An imported table outlives this instance's failure or destruction: keep us alive.
      if (seg.table < m.num_imported_tables && !items.empty()) t.KeepAlive(shared_from_this());
      std::copy(items.begin(), items.end(), t.data() + offset);
    }
    if (seg.mode != SegmentMode::kPassive) elem_items[i].clear();
  }
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != SegmentMode::kActive) continue;
    const uint64_t offset = static_cast<uint32_t>(eval(seg.offset));
    Status s = memories[seg.memory]->Write(offset, seg.bytes);
    if (!s.ok()) {
      return Uninstantiable("out of bounds memory access: data segment " + std::to_string(i) +
                            " does not fit its memory");
    }
    data_dropped[i] = true;
  }
  if (m.start) {
    auto out = machine.Call(*funcs[*m.start], {});
    if (!out.ok()) return out.status();
    if (out->trap) return Uninstantiable("start function trapped: " + out->trap->ToString());
  }
  return Status::Ok();
}

std::optional<ExternVal> Instance::GetExport(std::string_view name) const {
  const Export* e = module_->FindExport(name);
  if (e == nullptr) return std::nullopt;
  ExternVal v;
  v.kind = e->kind;
  // Exported objects keep this instance alive (aliasing shared_ptr).
  auto self = std::const_pointer_cast<Instance>(shared_from_this());
  switch (e->kind) {
    case ExternKind::kFunc: {
      const auto& f = funcs[e->index];
      v.func = f->instance == this ? std::shared_ptr<FunctionInstance>(self, f.get()) : f;
      break;
    }
    case ExternKind::kTable:
      v.table = tables[e->index];
      break;
    case ExternKind::kMemory:
      v.memory = memories[e->index];
      break;
    case ExternKind::kGlobal:
      v.global = globals[e->index];
      break;
  }
  return v;
}

}  // namespace phalanx::vm

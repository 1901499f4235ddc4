// Runtime objects, the Store and instantiation (spec section 4.5.4, WebAssembly 2.0 order):
// resolve and type-check imports, allocate, evaluate globals, apply active element and data
// segments in order (a failing one traps after the earlier ones took effect), then run the start
// function. Also snapshots and resets of instances, and the host-side memory helpers.
#include <algorithm>
#include <new>

#include "phalanx/vm/store.h"

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

Status MemoryOutOfBounds(uint64_t offset, uint64_t length, uint64_t size_bytes) {
  return InvalidArgument("out of bounds memory access: " + std::to_string(length) + " bytes at " +
                         std::to_string(offset) + " (memory has " + std::to_string(size_bytes) +
                         " bytes)");
}

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
    return MemoryOutOfBounds(offset, length, data_.size());
  }
  return ByteView(data_.data() + offset, length);
}

Result<std::span<uint8_t>> MemoryInstance::Span(uint64_t offset, uint64_t length) {
  if (offset > data_.size() || length > data_.size() - offset) {
    return MemoryOutOfBounds(offset, length, data_.size());
  }
  return std::span<uint8_t>(data_.data() + offset, length);
}

Status MemoryInstance::Write(uint64_t offset, ByteView bytes) {
  if (offset > data_.size() || bytes.size() > data_.size() - offset) {
    return MemoryOutOfBounds(offset, bytes.size(), data_.size());
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

Result<MemoryInstance*> HostContext::RequireMemory() {
  MemoryInstance* mem = memory();
  if (mem == nullptr) return FailedPrecondition("the calling instance has no memory");
  return mem;
}

Result<ByteView> HostContext::Read(uint64_t offset, uint64_t length) {
  ASSIGN_OR_RETURN(MemoryInstance * mem, RequireMemory());
  return mem->Read(offset, length);
}

Result<std::span<uint8_t>> HostContext::Span(uint64_t offset, uint64_t length) {
  ASSIGN_OR_RETURN(MemoryInstance * mem, RequireMemory());
  return mem->Span(offset, length);
}

Status HostContext::Write(uint64_t offset, ByteView bytes) {
  ASSIGN_OR_RETURN(MemoryInstance * mem, RequireMemory());
  return mem->Write(offset, bytes);
}

void Imports::Add(std::string module, std::string name, ExternVal value) {
  map_[{std::move(module), std::move(name)}] = value;
}

const ExternVal* Imports::Find(std::string_view module, std::string_view name) const {
  auto it = map_.find(std::make_pair(std::string(module), std::string(name)));
  return it == map_.end() ? nullptr : &it->second;
}

Store::Store(const Limits& limits) : limits_(limits) {}
Store::~Store() = default;

FunctionInstance* Store::NewFunction() {
  funcs_.push_back(std::make_unique<FunctionInstance>());
  owned_.insert(funcs_.back().get());
  return funcs_.back().get();
}

TableInstance* Store::NewTable(TableType type) {
  tables_.push_back(std::make_unique<TableInstance>(type, limits_.max_table_elements));
  owned_.insert(tables_.back().get());
  return tables_.back().get();
}

MemoryInstance* Store::NewMemory(MemoryType type) {
  memories_.push_back(std::make_unique<MemoryInstance>(type, limits_.max_memory_pages));
  owned_.insert(memories_.back().get());
  return memories_.back().get();
}

GlobalInstance* Store::NewGlobal() {
  globals_.push_back(std::make_unique<GlobalInstance>());
  owned_.insert(globals_.back().get());
  return globals_.back().get();
}

FunctionInstance* Store::HostFunction(FuncType type, HostFn fn) {
  FunctionInstance* f = NewFunction();
  f->type = std::move(type);
  f->host = std::move(fn);
  return f;
}

TableInstance* Store::AddTable(TableType type) { return NewTable(type); }
MemoryInstance* Store::AddMemory(MemoryType type) { return NewMemory(type); }

GlobalInstance* Store::AddGlobal(GlobalType type, uint64_t bits) {
  GlobalInstance* g = NewGlobal();
  g->type = type;
  g->value = bits;
  return g;
}

bool Store::Owns(const ExternVal& v) const {
  const void* p = nullptr;
  switch (v.kind) {
    case ExternKind::kFunc:
      p = v.func;
      break;
    case ExternKind::kTable:
      p = v.table;
      break;
    case ExternKind::kMemory:
      p = v.memory;
      break;
    case ExternKind::kGlobal:
      p = v.global;
      break;
  }
  return p != nullptr && owned_.count(p) != 0;
}

Result<Instance*> Store::Instantiate(std::shared_ptr<const Module> module, const Imports& imports,
                                     Machine& machine) {
  // Linking touches nothing outside the new instance: on failure it is simply dropped.
  auto inst = std::unique_ptr<Instance>(new Instance(this, std::move(module)));
  RETURN_IF_ERROR(inst->Link(imports));
  // From here on, other objects (imported tables, the start function's effects) may refer to the
  // instance's functions, so the store keeps it even if initialization fails.
  instances_.push_back(std::move(inst));
  Instance* i = instances_.back().get();
  RETURN_IF_ERROR(i->Initialize(machine));
  return i;
}

Status Instance::Link(const Imports& imports) {
  const Module& m = *module_;
  for (const Import& imp : m.imports) {
    const ExternVal* v = imports.Find(imp.module, imp.name);
    const std::string what = "import " + imp.module + "." + imp.name;
    if (v == nullptr) return Unlinkable("unknown import: " + what);
    if (v->kind != imp.kind)
      return Unlinkable("incompatible import type: " + what + " is not a " +
                        std::string(ExternKindName(imp.kind)));
    if (!store_->Owns(*v)) {
      return Unlinkable("incompatible import: " + what + " is not an object of this store");
    }
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
  return Status::Ok();
}

Status Instance::Initialize(Machine& machine) {
  const Module& m = *module_;
  for (size_t i = 0; i < m.code.size(); ++i) {
    FunctionInstance* f = store_->NewFunction();
    const uint32_t index = m.num_imported_funcs + static_cast<uint32_t>(i);
    f->type = m.TypeOfFunc(index);
    f->instance = this;
    f->code = &m.code[i];
    f->func_index = index;
    funcs.push_back(f);
  }
  for (size_t i = m.num_imported_tables; i < m.tables.size(); ++i) {
    tables.push_back(store_->NewTable(m.tables[i]));
  }
  for (size_t i = m.num_imported_memories; i < m.memories.size(); ++i) {
    memories.push_back(store_->NewMemory(m.memories[i]));
  }
  for (const auto& f : funcs) func_ptrs.push_back(f.get());
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
    GlobalInstance* g = store_->NewGlobal();
    g->type = m.globals[i].type;
    g->value = eval(m.globals[i].init);
    global_ptrs.push_back(g);
    globals.push_back(g);
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
  switch (e->kind) {
    case ExternKind::kFunc:
      return ExternVal(funcs[e->index].get());
    case ExternKind::kTable:
      return ExternVal(tables[e->index].get());
    case ExternKind::kMemory:
      return ExternVal(memories[e->index].get());
    case ExternKind::kGlobal:
      return ExternVal(globals[e->index].get());
  }
  return std::nullopt;
}

FunctionInstance* Instance::GetFunction(std::string_view name) const {
  const Export* e = module_->FindExport(name);
  if (e == nullptr || e->kind != ExternKind::kFunc) return nullptr;
  return funcs[e->index].get();
}

uint64_t InstanceSnapshot::image_bytes() const {
  uint64_t n = 0;
  for (const MemoryState& m : memories_) n += m.image.size();
  return n;
}

namespace {

bool IsZero(const uint8_t* p, size_t n) {
  return std::all_of(p, p + n, [](uint8_t b) { return b == 0; });
}

}  // namespace

bool InstanceSnapshot::operator==(const InstanceSnapshot& o) const {
  auto same_limits = [](const SizeLimits& a, const SizeLimits& b) {
    return a.min == b.min && a.has_max == b.has_max && (!a.has_max || a.max == b.max);
  };
  if (instance_ != o.instance_ || memories_.size() != o.memories_.size() ||
      tables_.size() != o.tables_.size()) {
    return false;
  }
  for (size_t i = 0; i < memories_.size(); ++i) {
    const MemoryState &a = memories_[i], &b = o.memories_[i];
    if (!same_limits(a.type.limits, b.type.limits) || a.size_bytes != b.size_bytes ||
        a.pages != b.pages || a.image != b.image) {
      return false;
    }
  }
  for (size_t i = 0; i < tables_.size(); ++i) {
    const TableState &a = tables_[i], &b = o.tables_[i];
    if (a.type.elem != b.type.elem || !same_limits(a.type.limits, b.type.limits) ||
        a.elements != b.elements) {
      return false;
    }
  }
  return globals_ == o.globals_ && elem_items_ == o.elem_items_ && data_dropped_ == o.data_dropped_;
}

InstanceSnapshot Instance::Snapshot() const {
  InstanceSnapshot s;
  s.instance_ = this;
  for (const auto& mem : memories) {
    InstanceSnapshot::MemoryState st;
    st.type = mem->type_;
    st.size_bytes = mem->data_.size();
    for (uint64_t at = 0; at < st.size_bytes; at += kPageBytes) {
      const uint8_t* page = mem->data_.data() + at;
      if (IsZero(page, kPageBytes)) continue;
      st.pages.push_back(static_cast<uint32_t>(at / kPageBytes));
      st.image.insert(st.image.end(), page, page + kPageBytes);
    }
    s.memories_.push_back(std::move(st));
  }
  for (const auto& t : tables) s.tables_.push_back({t->type_, t->elements_});
  for (const GlobalInstance* g : global_ptrs) s.globals_.push_back(g->value);
  s.elem_items_ = elem_items;
  s.data_dropped_ = data_dropped;
  return s;
}

Status Instance::Reset(const InstanceSnapshot& s) {
  if (s.instance_ != this) return InvalidArgument("the snapshot was taken of another instance");
  for (size_t i = 0; i < memories.size(); ++i) {
    MemoryInstance& mem = *memories[i];
    const InstanceSnapshot::MemoryState& st = s.memories_[i];
    // Shrinking keeps the allocation (the usual call-then-reset cycle never allocates); growing
    // back zero-fills. Then every page is rewritten: measured, a plain memset of a page is
    // faster than checking whether it is still zero (writes to cached memory stream at
    // ~150 GB/s here, reads with compares at a tenth of that).
    mem.data_.resize(st.size_bytes);
    size_t next = 0;  // index into st.pages
    for (uint64_t at = 0; at < st.size_bytes; at += kPageBytes) {
      uint8_t* page = mem.data_.data() + at;
      if (next < st.pages.size() && st.pages[next] == at / kPageBytes) {
        std::memcpy(page, st.image.data() + next * kPageBytes, kPageBytes);
        ++next;
      } else {
        std::memset(page, 0, kPageBytes);
      }
    }
    mem.type_ = st.type;
  }
  for (size_t i = 0; i < tables.size(); ++i) {
    tables[i]->type_ = s.tables_[i].type;
    tables[i]->elements_ = s.tables_[i].elements;
  }
  for (size_t i = 0; i < global_ptrs.size(); ++i) global_ptrs[i]->value = s.globals_[i];
  elem_items = s.elem_items_;
  data_dropped = s.data_dropped_;
  return Status::Ok();
}

}  // namespace phalanx::vm

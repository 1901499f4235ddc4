// Decodes the binary module format (spec section 5) and validates everything outside function
// bodies (section 3.4); bodies go to compiler.cc once every section has decoded, so a malformed
// section is reported as malformed even when an earlier body is also invalid.
#include <algorithm>
#include <set>

#include "compiler.h"
#include "phalanx/vm/module.h"
#include "reader.h"

namespace phalanx::vm {
namespace {

using internal::Reader;

Status Invalid(size_t at, std::string_view reason) {
  return ErrorStatus(Error::kInvalid, at, reason);
}
Status Limit(size_t at, std::string_view what, uint64_t limit) {
  return ErrorStatus(Error::kLimitExceeded, at,
                     std::string(what) + " exceeds the engine limit of " + std::to_string(limit));
}

Status ReadValType(Reader& r, ValType* out) {
  size_t at = r.offset();
  uint8_t b;
  RETURN_IF_ERROR(r.U8(&b));
  switch (b) {
    case 0x7F:
    case 0x7E:
    case 0x7D:
    case 0x7C:
    case 0x70:
    case 0x6F:
      *out = static_cast<ValType>(b);
      return Status::Ok();
    case 0x7B:
      return Reader::Fail("v128 (SIMD) is not supported by this engine", at);
    default:
      return Reader::Fail("malformed value type", at);
  }
}

Status ReadRefType(Reader& r, ValType* out) {
  size_t at = r.offset();
  uint8_t b;
  RETURN_IF_ERROR(r.U8(&b));
  if (b != 0x70 && b != 0x6F) return Reader::Fail("malformed reference type", at);
  *out = static_cast<ValType>(b);
  return Status::Ok();
}

Status ReadLimits(Reader& r, SizeLimits* out) {
  size_t at = r.offset();
  uint8_t flags;
  RETURN_IF_ERROR(r.U8(&flags));
  if (flags > 1) return Reader::Fail("malformed limits flags", at);
  uint32_t v;
  RETURN_IF_ERROR(r.U32(&v));
  out->min = v;
  out->has_max = flags == 1;
  if (out->has_max) {
    RETURN_IF_ERROR(r.U32(&v));
    out->max = v;
  }
  return Status::Ok();
}

class Decoder {
 public:
  Decoder(ByteView bytes, const Limits& limits) : bytes_(bytes), limits_(limits) {}
  Result<std::shared_ptr<const Module>> Run();

 private:
  Status Section(uint8_t id, Reader& r);
  Status TypeSection(Reader& r);
  Status ImportSection(Reader& r);
  Status FunctionSection(Reader& r);
  Status TableSection(Reader& r);
  Status MemorySection(Reader& r);
  Status GlobalSection(Reader& r);
  Status ExportSection(Reader& r);
  Status StartSection(Reader& r);
  Status ElementSection(Reader& r);
  Status CodeSection(Reader& r);
  Status DataSection(Reader& r);
  Status ReadTableType(Reader& r, TableType* t);
  Status ReadMemoryType(Reader& r, MemoryType* t);
  Status ReadGlobalType(Reader& r, GlobalType* t);
  Status ReadConstExpr(Reader& r, ValType expected, bool only_imported_globals, ConstExpr* out);
  Status ReadCount(Reader& r, uint32_t* n, uint64_t limit, std::string_view what);

  ByteView bytes_;
  const Limits& limits_;
  std::shared_ptr<Module> m_ = std::make_shared<Module>();
  std::optional<uint32_t> data_count_;
  uint32_t declared_funcs_ = 0;  // entries of the function section
  struct Body {
    ByteView bytes;
    size_t offset;
  };
  std::vector<Body> bodies_;
  bool saw_code_ = false;
  std::vector<bool> declared_refs_;
  std::vector<uint32_t> pending_refs_;  // ref.func indices seen before the function space was known
};

Status Decoder::ReadCount(Reader& r, uint32_t* n, uint64_t limit, std::string_view what) {
  size_t at = r.offset();
  RETURN_IF_ERROR(r.U32(n));
  if (*n > limit) return Limit(at, what, limit);
  // Each entry takes at least one byte: a count past the remaining bytes is malformed.
  if (*n > r.remaining()) return Reader::Fail("unexpected end (count past the section end)", at);
  return Status::Ok();
}

Status Decoder::ReadTableType(Reader& r, TableType* t) {
  RETURN_IF_ERROR(ReadRefType(r, &t->elem));
  size_t at = r.offset();
  RETURN_IF_ERROR(ReadLimits(r, &t->limits));
  if (t->limits.has_max && t->limits.min > t->limits.max) {
    return Invalid(at, "size minimum must not be greater than maximum");
  }
  if (t->limits.min > limits_.max_table_elements) {
    return Limit(at, "table size", limits_.max_table_elements);
  }
  return Status::Ok();
}

Status Decoder::ReadMemoryType(Reader& r, MemoryType* t) {
  size_t at = r.offset();
  RETURN_IF_ERROR(ReadLimits(r, &t->limits));
  if (t->limits.min > 65536 || (t->limits.has_max && t->limits.max > 65536)) {
    return Invalid(at, "memory size must be at most 65536 pages (4GiB)");
  }
  if (t->limits.has_max && t->limits.min > t->limits.max) {
    return Invalid(at, "size minimum must not be greater than maximum");
  }
  if (t->limits.min > limits_.max_memory_pages) {
    return Limit(at, "memory pages", limits_.max_memory_pages);
  }
  return Status::Ok();
}

Status Decoder::ReadGlobalType(Reader& r, GlobalType* t) {
  RETURN_IF_ERROR(ReadValType(r, &t->type));
  size_t at = r.offset();
  uint8_t mut;
  RETURN_IF_ERROR(r.U8(&mut));
  if (mut > 1) return Reader::Fail("malformed mutability", at);
  t->mut = mut == 1;
  return Status::Ok();
}

Status Decoder::ReadConstExpr(Reader& r, ValType expected, bool only_imported_globals,
                              ConstExpr* out) {
  size_t at = r.offset();
  uint8_t op;
  RETURN_IF_ERROR(r.U8(&op));
  switch (op) {
    case 0x41: {
      int32_t v;
      RETURN_IF_ERROR(r.S32(&v));
      *out = {ConstExpr::Kind::kConst, ValType::kI32, static_cast<uint32_t>(v), 0};
      break;
    }
    case 0x42: {
      int64_t v;
      RETURN_IF_ERROR(r.S64(&v));
      *out = {ConstExpr::Kind::kConst, ValType::kI64, static_cast<uint64_t>(v), 0};
      break;
    }
    case 0x43: {
      uint32_t v;
      RETURN_IF_ERROR(r.Fixed32(&v));
      *out = {ConstExpr::Kind::kConst, ValType::kF32, v, 0};
      break;
    }
    case 0x44: {
      uint64_t v;
      RETURN_IF_ERROR(r.Fixed64(&v));
      *out = {ConstExpr::Kind::kConst, ValType::kF64, v, 0};
      break;
    }
    case 0xD0: {
      ValType t;
      RETURN_IF_ERROR(ReadRefType(r, &t));
      *out = {ConstExpr::Kind::kRefNull, t, 0, 0};
      break;
    }
    case 0xD2: {
      uint32_t f;
      RETURN_IF_ERROR(r.U32(&f));
      if (f >= m_->func_types.size()) return Invalid(at, "unknown function " + std::to_string(f));
      pending_refs_.push_back(f);
      *out = {ConstExpr::Kind::kRefFunc, ValType::kFuncRef, 0, f};
      break;
    }
    case 0x23: {
      uint32_t g;
      RETURN_IF_ERROR(r.U32(&g));
      uint32_t visible = only_imported_globals ? m_->num_imported_globals
                                               : static_cast<uint32_t>(m_->globals.size());
      if (g >= visible) return Invalid(at, "unknown global " + std::to_string(g));
      if (m_->globals[g].type.mut) return Invalid(at, "constant expression required");
      *out = {ConstExpr::Kind::kGlobalGet, m_->globals[g].type.type, 0, g};
      break;
    }
    case 0x0B:
      return Invalid(at, "type mismatch: empty constant expression");
    default:
      if (!internal::IsKnownOpcode(op)) return Reader::Fail("illegal opcode", at);
      return Invalid(at, "constant expression required");
  }
  if (out->type != expected) return Invalid(at, "type mismatch in constant expression");
  size_t end_at = r.offset();
  uint8_t end;
  RETURN_IF_ERROR(r.U8(&end));
  if (end != 0x0B) {
    // A second instruction: a (non-)constant sequence, invalid either way in WebAssembly 2.0.
    return Invalid(end_at, "type mismatch: constant expression must be one instruction");
  }
  return Status::Ok();
}

Status Decoder::TypeSection(Reader& r) {
  uint32_t n;
  RETURN_IF_ERROR(ReadCount(r, &n, limits_.max_types, "type count"));
  m_->types.resize(n);
  for (auto& t : m_->types) {
    size_t at = r.offset();
    uint8_t form;
    RETURN_IF_ERROR(r.U8(&form));
    if (form != 0x60) return Reader::Fail("malformed function type (expected 0x60)", at);
    for (auto* vec : {&t.params, &t.results}) {
      uint32_t k;
      RETURN_IF_ERROR(ReadCount(r, &k, limits_.max_params, "function type arity"));
      vec->resize(k);
      for (auto& v : *vec) RETURN_IF_ERROR(ReadValType(r, &v));
    }
  }
  return Status::Ok();
}

Status Decoder::ImportSection(Reader& r) {
  uint32_t n;
  RETURN_IF_ERROR(ReadCount(r, &n, limits_.max_imports, "import count"));
  for (uint32_t i = 0; i < n; ++i) {
    Import imp;
    RETURN_IF_ERROR(r.Name(&imp.module));
    RETURN_IF_ERROR(r.Name(&imp.name));
    size_t at = r.offset();
    uint8_t kind;
    RETURN_IF_ERROR(r.U8(&kind));
    switch (kind) {
      case 0:
        imp.kind = ExternKind::kFunc;
        at = r.offset();
        RETURN_IF_ERROR(r.U32(&imp.type_index));
        if (imp.type_index >= m_->types.size()) return Invalid(at, "unknown type");
        if (m_->func_types.size() >= limits_.max_functions) {
          return Limit(at, "function count", limits_.max_functions);
        }
        m_->func_types.push_back(imp.type_index);
        ++m_->num_imported_funcs;
        break;
      case 1:
        imp.kind = ExternKind::kTable;
        RETURN_IF_ERROR(ReadTableType(r, &imp.table));
        m_->tables.push_back(imp.table);
        ++m_->num_imported_tables;
        break;
      case 2:
        imp.kind = ExternKind::kMemory;
        RETURN_IF_ERROR(ReadMemoryType(r, &imp.memory));
        m_->memories.push_back(imp.memory);
        ++m_->num_imported_memories;
        break;
      case 3:
        imp.kind = ExternKind::kGlobal;
        RETURN_IF_ERROR(ReadGlobalType(r, &imp.global));
        if (m_->globals.size() >= limits_.max_globals) {
          return Limit(at, "global count", limits_.max_globals);
        }
        m_->globals.push_back({imp.global, {}});
        ++m_->num_imported_globals;
        break;
      default:
        return Reader::Fail("malformed import kind", at);
    }
    m_->imports.push_back(std::move(imp));
  }
  if (m_->tables.size() > limits_.max_tables) {
    return Limit(r.offset(), "table count", limits_.max_tables);
  }
  if (m_->memories.size() > 1) return Invalid(r.offset(), "multiple memories");
  return Status::Ok();
}

Status Decoder::FunctionSection(Reader& r) {
  uint32_t n;
  RETURN_IF_ERROR(ReadCount(r, &n, limits_.max_functions, "function count"));
  if (m_->func_types.size() + n > limits_.max_functions) {
    return Limit(r.offset(), "function count", limits_.max_functions);
  }
  declared_funcs_ = n;
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    uint32_t t;
    RETURN_IF_ERROR(r.U32(&t));
    if (t >= m_->types.size()) return Invalid(at, "unknown type");
    m_->func_types.push_back(t);
  }
  return Status::Ok();
}

Status Decoder::TableSection(Reader& r) {
  uint32_t n;
  RETURN_IF_ERROR(ReadCount(r, &n, limits_.max_tables, "table count"));
  if (m_->tables.size() + n > limits_.max_tables) {
    return Limit(r.offset(), "table count", limits_.max_tables);
  }
  for (uint32_t i = 0; i < n; ++i) {
    TableType t;
    RETURN_IF_ERROR(ReadTableType(r, &t));
    m_->tables.push_back(t);
  }
  return Status::Ok();
}

Status Decoder::MemorySection(Reader& r) {
  uint32_t n;
  size_t at = r.offset();
  RETURN_IF_ERROR(ReadCount(r, &n, 1u << 16, "memory count"));
  for (uint32_t i = 0; i < n; ++i) {
    MemoryType t;
    RETURN_IF_ERROR(ReadMemoryType(r, &t));
    m_->memories.push_back(t);
  }
  if (m_->memories.size() > 1) return Invalid(at, "multiple memories");
  return Status::Ok();
}

Status Decoder::GlobalSection(Reader& r) {
  uint32_t n;
  RETURN_IF_ERROR(ReadCount(r, &n, limits_.max_globals, "global count"));
  if (m_->globals.size() + n > limits_.max_globals) {
    return Limit(r.offset(), "global count", limits_.max_globals);
  }
  for (uint32_t i = 0; i < n; ++i) {
    Global g;
    RETURN_IF_ERROR(ReadGlobalType(r, &g.type));
    RETURN_IF_ERROR(ReadConstExpr(r, g.type.type, /*only_imported_globals=*/true, &g.init));
    m_->globals.push_back(g);
  }
  return Status::Ok();
}

Status Decoder::ExportSection(Reader& r) {
  uint32_t n;
  RETURN_IF_ERROR(ReadCount(r, &n, limits_.max_exports, "export count"));
  std::set<std::string, std::less<>> names;
  for (uint32_t i = 0; i < n; ++i) {
    Export e;
    size_t at = r.offset();
    RETURN_IF_ERROR(r.Name(&e.name));
    size_t kind_at = r.offset();
    uint8_t kind;
    RETURN_IF_ERROR(r.U8(&kind));
    if (kind > 3) return Reader::Fail("malformed export kind", kind_at);
    e.kind = static_cast<ExternKind>(kind);
    size_t idx_at = r.offset();
    RETURN_IF_ERROR(r.U32(&e.index));
    size_t count = e.kind == ExternKind::kFunc     ? m_->func_types.size()
                   : e.kind == ExternKind::kTable  ? m_->tables.size()
                   : e.kind == ExternKind::kMemory ? m_->memories.size()
                                                   : m_->globals.size();
    if (e.index >= count) {
      return Invalid(idx_at, "unknown " + std::string(ExternKindName(e.kind)));
    }
    if (e.kind == ExternKind::kFunc) pending_refs_.push_back(e.index);
    if (!names.insert(e.name).second) return Invalid(at, "duplicate export name");
    m_->exports.push_back(std::move(e));
  }
  return Status::Ok();
}

Status Decoder::StartSection(Reader& r) {
  size_t at = r.offset();
  uint32_t f;
  RETURN_IF_ERROR(r.U32(&f));
  if (f >= m_->func_types.size()) return Invalid(at, "unknown function");
  const FuncType& t = m_->TypeOfFunc(f);
  if (!t.params.empty() || !t.results.empty())
    return Invalid(at, "start function must be [] -> []");
  m_->start = f;
  return Status::Ok();
}

Status Decoder::ElementSection(Reader& r) {
  uint32_t n;
  RETURN_IF_ERROR(ReadCount(r, &n, limits_.max_element_segments, "element segment count"));
  for (uint32_t i = 0; i < n; ++i) {
    ElemSegment seg;
    size_t at = r.offset();
    uint32_t flags;
    RETURN_IF_ERROR(r.U32(&flags));
    if (flags > 7) return Reader::Fail("malformed element segment kind", at);
    const bool passive_or_declarative = flags & 1;
    const bool explicit_table = flags & 2;
    const bool uses_exprs = flags & 4;
    seg.mode = !passive_or_declarative ? SegmentMode::kActive
               : explicit_table        ? SegmentMode::kDeclarative
                                       : SegmentMode::kPassive;
    if (seg.mode == SegmentMode::kActive) {
      if (explicit_table) RETURN_IF_ERROR(r.U32(&seg.table));
      if (seg.table >= m_->tables.size())
        return Invalid(at, "unknown table " + std::to_string(seg.table));
      RETURN_IF_ERROR(ReadConstExpr(r, ValType::kI32, true, &seg.offset));
    }
    if (flags & 3) {  // an element kind (0x00 = funcref) or a reference type follows
      size_t kat = r.offset();
      if (uses_exprs) {
        RETURN_IF_ERROR(ReadRefType(r, &seg.type));
      } else {
        uint8_t kind;
        RETURN_IF_ERROR(r.U8(&kind));
        if (kind != 0) return Reader::Fail("malformed element kind", kat);
      }
    }
    uint32_t k;
    RETURN_IF_ERROR(ReadCount(r, &k, limits_.max_table_elements, "element segment length"));
    seg.items.resize(k);
    for (auto& item : seg.items) {
      if (uses_exprs) {
        RETURN_IF_ERROR(ReadConstExpr(r, seg.type, true, &item));
      } else {
        size_t fat = r.offset();
        uint32_t f;
        RETURN_IF_ERROR(r.U32(&f));
        if (f >= m_->func_types.size())
          return Invalid(fat, "unknown function " + std::to_string(f));
        pending_refs_.push_back(f);
        item = {ConstExpr::Kind::kRefFunc, ValType::kFuncRef, 0, f};
      }
    }
    if (seg.mode == SegmentMode::kActive && m_->tables[seg.table].elem != seg.type) {
      return Invalid(at, "type mismatch: element segment type differs from the table's");
    }
    m_->elems.push_back(std::move(seg));
  }
  return Status::Ok();
}

Status Decoder::CodeSection(Reader& r) {
  uint32_t n;
  size_t at = r.offset();
  RETURN_IF_ERROR(ReadCount(r, &n, limits_.max_functions, "function body count"));
  if (n != declared_funcs_) {
    return Reader::Fail("function and code section have inconsistent lengths", at);
  }
  for (uint32_t i = 0; i < n; ++i) {
    size_t size_at = r.offset();
    uint32_t size;
    RETURN_IF_ERROR(r.U32(&size));
    if (size > limits_.max_function_body_bytes) {
      return Limit(size_at, "function body bytes", limits_.max_function_body_bytes);
    }
    size_t body_at = r.offset();
    ByteView body;
    RETURN_IF_ERROR(r.Take(size, &body));
    bodies_.push_back({body, body_at});
  }
  saw_code_ = true;
  return Status::Ok();
}

Status Decoder::DataSection(Reader& r) {
  uint32_t n;
  size_t at = r.offset();
  RETURN_IF_ERROR(ReadCount(r, &n, limits_.max_data_segments, "data segment count"));
  if (data_count_ && *data_count_ != n) {
    return Reader::Fail("data count and data section have inconsistent lengths", at);
  }
  for (uint32_t i = 0; i < n; ++i) {
    DataSegment seg;
    size_t sat = r.offset();
    uint32_t flags;
    RETURN_IF_ERROR(r.U32(&flags));
    if (flags > 2) return Reader::Fail("malformed data segment kind", sat);
    seg.mode = flags == 1 ? SegmentMode::kPassive : SegmentMode::kActive;
    if (flags == 2) RETURN_IF_ERROR(r.U32(&seg.memory));
    if (seg.mode == SegmentMode::kActive) {
      if (seg.memory >= m_->memories.size()) {
        return Invalid(sat, "unknown memory " + std::to_string(seg.memory));
      }
      RETURN_IF_ERROR(ReadConstExpr(r, ValType::kI32, true, &seg.offset));
    }
    uint32_t len;
    RETURN_IF_ERROR(r.U32(&len));
    ByteView bytes;
    RETURN_IF_ERROR(r.Take(len, &bytes));
    seg.bytes.assign(bytes.begin(), bytes.end());
    m_->datas.push_back(std::move(seg));
  }
  return Status::Ok();
}

Status Decoder::Section(uint8_t id, Reader& r) {
  switch (id) {
    case 1:
      return TypeSection(r);
    case 2:
      return ImportSection(r);
    case 3:
      return FunctionSection(r);
    case 4:
      return TableSection(r);
    case 5:
      return MemorySection(r);
    case 6:
      return GlobalSection(r);
    case 7:
      return ExportSection(r);
    case 8:
      return StartSection(r);
    case 9:
      return ElementSection(r);
    case 10:
      return CodeSection(r);
    case 11:
      return DataSection(r);
    case 12: {
      uint32_t n;
      size_t at = r.offset();
      RETURN_IF_ERROR(r.U32(&n));
      if (n > limits_.max_data_segments) {
        return Limit(at, "data segment count", limits_.max_data_segments);
      }
      data_count_ = n;
      return Status::Ok();
    }
    default:
      return Status::Ok();
  }
}

// Position of each section id in the required order (custom sections, id 0, go anywhere).
int SectionRank(uint8_t id) {
  static constexpr int kRank[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return kRank[id];
}

Result<std::shared_ptr<const Module>> Decoder::Run() {
  if (bytes_.size() > limits_.max_module_bytes) {
    return Limit(0, "module size in bytes", limits_.max_module_bytes);
  }
  Reader r(bytes_, 0);
  uint32_t magic = 0, version = 0;
  if (!r.Fixed32(&magic).ok() || magic != 0x6d736100)
    return Reader::Fail("magic header not detected", 0);
  if (!r.Fixed32(&version).ok() || version != 1) return Reader::Fail("unknown binary version", 4);
  int last_rank = 0;
  while (!r.eof()) {
    size_t at = r.offset();
    uint8_t id;
    RETURN_IF_ERROR(r.U8(&id));
    if (id > 12) return Reader::Fail("malformed section id", at);
    uint32_t size;
    RETURN_IF_ERROR(r.U32(&size));
    size_t content_at = r.offset();
    ByteView content;
    RETURN_IF_ERROR(r.Take(size, &content));
    Reader sr(content, content_at);
    if (id == 0) {
      std::string name;
      RETURN_IF_ERROR(sr.Name(&name));
      continue;  // custom sections are not interpreted
    }
    if (SectionRank(id) <= last_rank)
      return Reader::Fail("unexpected content after last section", at);
    last_rank = SectionRank(id);
    RETURN_IF_ERROR(Section(id, sr));
    if (!sr.eof()) return Reader::Fail("section size mismatch", sr.offset());
  }
  if (declared_funcs_ != bodies_.size()) {
    return Reader::Fail("function and code section have inconsistent lengths", r.offset());
  }
  if (data_count_ && *data_count_ != m_->datas.size()) {
    return Reader::Fail("data count and data section have inconsistent lengths", r.offset());
  }
  declared_refs_.assign(m_->func_types.size(), false);
  for (uint32_t f : pending_refs_) declared_refs_[f] = true;
  m_->fuel_metering = limits_.fuel_metering;
  internal::ModuleContext ctx{*m_, limits_, declared_refs_, data_count_.has_value()};
  m_->code.resize(bodies_.size());
  for (size_t i = 0; i < bodies_.size(); ++i) {
    FunctionCode& fc = m_->code[i];
    fc.type_index = m_->func_types[m_->num_imported_funcs + i];
    RETURN_IF_ERROR(internal::CompileFunction(ctx, bodies_[i].bytes, bodies_[i].offset, &fc));
  }
  return std::shared_ptr<const Module>(std::move(m_));
}

}  // namespace

Result<std::shared_ptr<const Module>> CompileModule(ByteView bytes, const Limits& limits) {
  return Decoder(bytes, limits).Run();
}

Status ValidateModule(ByteView bytes, const Limits& limits) {
  auto m = CompileModule(bytes, limits);
  return m.ok() ? Status::Ok() : m.status();
}

const Export* Module::FindExport(std::string_view name) const {
  for (const Export& e : exports) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

uint32_t FunctionCode::OffsetOf(size_t word_index) const {
  auto it = std::upper_bound(offsets.begin(), offsets.end(),
                             std::make_pair(uint32_t(word_index), UINT32_MAX));
  if (it == offsets.begin()) return body_offset;
  return std::prev(it)->second;
}

}  // namespace phalanx::vm

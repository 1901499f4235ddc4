// Hand-assembles small binary modules for tests: sections, vectors, LEB128, function bodies.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "phalanx/base/bytes.h"

namespace phalanx::vm::wasmtest {

inline Bytes Leb(uint64_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back(b | (v ? 0x80 : 0));
  } while (v);
  return out;
}
inline Bytes SLeb(int64_t v) {
  Bytes out;
  while (true) {
    uint8_t b = v & 0x7F;
    v >>= 7;
    if ((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40))) {
      out.push_back(b);
      return out;
    }
    out.push_back(b | 0x80);
  }
}
inline Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
inline Bytes Vec(const std::vector<Bytes>& items) {
  Bytes out = Leb(items.size());
  for (const Bytes& i : items) out.insert(out.end(), i.begin(), i.end());
  return out;
}
inline Bytes Str(const std::string& s) { return Cat({Leb(s.size()), Bytes(s.begin(), s.end())}); }
inline Bytes Section(uint8_t id, const Bytes& content) {
  return Cat({Bytes{id}, Leb(content.size()), content});
}
inline Bytes WasmModule(std::initializer_list<Bytes> sections) {
  Bytes out{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}
// A function type: 0x60 params results (value type bytes).
inline Bytes TypeEntry(const Bytes& params, const Bytes& results) {
  return Cat({Bytes{0x60}, Leb(params.size()), params, Leb(results.size()), results});
}
// A code entry: size, local groups (count, type), expression (must end with 0x0b).
inline Bytes Body(const std::vector<std::pair<uint32_t, uint8_t>>& locals, const Bytes& code) {
  Bytes content = Leb(locals.size());
  for (auto [n, t] : locals) content = Cat({content, Leb(n), Bytes{t}});
  content = Cat({content, code});
  return Cat({Leb(content.size()), content});
}
inline Bytes ExportFunc(const std::string& name, uint32_t index) {
  return Cat({Str(name), Bytes{0x00}, Leb(index)});
}

// A module of one type [params] -> [results] and one exported function "f" with `code`.
inline Bytes OneFunc(const Bytes& params, const Bytes& results, const Bytes& code,
                     const std::vector<std::pair<uint32_t, uint8_t>>& locals = {},
                     const Bytes& extra_sections_before_export = {}) {
  return WasmModule({Section(1, Vec({TypeEntry(params, results)})), Section(3, Vec({Bytes{0x00}})),
                     extra_sections_before_export, Section(7, Vec({ExportFunc("f", 0)})),
                     Section(10, Vec({Body(locals, code)}))});
}

constexpr uint8_t kI32 = 0x7F, kI64 = 0x7E, kF32 = 0x7D, kF64 = 0x7C;

}  // namespace phalanx::vm::wasmtest

// The embedding API's costs, one JSON object per line ({"bench":..., "value":..., "unit":...}):
//   vm.instantiate_100kb      Store::Instantiate of a generated ~100 KB module (400 functions
//                             with loops, memory traffic and calls; 24 KB of data segments)
//   vm.compile_100kb          CompileModule (decode + validate + compile) of the same module
//   vm.reset_100kb            Instance::Reset of that instance after a call (its alternative to
//                             instantiating again)
//   vm.reset_dirty / _clean   Instance::Reset to the pristine snapshot of a contract-shaped
//                             instance (17 pages: 1 MiB stack + data) after a call that wrote
//                             to 4 pages, and with nothing written
//   vm.reinstantiate_17_pages the alternative to a reset: a fresh instance of the same module
//   vm.call_roundtrip         host -> exported wasm function -> imported host function -> back
//   vm.call_wasm_only         host -> exported wasm function -> back (no host import)
// Every figure is thread CPU time (the calls also report wall time as wall_ns).
// Usage: vm_embed_bench [calls]   (default 2'000'000 round trips)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "phalanx/vm/module.h"
#include "phalanx/vm/store.h"
#include "wasm_builder.h"

namespace {

using namespace phalanx;
using namespace phalanx::vm;
using namespace phalanx::vm::wasmtest;
using Clock = std::chrono::steady_clock;

void Report(const char* bench, double value, const char* unit, const std::string& extra = "") {
  std::printf("{\"bench\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"%s}\n", bench, value, unit,
              extra.c_str());
}

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

// CPU time of this thread. The build machine is shared (load ~10 on 2 cores), and wall time
// counts preemption; every figure below is thread CPU time.
double ThreadCpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}
double CpuMicrosSince(double start_ns) { return (ThreadCpuNanos() - start_ns) / 1000.0; }

// Median of `reps` runs of `f`, in microseconds.
template <typename F>
double MedianMicros(int reps, F f) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const double start = ThreadCpuNanos();
    f();
    t.push_back(CpuMicrosSince(start));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

Bytes I32Const(int32_t v) { return Cat({Bytes{0x41}, SLeb(v)}); }

// Function i (type [i32 i32] -> [i32], locals 2 i32): a mixing loop, loads and stores at an
// address of its own, and a call to function i - 1 — the shape of compiled contract code.
Bytes GeneratedBody(uint32_t i) {
  const int32_t addr = static_cast<int32_t>(1024 + (i % 4096) * 8);
  Bytes b;
  auto add = [&](const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); };
  add({0x20, 0x00, 0x20, 0x01, 0x6a, 0x21, 0x02});  // l2 = p0 + p1
  for (int round = 0; round < 3; ++round) {
    add({0x41, 0x00, 0x21, 0x03});  // l3 = 0
    add({0x03, 0x40});              // loop
    add({0x20, 0x02});
    add(I32Const(static_cast<int32_t>(2654435761u * (i + round))));
    add({0x6c});
    add(I32Const(static_cast<int32_t>(i * 31 + round)));
    add({0x73, 0x21, 0x02});                                      // l2 = l2 * K ^ C
    add({0x20, 0x03, 0x41, 0x01, 0x6a, 0x22, 0x03, 0x41, 0x08});  // l3 += 1; l3 < 8
    add({0x49, 0x0d, 0x00, 0x0b});                                // br_if 0; end
    add(I32Const(addr));
    add({0x20, 0x02, 0x36, 0x02, 0x00});  // store l2 at addr
    add({0x20, 0x02});
    add(I32Const(addr + 4));
    add({0x28, 0x02, 0x00, 0x6a, 0x21, 0x02});  // l2 += load(addr + 4)
  }
  if (i > 0) {
    add({0x20, 0x02, 0x20, 0x00, 0x10});
    add(Leb(i - 1));
    add({0x21, 0x02});  // l2 = f[i-1](l2, p0)
  }
  add({0x20, 0x02, 0x0b});
  return Body({{2, kI32}}, b);
}

Bytes HundredKbModule(uint32_t functions, uint32_t data_segments, uint32_t segment_bytes) {
  std::vector<Bytes> funcs(functions, Bytes{0x00}), bodies, datas, exports;
  for (uint32_t i = 0; i < functions; ++i) bodies.push_back(GeneratedBody(i));
  for (uint32_t i = 0; i < functions; i += 50)
    exports.push_back(ExportFunc("f" + std::to_string(i), i));
  for (uint32_t s = 0; s < data_segments; ++s) {
    Bytes content(segment_bytes);
    for (uint32_t k = 0; k < segment_bytes; ++k) content[k] = static_cast<uint8_t>(k * 7 + s);
    datas.push_back(Cat({Bytes{0x00}, I32Const(static_cast<int32_t>(65536 + s * segment_bytes)),
                         Bytes{0x0b}, Leb(content.size()), content}));
  }
  return WasmModule({Section(1, Vec({TypeEntry({kI32, kI32}, {kI32})})), Section(3, Vec(funcs)),
                     Section(5, Vec({Bytes{0x00, 0x11}})), Section(7, Vec(exports)),
                     Section(10, Vec(bodies)), Section(11, Vec(datas))});
}

void BenchInstantiate() {
  const Bytes bytes = HundredKbModule(400, 24, 1024);
  const std::string extra = ", \"module_bytes\": " + std::to_string(bytes.size()) +
                            ", \"functions\": 400, \"data_bytes\": 24576";
  auto module = CompileModule(bytes);
  if (!module.ok()) {
    std::fprintf(stderr, "generated module rejected: %s\n", module.status().ToString().c_str());
    std::exit(1);
  }
  Report("vm.compile_100kb", MedianMicros(21, [&] { (void)CompileModule(bytes); }), "us", extra);
  Machine machine;
  Report("vm.instantiate_100kb",
         MedianMicros(101,
                      [&] {
                        Store store;
                        if (!store.Instantiate(*module, {}, machine).ok()) std::exit(1);
                      }),
         "us", extra);
  // The same instance reset to its snapshot after a call, for comparison.
  Store store;
  Instance* inst = *store.Instantiate(*module, {}, machine);
  const InstanceSnapshot pristine = inst->Snapshot();
  FunctionInstance* top = inst->GetFunction("f350");
  Value args[] = {Value::I32(1), Value::I32(2)};
  std::vector<double> t;
  for (int i = 0; i < 101; ++i) {
    if (!machine.Call(*top, args).ok()) std::exit(1);
    const double start = ThreadCpuNanos();
    if (!inst->Reset(pristine).ok()) std::exit(1);
    t.push_back(CpuMicrosSince(start));
  }
  std::sort(t.begin(), t.end());
  Report("vm.reset_100kb", t[t.size() / 2], "us", extra + ", \"memory_pages\": 17");
}

// 17 pages (16 of stack, clang's default, and one of data at 1 MiB); dirty(p) stores at p,
// p + 64 KiB, p + 128 KiB and p + 192 KiB — four pages, as a contract call touching its stack,
// a heap object and two storage buffers.
Bytes ContractShaped() {
  Bytes dirty;
  for (int k = 0; k < 4; ++k) {
    dirty = Cat({dirty, Bytes{0x20, 0x00}, I32Const(k * 65536), Bytes{0x6a}, I32Const(k + 1),
                 Bytes{0x36, 0x02, 0x00}});
  }
  dirty.push_back(0x0b);
  Bytes data = Cat({Bytes{0x00}, I32Const(1 << 20), Bytes{0x0b}, Str(std::string(4000, 'd'))});
  return WasmModule({Section(1, Vec({TypeEntry({kI32}, {})})), Section(3, Vec({Bytes{0x00}})),
                     Section(5, Vec({Bytes{0x00, 0x11}})),
                     Section(7, Vec({ExportFunc("dirty", 0)})), Section(10, Vec({Body({}, dirty)})),
                     Section(11, Vec({data}))});
}

void BenchReset() {
  auto module = CompileModule(ContractShaped());
  if (!module.ok()) std::exit(1);
  Store store;
  Machine machine;
  Instance* inst = *store.Instantiate(*module, {}, machine);
  const InstanceSnapshot pristine = inst->Snapshot();
  FunctionInstance* dirty = inst->GetFunction("dirty");
  const std::string extra =
      ", \"memory_pages\": 17, \"image_bytes\": " + std::to_string(pristine.image_bytes());
  Value at = Value::I32(4096);
  std::vector<double> t;
  for (int i = 0; i < 201; ++i) {
    if (!machine.Call(*dirty, {&at, 1}).ok()) std::exit(1);
    const double start = ThreadCpuNanos();
    if (!inst->Reset(pristine).ok()) std::exit(1);
    t.push_back(CpuMicrosSince(start));
  }
  std::sort(t.begin(), t.end());
  Report("vm.reset_dirty", t[t.size() / 2], "us", extra + ", \"dirty_pages\": 4");
  Report("vm.reset_clean", MedianMicros(201, [&] { (void)inst->Reset(pristine); }), "us", extra);
  Report("vm.reinstantiate_17_pages",
         MedianMicros(101,
                      [&] {
                        Store fresh;
                        if (!fresh.Instantiate(*module, {}, machine).ok()) std::exit(1);
                      }),
         "us", extra);
}

void BenchRoundTrip(uint64_t calls) {
  // f(x) = host(x) + 1 with host(x) = x * 2; g(x) = x + 1.
  Bytes imp = Cat({Str("env"), Str("host"), Bytes{0x00, 0x00}});
  Bytes bytes =
      WasmModule({Section(1, Vec({TypeEntry({kI32}, {kI32})})), Section(2, Vec({imp})),
                  Section(3, Vec({Bytes{0x00}, Bytes{0x00}})),
                  Section(7, Vec({ExportFunc("f", 1), ExportFunc("g", 2)})),
                  Section(10, Vec({Body({}, {0x20, 0x00, 0x10, 0x00, 0x41, 0x01, 0x6a, 0x0b}),
                                   Body({}, {0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b})}))});
  auto module = CompileModule(bytes);
  if (!module.ok()) std::exit(1);
  Store store;
  Machine machine;
  Imports imports;
  imports.Add("env", "host",
              store.HostFunc<uint32_t(uint32_t)>([](HostContext&, uint32_t x) { return x * 2; }));
  Instance* inst = *store.Instantiate(*module, imports, machine);
  for (const char* name : {"f", "g"}) {
    FunctionInstance* fn = inst->GetFunction(name);
    uint64_t sum = 0;
    auto start = Clock::now();
    const double cpu_start = ThreadCpuNanos();
    for (uint64_t i = 0; i < calls; ++i) {
      Value arg = Value::I32(static_cast<uint32_t>(i));
      auto out = machine.Call(*fn, {&arg, 1});
      sum += out->results[0].bits;
    }
    const double cpu_ns = (ThreadCpuNanos() - cpu_start) / calls;
    const double wall_ns = MicrosSince(start) * 1000.0 / calls;
    const bool roundtrip = name[0] == 'f';
    Report(roundtrip ? "vm.call_roundtrip" : "vm.call_wasm_only", cpu_ns, "ns",
           ", \"wall_ns\": " + std::to_string(wall_ns) + ", \"calls\": " + std::to_string(calls) +
               ", \"checksum\": " + std::to_string(sum));
  }
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t calls = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
  BenchInstantiate();
  BenchReset();
  BenchRoundTrip(calls);
  return 0;
}

// Implementation of harness.h: the engine side of every benchmark run, and the small process
// and file helpers the runner and the differential test use to drive node, wasm-interp and the
// native drivers.
#include "harness.h"

#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "phalanx/vm/instance.h"
#include "phalanx/vm/module.h"
#include "phalanx/vm/store.h"

namespace phalanx::wasmbench {
namespace {

constexpr size_t kRecordBytes = 32;  // programs/contract.c's account record
constexpr uint64_t kUnlimitedFuel = UINT64_MAX;

using Storage = std::unordered_map<uint32_t, std::array<uint8_t, kRecordBytes>>;

// The contract's imports, the same semantics as run.mjs and native_driver.c.
vm::Imports ContractImports(vm::Store& store, Storage& storage) {
  vm::Imports imports;
  imports.Add("env", "storage_get",
              store.HostFunc<int32_t(uint32_t, uint32_t)>(
                  [&storage](vm::HostContext& ctx, uint32_t key, uint32_t ptr) -> Result<int32_t> {
                    auto it = storage.find(key);
                    if (it == storage.end()) return 0;
                    RETURN_IF_ERROR(ctx.Write(ptr, it->second));
                    return 1;
                  }));
  imports.Add("env", "storage_set",
              store.HostFunc<void(uint32_t, uint32_t)>(
                  [&storage](vm::HostContext& ctx, uint32_t key, uint32_t ptr) -> Status {
                    ASSIGN_OR_RETURN(ByteView bytes, ctx.Read(ptr, kRecordBytes));
                    std::memcpy(storage[key].data(), bytes.data(), kRecordBytes);
                    return Status::Ok();
                  }));
  return imports;
}

Result<uint32_t> CheckI32Result(const Result<vm::ExecOutcome>& outcome, std::string_view what) {
  RETURN_IF_ERROR(outcome.status());
  if (outcome->trap) return Internal(std::string(what) + " trapped: " + outcome->trap->ToString());
  if (outcome->results.size() != 1 || outcome->results[0].type != vm::ValType::kI32) {
    return Internal(std::string(what) + " did not return one i32");
  }
  return outcome->results[0].i32();
}

// One repetition: a fresh store and instance, then the timed call(s).
Result<Timing> RunOnce(const std::shared_ptr<const vm::Module>& module, const Program& program,
                       uint32_t iterations, const vm::Limits& limits) {
  Storage storage;
  vm::Store store(limits);
  vm::Imports imports = program.contract ? ContractImports(store, storage) : vm::Imports();
  vm::Machine machine(limits);
  ASSIGN_OR_RETURN(vm::Instance * instance, store.Instantiate(module, imports, machine));
  machine.SetFuel(kUnlimitedFuel);
  const char* entry = program.contract ? "transfer" : "run";
  vm::FunctionInstance* fn = instance->GetFunction(entry);
  if (fn == nullptr) return NotFound(program.name + ".wasm exports no function " + entry);
  Timing timing;
  double cpu_start = ThreadCpuSeconds();
  auto start = std::chrono::steady_clock::now();
  if (program.contract) {
    uint32_t sum = 0;
    const std::string what = program.name + " transfer";  // built once, not per timed call
    for (uint32_t i = 0; i < iterations; ++i) {
      vm::Value arg = vm::Value::I32(i);
      ASSIGN_OR_RETURN(uint32_t receipt, CheckI32Result(machine.Call(*fn, {&arg, 1}), what));
      sum += receipt;
    }
    timing.checksum = sum;
  } else {
    vm::Value arg = vm::Value::I32(iterations);
    ASSIGN_OR_RETURN(timing.checksum,
                     CheckI32Result(machine.Call(*fn, {&arg, 1}), program.name + " run"));
  }
  timing.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  timing.seconds = ThreadCpuSeconds() - cpu_start;
  return timing;
}

}  // namespace

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

const std::vector<Program>& Programs() {
  // Iterations: about 50 ms natively each on this project's 2-core build machine; wasm-interp
  // gets a count that keeps it to seconds (its time is scaled per iteration for the ratio).
  static const std::vector<Program> kPrograms = {
      {"fib", false, 4000, 200},           {"sha256", false, 400, 20},
      {"matmul", false, 800, 40},          {"json", false, 8000, 400},
      {"coremark_like", false, 4000, 200}, {"contract", true, 2'000'000, 0},
  };
  return kPrograms;
}

Result<Timing> RunOnPhalanx(ByteView wasm, const Program& program, uint32_t iterations, int reps,
                            bool fuel_metering) {
  vm::Limits limits;
  limits.fuel_metering = fuel_metering;
  ASSIGN_OR_RETURN(auto module, vm::CompileModule(wasm, limits));
  Timing best;
  for (int r = 0; r < reps; ++r) {
    ASSIGN_OR_RETURN(Timing t, RunOnce(module, program, iterations, limits));
    if (r > 0 && t.checksum != best.checksum) {
      return Internal(program.name + ": checksum differs between repetitions (" +
                      std::to_string(t.checksum) + " vs " + std::to_string(best.checksum) + ")");
    }
    if (r == 0 || t.seconds < best.seconds) best = t;
  }
  return best;
}

ByteView RoundTripModule() {
  // (import "env" "h" (func (param i32) (result i32)))
  // (func (export "f") (param i32) (result i32) local.get 0 call 0 i32.const 1 i32.add)
  static const uint8_t kModule[] = {
      0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,                          // header
      0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F,                          // type
      0x02, 0x09, 0x01, 0x03, 'e',  'n',  'v',  0x01, 'h',  0x00, 0x00,        // import
      0x03, 0x02, 0x01, 0x00,                                                  // function
      0x07, 0x05, 0x01, 0x01, 'f',  0x00, 0x01,                                // export
      0x0A, 0x0B, 0x01, 0x09, 0x00, 0x20, 0x00, 0x10, 0x00, 0x41, 0x01, 0x6A,  // code
      0x0B};
  return kModule;
}

Result<Timing> HostRoundTrip(uint32_t calls, int reps, bool fuel_metering) {
  vm::Limits limits;
  limits.fuel_metering = fuel_metering;
  ASSIGN_OR_RETURN(auto module, vm::CompileModule(RoundTripModule(), limits));
  Timing best;
  for (int r = 0; r < reps; ++r) {
    vm::Store store(limits);
    vm::Imports imports;
    imports.Add("env", "h",
                store.HostFunc<uint32_t(uint32_t)>(
                    [](vm::HostContext&, uint32_t x) -> Result<uint32_t> { return 2 * x; }));
    vm::Machine machine(limits);
    ASSIGN_OR_RETURN(vm::Instance * instance, store.Instantiate(module, imports, machine));
    vm::FunctionInstance* f = instance->GetFunction("f");
    if (f == nullptr) return Internal("round-trip module exports no f");
    uint32_t sum = 0;
    double cpu_start = ThreadCpuSeconds();
    auto start = std::chrono::steady_clock::now();
    for (uint32_t i = 0; i < calls; ++i) {
      vm::Value arg = vm::Value::I32(i);
      ASSIGN_OR_RETURN(uint32_t v, CheckI32Result(machine.Call(*f, {&arg, 1}), "round trip"));
      sum += v;
    }
    double wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double seconds = ThreadCpuSeconds() - cpu_start;
    // sum of 2i + 1 for i < calls is calls^2 (mod 2^32).
    if (sum != static_cast<uint32_t>(uint64_t{calls} * calls)) {
      return Internal("round-trip checksum " + std::to_string(sum) + " is not calls^2");
    }
    if (r == 0 || seconds < best.seconds) best = Timing{sum, seconds, wall_seconds};
  }
  return best;
}

Result<std::string> RunCommand(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return IOError("cannot start: " + command);
  std::string output;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    output.append(buffer.data(), n);
  int status = pclose(pipe);
  if (status != 0) {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return Internal("command failed (exit " + std::to_string(code) + "): " + command);
  }
  return output;
}

Result<Timing> ParseTiming(std::string_view output) {
  size_t end = output.size();
  while (end > 0) {
    size_t start = output.rfind('\n', end - 1);
    start = start == std::string_view::npos ? 0 : start + 1;
    std::string_view line = output.substr(start, end - start);
    if (!line.empty() && line[0] == '{') {
      auto json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (json.is_discarded() || !json.contains("checksum") || !json.contains("seconds") ||
          !json["checksum"].is_number_unsigned() || !json["seconds"].is_number()) {
        return Corruption("not a timing line: " + std::string(line));
      }
      Timing timing{json["checksum"].get<uint32_t>(), json["seconds"].get<double>(), 0};
      if (json.contains("wall_seconds") && json["wall_seconds"].is_number()) {
        timing.wall_seconds = json["wall_seconds"].get<double>();
      }
      return timing;
    }
    if (start == 0) break;
    end = start - 1;
  }
  return Corruption("no JSON line in output: " + std::string(output.substr(0, 200)));
}

Result<Bytes> PatchBenchIterations(ByteView wasm, uint32_t iterations) {
  static constexpr std::string_view kMagic = "PHXITERS";
  std::string_view text(reinterpret_cast<const char*>(wasm.data()), wasm.size());
  size_t at = text.find(kMagic);
  if (at == std::string_view::npos || at + kMagic.size() + 4 > wasm.size() ||
      text.find(kMagic, at + 1) != std::string_view::npos) {
    return NotFound("the module has no single PHXITERS record (built without shim.c?)");
  }
  Bytes patched(wasm.begin(), wasm.end());
  for (int i = 0; i < 4; ++i) {
    patched[at + kMagic.size() + i] = static_cast<uint8_t>(iterations >> (8 * i));
  }
  return patched;
}

Result<Bytes> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Status WriteFile(const std::string& path, ByteView bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) return IOError("cannot write " + path);
  return Status::Ok();
}

bool HaveProgram(const std::string& program) {
  auto result = RunCommand("command -v " + ShellQuote(program) + " >/dev/null 2>&1");
  return result.ok();
}

std::string ShellQuote(std::string_view s) {
  std::string quoted = "'";
  for (char c : s) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace phalanx::wasmbench

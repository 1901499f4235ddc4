// Differential check of our WebAssembly engine against node (V8): every benchmark program at a
// small size, and a few hundred seeded generated modules (module_gen.h), compared bit for bit
// (float results as bits, NaNs by NaN-ness only) and trap for trap. Skipped when node or the
// programs (clang-14, wasm-ld) are missing.
//
// Environment: PHALANX_DIFF_SEED (first seed, default 1), PHALANX_DIFF_MODULES (default 300).
// A mismatch names its seed; GenerateModule(seed) rebuilds the module, and the failing run keeps
// the .wasm files in the directory it prints.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "harness.h"
#include "module_gen.h"
#include "phalanx/vm/instance.h"
#include "phalanx/vm/module.h"
#include "phalanx/vm/store.h"

namespace phalanx::wasmbench {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kFuelPerCall = 100'000'000;  // generated loops are tiny; this catches a runaway

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

// Our engine's outcome of every export, in order, in differential.mjs's notation ("trap" for
// any trap).
Result<std::vector<std::string>> RunOurs(const GeneratedModule& gen, bool fuel_metering) {
  vm::Limits limits;
  limits.fuel_metering = fuel_metering;
  ASSIGN_OR_RETURN(auto module, vm::CompileModule(gen.wasm, limits));
  vm::Store store(limits);
  vm::Machine machine(limits);
  ASSIGN_OR_RETURN(vm::Instance * instance, store.Instantiate(module, vm::Imports(), machine));
  std::vector<std::string> results;
  for (const std::string& name : gen.exports) {
    vm::FunctionInstance* fn = instance->GetFunction(name);
    if (fn == nullptr) return NotFound("export " + name + " missing");
    machine.SetFuel(kFuelPerCall);
    ASSIGN_OR_RETURN(vm::ExecOutcome out, machine.Call(*fn, {}));
    if (out.trap) {
      if (out.trap->kind == vm::TrapKind::kOutOfFuel) return Internal(name + " ran out of fuel");
      results.push_back("trap");
    } else if (out.results.size() == 1) {
      results.push_back(std::string(out.results[0].type == vm::ValType::kI64 ? "i64:" : "i32:") +
                        std::to_string(out.results[0].bits));
    } else {
      return Internal(name + " returned " + std::to_string(out.results.size()) + " values");
    }
  }
  return results;
}

std::string Normalize(const std::string& s) { return s.rfind("trap", 0) == 0 ? "trap" : s; }

bool HaveNode() { return HaveProgram("node"); }

TEST(WasmBenchHarness, ParseTimingReadsTheLastJsonLine) {
  auto t =
      ParseTiming("progress\n{\"checksum\":1,\"seconds\":2}\n{\"checksum\":7,\"seconds\":0.5}\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->checksum, 7u);
  EXPECT_EQ(t->seconds, 0.5);
  EXPECT_FALSE(ParseTiming("no json here\n").ok());
  EXPECT_FALSE(ParseTiming("{\"checksum\":-1,\"seconds\":1}").ok());
}

TEST(WasmBenchHarness, PatchBenchIterationsWritesLittleEndianAfterTheOnlyMagic) {
  Bytes wasm = {0x00, 'P', 'H', 'X', 'I', 'T', 'E', 'R', 'S', 0, 0, 0, 0, 0xAA};
  auto patched = PatchBenchIterations(wasm, 0x01020304);
  ASSERT_TRUE(patched.ok()) << patched.status().ToString();
  EXPECT_EQ(*patched, (Bytes{0x00, 'P', 'H', 'X', 'I', 'T', 'E', 'R', 'S', 4, 3, 2, 1, 0xAA}));
  EXPECT_FALSE(PatchBenchIterations(Bytes{1, 2, 3}, 5).ok());
  Bytes twice = wasm;
  twice.insert(twice.end(), wasm.begin(), wasm.end());
  EXPECT_FALSE(PatchBenchIterations(twice, 5).ok());
}

TEST(VmDifferential, SameResultComparesNanNessOnlyForFloatResults) {
  // Two different NaNs from a float-valued export agree; from an integer export they do not.
  EXPECT_TRUE(SameResult(ResultKind::kF32Bits, "i32:2143289344", "i32:4290772992"));
  EXPECT_FALSE(SameResult(ResultKind::kI32, "i32:2143289344", "i32:4290772992"));
  EXPECT_TRUE(
      SameResult(ResultKind::kF64Bits, "i64:9221120237041090560", "i64:18444492273895866368"));
  // A NaN and a number, an infinity and a NaN, and a value and a trap all differ.
  EXPECT_FALSE(SameResult(ResultKind::kF32Bits, "i32:2143289344", "i32:1065353216"));
  EXPECT_FALSE(SameResult(ResultKind::kF32Bits, "i32:2139095040", "i32:2143289344"));
  EXPECT_FALSE(SameResult(ResultKind::kF64Bits, "i64:0", "trap"));
  EXPECT_TRUE(SameResult(ResultKind::kI64, "trap", "trap"));
}

TEST(VmDifferential, GeneratorIsDeterministicAndItsModulesAreValid) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    GeneratedModule a = GenerateModule(seed), b = GenerateModule(seed);
    EXPECT_EQ(a.wasm, b.wasm) << "seed " << seed;
    EXPECT_NE(a.wasm, GenerateModule(seed + 1000).wasm) << "seed " << seed;
    Status valid = vm::ValidateModule(a.wasm);
    EXPECT_TRUE(valid.ok()) << "seed " << seed << ": " << valid.ToString();
  }
}

TEST(VmDifferential, GeneratedModulesAgreeWithNode) {
  if (!HaveNode()) GTEST_SKIP() << "node not found";
  uint64_t first = EnvOr("PHALANX_DIFF_SEED", 1);
  uint64_t count = EnvOr("PHALANX_DIFF_MODULES", 300);
  fs::path dir = fs::temp_directory_path() / ("vm_differential_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::map<std::string, std::pair<uint64_t, GeneratedModule>> modules;  // by file name
  for (uint64_t seed = first; seed < first + count; ++seed) {
    char file[32];
    std::snprintf(file, sizeof file, "m%012llu.wasm", static_cast<unsigned long long>(seed));
    GeneratedModule gen = GenerateModule(seed);
    ASSERT_TRUE(WriteFile((dir / file).string(), gen.wasm).ok());
    modules.emplace(file, std::pair{seed, std::move(gen)});
  }
  auto output = RunCommand("node " + ShellQuote(PHALANX_WASM_DIFFERENTIAL_MJS) + " " +
                           ShellQuote(dir.string()));
  ASSERT_TRUE(output.ok()) << output.status().ToString();

  size_t calls = 0, traps = 0, nans = 0, lines = 0, mismatches = 0;
  std::istringstream in(*output);
  for (std::string line; std::getline(in, line);) {
    auto json = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(json.is_discarded()) << line;
    auto it = modules.find(json.value("file", ""));
    ASSERT_NE(it, modules.end()) << line;
    ++lines;
    auto& [seed, gen] = it->second;
    ASSERT_FALSE(json.contains("error"))
        << "seed " << seed << ": node rejected the module: " << json["error"];
    std::vector<std::string> theirs = json["results"].get<std::vector<std::string>>();
    for (bool fuel : {true, false}) {
      auto ours = RunOurs(gen, fuel);
      ASSERT_TRUE(ours.ok()) << "seed " << seed << ": " << ours.status().ToString();
      ASSERT_EQ(ours->size(), theirs.size()) << "seed " << seed;
      for (size_t i = 0; i < theirs.size(); ++i) {
        std::string a = (*ours)[i], b = Normalize(theirs[i]);
        if (!SameResult(gen.kinds[i], a, b)) {
          ++mismatches;
          ADD_FAILURE() << "seed " << seed << " export " << gen.exports[i]
                        << (fuel ? " (fuel on)" : " (fuel off)") << ": ours " << a << ", node "
                        << theirs[i] << " (module kept in " << dir.string() << ")";
        }
        if (!fuel) continue;
        ++calls;
        if (a == "trap") ++traps;
        if (IsNanResult(gen.kinds[i], a)) ++nans;
      }
    }
  }
  EXPECT_EQ(lines, modules.size());
  std::printf(
      "differential: %zu modules (seeds %llu..%llu), %zu calls, %zu traps, %zu NaN "
      "results, %zu mismatches\n",
      modules.size(), static_cast<unsigned long long>(first),
      static_cast<unsigned long long>(first + count - 1), calls, traps, nans, mismatches);
  // The generated set must exercise both outcomes, or agreement would mean little.
  if (count >= 100) {
    EXPECT_GT(traps, calls / 50) << "too few traps: the generator lost its edge cases";
    EXPECT_LT(traps, calls / 2) << "too many traps: most code is never reached";
    EXPECT_GT(nans, 0u) << "no NaN results: float edge cases are not being generated";
  }
  if (mismatches == 0 && !HasFailure()) fs::remove_all(dir);
}

TEST(VmDifferential, BenchmarkProgramsAgreeWithNodeAndNative) {
  if (!HaveNode()) GTEST_SKIP() << "node not found";
  for (const Program& program : Programs()) {
    std::string dir = PHALANX_WASM_PROGRAMS_DIR;
    auto wasm = ReadFile(dir + "/" + program.name + ".wasm");
    if (!wasm.ok()) GTEST_SKIP() << wasm.status().ToString() << " (clang-14 or wasm-ld missing?)";
    uint32_t iterations = std::max<uint32_t>(1, program.iterations / 200);
    auto native = RunCommand(ShellQuote(dir + "/" + program.name + "_native") + " " +
                             std::to_string(iterations) + " 1");
    ASSERT_TRUE(native.ok()) << native.status().ToString();
    auto expected = ParseTiming(*native);
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    auto node =
        RunCommand("node " + ShellQuote(PHALANX_WASM_RUN_MJS) + " " +
                   ShellQuote(dir + "/" + program.name + ".wasm") +
                   (program.contract ? " contract " : " run ") + std::to_string(iterations) + " 1");
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    auto theirs = ParseTiming(*node);
    ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
    EXPECT_EQ(theirs->checksum, expected->checksum) << program.name << " on node";
    for (bool fuel : {true, false}) {
      auto ours = RunOnPhalanx(*wasm, program, iterations, 1, fuel);
      ASSERT_TRUE(ours.ok()) << program.name << ": " << ours.status().ToString();
      EXPECT_EQ(ours->checksum, expected->checksum)
          << program.name << " on our engine, fuel " << (fuel ? "on" : "off");
    }
  }
}

}  // namespace
}  // namespace phalanx::wasmbench

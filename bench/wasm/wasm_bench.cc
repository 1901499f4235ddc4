// WebAssembly benchmark: every program of bench/wasm/programs on our engine (fuel metering on
// and off), node (V8 default tiering, and Liftoff only), wabt's wasm-interp and natively; one
// JSON line per (program, engine) with its time and ratio to native, then the geomean ratio
// per engine and the metering overhead. Every engine's checksum must equal native's, else the
// run prints the mismatch and exits 1. Times are CPU seconds of the timed section (the machine is
// shared; elapsed time is printed too, as wall_s).
//
// Usage: wasm_bench [--reps N] [--scale F] [--only NAME] [--programs-dir DIR] [--run-mjs FILE]
//   --scale multiplies every iteration count (0.1 for a quick look); timings are the fastest of
//   N repetitions (default 3). Ratios are per iteration, so wasm-interp may run fewer of them.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness.h"

namespace {

using phalanx::Bytes;
using phalanx::Result;
using phalanx::Status;
namespace wb = phalanx::wasmbench;

struct Options {
  int reps = 3;
  double scale = 1.0;
  std::string only;
  std::string programs_dir = PHALANX_WASM_PROGRAMS_DIR;
  std::string run_mjs = PHALANX_WASM_RUN_MJS;
};

struct Row {
  std::string engine;
  uint32_t iterations = 0;
  wb::Timing timing;
  std::string note;
};

int g_failures = 0;

void Fail(const std::string& what) {
  std::fprintf(stderr, "wasm_bench: FAILED: %s\n", what.c_str());
  ++g_failures;
}

void PrintRow(const std::string& program, const Row& row, double native_seconds_per_iter) {
  double per_iter = row.timing.seconds / row.iterations;
  std::printf(
      "{\"bench\":\"wasm.%s.%s\",\"value\":%.6f,\"unit\":\"s\",\"wall_s\":%.6f,"
      "\"iterations\":%u,\"checksum\":%u,\"ratio_to_native\":%.3f%s%s%s}\n",
      program.c_str(), row.engine.c_str(), row.timing.seconds, row.timing.wall_seconds,
      row.iterations, row.timing.checksum, per_iter / native_seconds_per_iter,
      row.note.empty() ? "" : ",\"note\":\"", row.note.c_str(), row.note.empty() ? "" : "\"");
  std::fflush(stdout);
}

// CPU time of the children this process has waited for (wasm-interp and its shell).
double ChildrenCpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_CHILDREN, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
}

// Times a whole wasm-interp process on a copy of the module patched to `iterations`.
Result<wb::Timing> TimeWasmInterp(const Bytes& wasm, uint32_t iterations, const std::string& path) {
  ASSIGN_OR_RETURN(Bytes patched, wb::PatchBenchIterations(wasm, iterations));
  RETURN_IF_ERROR(wb::WriteFile(path, patched));
  double cpu_start = ChildrenCpuSeconds();
  auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(std::string out,
                   wb::RunCommand("wasm-interp " + wb::ShellQuote(path) + " --run-all-exports"));
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu = ChildrenCpuSeconds() - cpu_start;
  // Output lines look like "bench() => i32:1234".
  size_t at = out.find("bench() => i32:");
  if (at == std::string::npos) return phalanx::Corruption("unexpected wasm-interp output: " + out);
  uint32_t checksum = static_cast<uint32_t>(std::strtoll(out.c_str() + at + 15, nullptr, 10));
  return wb::Timing{checksum, cpu, wall};
}

// wasm-interp: run(N) minus run(0) (process start, decode, validate, instantiate), per iteration.
Result<Row> RunWasmInterp(const Bytes& wasm, uint32_t iterations, int reps) {
  std::string path = "/tmp/wasm_bench_" + std::to_string(getpid()) + ".wasm";
  double baseline = 1e300, baseline_wall = 1e300;
  for (int r = 0; r < reps; ++r) {
    ASSIGN_OR_RETURN(wb::Timing empty, TimeWasmInterp(wasm, 0, path));
    baseline = std::min(baseline, empty.seconds);
    baseline_wall = std::min(baseline_wall, empty.wall_seconds);
  }
  ASSIGN_OR_RETURN(wb::Timing full, TimeWasmInterp(wasm, iterations, path));
  std::remove(path.c_str());
  full.seconds = std::max(full.seconds - baseline, 1e-9);
  full.wall_seconds = std::max(full.wall_seconds - baseline_wall, 1e-9);
  char note[160];
  std::snprintf(note, sizeof note,
                "whole process minus an empty run (%.1f ms CPU: start, decode, instantiate)",
                baseline * 1e3);
  return Row{"wasm_interp", iterations, full, note};
}

Result<wb::Timing> RunNodeKind(const Options& opt, const std::string& flags,
                               const std::string& wasm, const std::string& kind,
                               uint32_t iterations) {
  ASSIGN_OR_RETURN(std::string out,
                   wb::RunCommand("node " + flags + " " + wb::ShellQuote(opt.run_mjs) + " " +
                                  wb::ShellQuote(wasm) + " " + kind + " " +
                                  std::to_string(iterations) + " " + std::to_string(opt.reps)));
  return wb::ParseTiming(out);
}

Result<wb::Timing> RunNode(const Options& opt, const std::string& flags, const std::string& wasm,
                           bool contract, uint32_t iterations) {
  return RunNodeKind(opt, flags, wasm, contract ? "contract" : "run", iterations);
}

Result<wb::Timing> RunNative(const Options& opt, const std::string& name, uint32_t iterations) {
  ASSIGN_OR_RETURN(std::string out,
                   wb::RunCommand(wb::ShellQuote(opt.programs_dir + "/" + name + "_native") + " " +
                                  std::to_string(iterations) + " " + std::to_string(opt.reps)));
  return wb::ParseTiming(out);
}

bool ParseArgs(int argc, char** argv, Options& opt) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--reps" && has_value) {
      opt.reps = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--scale" && has_value) {
      opt.scale = std::atof(argv[++i]);
    } else if (arg == "--only" && has_value) {
      opt.only = argv[++i];
    } else if (arg == "--programs-dir" && has_value) {
      opt.programs_dir = argv[++i];
    } else if (arg == "--run-mjs" && has_value) {
      opt.run_mjs = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: wasm_bench [--reps N] [--scale F] [--only NAME] [--programs-dir DIR] "
                   "[--run-mjs FILE]\n");
      return false;
    }
  }
  return opt.scale > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!ParseArgs(argc, argv, opt)) return 2;
  bool have_node = wb::HaveProgram("node");
  bool have_interp = wb::HaveProgram("wasm-interp");
  if (!have_node) std::fprintf(stderr, "wasm_bench: node not found: node rows skipped\n");
  if (!have_interp) std::fprintf(stderr, "wasm_bench: wasm-interp not found: its rows skipped\n");

  std::map<std::string, std::vector<double>> ratios;  // engine -> per-program ratios
  std::vector<double> fuel_overheads;
  for (const wb::Program& program : wb::Programs()) {
    if (!opt.only.empty() && program.name != opt.only) continue;
    std::string wasm_path = opt.programs_dir + "/" + program.name + ".wasm";
    auto wasm = wb::ReadFile(wasm_path);
    if (!wasm.ok()) {
      Fail(wasm.status().ToString() + " (build the wasm_programs target; needs clang-14, wasm-ld)");
      continue;
    }
    uint32_t iterations = std::max<uint32_t>(1, std::lround(program.iterations * opt.scale));
    uint32_t interp_iterations =
        program.interp_iterations == 0
            ? 0
            : std::max<uint32_t>(1, std::lround(program.interp_iterations * opt.scale));
    std::fprintf(stderr, "wasm_bench: %s (%u iterations)\n", program.name.c_str(), iterations);

    auto native = RunNative(opt, program.name, iterations);
    if (!native.ok()) {
      Fail(program.name + " native: " + native.status().ToString());
      continue;
    }
    double native_per_iter = native->seconds / iterations;
    std::vector<Row> rows;
    rows.push_back({"native", iterations, *native, ""});
    // Fuel on and off alternate, one repetition each, so a change in machine load between
    // them does not show up as metering overhead.
    std::optional<wb::Timing> best[2];
    for (int r = 0; r < opt.reps; ++r) {
      for (int fuel = 1; fuel >= 0; --fuel) {
        auto t = wb::RunOnPhalanx(*wasm, program, iterations, 1, fuel == 1);
        if (!t.ok()) {
          Fail(program.name + " phalanx: " + t.status().ToString());
          continue;
        }
        if (best[fuel] && best[fuel]->checksum != t->checksum) {
          Fail(program.name + " phalanx: checksum differs between repetitions");
        }
        if (!best[fuel] || t->seconds < best[fuel]->seconds) best[fuel] = *t;
      }
    }
    if (best[1]) rows.push_back({"phalanx_fuel", iterations, *best[1], ""});
    if (best[0]) rows.push_back({"phalanx_nofuel", iterations, *best[0], ""});
    if (have_node) {
      for (auto [engine, flags] :
           {std::pair{"node", ""}, std::pair{"node_liftoff", "--liftoff --no-wasm-tier-up"}}) {
        auto t = RunNode(opt, flags, wasm_path, program.contract, iterations);
        if (!t.ok()) {
          Fail(program.name + " " + engine + ": " + t.status().ToString());
          continue;
        }
        rows.push_back({engine, iterations, *t, ""});
      }
    }
    if (have_interp && interp_iterations > 0) {
      auto row = RunWasmInterp(*wasm, interp_iterations, opt.reps);
      auto reference = RunNative(opt, program.name, interp_iterations);
      if (!row.ok() || !reference.ok()) {
        Fail(program.name +
             " wasm_interp: " + (row.ok() ? reference.status() : row.status()).ToString());
      } else if (row->timing.checksum != reference->checksum) {
        Fail(program.name + " wasm_interp checksum " + std::to_string(row->timing.checksum) +
             " != native " + std::to_string(reference->checksum) + " at " +
             std::to_string(interp_iterations) + " iterations");
      } else {
        rows.push_back(*row);
      }
    } else if (have_interp) {
      std::printf(
          "{\"bench\":\"wasm.%s.wasm_interp\",\"skipped\":\"wasm-interp cannot provide host "
          "imports (env.storage_get/set)\"}\n",
          program.name.c_str());
    }

    for (const Row& row : rows) {
      if (row.iterations == iterations && row.timing.checksum != native->checksum) {
        Fail(program.name + " " + row.engine + " checksum " + std::to_string(row.timing.checksum) +
             " != native " + std::to_string(native->checksum));
        continue;
      }
      PrintRow(program.name, row, native_per_iter);
      if (row.engine != "native") {
        ratios[row.engine].push_back(row.timing.seconds / row.iterations / native_per_iter);
      }
    }
    double fuel_on = 0, fuel_off = 0;
    for (const Row& row : rows) {
      if (row.engine == "phalanx_fuel") fuel_on = row.timing.seconds;
      if (row.engine == "phalanx_nofuel") fuel_off = row.timing.seconds;
    }
    if (fuel_on > 0 && fuel_off > 0) {
      fuel_overheads.push_back(fuel_on / fuel_off);
      std::printf("{\"bench\":\"wasm.%s.fuel_overhead\",\"value\":%.1f,\"unit\":\"%%\"}\n",
                  program.name.c_str(), (fuel_on / fuel_off - 1) * 100);
    }
  }

  if (opt.only.empty()) {
    uint32_t calls = std::max<uint32_t>(1000, std::lround(1'000'000 * opt.scale));
    for (bool fuel : {true, false}) {
      auto t = wb::HostRoundTrip(calls, opt.reps, fuel);
      if (!t.ok()) {
        Fail("host round trip: " + t.status().ToString());
        continue;
      }
      std::printf(
          "{\"bench\":\"wasm.host_roundtrip.%s\",\"value\":%.1f,\"unit\":\"ns/call\","
          "\"calls\":%u}\n",
          fuel ? "phalanx_fuel" : "phalanx_nofuel", t->seconds / calls * 1e9, calls);
    }
    std::string path = "/tmp/wasm_bench_roundtrip_" + std::to_string(getpid()) + ".wasm";
    Status written = wb::WriteFile(path, wb::RoundTripModule());
    for (auto [engine, flags] :
         {std::pair{"node", ""}, std::pair{"node_liftoff", "--liftoff --no-wasm-tier-up"}}) {
      if (!have_node || !written.ok()) break;
      auto t = RunNodeKind(opt, flags, path, "roundtrip", calls);
      if (!t.ok() || t->checksum != static_cast<uint32_t>(uint64_t{calls} * calls)) {
        Fail(std::string("host round trip on ") + engine + ": " +
             (t.ok() ? "wrong checksum" : t.status().ToString()));
        continue;
      }
      std::printf(
          "{\"bench\":\"wasm.host_roundtrip.%s\",\"value\":%.1f,\"unit\":\"ns/call\","
          "\"calls\":%u}\n",
          engine, t->seconds / calls * 1e9, calls);
    }
    std::remove(path.c_str());
  }

  auto geomean = [](const std::vector<double>& v) {
    double log_sum = 0;
    for (double x : v) log_sum += std::log(x);
    return std::exp(log_sum / v.size());
  };
  for (const char* engine :
       {"phalanx_fuel", "phalanx_nofuel", "node", "node_liftoff", "wasm_interp"}) {
    const auto& v = ratios[engine];
    if (v.empty()) continue;
    std::printf(
        "{\"bench\":\"wasm.geomean.%s\",\"value\":%.3f,\"unit\":\"x native\",\"programs\":%zu}\n",
        engine, geomean(v), v.size());
  }
  if (!fuel_overheads.empty()) {
    std::printf(
        "{\"bench\":\"wasm.geomean.fuel_overhead\",\"value\":%.1f,\"unit\":\"%%\","
        "\"programs\":%zu}\n",
        (geomean(fuel_overheads) - 1) * 100, fuel_overheads.size());
  }
  if (g_failures > 0) {
    std::fprintf(stderr, "wasm_bench: %d failure(s), see above\n", g_failures);
    return 1;
  }
  return 0;
}

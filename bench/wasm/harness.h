// What wasm_bench and the differential test share: the benchmark programs' list, running one on
// our engine (with the contract's host storage), running a command and reading its JSON line,
// and the wasm-interp iteration patch. Used only by bench/ and its tests, never by modules/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"

namespace phalanx::wasmbench {

struct Program {
  std::string name;                // programs/<name>.c, <name>.wasm, <name>_native
  bool contract = false;           // host-driven transfer() calls instead of run()
  uint32_t iterations = 0;         // full-size run (about 50 ms natively on a 2020s x86 core)
  uint32_t interp_iterations = 0;  // for wabt's wasm-interp (~250x slower); 0 = not run there
};

// The benchmark programs, in report order.
const std::vector<Program>& Programs();

// One engine's result: the checksum and the fastest of the repetitions. `seconds` is CPU time
// (the machine is shared: CPU time is what load disturbs least); `wall_seconds` the elapsed time.
struct Timing {
  uint32_t checksum = 0;
  double seconds = 0;
  double wall_seconds = 0;
};

// CPU time of the calling thread, in seconds.
double ThreadCpuSeconds();

// Runs `program` on our engine: run(iterations), or for the contract transfer(0..iterations-1)
// from the host with storage imports. `reps` repetitions, each on a fresh instance (the
// contract's storage is reset too); every repetition must produce the same checksum.
Result<Timing> RunOnPhalanx(ByteView wasm, const Program& program, uint32_t iterations, int reps,
                            bool fuel_metering);

// Host -> wasm -> host round trips: a module whose export f(x) returns h(x) + 1 for a host
// import h(x) = 2x, called `calls` times from the host. Returns the fastest of `reps` runs; the
// checksum is the wrapped sum of the results (checked against the closed form).
Result<Timing> HostRoundTrip(uint32_t calls, int reps, bool fuel_metering);
// That module's bytes (for running it on other engines: run.mjs's `roundtrip` kind).
ByteView RoundTripModule();

// Runs a shell command and returns its standard output; a non-zero exit is an error carrying
// the command and its status.
Result<std::string> RunCommand(const std::string& command);

// Parses the last line of `output` that starts with '{' as
// {"checksum":N,"seconds":CPU[,"wall_seconds":W]}.
Result<Timing> ParseTiming(std::string_view output);

// A copy of `wasm` whose bench() export runs `iterations` iterations (see shim.c): wabt's
// wasm-interp can only call exports without parameters.
Result<Bytes> PatchBenchIterations(ByteView wasm, uint32_t iterations);

// Reads a whole file.
Result<Bytes> ReadFile(const std::string& path);
Status WriteFile(const std::string& path, ByteView bytes);

// Whether `program` is found on PATH (or is an existing path).
bool HaveProgram(const std::string& program);

// Quotes `s` for /bin/sh.
std::string ShellQuote(std::string_view s);

}  // namespace phalanx::wasmbench

// Runs one benchmark program on node's WebAssembly engine (V8), the way wasm_bench runs it on
// ours: same .wasm, same host imports, same call, fastest of REPS repetitions.
//   node [--liftoff --no-wasm-tier-up] run.mjs FILE.wasm run|contract|roundtrip ITERATIONS REPS
// (roundtrip: the host round-trip module of harness.cc, export f(x) = h(x) + 1, import h(x) = 2x)
// Prints {"checksum":N,"seconds":CPU,"wall_seconds":W}: CPU time of the whole process (V8's
// compiler threads included) and elapsed time of the call(s); instantiation is not timed.
import { readFileSync } from 'node:fs';

const [file, kind, iterationsArg, repsArg] = process.argv.slice(2);
if (!file || !['run', 'contract', 'roundtrip'].includes(kind)) {
  console.error('usage: node run.mjs FILE.wasm run|contract|roundtrip ITERATIONS REPS');
  process.exit(2);
}
const iterations = Number(iterationsArg) >>> 0;
const reps = Math.max(1, Number(repsArg) | 0);
const kRecordBytes = 32;

// The contract's host storage: key -> 32-byte record (see programs/contract.c).
let storage = new Map();
let memory = null;
const imports = {
  env: {
    storage_get(key, ptr) {
      const value = storage.get(key);
      if (value === undefined) return 0;
      new Uint8Array(memory.buffer, ptr, kRecordBytes).set(value);
      return 1;
    },
    storage_set(key, ptr) {
      storage.set(key, new Uint8Array(memory.buffer, ptr, kRecordBytes).slice());
    },
    h(x) {
      return (2 * x) | 0;
    },
  },
};

const module = new WebAssembly.Module(readFileSync(file));
const instance = new WebAssembly.Instance(module, kind === 'run' ? {} : imports);
memory = instance.exports.memory;

function Work() {
  if (kind === 'run') return instance.exports.run(iterations) >>> 0;
  if (kind === 'roundtrip') {
    const f = instance.exports.f;
    let sum = 0;
    for (let i = 0; i < iterations; ++i) sum = (sum + f(i)) >>> 0;
    return sum;
  }
  storage = new Map();
  const transfer = instance.exports.transfer;
  let sum = 0;
  for (let i = 0; i < iterations; ++i) sum = (sum + transfer(i)) >>> 0;
  return sum;
}

let best = Infinity;
let bestWall = 0;
let checksum = null;
for (let r = 0; r < reps; ++r) {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const sum = Work();
  const wall = Number(process.hrtime.bigint() - start) * 1e-9;
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (cpu.user + cpu.system) * 1e-6;
  if (checksum !== null && sum !== checksum) {
    console.error(`checksum differs between repetitions: ${sum} vs ${checksum}`);
    process.exit(1);
  }
  checksum = sum;
  if (seconds < best) {
    best = seconds;
    bestWall = wall;
  }
}
console.log(JSON.stringify({ checksum, seconds: best, wall_seconds: bestWall }));

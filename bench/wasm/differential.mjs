// The node (V8) side of the differential test: instantiates each generated module of a
// directory and calls its exports in order, printing one JSON line per module:
//   {"file":"m123.wasm","results":["i32:42","trap: divide by zero","i64:7",...]}
// i32 results are printed unsigned, i64 results as unsigned 64-bit decimals.
//   node differential.mjs DIR
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const files = readdirSync(dir).filter((f) => f.endsWith('.wasm')).sort();
for (const file of files) {
  const line = { file, results: [] };
  try {
    const module = new WebAssembly.Module(readFileSync(join(dir, file)));
    const instance = new WebAssembly.Instance(module, {});
    for (const { name, kind } of WebAssembly.Module.exports(module)) {
      if (kind !== 'function') continue;
      try {
        const r = instance.exports[name]();
        line.results.push(
          typeof r === 'bigint' ? `i64:${BigInt.asUintN(64, r)}` : `i32:${r >>> 0}`);
      } catch (e) {
        line.results.push(e instanceof WebAssembly.RuntimeError ? `trap: ${e.message}`
                                                               : `error: ${e}`);
      }
    }
  } catch (e) {
    line.error = String(e);
  }
  console.log(JSON.stringify(line));
}

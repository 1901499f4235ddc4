/* The contract between a benchmark program and its drivers (native_driver.c, the wasm runners):
 * every program defines `uint32_t run(uint32_t iterations)` returning a checksum that depends on
 * all the work done, so no engine (or optimizer) can skip any of it. Freestanding: no libc
 * headers, so the same file compiles for wasm32 with -nostdlib and natively. */
#ifndef PHALANX_BENCH_WASM_PROGRAM_H_
#define PHALANX_BENCH_WASM_PROGRAM_H_

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int i32;
typedef long long i64;
typedef __SIZE_TYPE__ size_t;

#if defined(__wasm__)
#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))
#else
#define EXPORT(name)
#define IMPORT(module, name)
#endif

EXPORT("run") u32 run(u32 iterations);

#endif

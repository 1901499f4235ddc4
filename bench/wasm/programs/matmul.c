/* Dense matrix multiply, 64x64 doubles (i-k-j order): floating-point multiply-add and sequential
 * memory traffic. No FMA on either side (baseline x86-64 has none, wasm has none), so the
 * checksum over the result bits is identical natively and in wasm. */
#include "bench_program.h"

enum { kN = 64 };

static double a[kN][kN], b[kN][kN], c[kN][kN];

static u64 Bits(double d) {
  union {
    double d;
    u64 u;
  } v = {d};
  return v.u;
}

u32 run(u32 iterations) {
  u64 sum = 0;
  for (u32 it = 0; it < iterations; ++it) {
    for (int i = 0; i < kN; ++i) {
      for (int j = 0; j < kN; ++j) {
        a[i][j] = (double)((i * 7 + j * 3 + (int)it) % 17) * 0.25 - 1.5;
        b[i][j] = (double)((i * 5 + j * 11 + (int)it) % 13) * 0.5 + 0.125;
        c[i][j] = 0.0;
      }
    }
    for (int i = 0; i < kN; ++i) {
      for (int k = 0; k < kN; ++k) {
        double aik = a[i][k];
        for (int j = 0; j < kN; ++j) c[i][j] += aik * b[k][j];
      }
    }
    for (int i = 0; i < kN; ++i) sum = sum * 31 + Bits(c[i][(i * 13 + (int)it) % kN]);
  }
  return (u32)(sum ^ (sum >> 32));
}

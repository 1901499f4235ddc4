/* Recursive Fibonacci: call-heavy code (one call and return per two additions). */
#include "bench_program.h"

static u32 Fib(u32 n) { return n < 2 ? n : Fib(n - 1) + Fib(n - 2); }

u32 run(u32 iterations) {
  u32 sum = 0;
  /* The argument varies with i so the call cannot be hoisted out of the loop. */
  for (u32 i = 0; i < iterations; ++i) sum = sum * 31 + Fib(18 + (i & 3));
  return sum;
}

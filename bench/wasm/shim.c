/* The C library functions clang may emit calls to in freestanding wasm32 code (struct copies,
 * zero-initialized arrays). Linked into every benchmark .wasm; native builds use libc's. Kept
 * here, outside modules/vm: the engine provides no C runtime. */
typedef __SIZE_TYPE__ size_t;

void* memcpy(void* dst, const void* src, size_t n) {
  unsigned char* d = dst;
  const unsigned char* s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  unsigned char* d = dst;
  const unsigned char* s = src;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    while (n--) d[n] = s[n];
  }
  return dst;
}

void* memset(void* dst, int c, size_t n) {
  unsigned char* d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (; n; --n, ++x, ++y) {
    if (*x != *y) return *x - *y;
  }
  return 0;
}

/* wabt's wasm-interp can only call exports without parameters (--run-all-exports), so every
 * module also exports bench(), which runs `iterations` read from this record. The benchmark
 * runner patches the 4 bytes after the magic in a copy of the .wasm file; volatile keeps the
 * compiler from folding the initial value. */
unsigned run(unsigned iterations);
volatile struct {
  char magic[8];
  unsigned iterations;
} phx_bench_iterations = {{'P', 'H', 'X', 'I', 'T', 'E', 'R', 'S'}, 0};

__attribute__((export_name("bench"))) unsigned bench(void) {
  return run(phx_bench_iterations.iterations);
}

/* A JSON-ish parser: generates a ~12 KiB document of nested objects and arrays (string keys,
 * integers, decimals, true/false/null), then per iteration tokenizes it and folds every number,
 * key hash and nesting depth into the checksum. Byte-at-a-time branching, the shape of decoding
 * untrusted call data. */
#include "bench_program.h"

enum { kDocCapacity = 16384, kMaxDepth = 32 };

static char doc[kDocCapacity];
static u32 doc_len;
static u32 rng_state;

static u32 Next(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static void Put(char c) {
  if (doc_len < kDocCapacity - 1) doc[doc_len++] = c;
}

static void PutNumber(u32 v) {
  char digits[10];
  int n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) Put(digits[--n]);
}

static void GenValue(int depth);

static void GenObject(int depth) {
  Put('{');
  u32 n = 2 + Next() % 5;
  for (u32 i = 0; i < n; ++i) {
    if (i) Put(',');
    Put('"');
    u32 len = 3 + Next() % 8;
    for (u32 k = 0; k < len; ++k) Put((char)('a' + Next() % 26));
    Put('"');
    Put(':');
    GenValue(depth + 1);
  }
  Put('}');
}

static void GenValue(int depth) {
  u32 r = Next() % 10;
  if (depth < 5 && r < 3) {
    GenObject(depth);
  } else if (depth < 5 && r < 5) {
    Put('[');
    u32 n = 1 + Next() % 6;
    for (u32 i = 0; i < n; ++i) {
      if (i) Put(',');
      GenValue(depth + 1);
    }
    Put(']');
  } else if (r < 8) {
    if (Next() & 1) Put('-');
    PutNumber(Next() % 100000);
    if (Next() & 1) {
      Put('.');
      PutNumber(10 + Next() % 90);
    }
  } else if (r < 9) {
    const char* s = (Next() & 1) ? "true" : "false";
    while (*s) Put(*s++);
  } else {
    Put('n');
    Put('u');
    Put('l');
    Put('l');
  }
}

/* Tokenizes the whole document; returns a checksum of what it saw (0 on a syntax error). */
static u32 Parse(void) {
  u32 sum = 0, depth = 0, tokens = 0;
  char stack[kMaxDepth];
  for (u32 i = 0; i < doc_len;) {
    char c = doc[i];
    if (c == '{' || c == '[') {
      if (depth == kMaxDepth) return 0;
      stack[depth++] = c;
      ++i;
    } else if (c == '}' || c == ']') {
      if (depth == 0 || stack[depth - 1] != (c == '}' ? '{' : '[')) return 0;
      --depth;
      ++i;
    } else if (c == ',' || c == ':') {
      ++i;
    } else if (c == '"') {
      u32 h = 2166136261u;
      for (++i; i < doc_len && doc[i] != '"'; ++i) h = (h ^ (u8)doc[i]) * 16777619u;
      ++i;
      sum ^= h + depth;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      int negative = c == '-';
      if (negative) ++i;
      i64 value = 0;
      while (i < doc_len && doc[i] >= '0' && doc[i] <= '9') value = value * 10 + (doc[i++] - '0');
      value *= 100; /* fixed point, two decimals */
      if (i < doc_len && doc[i] == '.') {
        ++i;
        i64 frac = 0, scale = 100;
        while (i < doc_len && doc[i] >= '0' && doc[i] <= '9') {
          if (scale > 1) {
            scale /= 10;
            frac += (doc[i] - '0') * scale;
          }
          ++i;
        }
        value += frac;
      }
      sum += (u32)(negative ? -value : value);
    } else if (c == 't' || c == 'n') {
      sum += c == 't' ? 7 : 3;
      i += 4;
    } else if (c == 'f') {
      sum += 5;
      i += 5;
    } else {
      return 0;
    }
    ++tokens;
  }
  return depth == 0 ? sum * 31 + tokens : 0;
}

u32 run(u32 iterations) {
  rng_state = 0x12345678;
  doc_len = 0;
  while (doc_len < 12000) {
    if (doc_len) Put(',');
    GenObject(0);
  }
  /* Numbers are edited in place each iteration (digit at a fixed position) so no iteration
   * parses exactly the same bytes as the one before. */
  u32 digit_pos = 0;
  for (u32 i = 0; i < doc_len; ++i) {
    if (doc[i] >= '0' && doc[i] <= '9') {
      digit_pos = i;
      break;
    }
  }
  u32 sum = 0;
  for (u32 it = 0; it < iterations; ++it) {
    doc[digit_pos] = (char)('0' + it % 10);
    sum = sum * 33 + Parse();
  }
  return sum;
}

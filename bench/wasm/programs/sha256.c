/* SHA-256 (FIPS 180-4) over a 16 KiB buffer per iteration: 32-bit rotates, adds and memory
 * loads, the shape of most hashing done inside contracts. */
#include "bench_program.h"

enum { kBufferBytes = 16384 };

static u8 buffer[kBufferBytes];

static const u32 kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static u32 Rotr(u32 x, u32 n) { return (x >> n) | (x << (32 - n)); }

static void Compress(u32 state[8], const u8* block) {
  u32 w[64];
  for (int t = 0; t < 16; ++t) {
    w[t] = (u32)block[4 * t] << 24 | (u32)block[4 * t + 1] << 16 | (u32)block[4 * t + 2] << 8 |
           block[4 * t + 3];
  }
  for (int t = 16; t < 64; ++t) {
    u32 s0 = Rotr(w[t - 15], 7) ^ Rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    u32 s1 = Rotr(w[t - 2], 17) ^ Rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  u32 a = state[0], b = state[1], c = state[2], d = state[3];
  u32 e = state[4], f = state[5], g = state[6], h = state[7];
  for (int t = 0; t < 64; ++t) {
    u32 t1 = h + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[t] + w[t];
    u32 t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

/* Hashes `len` bytes (len a multiple of 64 here; the padding block is built below). */
static void Sha256(const u8* data, u32 len, u32 digest[8]) {
  u32 state[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  u32 full = len / 64 * 64;
  for (u32 off = 0; off < full; off += 64) Compress(state, data + off);
  u8 tail[128];
  u32 rest = len - full;
  for (u32 i = 0; i < 128; ++i) tail[i] = 0;
  for (u32 i = 0; i < rest; ++i) tail[i] = data[full + i];
  tail[rest] = 0x80;
  u32 tail_len = rest + 9 <= 64 ? 64 : 128;
  u64 bits = (u64)len * 8;
  for (int i = 0; i < 8; ++i) tail[tail_len - 1 - i] = (u8)(bits >> (8 * i));
  for (u32 off = 0; off < tail_len; off += 64) Compress(state, tail + off);
  for (int i = 0; i < 8; ++i) digest[i] = state[i];
}

/* A self-check against the FIPS 180-2 "abc" vector, exported so tests can call it. */
EXPORT("sha256_abc_ok") u32 sha256_abc_ok(void) {
  u8 abc[3] = {'a', 'b', 'c'};
  u32 digest[8];
  Sha256(abc, 3, digest);
  return digest[0] == 0xba7816bf && digest[7] == 0xf20015ad;
}

u32 run(u32 iterations) {
  u32 x = 0x9e3779b9;
  for (u32 i = 0; i < kBufferBytes; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    buffer[i] = (u8)x;
  }
  u32 sum = 0;
  for (u32 i = 0; i < iterations; ++i) {
    buffer[i % kBufferBytes] ^= (u8)i;
    u32 digest[8];
    Sha256(buffer, kBufferBytes, digest);
    for (int k = 0; k < 8; ++k) sum = sum * 33 ^ digest[k];
  }
  return sum;
}

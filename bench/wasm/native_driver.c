/* Native driver for one benchmark program (linked with programs/<name>.c, compiled -O2):
 *   <name>_native ITERATIONS REPS
 * Calls run(ITERATIONS) REPS times and prints one JSON line with the checksum and the fastest
 * run: {"checksum":N,"seconds":CPU,"wall_seconds":W}. Contract-shaped programs (-DPHX_CONTRACT)
 * instead call transfer(0..ITERATIONS-1) against a host storage implemented here, like the wasm
 * hosts do. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef PHX_CONTRACT
enum { kSlots = 4096, kRecordBytes = 32 };

/* Open addressing, keys stored +1 so 0 means empty; the contract uses < 1024 keys. */
static uint32_t slot_keys[kSlots];
static unsigned char slot_values[kSlots][kRecordBytes];

static uint32_t* Slot(uint32_t key) {
  uint32_t i = (key * 2654435761u) % kSlots;
  while (slot_keys[i] != 0 && slot_keys[i] != key + 1) i = (i + 1) % kSlots;
  return &slot_keys[i];
}

int32_t storage_get(uint32_t key, void* out) {
  uint32_t* k = Slot(key);
  if (*k == 0) return 0;
  memcpy(out, slot_values[k - slot_keys], kRecordBytes);
  return 1;
}

void storage_set(uint32_t key, const void* in) {
  uint32_t* k = Slot(key);
  *k = key + 1;
  memcpy(slot_values[k - slot_keys], in, kRecordBytes);
}

uint32_t transfer(uint32_t seq);

static uint32_t Work(uint32_t iterations) {
  memset(slot_keys, 0, sizeof slot_keys);
  uint32_t sum = 0;
  for (uint32_t i = 0; i < iterations; ++i) sum += transfer(i);
  return sum;
}
#else
uint32_t run(uint32_t iterations);
static uint32_t Work(uint32_t iterations) { return run(iterations); }
#endif

static double Seconds(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s ITERATIONS REPS\n", argv[0]);
    return 2;
  }
  uint32_t iterations = (uint32_t)strtoul(argv[1], NULL, 10);
  int reps = atoi(argv[2]);
  double best = 1e300, best_wall = 0;
  uint32_t checksum = 0;
  for (int r = 0; r < reps; ++r) {
    double start = Seconds(CLOCK_PROCESS_CPUTIME_ID), wall_start = Seconds(CLOCK_MONOTONIC);
    uint32_t sum = Work(iterations);
    double seconds = Seconds(CLOCK_PROCESS_CPUTIME_ID) - start;
    double wall = Seconds(CLOCK_MONOTONIC) - wall_start;
    if (r > 0 && sum != checksum) {
      fprintf(stderr, "checksum differs between repetitions: %u vs %u\n", sum, checksum);
      return 1;
    }
    checksum = sum;
    if (seconds < best) {
      best = seconds;
      best_wall = wall;
    }
  }
  printf("{\"checksum\":%u,\"seconds\":%.9f,\"wall_seconds\":%.9f}\n", checksum, best, best_wall);
  return 0;
}

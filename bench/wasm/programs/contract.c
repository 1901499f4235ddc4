/* A contract-shaped workload: the host calls the exported `transfer(seq)` many times, and each
 * call does what a token contract's message handler does — reads two 32-byte account records
 * from host storage (import env.storage_get), checks and moves a balance, updates nonces and a
 * running digest, writes both records back (import env.storage_set) and returns a receipt. The
 * time goes into host->wasm calls, wasm->host calls and copying between memory and the host.
 *
 * Host contract (identical in every driver: native_contract_driver.c, run.mjs, the C++ runner):
 *   storage_get(key, out_ptr) -> 1 and 32 bytes at out_ptr if key is present, else 0
 *   storage_set(key, in_ptr)  stores the 32 bytes at in_ptr under key */
#include "bench_program.h"

enum { kAccounts = 1024, kRecordBytes = 32 };

IMPORT("env", "storage_get") i32 storage_get(u32 key, void* out);
IMPORT("env", "storage_set") void storage_set(u32 key, const void* in);

typedef struct Account {
  u64 balance;
  u64 nonce;
  u64 digest;
  u64 last_seq;
} Account;

static void Load(u32 key, Account* a) {
  if (!storage_get(key, a)) {
    a->balance = 1000000 + key;
    a->nonce = 0;
    a->digest = 0xcbf29ce484222325ull ^ key;
    a->last_seq = 0;
  }
}

static u64 Mix(u64 h, u64 v) {
  for (int i = 0; i < 8; ++i) h = (h ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3ull;
  return h;
}

EXPORT("transfer") u32 transfer(u32 seq) {
  u32 x = seq * 2654435761u;
  u32 from = (x >> 8) % kAccounts;
  u32 to = (x >> 18) % kAccounts;
  if (to == from) to = (to + 1) % kAccounts;
  Account a, b;
  Load(from, &a);
  Load(to, &b);
  u64 amount = 1 + (x & 0xff);
  if (a.balance < amount) return 0; /* rejected: nothing written */
  a.balance -= amount;
  b.balance += amount;
  a.nonce += 1;
  a.digest = Mix(a.digest, seq);
  b.digest = Mix(b.digest, amount);
  a.last_seq = b.last_seq = seq;
  storage_set(from, &a);
  storage_set(to, &b);
  return (u32)(a.digest ^ b.balance ^ (a.nonce << 20));
}

/* Unused by the host loop (which calls transfer itself); present because every program has
 * run(), and handy from a CLI: run(n) performs transfers 0..n-1 and sums the receipts. */
u32 run(u32 iterations) {
  u32 sum = 0;
  for (u32 i = 0; i < iterations; ++i) sum += transfer(i);
  return sum;
}

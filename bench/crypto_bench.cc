// Crypto throughput: ed25519 sign and verify (one thread), VerifyBatch with 2 threads, BLAKE2b-256
// on large and small inputs. Prints one JSON object per line:
//   {"bench":"ed25519_verify_batch","value":N,"unit":"sig/s"}
// Compare figures as ratios within one run; absolute numbers depend on the machine.
#include <chrono>
#include <cstdio>
#include <vector>

#include "phalanx/crypto/ed25519.h"
#include "phalanx/crypto/hash.h"

namespace {

using Clock = std::chrono::steady_clock;
using phalanx::Bytes;
using phalanx::ByteView;
namespace crypto = phalanx::crypto;

constexpr double kMinSeconds = 1.0;

// Runs `round` (which does `ops_per_round` operations) until kMinSeconds have passed; returns
// ops/s.
template <typename F>
double Rate(size_t ops_per_round, F&& round) {
  round();  // warm up (thread pool, caches)
  size_t ops = 0;
  auto start = Clock::now();
  double seconds = 0;
  do {
    round();
    ops += ops_per_round;
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
  } while (seconds < kMinSeconds);
  return static_cast<double>(ops) / seconds;
}

void Print(const char* bench, double value, const char* unit) {
  std::printf("{\"bench\":\"%s\",\"value\":%.1f,\"unit\":\"%s\"}\n", bench, value, unit);
  std::fflush(stdout);
}

// Keeps results observable so the optimizer cannot drop the work.
volatile uint8_t g_sink;

}  // namespace

int main() {
  crypto::SigningKey key = crypto::SigningKey::Generate();
  Bytes msg(128, 0x5a);  // about the size of a signed transaction payload

  Print("ed25519_sign",
        Rate(100,
             [&] {
               for (int i = 0; i < 100; ++i) g_sink = key.Sign(msg)[0];
             }),
        "sig/s");

  crypto::Signature sig = key.Sign(msg);
  Print("ed25519_verify",
        Rate(100,
             [&] {
               for (int i = 0; i < 100; ++i) g_sink = crypto::Verify(key.public_key(), msg, sig);
             }),
        "sig/s");

  constexpr size_t kBatch = 4096;
  std::vector<Bytes> messages(kBatch);
  std::vector<crypto::VerifyItem> items;
  for (size_t i = 0; i < kBatch; ++i) {
    messages[i] = msg;
    messages[i][0] = static_cast<uint8_t>(i);
    items.push_back({key.public_key(), messages[i], key.Sign(messages[i])});
  }
  Print("ed25519_verify_batch", Rate(kBatch, [&] { g_sink = crypto::VerifyBatch(items, 2)[0]; }),
        "sig/s");

  Bytes big(1 << 20, 0xa5);
  double big_rate = Rate(1, [&] { g_sink = crypto::Blake2b256(big)[0]; });
  Print("blake2b_256", big_rate * static_cast<double>(big.size()) / 1e6, "MB/s");

  Bytes node(64, 0x11);  // a Merkle node: two child hashes
  Print("blake2b_256_64b",
        Rate(1000,
             [&] {
               for (int i = 0; i < 1000; ++i) g_sink = crypto::Blake2b256(node)[0];
             }),
        "hash/s");
  return 0;
}

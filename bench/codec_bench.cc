// Codec throughput on the transaction hot path: encode, decode, hash and sign-hash of signed
// transfers, plus block encode/decode. Prints one JSON object per line:
//   {"bench": "...", "value": ..., "unit": "..."}
// Usage: codec_bench [iterations]   (default 200000 transactions per measurement)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "phalanx/codec/codec.h"
#include "phalanx/types/block.h"
#include "phalanx/types/transaction.h"

namespace {

using namespace phalanx;
using Clock = std::chrono::steady_clock;

void Report(const char* bench, double value, const char* unit) {
  std::printf("{\"bench\": \"%s\", \"value\": %.1f, \"unit\": \"%s\"}\n", bench, value, unit);
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<types::SignedTransaction> MakeTransfers(size_t n) {
  crypto::Seed seed;
  seed.data.fill(7);
  const crypto::SigningKey key = crypto::SigningKey::FromSeed(seed);
  const types::SignedTransaction signed_once =
      types::Sign({key.public_key(), 0, 0, 1000,
                   types::Call{types::calls::Transfer{key.public_key(), 12 * types::kUnitsPerPhx}}},
                  key, Hash32{});
  std::vector<types::SignedTransaction> txs(n, signed_once);
  for (size_t i = 0; i < n; ++i) txs[i].payload.nonce = i;  // distinct encodings
  return txs;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200'000;
  const std::vector<types::SignedTransaction> txs = MakeTransfers(n);
  std::vector<Bytes> encoded(n);

  auto start = Clock::now();
  codec::Encoder enc(256);
  for (size_t i = 0; i < n; ++i) {
    enc.Clear();
    txs[i].Encode(enc);
    encoded[i].assign(enc.bytes().begin(), enc.bytes().end());
  }
  Report("codec.tx_encode", n / SecondsSince(start), "tx/s");
  Report("codec.tx_encoded_size", static_cast<double>(encoded[n / 2].size()), "bytes");

  start = Clock::now();
  size_t ok = 0;
  for (size_t i = 0; i < n; ++i) ok += types::DecodeTransaction(encoded[i]).ok();
  Report("codec.tx_decode", n / SecondsSince(start), "tx/s");
  if (ok != n) return 1;

  start = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    Result<types::SignedTransaction> tx = types::DecodeTransaction(encoded[i]);
    ok += codec::EncodeToBytes(*tx).size() == encoded[i].size();
  }
  Report("codec.tx_decode_reencode", n / SecondsSince(start), "tx/s");

  start = Clock::now();
  uint8_t sink = 0;
  for (size_t i = 0; i < n; ++i) sink ^= txs[i].Hash()[0];
  Report("types.tx_hash", n / SecondsSince(start), "tx/s");

  start = Clock::now();
  for (size_t i = 0; i < n; ++i) sink ^= types::TransactionSigningHash(txs[i].payload, Hash32{})[0];
  Report("types.tx_signing_hash", n / SecondsSince(start), "tx/s");

  types::Block block;
  block.transactions.assign(txs.begin(), txs.begin() + std::min<size_t>(n, 10'000));
  const size_t rounds = 20;
  start = Clock::now();
  Bytes block_bytes;
  for (size_t r = 0; r < rounds; ++r) block_bytes = codec::EncodeToBytes(block, 2 << 20);
  Report("codec.block10k_encode", rounds / SecondsSince(start), "blocks/s");
  start = Clock::now();
  for (size_t r = 0; r < rounds; ++r) ok += types::DecodeBlock(block_bytes).ok();
  Report("codec.block10k_decode", rounds / SecondsSince(start), "blocks/s");
  start = Clock::now();
  for (size_t r = 0; r < rounds; ++r) sink ^= types::TxRoot(block.transactions)[0];
  Report("types.block10k_tx_root", rounds / SecondsSince(start), "blocks/s");
  return sink == 0xff && ok == 0 ? 2 : 0;  // keeps the work observable
}

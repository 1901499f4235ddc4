// Shared helpers for the types tests: deterministic keys and sample values.
#pragma once

#include <random>

#include "phalanx/crypto/ed25519.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/types/block.h"
#include "phalanx/types/transaction.h"

namespace phalanx::types::testing {

inline crypto::SigningKey KeyFromByte(uint8_t b) {
  crypto::Seed seed;
  seed.data.fill(b);
  return crypto::SigningKey::FromSeed(seed);
}

inline Hash32 HashFromByte(uint8_t b) {
  Hash32 h;
  h.data.fill(b);
  return h;
}

inline const Hash32& TestGenesis() {
  static const Hash32 kGenesis = HashFromByte(0x6e);
  return kGenesis;
}

inline Call RandomCall(std::mt19937_64& rng) {
  AccountId dest;
  for (auto& b : dest) b = static_cast<uint8_t>(rng());
  const Balance amount = ((Balance{rng()} << 64) | rng()) >> (rng() % 128);
  switch (rng() % 4) {
    case 0: {
      Bytes data(rng() % 200);
      for (auto& b : data) b = static_cast<uint8_t>(rng());
      return Call{calls::Remark{std::move(data)}};
    }
    case 1:
      return Call{calls::Transfer{dest, amount}};
    case 2:
      return Call{calls::TransferKeepAlive{dest, amount}};
    default:
      return Call{calls::TransferAll{dest, (rng() & 1) != 0}};
  }
}

inline SignedTransaction RandomSignedTx(std::mt19937_64& rng, const crypto::SigningKey& key) {
  TransactionPayload p;
  p.signer = key.public_key();
  p.nonce = rng() >> (rng() % 64);
  p.tip = Balance{rng()} >> (rng() % 64);
  p.valid_until = rng() % 3 == 0 ? 0 : rng() >> (rng() % 64);
  p.call = RandomCall(rng);
  return Sign(p, key, TestGenesis());
}

}  // namespace phalanx::types::testing

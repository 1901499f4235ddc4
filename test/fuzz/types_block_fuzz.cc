// Fuzz target: blocks from the network. Decoding must never crash or allocate in proportion to a
// length field; a decoded block re-encodes to the input, and everything block import computes
// from it before trusting it (tx root, hashes, commit verification against a fixed validator
// set, the JSON view) must not crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "phalanx/types/block.h"
#include "phalanx/types/json.h"

namespace {

const phalanx::types::ValidatorSet& FixedValidators() {
  static const phalanx::types::ValidatorSet kSet = [] {
    std::vector<phalanx::types::ValidatorInfo> v;
    for (uint8_t i = 1; i <= 4; ++i) {
      phalanx::crypto::Seed seed;
      seed.data.fill(i);
      v.push_back({phalanx::crypto::SigningKey::FromSeed(seed).public_key(), i});
    }
    return phalanx::types::ValidatorSet::Create(std::move(v)).value();
  }();
  return kSet;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace phalanx;
  Result<types::Block> block = types::DecodeBlock(ByteView(data, size));
  if (!block.ok()) return 0;
  const Bytes again = codec::EncodeToBytes(*block);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) abort();
  (void)types::TxRoot(block->transactions);
  (void)block->Hash();
  if (block->last_commit) {
    (void)block->last_commit->Hash();
    (void)types::VerifyCommit(*block->last_commit, FixedValidators(), Hash32{});
  }
  (void)types::ToJson(*block, true).dump();
  return 0;
}

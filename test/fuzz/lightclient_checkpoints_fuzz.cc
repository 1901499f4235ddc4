// Fuzz target: checkpoint lists from an untrusted host. Decoding arbitrary bytes must never crash;
// a decoded list re-encodes to exactly the input; syncing a genesis client with it must never
// crash, and the client may only move to a header whose hash its certificate names.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "phalanx/crypto/hash.h"
#include "phalanx/lightclient/light_client.h"

namespace {

using namespace phalanx;

lightclient::LightClient Genesis() {
  std::vector<types::ValidatorInfo> validators;
  for (uint8_t i = 0; i < 4; ++i) {
    crypto::Seed seed;
    seed.data.fill(i);
    validators.push_back({crypto::SigningKey::FromSeed(seed).public_key(), 1});
  }
  const types::ValidatorSet set = types::ValidatorSet::Create(std::move(validators)).value();
  types::Header genesis;
  genesis.validators_hash = set.Hash();
  genesis.next_validators_hash = genesis.validators_hash;
  return lightclient::LightClient::FromGenesis(genesis, set).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const lightclient::LightClient kGenesis = Genesis();
  auto list = lightclient::DecodeCheckpoints(ByteView(data, size));
  if (!list.ok()) return 0;
  const Bytes again = lightclient::EncodeCheckpoints(*list);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) abort();
  lightclient::LightClient lc = kGenesis;
  size_t verified = 0;
  (void)lc.Sync(*list, &verified);
  if (verified > 0 && lc.header_hash() != lc.header().Hash()) abort();
  return 0;
}

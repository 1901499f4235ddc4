// Fuzz target: BIP39 phrase parsing. Any input must parse or fail cleanly; a phrase that parses
// must round-trip: entropy -> canonical phrase -> the same entropy.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "phalanx/crypto/mnemonic.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace phalanx::crypto;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto entropy = MnemonicToEntropy(text);
  if (!entropy.ok()) return 0;
  auto phrase = EntropyToMnemonic(*entropy);
  if (!phrase.ok()) __builtin_trap();
  auto again = MnemonicToEntropy(*phrase);
  if (!again.ok() || *again != *entropy) __builtin_trap();
  return 0;
}

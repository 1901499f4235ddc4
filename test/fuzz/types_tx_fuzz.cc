// Fuzz target: signed transactions from the network. Decoding must never crash; a decoded
// transaction re-encodes to the input, hashes consistently, and its signature check (single and
// batch) agrees and does not crash. Also fuzzes the text parsers users feed transactions with
// (addresses and amounts), which must round-trip whenever they accept.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "phalanx/crypto/hash.h"
#include "phalanx/types/address.h"
#include "phalanx/types/amount.h"
#include "phalanx/types/transaction.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace phalanx;
  const ByteView in(data, size);
  Result<types::SignedTransaction> tx = types::DecodeTransaction(in);
  if (tx.ok()) {
    const Bytes again = codec::EncodeToBytes(*tx);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) abort();
    if (tx->Hash() != crypto::Blake2b256(in)) abort();
    const Hash32 genesis{};
    const bool single = types::VerifySignature(*tx, genesis);
    types::TransactionVerifyBatch batch(std::span(&*tx, 1), genesis);
    if (batch.Verify(1)[0] != (single ? 1 : 0)) abort();
  }

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (Result<types::AccountId> a = types::FromSs58(text); a.ok()) {
    if (types::ToSs58(*a) != text) abort();
  }
  if (Result<types::Balance> v = types::ParseAmount(text); v.ok()) {
    if (types::ParseAmount(types::FormatAmount(*v)).value() != *v) abort();
  }
  if (Result<types::Balance> v = types::ParseU128(text); v.ok()) {
    if (types::ParseU128(types::U128ToString(*v)).value() != *v) abort();
  }
  return 0;
}

// Fuzz target: consensus bytes from the network and from disk. The first byte picks the parser:
// 0 = proposal, 1 = vote, 2 = a WAL file. A decoded message must re-encode to its input and must
// not crash an engine it is fed to (signature checks, buffering, evidence paths); a WAL file must
// parse or be rejected without crashing or allocating in proportion to a length field.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "phalanx/consensus/engine.h"
#include "phalanx/consensus/wal.h"

namespace {

using namespace phalanx;

const types::ValidatorSet& FixedValidators() {
  static const types::ValidatorSet kSet = [] {
    std::vector<types::ValidatorInfo> v;
    for (uint8_t i = 1; i <= 4; ++i) {
      crypto::Seed seed;
      seed.data.fill(i);
      v.push_back({crypto::SigningKey::FromSeed(seed).public_key(), 1});
    }
    return types::ValidatorSet::Create(std::move(v)).value();
  }();
  return kSet;
}

class FixedApp final : public consensus::Application {
 public:
  Result<types::Block> ProposeBlock(uint64_t height, uint32_t,
                                    const std::optional<types::CommitCertificate>&) override {
    types::Block b;
    b.header.height = height;
    b.header.tx_root = types::TxRoot(b.transactions);
    return b;
  }
  Check CheckBlock(const types::Block&) override { return Check::kValid; }
  Result<types::ValidatorSet> Validators(uint64_t) override { return FixedValidators(); }
};

template <typename T>
void ExpectCanonical(const T& value, ByteView input) {
  const Bytes again = codec::EncodeToBytes(value);
  if (again.size() != input.size() || !std::equal(again.begin(), again.end(), input.begin()))
    abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const ByteView input(data + 1, size - 1);
  FixedApp app;
  consensus::MemWal wal;
  consensus::Engine engine(consensus::Config{}, Hash32{}, std::nullopt, app, wal);
  (void)engine.Step(consensus::Start{1, std::nullopt});
  switch (data[0]) {
    case 0: {
      Result<consensus::Proposal> p = consensus::DecodeProposal(input);
      if (!p.ok()) return 0;
      ExpectCanonical(*p, input);
      (void)engine.Step(consensus::ProposalMsg{*p});
      break;
    }
    case 1: {
      Result<types::Vote> v = consensus::DecodeVote(input);
      if (!v.ok()) return 0;
      ExpectCanonical(*v, input);
      (void)engine.Step(consensus::VoteMsg{*v});
      break;
    }
    case 2: {
      Result<consensus::ParsedWal> parsed = consensus::ParseWalFile(input);
      if (parsed.ok() && parsed->valid_bytes > input.size()) abort();
      break;
    }
    default:
      break;
  }
  return 0;
}

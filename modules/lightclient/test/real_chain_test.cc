// The light client against a chain produced by the real runtime and state tree: validator-set
// changes made with validators.set_validator are followed from genesis by certificates alone, and
// account balances are proved (present and absent) against the verified state root.
#include <gtest/gtest.h>

#include <map>

#include "phalanx/codec/codec.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/crypto/mnemonic.h"
#include "phalanx/lightclient/light_client.h"
#include "phalanx/runtime/executor.h"
#include "phalanx/runtime/genesis.h"
#include "phalanx/runtime/storage.h"
#include "phalanx/runtime/validators.h"
#include "phalanx/state/state_tree.h"
#include "phalanx/store/memory_store.h"

namespace phalanx::lightclient {
namespace {

crypto::SigningKey Dev(std::string_view name) { return *crypto::DevAccount(name); }
types::AccountId Id(std::string_view name) { return Dev(name).public_key(); }

class TreeReader final : public runtime::StateReader {
 public:
  explicit TreeReader(const state::StateTree& tree) : tree_(tree) {}
  Result<std::optional<Bytes>> Get(ByteView key) const override { return tree_.Get(key); }

 private:
  const state::StateTree& tree_;
};

// Produces blocks like a node does: execute, commit state, build the header from BlockOutput,
// certify with every validator of the set that commits the block.
class RealChain {
 public:
  RealChain() : tree_(kv_), reader_(tree_) {
    spec_ = runtime::ChainSpec::Dev();
    spec_.validators = *types::ValidatorSet::Create(
        {{Id("alice"), 1}, {Id("bob"), 1}, {Id("charlie"), 1}, {Id("dave"), 1}});
    for (std::string_view name : crypto::DevAccountNames()) keys_.emplace(Id(name), Dev(name));
    auto changes = runtime::BuildGenesisState(spec_).value();
    store::WriteBatch batch;
    auto commit = tree_.Commit(0, changes, batch).value();
    EXPECT_TRUE(kv_.Write(std::move(batch), false).ok());
    types::Header& g = headers_.emplace_back();
    g.state_root = commit.root;
    g.validators_hash = spec_.validators.Hash();
    g.next_validators_hash = g.validators_hash;
    genesis_hash_ = g.Hash();
    certs_.emplace_back();
    next_sets_.push_back(spec_.validators);
  }

  void Produce(const std::vector<types::CallVariant>& sudo_calls = {}) {
    const uint64_t h = headers_.size();
    auto ex = runtime::BlockExecutor::Begin(
        reader_, runtime::BlockContext{h, 1000 * h, Id("alice"), genesis_hash_});
    ASSERT_TRUE(ex.ok()) << ex.status().ToString();
    for (const auto& call : sudo_calls) {
      types::TransactionPayload p;
      p.signer = Id("alice");
      p.nonce = alice_nonce_++;
      p.call.value = call;
      auto tx = types::Sign(p, Dev("alice"), genesis_hash_);
      auto v = ex->Apply(tx, codec::EncodeToBytes(tx).size());
      ASSERT_TRUE(v.ok() && v->ok());
    }
    runtime::BlockOutput out = std::move(*ex).Finish();
    for (const auto& r : out.events) ASSERT_NE(types::EventName(r.event), "system.ExtrinsicFailed");
    store::WriteBatch batch;
    auto commit = tree_.Commit(h, out.changes, batch).value();
    ASSERT_TRUE(kv_.Write(std::move(batch), false).ok());
    types::Header header;
    header.parent_hash = headers_.back().Hash();
    header.height = h;
    header.time_ms = 1000 * h;
    header.proposer = Id("alice");
    header.state_root = commit.root;
    header.events_root = types::EventsRoot(out.events);
    header.validators_hash = out.validators_hash;
    header.next_validators_hash = out.next_validators_hash;
    types::CommitCertificate cert;
    cert.height = h;
    cert.block_hash = header.Hash();
    const Hash32 msg =
        types::VoteSigningHash(types::VoteType::kPrecommit, h, 0, cert.block_hash, genesis_hash_);
    for (uint32_t i = 0; i < out.validators.validators.size(); ++i)
      cert.signatures.push_back(
          {i, keys_.at(out.validators.validators[i].public_key).Sign(msg.view())});
    headers_.push_back(header);
    certs_.push_back(cert);
    next_sets_.push_back(out.next_validators);
  }

  Checkpoint At(uint64_t h) const {
    Checkpoint c{headers_[h], certs_[h], std::nullopt};
    if (headers_[h].next_validators_hash != headers_[h].validators_hash)
      c.next_validators = next_sets_[h];
    return c;
  }
  uint64_t head() const { return headers_.size() - 1; }

  runtime::ChainSpec spec_;
  store::MemoryStore kv_;
  state::StateTree tree_;
  TreeReader reader_;
  std::map<types::AccountId, crypto::SigningKey> keys_;
  Hash32 genesis_hash_;
  std::vector<types::Header> headers_;
  std::vector<types::CommitCertificate> certs_;
  std::vector<types::ValidatorSet> next_sets_;
  uint64_t alice_nonce_ = 0;
};

TEST(LightClientOnRealChain, FollowsSetValidatorChangesAndVerifiesBalances) {
  RealChain chain;
  for (uint64_t h = 1; h <= 20; ++h) {
    std::vector<types::CallVariant> calls;
    if (h == 3) calls.push_back(types::calls::SetValidator{Id("eve"), 2});
    if (h == 8) calls.push_back(types::calls::SetValidator{Id("bob"), 0});
    if (h == 8) calls.push_back(types::calls::SetValidator{Id("ferdie"), 1});
    if (h == 12) calls.push_back(types::calls::Transfer{Id("ferdie"), 5 * types::kUnitsPerPhx});
    chain.Produce(calls);
    if (HasFatalFailure()) return;
  }
  // Changes executed in blocks 3 and 8 commit blocks 5 and 10: headers 4 and 9 announce them.
  std::vector<uint64_t> change_heights;
  for (uint64_t h = 1; h <= chain.head(); ++h)
    if (chain.headers_[h].next_validators_hash != chain.headers_[h].validators_hash)
      change_heights.push_back(h);
  EXPECT_EQ(change_heights, (std::vector<uint64_t>{4, 9}));

  LightClient sequential =
      LightClient::FromGenesis(chain.headers_[0], chain.spec_.validators).value();
  for (uint64_t h = 1; h <= chain.head(); ++h) {
    Verdict v = sequential.Advance(chain.At(h));
    ASSERT_TRUE(v.ok()) << h << ": " << v.message();
  }
  LightClient skipping =
      LightClient::FromGenesis(chain.headers_[0], chain.spec_.validators).value();
  std::vector<Checkpoint> checkpoints = {chain.At(4), chain.At(9), chain.At(chain.head())};
  Verdict v = skipping.Sync(checkpoints);
  ASSERT_TRUE(v.ok()) << v.message();
  EXPECT_EQ(skipping.header_hash(), sequential.header_hash());
  EXPECT_EQ(skipping.next_validators(), *runtime::LoadCurrentValidators(chain.reader_));
  EXPECT_EQ(skipping.next_validators().IndexOf(Id("bob")), -1);
  EXPECT_GE(skipping.next_validators().IndexOf(Id("eve")), 0);

  // Balances, proved against the verified header's state root.
  const uint64_t head = chain.head();
  const Bytes ferdie = runtime::keys::Account(Id("ferdie"));
  auto value = chain.tree_.GetAt(ferdie, head).value();
  ASSERT_TRUE(value.has_value());
  const state::Proof proof = chain.tree_.GetProof(ferdie, head).value();
  EXPECT_TRUE(skipping.VerifyState(ferdie, ByteView(*value), proof).ok());
  EXPECT_TRUE(skipping.VerifyState(ferdie, ByteView(*value), ByteView(proof.Encode())).ok());
  runtime::AccountInfo info = *codec::DecodeAll<runtime::AccountInfo>(*value);
  EXPECT_EQ(info.free, 1'000'005 * types::kUnitsPerPhx);

  Bytes forged = *value;
  forged[10] ^= 1;
  Verdict wrong_value = skipping.VerifyState(ferdie, ByteView(forged), proof);
  EXPECT_EQ(wrong_value.code(), ErrorCode::kBadProof);
  EXPECT_NE(wrong_value.message().find("inclusion proof for key"), std::string::npos);
  EXPECT_EQ(skipping.VerifyState(ferdie, std::nullopt, proof).code(), ErrorCode::kBadProof);

  const Bytes stranger = runtime::keys::Account(crypto::Blake2b256(AsBytes("nobody")));
  const state::Proof absent = chain.tree_.GetProof(stranger, head).value();
  EXPECT_TRUE(skipping.VerifyState(stranger, std::nullopt, absent).ok());
  EXPECT_EQ(skipping.VerifyState(stranger, ByteView(*value), absent).code(), ErrorCode::kBadProof);
  EXPECT_EQ(skipping.VerifyState(ferdie, ByteView(*value), absent).code(), ErrorCode::kBadProof);

  // A proof from an older state does not verify against the newer root.
  const state::Proof old = chain.tree_.GetProof(ferdie, head - 1).value();
  EXPECT_EQ(skipping.VerifyState(ferdie, ByteView(*value), old).code(), ErrorCode::kBadProof);

  Verdict garbage = skipping.VerifyState(ferdie, ByteView(*value), ByteView(Bytes{1, 2, 3}));
  EXPECT_EQ(garbage.code(), ErrorCode::kBadProof);
  EXPECT_NE(garbage.message().find("does not decode"), std::string::npos);
}

}  // namespace
}  // namespace phalanx::lightclient

// Specification of calls and transactions: encodings, names, signing, tamper detection and the
// call/transaction limits.
#include <gtest/gtest.h>

#include "phalanx/types/limits.h"
#include "test_util.h"

namespace phalanx::types {
namespace {

using testing::KeyFromByte;
using testing::RandomSignedTx;
using testing::TestGenesis;

TEST(Call, EncodesModuleIndexCallIndexThenArguments) {
  AccountId dest;
  dest.data.fill(0xab);
  EXPECT_EQ(ToHex(codec::EncodeToBytes(Call{calls::Remark{{1, 2}}})),
            "0000"
            "080102");
  EXPECT_EQ(ToHex(codec::EncodeToBytes(Call{calls::Transfer{dest, 64}})),
            "0100" + ToHex(dest) + "0101");
  EXPECT_EQ(ToHex(codec::EncodeToBytes(Call{calls::TransferKeepAlive{dest, 1}})),
            "0101" + ToHex(dest) + "04");
  EXPECT_EQ(ToHex(codec::EncodeToBytes(Call{calls::TransferAll{dest, true}})),
            "0102" + ToHex(dest) + "01");
}

TEST(Call, NamesComeFromTheRegistry) {
  EXPECT_EQ(CallName(Call{calls::Remark{}}), "system.remark");
  EXPECT_EQ(CallName(Call{calls::Transfer{}}), "balances.transfer");
  EXPECT_EQ(CallName(Call{calls::TransferKeepAlive{}}), "balances.transfer_keep_alive");
  EXPECT_EQ(CallName(Call{calls::TransferAll{}}), "balances.transfer_all");
}

TEST(Call, UnknownModuleOrCallIsRejected) {
  for (const char* hex : {"0900", "0103", "0001", "0202"}) {
    Result<Call> r =
        codec::DecodeAll<Call>(FromHex(std::string(hex) + std::string(66, '0')).value());
    ASSERT_FALSE(r.ok()) << hex;
    EXPECT_NE(r.status().message().find("unknown call"), std::string::npos) << r.status().message();
  }
}

TEST(Call, ValidatorCallsRoundTrip) {
  const crypto::SigningKey key = KeyFromByte(9);
  Call set{calls::SetValidator{key.public_key(), 7}};
  EXPECT_EQ(ToHex(codec::EncodeToBytes(set)),
            "0200" + ToHex(key.public_key()) + "0700000000000000");
  EXPECT_EQ(CallName(set), "validators.set_validator");
  EXPECT_EQ(codec::DecodeAll<Call>(codec::EncodeToBytes(set)).value(), set);

  Vote a{VoteType::kPrecommit, 5, 1, testing::HashFromByte(1), 3, {}};
  Vote b = a;
  b.block_hash = testing::HashFromByte(2);
  Call report{
      calls::ReportEquivocation{SignVote(a, key, TestGenesis()), SignVote(b, key, TestGenesis())}};
  EXPECT_EQ(CallName(report), "validators.report_equivocation");
  EXPECT_EQ(codec::DecodeAll<Call>(codec::EncodeToBytes(report)).value(), report);
}

TEST(Call, EquivocationReportWithUnknownVoteTypeIsRejected) {
  Vote v{VoteType::kPrevote, 5, 1, testing::HashFromByte(1), 3, {}};
  Bytes enc = codec::EncodeToBytes(Call{calls::ReportEquivocation{v, v}});
  enc[2] = 3;  // the first vote's type byte
  Result<Call> r = codec::DecodeAll<Call>(enc);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown vote type 3"), std::string::npos);
}

TEST(Call, RemarkLongerThanMaxRemarkBytesIsRejected) {
  Call at_limit{calls::Remark{Bytes(kMaxRemarkBytes, 7)}};
  EXPECT_EQ(codec::DecodeAll<Call>(codec::EncodeToBytes(at_limit)).value(), at_limit);
  Call over{calls::Remark{Bytes(kMaxRemarkBytes + 1, 7)}};
  Result<Call> r = codec::DecodeAll<Call>(codec::EncodeToBytes(over));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  EXPECT_NE(r.status().message().find("exceeds the limit of 4096"), std::string::npos);
}

TEST(Call, NonCanonicalAmountIsRejected) {
  AccountId dest;
  // 5 units written in the two-byte compact mode.
  Bytes enc = FromHex("0100" + ToHex(dest) + "1500").value();
  Result<Call> r = codec::DecodeAll<Call>(enc);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("non-canonical compact integer 5"), std::string::npos);
}

TEST(Transaction, RandomTransactionsRoundTripAndVerify) {
  std::mt19937_64 rng(1);
  const crypto::SigningKey key = KeyFromByte(1);
  for (int i = 0; i < 300; ++i) {
    SignedTransaction tx = RandomSignedTx(rng, key);
    Bytes enc = codec::EncodeToBytes(tx);
    Result<SignedTransaction> back = DecodeTransaction(enc);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, tx);
    EXPECT_EQ(back->Hash(), tx.Hash());
    EXPECT_EQ(tx.Hash(), crypto::Blake2b256(enc));
    EXPECT_TRUE(VerifySignature(*back, TestGenesis()));
  }
}

TEST(Transaction, SignatureIsBoundToTheGenesisHash) {
  std::mt19937_64 rng(2);
  SignedTransaction tx = RandomSignedTx(rng, KeyFromByte(2));
  EXPECT_TRUE(VerifySignature(tx, TestGenesis()));
  EXPECT_FALSE(VerifySignature(tx, testing::HashFromByte(0)));
}

TEST(Transaction, SigningHashIsDomainSeparated) {
  TransactionPayload p;
  p.call = Call{calls::Remark{}};
  codec::Encoder e;
  e.WriteRaw(AsBytes("phalanx/tx/v1"));
  e.WriteFixed(TestGenesis());
  p.Encode(e);
  EXPECT_EQ(TransactionSigningHash(p, TestGenesis()), crypto::Blake2b256(e.view()));
}

// Flipping any bit of an encoded signed transaction either makes it undecodable or makes its
// signature fail: there is no malleability.
TEST(Transaction, AnyBitFlipIsDetected) {
  std::mt19937_64 rng(3);
  const crypto::SigningKey key = KeyFromByte(3);
  for (int t = 0; t < 4; ++t) {
    const SignedTransaction tx = RandomSignedTx(rng, key);
    const Bytes enc = codec::EncodeToBytes(tx);
    for (size_t i = 0; i < enc.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        Bytes bad = enc;
        bad[i] ^= static_cast<uint8_t>(1 << bit);
        Result<SignedTransaction> r = DecodeTransaction(bad);
        if (r.ok()) {
          EXPECT_FALSE(VerifySignature(*r, TestGenesis())) << "byte " << i << " bit " << bit;
          EXPECT_NE(r->Hash(), tx.Hash());
        }
      }
    }
  }
}

TEST(Transaction, BatchVerificationFlagsExactlyTheBadOnes) {
  std::mt19937_64 rng(4);
  std::vector<SignedTransaction> txs;
  for (int i = 0; i < 64; ++i) txs.push_back(RandomSignedTx(rng, KeyFromByte(i % 5)));
  txs[7].signature[0] ^= 1;
  txs[40].payload.nonce += 1;
  TransactionVerifyBatch batch(txs, TestGenesis());
  TransactionVerifyBatch moved = std::move(batch);  // items stay valid after a move
  ASSERT_EQ(moved.items().size(), txs.size());
  const std::vector<uint8_t> ok = moved.Verify(2);
  for (size_t i = 0; i < txs.size(); ++i) EXPECT_EQ(ok[i], (i == 7 || i == 40) ? 0 : 1) << i;
}

TEST(Transaction, InputLargerThanMaxTransactionBytesRejectedBeforeDecoding) {
  Bytes big(kMaxTransactionBytes + 1, 0);
  Result<SignedTransaction> r = DecodeTransaction(big);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  EXPECT_NE(r.status().message().find("kMaxTransactionBytes (65536)"), std::string::npos);
}

TEST(Transaction, TruncationAtEveryOffsetFails) {
  std::mt19937_64 rng(5);
  const Bytes enc = codec::EncodeToBytes(RandomSignedTx(rng, KeyFromByte(5)));
  for (size_t len = 0; len < enc.size(); ++len)
    EXPECT_FALSE(DecodeTransaction(ByteView(enc.data(), len)).ok()) << len;
  Bytes trailing = enc;
  trailing.push_back(0);
  EXPECT_FALSE(DecodeTransaction(trailing).ok());
}

}  // namespace
}  // namespace phalanx::types

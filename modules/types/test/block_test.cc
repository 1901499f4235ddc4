// Specification of headers, blocks, Merkle roots and the block limits.
#include "phalanx/types/block.h"

#include <gtest/gtest.h>

#include "phalanx/types/limits.h"
#include "test_util.h"

namespace phalanx::types {
namespace {

using testing::HashFromByte;
using testing::KeyFromByte;
using testing::RandomSignedTx;

Header SampleHeader(uint64_t height) {
  Header h;
  h.parent_hash = HashFromByte(1);
  h.height = height;
  h.time_ms = 1'700'000'000'000 + height;
  h.proposer = KeyFromByte(1).public_key();
  h.state_root = HashFromByte(2);
  h.tx_root = HashFromByte(3);
  h.events_root = HashFromByte(4);
  h.validators_hash = HashFromByte(5);
  h.next_validators_hash = HashFromByte(6);
  h.last_commit_hash = HashFromByte(7);
  return h;
}

TEST(Header, FixedSizeEncodingAndHash) {
  Header h = SampleHeader(12);
  Bytes enc = codec::EncodeToBytes(h);
  EXPECT_EQ(enc.size(), Header::kEncodedBytes);
  EXPECT_EQ(codec::DecodeAll<Header>(enc).value(), h);
  EXPECT_EQ(h.Hash(), crypto::Blake2b256(enc));
  Header other = h;
  other.time_ms += 1;
  EXPECT_NE(other.Hash(), h.Hash());
}

TEST(Block, RoundTripsWithAndWithoutLastCommit) {
  std::mt19937_64 rng(8);
  Block b;
  b.header = SampleHeader(1);
  for (int i = 0; i < 50; ++i) b.transactions.push_back(RandomSignedTx(rng, KeyFromByte(i % 3)));
  b.header.tx_root = TxRoot(b.transactions);
  Bytes enc = codec::EncodeToBytes(b);
  EXPECT_EQ(DecodeBlock(enc).value(), b);
  EXPECT_EQ(b.Hash(), b.header.Hash());

  b.last_commit = CommitCertificate{0, 1, HashFromByte(9), {{0, {}}, {3, {}}}};
  enc = codec::EncodeToBytes(b);
  Result<Block> back = DecodeBlock(enc);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, b);
  EXPECT_EQ(codec::EncodeToBytes(*back), enc);

  for (size_t len = 0; len < enc.size(); len += 7)
    EXPECT_FALSE(DecodeBlock(ByteView(enc.data(), len)).ok()) << len;
}

TEST(Block, MoreThanMaxBlockTransactionsRejectedFromTheLengthPrefix) {
  codec::Encoder e;
  SampleHeader(1).Encode(e);
  e.WriteCompact(kMaxBlockTransactions + 1);
  Result<Block> r = DecodeBlock(e.view());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  EXPECT_NE(r.status().message().find("vector length 100001 at offset 272"), std::string::npos)
      << r.status().message();
}

TEST(Block, InputLargerThanMaxBlockBytesRejectedBeforeDecoding) {
  Bytes big(kMaxBlockBytes + 1, 0);
  Result<Block> r = DecodeBlock(big);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  EXPECT_NE(r.status().message().find("kMaxBlockBytes"), std::string::npos);
}

TEST(Block, EncodedBlockLargerThanMaxBlockBytesRejectedInsideAStream) {
  // Maximal remarks: ~8200 of them exceed 32 MiB. Signatures need not be valid to decode.
  TransactionPayload p;
  p.call = Call{calls::Remark{Bytes(kMaxRemarkBytes, 0x5a)}};
  const SignedTransaction tx{p, {}};
  const size_t tx_bytes = codec::EncodeToBytes(tx).size();
  Block b;
  b.header = SampleHeader(2);
  b.transactions.assign(kMaxBlockBytes / tx_bytes + 1, tx);
  Bytes enc = codec::EncodeToBytes(b, kMaxBlockBytes + tx_bytes + 1024);
  ASSERT_GT(enc.size(), kMaxBlockBytes);
  Result<Block> r = codec::DecodeAll<Block>(enc);  // the streaming path, no up-front size check
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  EXPECT_NE(r.status().message().find("kMaxBlockBytes"), std::string::npos);
  b.transactions.resize(b.transactions.size() - 2);
  EXPECT_TRUE(codec::DecodeAll<Block>(codec::EncodeToBytes(b)).ok());
}

TEST(Merkle, EmptyIsZeroAndOneLeafIsItsLeafHash) {
  EXPECT_TRUE(MerkleRoot({}).IsZero());
  const Hash32 leaf = HashFromByte(0x11);
  uint8_t buf[33] = {0x00};
  std::copy(leaf.begin(), leaf.end(), buf + 1);
  EXPECT_EQ(MerkleRoot(std::vector<Hash32>{leaf}), crypto::Blake2b256(ByteView(buf, 33)));
}

TEST(Merkle, ThreeLeavesSplitAtTwo) {
  std::vector<Hash32> leaves = {HashFromByte(1), HashFromByte(2), HashFromByte(3)};
  auto leaf = [](const Hash32& h) {
    Bytes b{0x00};
    b.insert(b.end(), h.begin(), h.end());
    return crypto::Blake2b256(b);
  };
  auto inner = [](const Hash32& l, const Hash32& r) {
    Bytes b{0x01};
    b.insert(b.end(), l.begin(), l.end());
    b.insert(b.end(), r.begin(), r.end());
    return crypto::Blake2b256(b);
  };
  const Hash32 expected = inner(inner(leaf(leaves[0]), leaf(leaves[1])), leaf(leaves[2]));
  EXPECT_EQ(MerkleRoot(leaves), expected);
}

TEST(Merkle, RootDependsOnOrderAndCount) {
  std::vector<Hash32> a = {HashFromByte(1), HashFromByte(2)};
  std::vector<Hash32> b = {HashFromByte(2), HashFromByte(1)};
  EXPECT_NE(MerkleRoot(a), MerkleRoot(b));
  // No duplicate-last-leaf ambiguity: [x, y, z] and [x, y, z, z] differ.
  std::vector<Hash32> three = {HashFromByte(1), HashFromByte(2), HashFromByte(3)};
  std::vector<Hash32> four = three;
  four.push_back(HashFromByte(3));
  EXPECT_NE(MerkleRoot(three), MerkleRoot(four));
}

TEST(Merkle, ProofsVerifyForEveryLeafOfEverySize) {
  std::vector<Hash32> leaves;
  for (size_t n = 1; n <= 33; ++n) {
    leaves.push_back(HashFromByte(static_cast<uint8_t>(n)));
    const Hash32 root = MerkleRoot(leaves);
    for (size_t i = 0; i < n; ++i) {
      std::vector<Hash32> proof = MerkleProof(leaves, i);
      EXPECT_TRUE(VerifyMerkleProof(root, leaves[i], i, n, proof)) << n << " " << i;
      EXPECT_FALSE(VerifyMerkleProof(root, HashFromByte(0xee), i, n, proof));
      if (n > 1) {
        EXPECT_FALSE(VerifyMerkleProof(root, leaves[i], (i + 1) % n, n, proof));
      }
      EXPECT_FALSE(VerifyMerkleProof(root, leaves[i], n, n, proof));
    }
  }
}

}  // namespace
}  // namespace phalanx::types

// Specification of events and of the JSON views the RPC layer returns.
#include <gtest/gtest.h>

#include "phalanx/types/address.h"
#include "phalanx/types/json.h"
#include "phalanx/types/limits.h"
#include "test_util.h"

namespace phalanx::types {
namespace {

using testing::HashFromByte;
using testing::KeyFromByte;

const AccountId kA = KeyFromByte(1).public_key();
const AccountId kB = KeyFromByte(2).public_key();

std::vector<EventRecord> EveryEvent() {
  return {
      {0, Event{events::ExtrinsicSuccess{0}}},
      {1, Event{events::ExtrinsicFailed{1, "balances: insufficient balance"}}},
      {2, Event{events::Remarked{kA, HashFromByte(3)}}},
      {3, Event{events::Transfer{kA, kB, ~Balance{0}}}},
      {3, Event{events::Endowed{kB, 500}}},
      {4, Event{events::AccountReaped{kA, 1}}},
      {5, Event{events::Reserved{kA, 2}}},
      {5, Event{events::Unreserved{kA, 2}}},
      {6, Event{events::ValidatorUpdated{kB, 0, 12}}},
      {7, Event{events::Equivocation{kA, 9, 2, VoteType::kPrecommit}}},
      {std::nullopt, Event{events::FeePaid{kA, 10, 5, 12, 3}}},
  };
}

TEST(Event, EveryEventRoundTrips) {
  for (const EventRecord& r : EveryEvent()) {
    Bytes enc = codec::EncodeToBytes(r);
    Result<EventRecord> back = codec::DecodeAll<EventRecord>(enc);
    ASSERT_TRUE(back.ok()) << EventName(r.event) << ": " << back.status().ToString();
    EXPECT_EQ(*back, r);
    EXPECT_EQ(r.Hash(), crypto::Blake2b256(enc));
  }
}

TEST(Event, EncodesModuleAndEventIndex) {
  Bytes enc = codec::EncodeToBytes(EventRecord{std::nullopt, Event{events::Endowed{kB, 1}}});
  EXPECT_EQ(ToHex(enc),
            "00"
            "0101" +
                ToHex(kB) + "04");
  EXPECT_EQ(EventName(Event{events::Transfer{}}), "balances.Transfer");
  EXPECT_EQ(EventName(Event{events::ExtrinsicFailed{}}), "system.ExtrinsicFailed");
}

TEST(Event, UnknownEventRejected) {
  Result<Event> r = codec::DecodeAll<Event>(FromHex("0109").value());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown event 1.9"), std::string::npos);
}

TEST(Event, ErrorTextLongerThanMaxEventErrorBytesRejected) {
  Event ok{events::ExtrinsicFailed{0, std::string(kMaxEventErrorBytes, 'e')}};
  EXPECT_TRUE(codec::DecodeAll<Event>(codec::EncodeToBytes(ok)).ok());
  Event over{events::ExtrinsicFailed{0, std::string(kMaxEventErrorBytes + 1, 'e')}};
  EXPECT_EQ(codec::DecodeAll<Event>(codec::EncodeToBytes(over)).status().code(),
            StatusCode::kLimitExceeded);
}

TEST(Event, ExtrinsicFailedFromAnyTextAlwaysDecodes) {
  std::string text(kMaxEventErrorBytes + 10, 'x');
  text[3] = '\xff';
  Event e{events::ExtrinsicFailed::FromError(4, text)};
  const auto& failed = std::get<events::ExtrinsicFailed>(e.value);
  EXPECT_EQ(failed.error.size(), kMaxEventErrorBytes);
  EXPECT_EQ(failed.error.substr(0, 5), "xxx?x");
  EXPECT_EQ(codec::DecodeAll<Event>(codec::EncodeToBytes(e)).value(), e);
}

TEST(Event, EventsRootIsMerkleRootOfRecordHashes) {
  std::vector<EventRecord> records = EveryEvent();
  std::vector<Hash32> hashes;
  for (const auto& r : records) hashes.push_back(r.Hash());
  EXPECT_EQ(EventsRoot(records), MerkleRoot(hashes));
}

TEST(Json, EventRecordUsesSs58AndDecimalStrings) {
  nlohmann::json j = ToJson(EventRecord{7, Event{events::Transfer{kA, kB, ~Balance{0}}}});
  EXPECT_EQ(j["tx_index"], 7);
  EXPECT_EQ(j["event"]["name"], "balances.Transfer");
  EXPECT_EQ(j["event"]["fields"]["from"], ToSs58(kA));
  EXPECT_EQ(j["event"]["fields"]["to"], ToSs58(kB));
  EXPECT_EQ(j["event"]["fields"]["amount"], "340282366920938463463374607431768211455");
  EXPECT_TRUE(ToJson(EveryEvent().back())["tx_index"].is_null());
  for (const EventRecord& r : EveryEvent()) EXPECT_TRUE(ToJson(r)["event"]["fields"].is_object());
}

TEST(Json, CallAndTransaction) {
  TransactionPayload p{kA, 3, 25, 100, Call{calls::Transfer{kB, 1'500'000'000'000}}};
  SignedTransaction tx = Sign(p, KeyFromByte(1), testing::TestGenesis());
  nlohmann::json j = ToJson(tx);
  EXPECT_EQ(j["hash"], ToHex0x(tx.Hash()));
  EXPECT_EQ(j["signer"], ToSs58(kA));
  EXPECT_EQ(j["nonce"], 3);
  EXPECT_EQ(j["tip"], "25");
  EXPECT_EQ(j["valid_until"], 100);
  EXPECT_EQ(j["call"]["name"], "balances.transfer");
  EXPECT_EQ(j["call"]["module"], 1);
  EXPECT_EQ(j["call"]["index"], 0);
  EXPECT_EQ(j["call"]["args"]["dest"], ToSs58(kB));
  EXPECT_EQ(j["call"]["args"]["amount"], "1500000000000");
  EXPECT_EQ(j["signature"], ToHex0x(tx.signature));
  EXPECT_EQ(ToJson(Call{calls::Remark{{0xca, 0xfe}}})["args"]["data"], "0xcafe");
  EXPECT_EQ(ToJson(Call{calls::TransferAll{kB, true}})["args"]["keep_alive"], true);
}

TEST(Json, ValidatorCallsAndEvents) {
  nlohmann::json set = ToJson(Call{calls::SetValidator{kB, 3}});
  EXPECT_EQ(set["name"], "validators.set_validator");
  EXPECT_EQ(set["module"], 2);
  EXPECT_EQ(set["args"]["key"], ToSs58(kB));
  EXPECT_EQ(set["args"]["power"], 3);
  Vote v{VoteType::kPrevote, 4, 0, HashFromByte(5), 1, {}};
  nlohmann::json report = ToJson(Call{calls::ReportEquivocation{v, v}});
  EXPECT_EQ(report["args"]["vote_b"]["height"], 4);
  nlohmann::json eq = ToJson(Event{events::Equivocation{kA, 9, 2, VoteType::kPrecommit}});
  EXPECT_EQ(eq["name"], "validators.Equivocation");
  EXPECT_EQ(eq["fields"]["validator"], ToSs58(kA));
  EXPECT_EQ(eq["fields"]["type"], "precommit");
  EXPECT_EQ(eq["fields"]["round"], 2);
  nlohmann::json up = ToJson(Event{events::ValidatorUpdated{kB, 0, 12}});
  EXPECT_EQ(up["fields"]["effective_height"], 12);
}

TEST(Event, EquivocationWithUnknownVoteTypeRejected) {
  Bytes enc = codec::EncodeToBytes(Event{events::Equivocation{kA, 9, 2, VoteType::kPrevote}});
  enc.back() = 0;
  Result<Event> r = codec::DecodeAll<Event>(enc);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown vote type 0"), std::string::npos);
}

TEST(Json, BlockWithHashesOrFullTransactions) {
  Block b;
  b.header.height = 4;
  b.header.proposer = kA;
  b.transactions.push_back(
      Sign({kA, 0, 0, 0, Call{calls::Remark{}}}, KeyFromByte(1), testing::TestGenesis()));
  b.last_commit = CommitCertificate{3, 0, HashFromByte(8), {{1, {}}}};
  nlohmann::json brief = ToJson(b);
  EXPECT_EQ(brief["hash"], ToHex0x(b.Hash()));
  EXPECT_EQ(brief["header"]["height"], 4);
  EXPECT_EQ(brief["header"]["proposer"], ToSs58(kA));
  EXPECT_EQ(brief["header"]["parent_hash"], "0x" + std::string(64, '0'));
  EXPECT_EQ(brief["transactions"][0], ToHex0x(b.transactions[0].Hash()));
  EXPECT_EQ(brief["last_commit"]["height"], 3);
  EXPECT_EQ(brief["last_commit"]["signatures"][0]["validator_index"], 1);
  nlohmann::json full = ToJson(b, true);
  EXPECT_EQ(full["transactions"][0]["call"]["name"], "system.remark");
  b.last_commit.reset();
  EXPECT_TRUE(ToJson(b)["last_commit"].is_null());
}

TEST(Json, ValidatorSetAndVote) {
  ValidatorSet set = ValidatorSet::Create({{kA, 5}, {kB, 7}}).value();
  nlohmann::json j = ToJson(set);
  EXPECT_EQ(j["total_power"], 12);
  EXPECT_EQ(j["validators"].size(), 2u);
  EXPECT_EQ(j["hash"], ToHex0x(set.Hash()));
  Vote v{VoteType::kPrecommit, 2, 1, HashFromByte(1), 0, {}};
  EXPECT_EQ(ToJson(v)["type"], "precommit");
}

}  // namespace
}  // namespace phalanx::types

// Specification of the built-in chain specs: the local multi-validator chain that
// `phalanx-node localnet` runs is the dev chain with the first N dev accounts validating.
#include <gtest/gtest.h>

#include "phalanx/crypto/mnemonic.h"
#include "phalanx/runtime/genesis.h"
#include "phalanx/runtime/validators.h"

namespace phalanx::runtime {
namespace {

types::AccountId Id(std::string_view name) { return crypto::DevAccount(name)->public_key(); }

TEST(ChainSpecLocal, FirstNDevAccountsValidateWithEqualPower) {
  auto spec = ChainSpec::Local(4);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->chain_type, "local");
  EXPECT_TRUE(spec->validators.Validate().ok());
  ASSERT_EQ(spec->validators.validators.size(), 4u);
  for (const char* name : {"alice", "bob", "charlie", "dave"}) {
    int64_t i = spec->validators.IndexOf(Id(name));
    ASSERT_GE(i, 0) << name;
    EXPECT_EQ(spec->validators.validators[size_t(i)].power, 1u) << name;
  }
  EXPECT_EQ(spec->validators.IndexOf(Id("eve")), -1);
  EXPECT_EQ(spec->validators.IndexOf(Id("ferdie")), -1);
}

TEST(ChainSpecLocal, FundsAndSudoAreTheDevChains) {
  ChainSpec dev = ChainSpec::Dev(7);
  auto local = ChainSpec::Local(3, 7);
  ASSERT_TRUE(local.ok());
  ASSERT_EQ(local->balances.size(), dev.balances.size());
  for (size_t i = 0; i < dev.balances.size(); ++i) {
    EXPECT_EQ(local->balances[i].id, dev.balances[i].id);
    EXPECT_EQ(local->balances[i].free, dev.balances[i].free);
  }
  EXPECT_EQ(local->bench_accounts, 7u);
  EXPECT_EQ(local->sudo, Id("alice"));
  EXPECT_NE(local->id, dev.id);
}

TEST(ChainSpecLocal, OneToSixValidatorsOnly) {
  for (size_t n = 1; n <= kMaxLocalValidators; ++n) EXPECT_TRUE(ChainSpec::Local(n).ok()) << n;
  auto none = ChainSpec::Local(0);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  auto seven = ChainSpec::Local(kMaxLocalValidators + 1);
  ASSERT_FALSE(seven.ok());
  EXPECT_EQ(seven.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(seven.status().message().find("1 to 6"), std::string::npos) << seven.status().message();
}

TEST(ChainSpecLocal, JsonRoundTripsAndGenesisHoldsTheSet) {
  auto spec = ChainSpec::Local(6);
  ASSERT_TRUE(spec.ok());
  auto back = ChainSpec::FromJson(spec->ToJson().dump());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->chain_type, "local");
  EXPECT_EQ(back->validators, spec->validators);
  auto changes = BuildGenesisState(*back);
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  MapState state;
  state.Apply(*changes);
  auto set = LoadCurrentValidators(state);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(*set, spec->validators);
}

}  // namespace
}  // namespace phalanx::runtime

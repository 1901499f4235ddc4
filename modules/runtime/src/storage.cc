// Storage keys and typed accessors.
#include "phalanx/runtime/storage.h"

#include "phalanx/crypto/hash.h"

namespace phalanx::runtime {

void AccountInfo::Encode(codec::Encoder& e) const {
  e.WriteU64(nonce);
  e.WriteU128(free);
  e.WriteU128(reserved);
}

Result<AccountInfo> AccountInfo::Decode(codec::Decoder& d) {
  AccountInfo a;
  ASSIGN_OR_RETURN(a.nonce, d.ReadU64());
  ASSIGN_OR_RETURN(a.free, d.ReadU128());
  ASSIGN_OR_RETURN(a.reserved, d.ReadU128());
  return a;
}

namespace keys {
Bytes Account(const AccountId& id) {
  static constexpr std::string_view kPrefix = "bal/account/";
  Bytes k;
  k.reserve(kPrefix.size() + id.size());
  k.insert(k.end(), kPrefix.begin(), kPrefix.end());
  k.insert(k.end(), id.begin(), id.end());
  return k;
}
}  // namespace keys

const AccountId& TreasuryAccount() {
  static const AccountId id = crypto::Blake2b256(AsBytes("phalanx/module/treasury"));
  return id;
}

namespace {
template <typename T>
Result<T> DecodeStored(const Bytes& bytes, std::string_view what) {
  codec::Decoder d(bytes);
  auto v = T::Decode(d);
  if (!v.ok())
    return Corruption("stored " + std::string(what) + ": " + std::string(v.status().message()));
  if (!d.AtEnd()) return Corruption("stored " + std::string(what) + " has trailing bytes");
  return v;
}
}  // namespace

Result<AccountInfo> LoadAccount(const StateReader& s, const AccountId& id) {
  ASSIGN_OR_RETURN(auto raw, s.Get(keys::Account(id)));
  if (!raw) return AccountInfo{};
  return DecodeStored<AccountInfo>(*raw, "account");
}

void StoreAccount(Overlay& s, const AccountId& id, const AccountInfo& info) {
  if (info == AccountInfo{}) {
    s.Delete(keys::Account(id));
    return;
  }
  codec::Encoder e;
  info.Encode(e);
  s.Put(keys::Account(id), e.Take());
}

Result<Balance> LoadTotalIssuance(const StateReader& s) {
  ASSIGN_OR_RETURN(auto raw, s.Get(AsBytes(keys::kTotalIssuance)));
  if (!raw) return Balance{0};
  codec::Decoder d(*raw);
  auto v = d.ReadU128();
  if (!v.ok() || !d.AtEnd()) return Corruption("stored total issuance is malformed");
  return *v;
}

void StoreTotalIssuance(Overlay& s, Balance v) {
  codec::Encoder e;
  e.WriteU128(v);
  s.Put(AsBytes(keys::kTotalIssuance), e.Take());
}

Result<Params> LoadParams(const StateReader& s) {
  ASSIGN_OR_RETURN(auto raw, s.Get(AsBytes(keys::kParams)));
  if (!raw) return FailedPrecondition("runtime parameters are missing from state (no genesis?)");
  return DecodeStored<Params>(*raw, "runtime parameters");
}

void StoreParams(Overlay& s, const Params& p) {
  codec::Encoder e;
  p.Encode(e);
  s.Put(AsBytes(keys::kParams), e.Take());
}

}  // namespace phalanx::runtime

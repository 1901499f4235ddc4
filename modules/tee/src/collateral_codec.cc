// Codec form of CollateralFiles: the raw Intel-signed files, length-prefixed, each bounded by
// kMaxCollateralFileBytes before anything is allocated.
#include "phalanx/codec/codec.h"
#include "phalanx/tee/collateral.h"
#include "phalanx/tee/limits.h"

namespace phalanx::tee {
namespace {

constexpr uint8_t kFormatVersion = 1;

Status ReadText(codec::Decoder& d, std::string& out) {
  ASSIGN_OR_RETURN(ByteView v, d.ReadBytesView(kMaxCollateralFileBytes));
  out.assign(v.begin(), v.end());
  return Status::Ok();
}

Status ReadBinary(codec::Decoder& d, Bytes& out) {
  ASSIGN_OR_RETURN(ByteView v, d.ReadBytesView(kMaxCollateralFileBytes));
  out.assign(v.begin(), v.end());
  return Status::Ok();
}

}  // namespace

void CollateralFiles::Encode(codec::Encoder& e) const {
  e.WriteU8(kFormatVersion);
  for (const std::string* s :
       {&tcb_info_json, &qe_identity_json, &tcb_info_issuer_chain_pem,
        &qe_identity_issuer_chain_pem, &pck_crl_issuer_chain_pem, &root_ca_pem})
    e.WriteBytes(AsBytes(*s));
  e.WriteBytes(pck_crl_der);
  e.WriteBytes(root_ca_crl_der);
}

Result<CollateralFiles> CollateralFiles::Decode(codec::Decoder& d) {
  const size_t at = d.offset();
  ASSIGN_OR_RETURN(uint8_t version, d.ReadU8());
  if (version != kFormatVersion)
    return d.Malformed(at, "collateral format version " + std::to_string(version) + " (expected " +
                               std::to_string(kFormatVersion) + ")");
  CollateralFiles f;
  for (std::string* s :
       {&f.tcb_info_json, &f.qe_identity_json, &f.tcb_info_issuer_chain_pem,
        &f.qe_identity_issuer_chain_pem, &f.pck_crl_issuer_chain_pem, &f.root_ca_pem})
    RETURN_IF_ERROR(ReadText(d, *s));
  RETURN_IF_ERROR(ReadBinary(d, f.pck_crl_der));
  RETURN_IF_ERROR(ReadBinary(d, f.root_ca_crl_der));
  return f;
}

}  // namespace phalanx::tee

// TCB evaluation after Intel QVL (TcbLevelCheck.cpp, TdxModuleCheck.cpp, QE identity checks):
// levels are taken in published order (highest first) and the first one the platform meets wins.
#include "tcb.h"

#include <algorithm>
#include <cstdio>

namespace phalanx::tee::internal {
namespace {

constexpr char kUpdateAdvice[] =
    "; update the platform (BIOS/microcode, TDX module) or refresh the collateral";

Failure NotSupported(const std::string& what) {
  return Fail(ErrorCode::kTcbNotSupported, what + kUpdateAdvice);
}

Check CheckQeIdentity(const Quote& q, const QeIdentity& id) {
  const char* want = q.tee == TeeType::kSgx ? "QE" : "TD_QE";
  auto mismatch = [](const std::string& what) {
    return Fail(ErrorCode::kQeIdentityMismatch,
                "the quoting enclave does not match the QE Identity: " + what +
                    "; the quote was not produced by Intel's quoting enclave for this TEE");
  };
  if (id.id != want) return mismatch("identity is \"" + id.id + "\", expected \"" + want + "\"");
  const SgxReport& r = q.qe_report;
  if (r.mr_signer != id.mr_signer) return mismatch("MRSIGNER differs");
  if (r.isv_prod_id != id.isv_prod_id) return mismatch("ISVPRODID differs");
  if ((r.misc_select & id.misc_select_mask) != id.misc_select)
    return mismatch("masked MISCSELECT differs");
  for (size_t i = 0; i < 16; ++i)
    if ((r.attributes[i] & id.attributes_mask[i]) != id.attributes[i])
      return mismatch("masked ATTRIBUTES differ");
  return std::nullopt;
}

const IsvTcbLevel* FirstIsvLevel(const std::vector<IsvTcbLevel>& levels, uint16_t isv_svn) {
  for (const IsvTcbLevel& l : levels)
    if (l.isv_svn <= isv_svn) return &l;
  return nullptr;
}

bool MeetsSgxLevel(const PckExtensions& pck, const TcbLevel& l) {
  bool ok = l.pce_svn <= pck.pce_svn;
  for (size_t i = 0; i < 16 && ok; ++i) ok = l.sgx_components[i] <= pck.tcb_components[i];
  return ok;
}

// The SGX TCB level of a platform: the first level its PCK SVNs meet.
const TcbLevel* FirstSgxLevel(const PckExtensions& pck, const TcbInfo& info) {
  for (const TcbLevel& l : info.levels)
    if (MeetsSgxLevel(pck, l)) return &l;
  return nullptr;
}

// SGX: the SGX level. TDX: the first level met by both the PCK SVNs and TEE_TCB_SVN.
const TcbLevel* FirstPlatformLevel(const Quote& q, const PckExtensions& pck, const TcbInfo& info) {
  for (const TcbLevel& l : info.levels) {
    if (!MeetsSgxLevel(pck, l)) continue;
    if (q.tee == TeeType::kSgx) return &l;
    if (!l.tdx_components) continue;
    const FixedBytes<16>& svn = q.td->tee_tcb_svn;
    bool tdx_ok = true;
    // With a TDX module version (TEE_TCB_SVN[1] > 0) the module SVNs are judged by the module
    // identities instead, so components 0 and 1 are skipped here.
    for (size_t i = svn[1] > 0 ? 2 : 0; i < 16 && tdx_ok; ++i)
      tdx_ok = (*l.tdx_components)[i] <= svn[i];
    if (tdx_ok) return &l;
  }
  return nullptr;
}

// The TDX module identity and level; sets v.tdx_module_*.
Check EvaluateTdxModule(const Quote& q, const TcbInfo& info, QuoteVerdict& v,
                        const IsvTcbLevel** level) {
  const TdReport& td = *q.td;
  uint8_t version = td.tee_tcb_svn[1];
  const TdxModuleIdentity* identity = nullptr;
  if (version > 0) {
    char id[8];
    std::snprintf(id, sizeof id, "TDX_%02X", version);
    for (const TdxModuleIdentity& m : info.tdx_module_identities)
      if (m.id == id) identity = &m;
    if (!identity) return NotSupported(std::string("TCB Info has no TDX module identity ") + id);
    v.tdx_module_identity = id;
  } else if (info.tdx_module) {
    identity = &*info.tdx_module;
  }
  if (identity) {
    if (td.mr_signer_seam != identity->mr_signer)
      return NotSupported("MRSIGNERSEAM of the TD report does not match the TDX module identity");
    for (size_t i = 0; i < 8; ++i)
      if ((td.seam_attributes[i] & identity->attributes_mask[i]) != identity->attributes[i])
        return NotSupported("SEAMATTRIBUTES do not match the TDX module identity");
  }
  if (version == 0) {
    v.tdx_module_tcb_status = TcbStatus::kUpToDate;
    return std::nullopt;
  }
  *level = FirstIsvLevel(identity->levels, td.tee_tcb_svn[0]);
  if (!*level)
    return NotSupported("no TCB level of TDX module " + identity->id + " matches SVN " +
                        std::to_string(td.tee_tcb_svn[0]));
  v.tdx_module_tcb_status = (*level)->status;
  return std::nullopt;
}

// Intel's convergence: an OutOfDate QE or TDX module makes the platform status OutOfDate.
TcbStatus Converge(TcbStatus platform, bool other_out_of_date) {
  if (!other_out_of_date) return platform;
  switch (platform) {
    case TcbStatus::kUpToDate:
    case TcbStatus::kSwHardeningNeeded:
      return TcbStatus::kOutOfDate;
    case TcbStatus::kConfigurationNeeded:
    case TcbStatus::kConfigurationAndSwHardeningNeeded:
      return TcbStatus::kOutOfDateConfigurationNeeded;
    default:
      return platform;
  }
}

bool IsConfigurationNeeded(TcbStatus s) {
  return s == TcbStatus::kConfigurationNeeded || s == TcbStatus::kOutOfDateConfigurationNeeded ||
         s == TcbStatus::kConfigurationAndSwHardeningNeeded ||
         s == TcbStatus::kTdRelaunchAdvisedConfigurationNeeded;
}

// Intel QVL TDRelaunchCheck (TD report 1.5 only): when the only thing out of date is the TDX
// module, and TEE_TCB_SVN2 - the SVNs of the module a relaunched TD would run on, already loaded
// by a TD-preserving update - meets the latest TCB level and the latest level of that module,
// relaunching the TD is enough: the status becomes TDRelaunchAdvised[ConfigurationNeeded].
Outcome<TcbStatus> CheckForRelaunch(const TdReport& td, const TcbInfo& info, TcbStatus sgx,
                                    TcbStatus tdx, TcbStatus module, TcbStatus qe) {
  if (qe == TcbStatus::kOutOfDate || qe == TcbStatus::kRevoked) return tdx;
  if (sgx != TcbStatus::kUpToDate && sgx != TcbStatus::kSwHardeningNeeded &&
      sgx != TcbStatus::kConfigurationNeeded &&
      sgx != TcbStatus::kConfigurationAndSwHardeningNeeded)
    return tdx;
  if (tdx != TcbStatus::kOutOfDate && tdx != TcbStatus::kOutOfDateConfigurationNeeded) return tdx;
  if (module != TcbStatus::kOutOfDate) return tdx;
  if (info.levels.empty() || !info.levels.front().tdx_components)
    return NotSupported("the TCB Info has no TDX TCB level");
  const std::array<uint8_t, 16>& latest = *info.levels.front().tdx_components;
  const FixedBytes<16>& svn2 = *td.tee_tcb_svn2;
  uint8_t latest_module_svn = latest[0];
  if (svn2[1] != 0) {
    char id[8];
    std::snprintf(id, sizeof id, "TDX_%02X", svn2[1]);
    const TdxModuleIdentity* identity = nullptr;
    for (const TdxModuleIdentity& m : info.tdx_module_identities)
      if (m.id == id) identity = &m;
    if (!identity)
      return NotSupported(std::string("TCB Info has no TDX module identity ") + id +
                          " for TEE_TCB_SVN2");
    if (identity->levels.empty())
      return NotSupported(std::string("TDX module identity ") + id + " has no TCB level");
    if (identity->levels.front().isv_svn > 255) return tdx;
    latest_module_svn = static_cast<uint8_t>(identity->levels.front().isv_svn);
  }
  if (svn2[0] < latest_module_svn || svn2[2] < latest[2]) return tdx;
  return IsConfigurationNeeded(sgx) || IsConfigurationNeeded(tdx)
             ? TcbStatus::kTdRelaunchAdvisedConfigurationNeeded
             : TcbStatus::kTdRelaunchAdvised;
}

void AddAdvisories(std::vector<std::string>& out, const std::vector<std::string>& ids) {
  for (const std::string& id : ids)
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
}

}  // namespace

Check EvaluateTcb(const Quote& q, const PckExtensions& pck, const VerifiedCollateral& c,
                  QuoteVerdict& v) {
  TEE_TRY(CheckQeIdentity(q, c.qe_identity()));
  const IsvTcbLevel* qe = FirstIsvLevel(c.qe_identity().levels, q.qe_report.isv_svn);
  if (!qe)
    return NotSupported("no QE Identity level matches QE ISVSVN " +
                        std::to_string(q.qe_report.isv_svn));
  v.qe_tcb_status = qe->status;

  const TcbLevel* platform = FirstPlatformLevel(q, pck, c.tcb_info());
  if (!platform)
    return NotSupported(
        "no TCB level of the TCB Info matches the platform's SVNs (the platform "
        "is older than every level Intel still publishes)");
  v.platform_tcb_status = platform->status;

  const IsvTcbLevel* module = nullptr;
  if (q.tee == TeeType::kTdx) TEE_TRY(EvaluateTdxModule(q, c.tcb_info(), v, &module));

  bool revoked = platform->status == TcbStatus::kRevoked || qe->status == TcbStatus::kRevoked ||
                 (module && module->status == TcbStatus::kRevoked);
  if (revoked)
    return Fail(ErrorCode::kTcbRevoked,
                "a TCB level that applies to this platform (platform, TDX module or QE) is "
                "Revoked by Intel; the platform cannot be trusted until it is updated");
  // Intel's order: the TDX module status, then the TD relaunch check, then the QE status.
  TcbStatus status = Converge(platform->status, module && module->status == TcbStatus::kOutOfDate);
  if (q.body_type == BodyType::kTdReport15 && module) {
    const TcbLevel* sgx = FirstSgxLevel(pck, c.tcb_info());
    TEE_ASSIGN_OR_FAIL(status, CheckForRelaunch(*q.td, c.tcb_info(), sgx->status, status,
                                                module->status, qe->status));
  }
  v.tcb_status = Converge(status, qe->status == TcbStatus::kOutOfDate);
  AddAdvisories(v.advisory_ids, platform->advisory_ids);
  if (module) AddAdvisories(v.advisory_ids, module->advisory_ids);
  AddAdvisories(v.advisory_ids, qe->advisory_ids);
  return std::nullopt;
}

}  // namespace phalanx::tee::internal

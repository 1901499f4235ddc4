// The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): the platform's TCB
// component SVNs, PCESVN, CPUSVN, PCE ID and FMSPC, parsed from its DER bytes with a bounded
// walker.
#pragma once

#include <array>
#include <cstdint>

#include "phalanx/base/bytes.h"
#include "phalanx/tee/verdict.h"

namespace phalanx::tee {

struct PckExtensions {
  std::array<uint8_t, 16> tcb_components{};  // SGX TCB component SVNs 01..16
  uint16_t pce_svn = 0;
  FixedBytes<16> cpu_svn;
  FixedBytes<2> pce_id;
  FixedBytes<6> fmspc;
};

// Parses the extension's value (the content of its OCTET STRING: a SEQUENCE of {OID, value}).
// Failure code: kBadPckChain (the certificate carries no usable SGX extension).
Outcome<PckExtensions> ParseSgxExtension(ByteView der);

}  // namespace phalanx::tee

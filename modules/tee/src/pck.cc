// SGX PCK certificate extension parsing. A minimal DER walker (definite lengths, one-byte tags,
// depth and size limits) is enough for this fixed structure and avoids trusting OpenSSL's
// generic ASN.1 templates with an attacker-chosen layout.
#include "phalanx/tee/pck.h"

#include <cstring>

#include "phalanx/tee/limits.h"

namespace phalanx::tee {
namespace {

constexpr uint8_t kTagInteger = 0x02;
constexpr uint8_t kTagOctetString = 0x04;
constexpr uint8_t kTagOid = 0x06;
constexpr uint8_t kTagSequence = 0x30;
// 1.2.840.113741.1.13.1 in DER content bytes; sub-OIDs append one byte each.
constexpr uint8_t kSgxOid[] = {0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x01, 0x0D, 0x01};
constexpr uint8_t kTcbArc = 2, kPceIdArc = 3, kFmspcArc = 4;
constexpr uint8_t kPceSvnArc = 17, kCpuSvnArc = 18;

Failure ExtFail(const std::string& what) {
  return Fail(ErrorCode::kBadPckChain, "PCK certificate SGX extension: " + what +
                                           "; the PCK certificate is not a valid Intel one");
}

struct Tlv {
  uint8_t tag = 0;
  ByteView value;
};

// Reads one TLV from `in`, advancing it. Only definite lengths up to 2 length bytes.
bool ReadTlv(ByteView& in, Tlv* out) {
  if (in.size() < 2) return false;
  uint8_t tag = in[0];
  size_t len = in[1];
  size_t hdr = 2;
  if (len & 0x80) {
    size_t n = len & 0x7F;
    if (n == 0 || n > 2 || in.size() < 2 + n) return false;
    len = 0;
    for (size_t i = 0; i < n; ++i) len = (len << 8) | in[2 + i];
    if (len < 0x80 || (n == 2 && len < 0x100)) return false;  // non-minimal (not DER)
    hdr += n;
  }
  if (in.size() - hdr < len) return false;
  out->tag = tag;
  out->value = in.subspan(hdr, len);
  in = in.subspan(hdr + len);
  return true;
}

// The arc after 1.2.840.113741.1.13.1 (one byte per level, depth 1 or 2); 0 if another OID.
bool SubArcs(ByteView oid, uint8_t* first, uint8_t* second) {
  if (oid.size() < sizeof kSgxOid + 1 || oid.size() > sizeof kSgxOid + 2) return false;
  if (std::memcmp(oid.data(), kSgxOid, sizeof kSgxOid) != 0) return false;
  *first = oid[sizeof kSgxOid];
  *second = oid.size() == sizeof kSgxOid + 2 ? oid[sizeof kSgxOid + 1] : 0;
  return *first < 0x80 && *second < 0x80;
}

bool SmallUnsigned(ByteView v, uint32_t max, uint32_t* out) {
  if (v.empty() || v.size() > 3) return false;
  if (v[0] & 0x80) return false;                                  // negative
  if (v.size() > 1 && v[0] == 0 && !(v[1] & 0x80)) return false;  // non-minimal
  uint32_t x = 0;
  for (uint8_t b : v) x = (x << 8) | b;
  if (x > max) return false;
  *out = x;
  return true;
}

Check ParseTcb(ByteView seq, PckExtensions& e) {
  uint32_t seen = 0;  // bit i: arc i+1 seen
  while (!seq.empty()) {
    Tlv entry, oid, val;
    if (!ReadTlv(seq, &entry) || entry.tag != kTagSequence) return ExtFail("bad TCB entry");
    ByteView in = entry.value;
    if (!ReadTlv(in, &oid) || oid.tag != kTagOid || !ReadTlv(in, &val) || !in.empty())
      return ExtFail("bad TCB entry");
    uint8_t a = 0, b = 0;
    if (!SubArcs(oid.value, &a, &b) || a != kTcbArc || b < 1 || b > kCpuSvnArc) continue;
    if (seen & (1u << (b - 1))) return ExtFail("duplicate TCB entry " + std::to_string(b));
    seen |= 1u << (b - 1);
    uint32_t x = 0;
    if (b <= 16) {
      if (val.tag != kTagInteger || !SmallUnsigned(val.value, 255, &x))
        return ExtFail("TCB component " + std::to_string(b) + " is not an integer 0..255");
      e.tcb_components[b - 1] = static_cast<uint8_t>(x);
    } else if (b == kPceSvnArc) {
      if (val.tag != kTagInteger || !SmallUnsigned(val.value, 65535, &x))
        return ExtFail("PCESVN is not an integer 0..65535");
      e.pce_svn = static_cast<uint16_t>(x);
    } else {
      if (val.tag != kTagOctetString || val.value.size() != 16)
        return ExtFail("CPUSVN is not a 16-byte OCTET STRING");
      e.cpu_svn = FixedBytes<16>::FromView(val.value);
    }
  }
  if (seen != (1u << kCpuSvnArc) - 1) return ExtFail("TCB is missing components");
  return std::nullopt;
}

}  // namespace

Outcome<PckExtensions> ParseSgxExtension(ByteView der) {
  if (der.size() > kMaxSgxExtensionBytes)
    return ExtFail("extension of " + std::to_string(der.size()) + " bytes exceeds the limit of " +
                   std::to_string(kMaxSgxExtensionBytes));
  ByteView in = der;
  Tlv top;
  if (!ReadTlv(in, &top) || top.tag != kTagSequence || !in.empty())
    return ExtFail("not a single DER SEQUENCE");
  PckExtensions e;
  bool tcb = false, pce = false, fmspc = false;
  ByteView seq = top.value;
  while (!seq.empty()) {
    Tlv entry, oid, val;
    if (!ReadTlv(seq, &entry) || entry.tag != kTagSequence) return ExtFail("bad entry");
    ByteView body = entry.value;
    if (!ReadTlv(body, &oid) || oid.tag != kTagOid || !ReadTlv(body, &val) || !body.empty())
      return ExtFail("bad entry");
    uint8_t a = 0, b = 0;
    if (!SubArcs(oid.value, &a, &b) || b != 0) continue;  // other entries: PPID, SGX type, ...
    if (a == kTcbArc) {
      if (tcb) return ExtFail("duplicate TCB");
      if (val.tag != kTagSequence) return ExtFail("TCB is not a SEQUENCE");
      TEE_TRY(ParseTcb(val.value, e));
      tcb = true;
    } else if (a == kPceIdArc) {
      if (pce || val.tag != kTagOctetString || val.value.size() != 2)
        return ExtFail("PCE ID is not a single 2-byte OCTET STRING");
      e.pce_id = FixedBytes<2>::FromView(val.value);
      pce = true;
    } else if (a == kFmspcArc) {
      if (fmspc || val.tag != kTagOctetString || val.value.size() != 6)
        return ExtFail("FMSPC is not a single 6-byte OCTET STRING");
      e.fmspc = FixedBytes<6>::FromView(val.value);
      fmspc = true;
    }
  }
  if (!tcb || !pce || !fmspc) return ExtFail("TCB, PCE ID or FMSPC is missing");
  return e;
}

}  // namespace phalanx::tee

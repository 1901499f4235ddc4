// SS58 address encoding and parsing (base58 with Bitcoin's alphabet, BLAKE2b-512 checksum).
#include "phalanx/types/address.h"

#include <array>
#include <vector>

#include "phalanx/crypto/hash.h"
#include "phalanx/types/limits.h"

namespace phalanx::types {
namespace {

constexpr char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr size_t kChecksumBytes = 2;

int Base58Value(char c) {
  for (int i = 0; i < 58; ++i)
    if (kAlphabet[i] == c) return i;
  return -1;
}

std::string Base58Encode(ByteView in) {
  size_t zeros = 0;
  while (zeros < in.size() && in[zeros] == 0) ++zeros;
  // Base-58 digits, least significant first; log(256)/log(58) < 1.37.
  std::vector<uint8_t> digits;
  digits.reserve(in.size() * 137 / 100 + 1);
  for (size_t i = zeros; i < in.size(); ++i) {
    uint32_t carry = in[i];
    for (uint8_t& d : digits) {
      carry += uint32_t{d} << 8;
      d = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry != 0) {
      digits.push_back(static_cast<uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out += kAlphabet[*it];
  return out;
}

// The caller bounds the input length (kMaxSs58Chars), which bounds the quadratic work here.
Result<Bytes> Base58Decode(std::string_view in) {
  size_t ones = 0;
  while (ones < in.size() && in[ones] == '1') ++ones;
  std::vector<uint8_t> bytes;  // base-256 digits, least significant first
  for (size_t i = ones; i < in.size(); ++i) {
    const int v = Base58Value(in[i]);
    if (v < 0) {
      return InvalidArgument("invalid character '" + std::string(1, in[i]) + "' at position " +
                             std::to_string(i) +
                             " of SS58 address (base58 has no 0, O, I or l and no punctuation)");
    }
    uint32_t carry = static_cast<uint32_t>(v);
    for (uint8_t& b : bytes) {
      carry += uint32_t{b} * 58;
      b = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry != 0) {
      bytes.push_back(static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  Bytes out(ones, 0);
  out.insert(out.end(), bytes.rbegin(), bytes.rend());
  return out;
}

std::array<uint8_t, 64> Ss58Hash(ByteView prefix_and_key) {
  static constexpr std::string_view kContext = "SS58PRE";
  Bytes preimage(kContext.begin(), kContext.end());
  preimage.insert(preimage.end(), prefix_and_key.begin(), prefix_and_key.end());
  std::array<uint8_t, 64> out;
  crypto::Blake2b(preimage, out);
  return out;
}

}  // namespace

std::string ToSs58(const AccountId& account) {
  std::array<uint8_t, 1 + 32 + kChecksumBytes> payload;
  payload[0] = kSs58Prefix;
  std::copy(account.begin(), account.end(), payload.begin() + 1);
  const auto hash = Ss58Hash(ByteView(payload.data(), 33));
  payload[33] = hash[0];
  payload[34] = hash[1];
  return Base58Encode(payload);
}

Result<AccountId> FromSs58(std::string_view address) {
  if (address.empty()) return InvalidArgument("empty SS58 address");
  if (address.size() > kMaxSs58Chars) {
    return InvalidArgument("SS58 address is " + std::to_string(address.size()) +
                           " characters long; an account address has 47 or 48");
  }
  ASSIGN_OR_RETURN(Bytes raw, Base58Decode(address));
  // One prefix byte below 64, or two bytes when the first is in 64..127 (prefixes 64..16383).
  const size_t prefix_bytes = !raw.empty() && raw[0] >= 64 && raw[0] < 128 ? 2 : 1;
  if (raw.size() != prefix_bytes + 32 + kChecksumBytes) {
    return InvalidArgument("SS58 address decodes to " + std::to_string(raw.size()) +
                           " bytes; an account address has " +
                           std::to_string(prefix_bytes + 32 + kChecksumBytes) +
                           " (is it truncated, or not an account address?)");
  }
  const size_t body = prefix_bytes + 32;
  const auto hash = Ss58Hash(ByteView(raw.data(), body));
  if (hash[0] != raw[body] || hash[1] != raw[body + 1]) {
    return InvalidArgument("bad SS58 checksum: the address has a typo or was altered");
  }
  uint32_t prefix = raw[0];
  if (prefix_bytes == 2) {
    const uint32_t lower = ((uint32_t{raw[0]} << 2) | (raw[1] >> 6)) & 0x3f;
    const uint32_t upper = raw[1] & 0x3f;
    prefix = lower | (upper << 8);
  } else if (prefix >= 128) {
    return InvalidArgument("SS58 address has reserved prefix byte " + std::to_string(prefix));
  }
  if (prefix != kSs58Prefix) {
    return InvalidArgument("wrong SS58 network prefix " + std::to_string(prefix) + " (expected " +
                           std::to_string(kSs58Prefix) + "): this address is for another network");
  }
  return AccountId::FromView(ByteView(raw.data() + 1, 32));
}

Result<AccountId> ParseAccountId(std::string_view text) {
  if (text.starts_with("0x") || text.starts_with("0X")) {
    Result<AccountId> key = FixedFromHex<32>(text);
    if (!key.ok())
      return InvalidArgument("account public key: " + std::string(key.status().message()));
    return key;
  }
  return FromSs58(text);
}

}  // namespace phalanx::types

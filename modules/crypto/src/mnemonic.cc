// BIP39 (English) mnemonic encoding, the BIP39 seed, SLIP-0010 ed25519 derivation and the dev
// accounts.
#include "phalanx/crypto/mnemonic.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "phalanx/base/check.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/crypto/limits.h"
#include "phalanx/crypto/random.h"
#include "sodium_init.h"

namespace phalanx::crypto {
namespace {

constexpr int kBip39Pbkdf2Iterations = 2048;
constexpr size_t kBitsPerWord = 11;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsValidWordCount(size_t n) { return n >= 12 && n <= 24 && n % 3 == 0; }
bool IsValidEntropySize(size_t n) { return n >= 16 && n <= 32 && n % 4 == 0; }

// Index of `word` in the sorted list, or nullopt.
std::optional<uint16_t> FindWord(std::string_view word) {
  auto words = Bip39EnglishWords();
  auto it = std::lower_bound(words.begin(), words.end(), word);
  if (it == words.end() || *it != word) return std::nullopt;
  return static_cast<uint16_t>(it - words.begin());
}

// BIP39 words are unique in their first four letters, so a typo after them still identifies the
// intended word; used only to make the error message helpful.
std::string Suggestion(std::string_view word) {
  if (word.size() < 4) return "";
  std::string_view prefix = word.substr(0, 4);
  auto words = Bip39EnglishWords();
  auto it = std::lower_bound(words.begin(), words.end(), prefix);
  if (it != words.end() && it->substr(0, 4) == prefix)
    return "; did you mean '" + std::string(*it) + "'?";
  return "";
}

// Splits and validates the words of a phrase; returns their list indices.
Result<std::vector<uint16_t>> ParseWords(std::string_view phrase) {
  if (phrase.size() > kMaxMnemonicPhraseBytes) {
    return LimitExceeded("mnemonic phrase is " + std::to_string(phrase.size()) +
                         " bytes; a BIP39 phrase is at most " +
                         std::to_string(kMaxMnemonicPhraseBytes) + " bytes");
  }
  std::vector<uint16_t> indices;
  size_t i = 0;
  while (i < phrase.size()) {
    if (IsSpace(phrase[i])) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < phrase.size() && !IsSpace(phrase[i])) ++i;
    std::string word(phrase.substr(start, i - start));
    std::transform(word.begin(), word.end(), word.begin(), ToLower);
    size_t position = indices.size() + 1;
    bool letters_only =
        std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    if (!letters_only) {
      return InvalidArgument("mnemonic word " + std::to_string(position) +
                             " contains characters other than the letters a-z; BIP39 English words "
                             "are lower-case letters separated by spaces");
    }
    std::optional<uint16_t> index = FindWord(word);
    if (!index) {
      return InvalidArgument("mnemonic word " + std::to_string(position) + " ('" + word +
                             "') is not in the BIP39 English word list" + Suggestion(word));
    }
    indices.push_back(*index);
  }
  if (!IsValidWordCount(indices.size())) {
    return InvalidArgument("mnemonic has " + std::to_string(indices.size()) +
                           " words; expected 12, 15, 18, 21 or 24");
  }
  return indices;
}

// Decodes word indices into entropy and checks the checksum.
Result<Bytes> IndicesToEntropy(const std::vector<uint16_t>& indices) {
  const size_t total_bits = indices.size() * kBitsPerWord;
  const size_t checksum_bits = total_bits / 33;
  const size_t entropy_bytes = (total_bits - checksum_bits) / 8;
  Bytes bits((total_bits + 7) / 8, 0);
  for (size_t w = 0; w < indices.size(); ++w) {
    for (size_t b = 0; b < kBitsPerWord; ++b) {
      if (indices[w] & (1u << (kBitsPerWord - 1 - b))) {
        size_t bit = w * kBitsPerWord + b;
        bits[bit / 8] |= static_cast<uint8_t>(0x80u >> (bit % 8));
      }
    }
  }
  Bytes entropy(bits.begin(), bits.begin() + entropy_bytes);
  Hash32 digest = Sha256(entropy);
  // checksum_bits <= 8, so the checksum is the top bits of the byte after the entropy.
  uint8_t mask = static_cast<uint8_t>(0xffu << (8 - checksum_bits));
  bool checksum_ok = (bits[entropy_bytes] & mask) == (digest[0] & mask);
  sodium_memzero(bits.data(), bits.size());
  if (!checksum_ok) {
    sodium_memzero(entropy.data(), entropy.size());
    return InvalidArgument(
        "mnemonic checksum does not match: a word is mistyped (but still a valid word) or the "
        "words "
        "are out of order");
  }
  return entropy;
}

std::string CanonicalPhrase(const std::vector<uint16_t>& indices) {
  std::string out;
  for (size_t i = 0; i < indices.size(); ++i) {
    if (i) out += ' ';
    out += Bip39EnglishWords()[indices[i]];
  }
  return out;
}

void WipeString(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
}

void HmacSha512(ByteView key, ByteView data1, ByteView data2, uint8_t out[64]) {
  crypto_auth_hmacsha512_state state;
  crypto_auth_hmacsha512_init(&state, key.data(), key.size());
  crypto_auth_hmacsha512_update(&state, data1.data(), data1.size());
  crypto_auth_hmacsha512_update(&state, data2.data(), data2.size());
  crypto_auth_hmacsha512_final(&state, out);
  sodium_memzero(&state, sizeof state);
}

}  // namespace

std::string GenerateMnemonic(size_t words) {
  PHX_CHECK(IsValidWordCount(words), "GenerateMnemonic: word count must be 12, 15, 18, 21 or 24");
  Bytes entropy(words * 4 / 3);
  RandomBytes(entropy);
  Result<std::string> phrase = EntropyToMnemonic(entropy);
  sodium_memzero(entropy.data(), entropy.size());
  return std::move(phrase).value();
}

Result<Bytes> MnemonicToEntropy(std::string_view phrase) {
  ASSIGN_OR_RETURN(std::vector<uint16_t> indices, ParseWords(phrase));
  return IndicesToEntropy(indices);
}

Result<std::string> EntropyToMnemonic(ByteView entropy) {
  if (!IsValidEntropySize(entropy.size())) {
    return InvalidArgument("mnemonic entropy is " + std::to_string(entropy.size()) +
                           " bytes; expected 16, 20, 24, 28 or 32");
  }
  const size_t checksum_bits = entropy.size() / 4;
  Bytes bits(entropy.begin(), entropy.end());
  bits.push_back(Sha256(entropy)[0]);  // only the top checksum_bits of this byte are used
  const size_t words = (entropy.size() * 8 + checksum_bits) / kBitsPerWord;
  std::vector<uint16_t> indices(words, 0);
  for (size_t w = 0; w < words; ++w) {
    for (size_t b = 0; b < kBitsPerWord; ++b) {
      size_t bit = w * kBitsPerWord + b;
      if (bits[bit / 8] & (0x80u >> (bit % 8))) indices[w] |= static_cast<uint16_t>(1u << (10 - b));
    }
  }
  sodium_memzero(bits.data(), bits.size());
  return CanonicalPhrase(indices);
}

Result<FixedBytes<64>> MnemonicToSeed(std::string_view phrase, std::string_view passphrase) {
  if (passphrase.size() > kMaxMnemonicPassphraseBytes) {
    return LimitExceeded("mnemonic passphrase is " + std::to_string(passphrase.size()) +
                         " bytes; the limit is " + std::to_string(kMaxMnemonicPassphraseBytes));
  }
  if (std::any_of(passphrase.begin(), passphrase.end(),
                  [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    return InvalidArgument(
        "mnemonic passphrase contains non-ASCII characters; only ASCII passphrases are supported "
        "(BIP39 would need Unicode NFKD normalisation, which this implementation does not do)");
  }
  ASSIGN_OR_RETURN(std::vector<uint16_t> indices, ParseWords(phrase));
  ASSIGN_OR_RETURN(Bytes entropy, IndicesToEntropy(indices));
  sodium_memzero(entropy.data(), entropy.size());

  std::string canonical = CanonicalPhrase(indices);
  std::string salt = "mnemonic" + std::string(passphrase);
  FixedBytes<64> seed;
  int rc = PKCS5_PBKDF2_HMAC(canonical.data(), static_cast<int>(canonical.size()),
                             reinterpret_cast<const unsigned char*>(salt.data()),
                             static_cast<int>(salt.size()), kBip39Pbkdf2Iterations, EVP_sha512(),
                             static_cast<int>(seed.size()), seed.data.data());
  WipeString(canonical);
  WipeString(salt);
  if (rc != 1) return Internal("PBKDF2-HMAC-SHA512 failed in OpenSSL");
  return seed;
}

Result<Slip10Node> Slip10Ed25519Node(ByteView seed, std::span<const uint32_t> hardened_path) {
  internal::EnsureSodium();
  if (seed.size() < kMinSlip10SeedBytes || seed.size() > kMaxSlip10SeedBytes) {
    return InvalidArgument("SLIP-0010 seed is " + std::to_string(seed.size()) +
                           " bytes; expected " + std::to_string(kMinSlip10SeedBytes) + ".." +
                           std::to_string(kMaxSlip10SeedBytes));
  }
  if (hardened_path.size() > kMaxSlip10PathDepth) {
    return LimitExceeded("SLIP-0010 path has " + std::to_string(hardened_path.size()) +
                         " levels; the limit is " + std::to_string(kMaxSlip10PathDepth));
  }
  uint8_t i[64];
  HmacSha512(AsBytes("ed25519 seed"), seed, {}, i);
  Slip10Node node;
  std::copy(i, i + 32, node.key.begin());
  std::copy(i + 32, i + 64, node.chain_code.begin());
  for (uint32_t index : hardened_path) {
    index |= kSlip10Hardened;
    // data = 0x00 || private key || ser32(index), big-endian.
    uint8_t data[37];
    data[0] = 0;
    std::copy(node.key.begin(), node.key.end(), data + 1);
    for (int b = 0; b < 4; ++b) data[33 + b] = static_cast<uint8_t>(index >> (24 - 8 * b));
    HmacSha512(node.chain_code.view(), ByteView(data, sizeof data), {}, i);
    sodium_memzero(data, sizeof data);
    std::copy(i, i + 32, node.key.begin());
    std::copy(i + 32, i + 64, node.chain_code.begin());
  }
  sodium_memzero(i, sizeof i);
  return node;
}

Result<Seed> Slip10Ed25519(ByteView seed, std::span<const uint32_t> hardened_path) {
  ASSIGN_OR_RETURN(Slip10Node node, Slip10Ed25519Node(seed, hardened_path));
  Seed key = node.key;
  sodium_memzero(node.key.data.data(), node.key.size());
  sodium_memzero(node.chain_code.data.data(), node.chain_code.size());
  return key;
}

namespace {
Result<SigningKey> AccountFromBip39Seed(const FixedBytes<64>& seed, uint32_t account_index) {
  if (account_index >= kSlip10Hardened) {
    return InvalidArgument("account index " + std::to_string(account_index) +
                           " is out of range; use 0..2147483647");
  }
  const std::array<uint32_t, 5> path = {44, kPhalanxCoinType, 0, 0, account_index};
  ASSIGN_OR_RETURN(Seed key, Slip10Ed25519(seed.view(), path));
  SigningKey signing_key = SigningKey::FromSeed(key);
  sodium_memzero(key.data.data(), key.size());
  return signing_key;
}
}  // namespace

Result<SigningKey> DeriveEd25519(std::string_view phrase, uint32_t account_index,
                                 std::string_view passphrase) {
  ASSIGN_OR_RETURN(FixedBytes<64> seed, MnemonicToSeed(phrase, passphrase));
  Result<SigningKey> key = AccountFromBip39Seed(seed, account_index);
  sodium_memzero(seed.data.data(), seed.size());
  return key;
}

namespace {
constexpr std::array<std::string_view, 6> kDevAccountNames = {"alice", "bob", "charlie",
                                                              "dave",  "eve", "ferdie"};
}  // namespace

std::span<const std::string_view> DevAccountNames() { return kDevAccountNames; }

Result<SigningKey> DevAccount(std::string_view name) {
  // Lower-cased and made printable, because the name ends up in the error message.
  constexpr size_t kMaxShownNameBytes = 32;
  std::string lower;
  for (char c : name.substr(0, kMaxShownNameBytes))
    lower += (c >= 0x20 && c < 0x7f) ? ToLower(c) : '?';
  auto it = std::find(kDevAccountNames.begin(), kDevAccountNames.end(), lower);
  if (it == kDevAccountNames.end() || name.size() > kMaxShownNameBytes) {
    return NotFound("no dev account named '" + lower +
                    "'; dev accounts are alice, bob, charlie, dave, eve and ferdie");
  }
  // The dev keys are public knowledge, so caching them costs no secrecy and saves the PBKDF2.
  static const std::vector<SigningKey> keys = [] {
    std::vector<SigningKey> out;
    FixedBytes<64> seed = MnemonicToSeed(kDevMnemonic).value();
    for (uint32_t i = 0; i < kDevAccountNames.size(); ++i) {
      out.push_back(AccountFromBip39Seed(seed, i).value());
    }
    return out;
  }();
  return keys[it - kDevAccountNames.begin()];
}

}  // namespace phalanx::crypto

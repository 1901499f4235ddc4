// BIP39 mnemonics (English word list) and SLIP-0010 ed25519 key derivation.
//
// Account keys are derived as:
//   seed = PBKDF2-HMAC-SHA512(password = canonical phrase, salt = "mnemonic" + passphrase, 2048)
//   key  = SLIP-0010 ed25519 along the all-hardened path m/44'/4242'/0'/0'/<account_index>'
// (4242 is Phalanx's coin type). The canonical phrase is the words in lower case separated by
// single spaces, so stray spaces or capitals in what a user types do not change the key. See
// docs/keys.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/crypto/ed25519.h"

namespace phalanx::crypto {

inline constexpr uint32_t kSlip10Hardened = 0x80000000u;
// The BIP44 coin type used in Phalanx derivation paths.
inline constexpr uint32_t kPhalanxCoinType = 4242;
// Well-known development phrase (public! never use for real funds). The dev accounts alice..ferdie
// are accounts 0..5 of this phrase with an empty passphrase.
inline constexpr std::string_view kDevMnemonic =
    "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

// The 2048 BIP39 English words in list order (sorted).
std::span<const std::string_view, 2048> Bip39EnglishWords();

// A fresh random mnemonic of `words` words: 12, 15, 18, 21 or 24 (anything else is a programmer
// error). 24 words carry 256 bits of entropy.
std::string GenerateMnemonic(size_t words = 24);

// Parses a phrase (words separated by whitespace, any case) and returns its entropy. Checks the
// length limit, the word count, every word and the checksum; errors name the bad word and its
// position.
Result<Bytes> MnemonicToEntropy(std::string_view phrase);
// entropy must be 16, 20, 24, 28 or 32 bytes.
Result<std::string> EntropyToMnemonic(ByteView entropy);

// The 64-byte BIP39 seed. The phrase is validated first (a mistyped phrase would silently give a
// different wallet). The passphrase must be ASCII: BIP39 normalizes it with NFKD, which this
// implementation does not carry, so non-ASCII passphrases are rejected rather than mis-derived.
Result<FixedBytes<64>> MnemonicToSeed(std::string_view phrase, std::string_view passphrase = "");

// A SLIP-0010 ed25519 node: the private key (an ed25519 seed) and the chain code.
struct Slip10Node {
  Seed key;
  FixedBytes<32> chain_code;
};
// SLIP-0010 ed25519 derivation from a 16..64 byte seed. Every level is hardened (ed25519 has no
// public derivation): indices may be given with or without kSlip10Hardened set.
Result<Slip10Node> Slip10Ed25519Node(ByteView seed, std::span<const uint32_t> hardened_path);
Result<Seed> Slip10Ed25519(ByteView seed, std::span<const uint32_t> hardened_path);

// The account key m/44'/4242'/0'/0'/<account_index>' of a phrase. account_index < 2^31.
Result<SigningKey> DeriveEd25519(std::string_view phrase, uint32_t account_index,
                                 std::string_view passphrase = "");

// Development accounts: alice, bob, charlie, dave, eve, ferdie (case-insensitive) are accounts
// 0..5 of kDevMnemonic. NotFound for other names. Results are computed once and cached.
Result<SigningKey> DevAccount(std::string_view name);
std::span<const std::string_view> DevAccountNames();

}  // namespace phalanx::crypto

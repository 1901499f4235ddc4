// Named limits for every parser of untrusted bytes in the crypto module (mnemonic phrases,
// SLIP-0010 paths, key files). Each limit has one test in modules/crypto/test.
#pragma once

#include <cstddef>
#include <cstdint>

namespace phalanx::crypto {

// BIP39 phrases: 24 words of at most 8 letters plus separators fit in ~216 bytes; anything far
// longer is not a mnemonic and is rejected before it is split into words.
inline constexpr size_t kMaxMnemonicPhraseBytes = 512;
// Longest passphrase accepted for the BIP39 seed ("25th word").
inline constexpr size_t kMaxMnemonicPassphraseBytes = 1024;

// SLIP-0010 / BIP32: the master seed is 128..512 bits and a path has at most 255 levels (depth is
// one byte in BIP32).
inline constexpr size_t kMinSlip10SeedBytes = 16;
inline constexpr size_t kMaxSlip10SeedBytes = 64;
inline constexpr size_t kMaxSlip10PathDepth = 255;

// Key files (keystore.h).
inline constexpr size_t kMaxKeystoreFileBytes = 64 * 1024;
// Our files nest two levels deep; the parser rejects deeper documents before building a tree.
inline constexpr size_t kMaxKeystoreJsonDepth = 8;
inline constexpr size_t kMaxKeyNameBytes = 64;
inline constexpr size_t kMaxKeystorePasswordBytes = 1024;
// Argon2id cost bounds: a file can ask for at most 20 passes over at most 1 GiB, so a hostile file
// cannot make the node spend minutes or exhaust memory unlocking it.
inline constexpr uint64_t kMinKdfOps = 1;
inline constexpr uint64_t kMaxKdfOps = 20;
inline constexpr uint64_t kMinKdfMemBytes = 8 * 1024;
inline constexpr uint64_t kMaxKdfMemBytes = uint64_t{1} << 30;

// HKDF-SHA256 can produce at most 255 blocks of 32 bytes (RFC 5869).
inline constexpr size_t kMaxHkdfSha256OutputBytes = 255 * 32;

// VerifyBatch: batches smaller than this are verified on the calling thread, because handing work
// to the pool costs more than verifying a few signatures.
inline constexpr size_t kMinParallelVerifyBatch = 64;
// The persistent verification pool never grows beyond this many threads.
inline constexpr size_t kMaxVerifyThreads = 64;

}  // namespace phalanx::crypto

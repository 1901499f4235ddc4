// Password-encrypted key files: round trips, wrong passwords, tampering, malformed files and one
// test per parser limit.
#include "phalanx/crypto/keystore.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "phalanx/crypto/mnemonic.h"

namespace phalanx::crypto {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kPhrase =
    "legal winner thank year wave sausage worth useful legal winner thank yellow";

std::string Encrypt(const SigningKey& key, std::string_view mnemonic = "",
                    std::string_view password = "correct horse") {
  auto text = EncryptKeystore("alice", key, mnemonic, password, KdfParams::ForTests());
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? *text : "";
}

// A valid file edited by `edit`, for malformed-file tests.
std::string Edited(const std::function<void(Json&)>& edit) {
  Json j = Json::parse(Encrypt(SigningKey::Generate()));
  edit(j);
  return j.dump();
}

void ExpectError(std::string_view text, StatusCode code, std::string_view message_part) {
  auto r = DecryptKeystore(text, "correct horse");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_NE(r.status().message().find(message_part), std::string_view::npos)
      << r.status().message();
}

TEST(Keystore, RoundTripWithMnemonic) {
  SigningKey key = DeriveEd25519(kPhrase, 0).value();
  // Stored in canonical form, whatever the spacing or case it was given in.
  std::string text = Encrypt(key,
                             "LEGAL winner thank year wave sausage worth useful legal winner "
                             "thank  yellow");
  auto decrypted = DecryptKeystore(text, "correct horse");
  ASSERT_TRUE(decrypted.ok()) << decrypted.status().ToString();
  EXPECT_EQ(decrypted->key.seed(), key.seed());
  EXPECT_EQ(decrypted->key.public_key(), key.public_key());
  EXPECT_EQ(decrypted->mnemonic, kPhrase);
}

TEST(Keystore, RoundTripWithoutMnemonic) {
  SigningKey key = SigningKey::Generate();
  auto decrypted = DecryptKeystore(Encrypt(key), "correct horse");
  ASSERT_TRUE(decrypted.ok()) << decrypted.status().ToString();
  EXPECT_EQ(decrypted->key.seed(), key.seed());
  EXPECT_TRUE(decrypted->mnemonic.empty());
}

TEST(Keystore, DefaultInteractiveCostRoundTrips) {
  SigningKey key = SigningKey::Generate();
  auto text = EncryptKeystore("bob", key, "", "pw");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  Json j = Json::parse(*text);
  EXPECT_EQ(j["kdf"]["ops"], 2);
  EXPECT_EQ(j["kdf"]["mem_bytes"], 64u << 20);
  EXPECT_EQ(DecryptKeystore(*text, "pw")->key.public_key(), key.public_key());
}

TEST(Keystore, FileHasTheDocumentedFieldsAndNoPlaintextSecret) {
  SigningKey key = DeriveEd25519(kPhrase, 0).value();
  std::string text = Encrypt(key, kPhrase);
  Json j = Json::parse(text);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["name"], "alice");
  EXPECT_EQ(j["public_key"], ToHex(key.public_key()));
  EXPECT_EQ(j["kdf"]["alg"], "argon2id13");
  EXPECT_EQ(j["kdf"]["salt"].get<std::string>().size(), 32u);
  EXPECT_EQ(j["cipher"]["alg"], "xchacha20poly1305");
  EXPECT_EQ(j["cipher"]["nonce"].get<std::string>().size(), 48u);
  EXPECT_EQ(text.find(ToHex(key.seed())), std::string::npos);
  EXPECT_EQ(text.find("legal"), std::string::npos);
  EXPECT_EQ(text.find("sausage"), std::string::npos);
}

TEST(Keystore, EncryptingTwiceUsesFreshSaltAndNonce) {
  SigningKey key = SigningKey::Generate();
  Json a = Json::parse(Encrypt(key));
  Json b = Json::parse(Encrypt(key));
  EXPECT_NE(a["kdf"]["salt"], b["kdf"]["salt"]);
  EXPECT_NE(a["cipher"]["nonce"], b["cipher"]["nonce"]);
  EXPECT_NE(a["ciphertext"], b["ciphertext"]);
}

TEST(Keystore, ParseReadsThePublicPartWithoutThePassword) {
  SigningKey key = SigningKey::Generate();
  auto file = ParseKeystore(Encrypt(key));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->name, "alice");
  EXPECT_EQ(file->public_key, key.public_key());
  EXPECT_EQ(file->kdf.ops, KdfParams::ForTests().ops);
  EXPECT_EQ(file->ciphertext.size(), 32u + 16u);
}

TEST(Keystore, WrongPasswordIsPermissionDeniedNamingTheKey) {
  auto r = DecryptKeystore(Encrypt(SigningKey::Generate()), "incorrect horse");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("wrong password for key 'alice'"), std::string_view::npos);
}

TEST(Keystore, TamperedCiphertextIsRejected) {
  std::string text = Edited([](Json& j) {
    std::string ct = j["ciphertext"];
    ct[0] = ct[0] == '0' ? '1' : '0';
    j["ciphertext"] = ct;
  });
  ExpectError(text, StatusCode::kPermissionDenied, "wrong password");
}

TEST(Keystore, SwappedPublicKeyIsRejectedBecauseItIsAuthenticated) {
  std::string other = ToHex(SigningKey::Generate().public_key());
  ExpectError(Edited([&](Json& j) { j["public_key"] = other; }), StatusCode::kPermissionDenied,
              "wrong password");
}

TEST(Keystore, MalformedJsonIsCorruption) {
  ExpectError("", StatusCode::kCorruption, "not valid JSON");
  ExpectError("{\"version\":1,", StatusCode::kCorruption, "not valid JSON");
  ExpectError("[1,2]", StatusCode::kCorruption, "must be a JSON object");
  ExpectError("{\"version\":\"1\"}", StatusCode::kCorruption, "\"version\" in the file must be");
}

TEST(Keystore, MissingOrMistypedFieldsAreNamed) {
  ExpectError(Edited([](Json& j) { j.erase("public_key"); }), StatusCode::kCorruption,
              "no \"public_key\" field");
  ExpectError(Edited([](Json& j) { j["kdf"].erase("salt"); }), StatusCode::kCorruption,
              "\"kdf\" has no \"salt\" field");
  ExpectError(Edited([](Json& j) { j["kdf"] = "argon2id13"; }), StatusCode::kCorruption,
              "\"kdf\" in the file must be an object");
  ExpectError(Edited([](Json& j) { j["kdf"]["ops"] = -1; }), StatusCode::kCorruption,
              "\"ops\" in \"kdf\" must be a non-negative integer");
  ExpectError(Edited([](Json& j) { j["kdf"]["ops"] = 1.5; }), StatusCode::kCorruption,
              "\"ops\" in \"kdf\" must be a non-negative integer");
  ExpectError(Edited([](Json& j) { j["cipher"]["nonce"] = "abcd"; }), StatusCode::kCorruption,
              "\"nonce\" in \"cipher\" is not 24 bytes of hex");
  ExpectError(Edited([](Json& j) { j["ciphertext"] = "zz"; }), StatusCode::kCorruption,
              "\"ciphertext\" is not hex");
  ExpectError(Edited([](Json& j) { j["name"] = ""; }), StatusCode::kCorruption, "key name");
}

TEST(Keystore, UnsupportedVersionOrAlgorithmsAreInvalidArgument) {
  ExpectError(Edited([](Json& j) { j["version"] = 2; }), StatusCode::kInvalidArgument,
              "version 2 is not supported");
  ExpectError(Edited([](Json& j) { j["kdf"]["alg"] = "scrypt"; }), StatusCode::kInvalidArgument,
              "unsupported kdf \"scrypt\"");
  ExpectError(Edited([](Json& j) { j["cipher"]["alg"] = "aes-gcm"; }), StatusCode::kInvalidArgument,
              "unsupported cipher \"aes-gcm\"");
  ExpectError(Edited([](Json& j) { j["kdf"]["mem_bytes"] = 1024; }), StatusCode::kInvalidArgument,
              "below argon2id's minimum");
}

TEST(KeystoreLimits, FileLargerThan64KiBIsRejected) {
  std::string text = Encrypt(SigningKey::Generate());
  text += std::string(kMaxKeystoreFileBytes - text.size(), ' ');
  EXPECT_TRUE(DecryptKeystore(text, "correct horse").ok());  // at the limit: fine
  text += ' ';
  ExpectError(text, StatusCode::kLimitExceeded, "at most 65536");
}

TEST(KeystoreLimits, NestingDeeperThanLimitIsRejectedBeforeParsing) {
  std::string deep = Edited([](Json& j) {
    Json nested = Json::array();
    for (size_t i = 0; i + 2 < kMaxKeystoreJsonDepth; ++i) nested = Json::array({nested});
    j["extra"] = nested;  // depth kMaxKeystoreJsonDepth: accepted, unknown fields are ignored
  });
  EXPECT_TRUE(DecryptKeystore(deep, "correct horse").ok());
  ExpectError(
      std::string(kMaxKeystoreJsonDepth + 1, '[') + std::string(kMaxKeystoreJsonDepth + 1, ']'),
      StatusCode::kLimitExceeded, "nests deeper");
  // Brackets inside strings do not count.
  std::string in_string = Edited([](Json& j) { j["note"] = std::string(100, '['); });
  EXPECT_TRUE(DecryptKeystore(in_string, "correct horse").ok());
}

TEST(KeystoreLimits, KdfOpsAboveTwentyAreRejected) {
  ExpectError(Edited([](Json& j) { j["kdf"]["ops"] = kMaxKdfOps + 1; }), StatusCode::kLimitExceeded,
              "ops 21 exceeds the limit of 20");
}

TEST(KeystoreLimits, KdfMemoryAboveOneGiBIsRejected) {
  ExpectError(Edited([](Json& j) { j["kdf"]["mem_bytes"] = kMaxKdfMemBytes + 1; }),
              StatusCode::kLimitExceeded, "mem_bytes 1073741825 exceeds the limit of 1073741824");
}

TEST(KeystoreLimits, CallerMayLowerTheKdfLimits) {
  std::string text = Encrypt(SigningKey::Generate());
  KeystoreLimits strict{.max_kdf_ops = 1, .max_kdf_mem_bytes = kMinKdfMemBytes - 1};
  EXPECT_EQ(DecryptKeystore(text, "correct horse", strict).status().code(),
            StatusCode::kLimitExceeded);
}

TEST(KeystoreLimits, CiphertextSizeIsBounded) {
  ExpectError(Edited([](Json& j) { j["ciphertext"] = std::string(2 * 47, 'a'); }),
              StatusCode::kCorruption, "ciphertext is 47 bytes; expected 48..560");
  ExpectError(Edited([](Json& j) { j["ciphertext"] = std::string(2 * 561, 'a'); }),
              StatusCode::kCorruption, "ciphertext is 561 bytes");
}

TEST(KeystoreLimits, KeyNameLongerThanLimitIsRejected) {
  SigningKey key = SigningKey::Generate();
  EXPECT_TRUE(
      EncryptKeystore(std::string(kMaxKeyNameBytes, 'n'), key, "", "pw", KdfParams::ForTests())
          .ok());
  EXPECT_EQ(
      EncryptKeystore(std::string(kMaxKeyNameBytes + 1, 'n'), key, "", "pw", KdfParams::ForTests())
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  ExpectError(Edited([](Json& j) { j["name"] = std::string(kMaxKeyNameBytes + 1, 'n'); }),
              StatusCode::kCorruption, "key name must be 1..64");
}

TEST(KeystoreLimits, PasswordLongerThanLimitIsRejected) {
  SigningKey key = SigningKey::Generate();
  std::string longest(kMaxKeystorePasswordBytes, 'p');
  auto text = EncryptKeystore("k", key, "", longest, KdfParams::ForTests());
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(DecryptKeystore(*text, longest).ok());
  EXPECT_EQ(DecryptKeystore(*text, longest + "p").status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(EncryptKeystore("k", key, "", longest + "p", KdfParams::ForTests()).status().code(),
            StatusCode::kLimitExceeded);
}

TEST(Keystore, EncryptRejectsEmptyPasswordBadMnemonicBadNameAndBadCost) {
  SigningKey key = SigningKey::Generate();
  auto empty = EncryptKeystore("k", key, "", "", KdfParams::ForTests());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(EncryptKeystore("k", key, "not a mnemonic", "pw", KdfParams::ForTests()).ok());
  EXPECT_FALSE(EncryptKeystore("bad\nname", key, "", "pw", KdfParams::ForTests()).ok());
  EXPECT_FALSE(EncryptKeystore("k", key, "", "pw", {kMaxKdfOps + 1, kMinKdfMemBytes}).ok());
  EXPECT_FALSE(EncryptKeystore("k", key, "", "pw", {1, kMinKdfMemBytes - 1}).ok());
}

}  // namespace
}  // namespace phalanx::crypto

// BIP39 (official English vectors from the Trezor reference, passphrase "TREZOR"), SLIP-0010
// ed25519 (published test vector 1), Phalanx account derivation and dev accounts.
#include "phalanx/crypto/mnemonic.h"

#include <gtest/gtest.h>

#include <set>

#include "phalanx/crypto/hash.h"
#include "phalanx/crypto/limits.h"
#include "test_util.h"

namespace phalanx::crypto {
namespace {

using testing::FixedHex;
using testing::Hex;

struct Bip39Vector {
  const char* entropy_hex;
  const char* phrase;
  const char* seed_hex;  // with passphrase "TREZOR"
};

// The Trezor python-mnemonic vectors (entropy -> phrase -> seed with "TREZOR"), checked against
// that reference implementation.
constexpr Bip39Vector kBip39Vectors[] = {
    {"00000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "about",
     "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf"
     "141630c7a3c4ab7c81b2f001698e7463b04"},
    {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
     "legal winner thank year wave sausage worth useful legal winner thank yellow",
     "2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c10"
     "69be3a3a5bd381ee6260e8d9739fce1f607"},
    {"80808080808080808080808080808080",
     "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
     "d71de856f81a8acc65e6fc851a38d4d7ec216fd0796d0a6827a3ad6ed5511a30fa280f12eb2e47ed2ac03b5c462a0"
     "358d18d69fe4f985ec81778c1b370b652a8"},
    {"ffffffffffffffffffffffffffffffff", "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
     "ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b1"
     "1c61dee327651a14c34e18231052e48c069"},
    {"000000000000000000000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "abandon abandon abandon abandon abandon abandon agent",
     "035895f2f481b1b0f01fcf8c289c794660b289981a78f8106447707fdd9666ca06da5a9a565181599b79f53b844d8"
     "a71dd9f439c52a3d7b3e8a79c906ac845fa"},
    {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
     "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth "
     "useful legal will",
     "f2b94508732bcbacbcc020faefecfc89feafa6649a5491b8c952cede496c214a0c7b3c392d168748f2d4a612bada0"
     "753b52a1c7ac53c1e93abd5c6320b9e95dd"},
    {"808080808080808080808080808080808080808080808080",
     "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount "
     "doctor acoustic avoid letter always",
     "107d7c02a5aa6f38c58083ff74f04c607c2d2c0ecc55501dadd72d025b751bc27fe913ffb796f841c49b1d33b610c"
     "f0e91d3aa239027f5e99fe4ce9e5088cd65"},
    {"ffffffffffffffffffffffffffffffffffffffffffffffff",
     "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo when",
     "0cd6e5d827bb62eb8fc1e262254223817fd068a74b5b449cc2f667c3f1f985a76379b43348d952e2265b4cd129090"
     "758b3e3c2c49103b5051aac2eaeb890a528"},
    {"0000000000000000000000000000000000000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "abandon art",
     "bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a"
     "7c3de6f5d4a10be8ed2a5e608d68f92fcc8"},
    {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
     "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth "
     "useful legal winner thank year wave sausage worth title",
     "bc09fca1804f7e69da93c2f2028eb238c227f2e9dda30cd63699232578480a4021b146ad717fbb7e451ce9eb835f4"
     "3620bf5c514db0f8add49f5d121449d3e87"},
    {"8080808080808080808080808080808080808080808080808080808080808080",
     "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount "
     "doctor acoustic avoid letter advice cage absurd amount doctor acoustic bless",
     "c0c519bd0e91a2ed54357d9d1ebef6f5af218a153624cf4f2da911a0ed8f7a09e2ef61af0aca007096df430022f7a"
     "2b6fb91661a9589097069720d015e4e982f"},
    {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo "
     "vote",
     "dd48c104698c30cfe2b6142103248622fb7bb0ff692eebb00089b32d22484e1613912f0a5b694407be899ffd31ed3"
     "992c456cdf60f5d4564b8ba3f05a69890ad"},
    {"9e885d952ad362caeb4efe34a8e91bd2",
     "ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic",
     "274ddc525802f7c828d8ef7ddbcdc5304e87ac3535913611fbbfa986d0c9e5476c91689f9c8a54fd55bd38606aa6a"
     "8595ad213d4c9c9f9aca3fb217069a41028"},
    {"6610b25967cdcca9d59875f5cb50b0ea75433311869e930b",
     "gravity machine north sort system female filter attitude volume fold club stay feature "
     "office ecology stable narrow fog",
     "628c3827a8823298ee685db84f55caa34b5cc195a778e52d45f59bcf75aba68e4d7590e101dc414bc1bbd5737666f"
     "bbef35d1f1903953b66624f910feef245ac"},
    {"68a79eaca2324873eacc50cb9c6eca8cc68ea5d936f98787c60c7ebc74e6ce7c",
     "hamster diagram private dutch cause delay private meat slide toddler razor book happy fancy "
     "gospel tennis maple dilemma loan word shrug inflict delay length",
     "64c87cde7e12ecf6704ab95bb1408bef047c22db4cc7491c4271d170a1b213d20b385bc1588d9c7b38f1b39d41566"
     "5b8a9030c9ec653d75e65f847d8fc1fc440"},
    {"c0ba5a8e914111210f2bd131f3d5e08d",
     "scheme spot photo card baby mountain device kick cradle pact join borrow",
     "ea725895aaae8d4c1cf682c1bfd2d358d52ed9f0f0591131b559e2724bb234fca05aa9c02c57407e04ee9dc3b454a"
     "a63fbff483a8b11de949624b9f1831a9612"},
    {"6d9be1ee6ebd27a258115aad99b7317b9c8d28b6d76431c3",
     "horn tenant knee talent sponsor spell gate clip pulse soap slush warm silver nephew swap "
     "uncle crack brave",
     "fd579828af3da1d32544ce4db5c73d53fc8acc4ddb1e3b251a31179cdb71e853c56d2fcb11aed39898ce6c34b10b5"
     "382772db8796e52837b54468aeb312cfc3d"},
    {"9f6a2878b2520799a44ef18bc7df394e7061a224d2c33cd015b157d746869863",
     "panda eyebrow bullet gorilla call smoke muffin taste mesh discover soft ostrich alcohol "
     "speed nation flash devote level hobby quick inner drive ghost inside",
     "72be8e052fc4919d2adf28d5306b5474b0069df35b02303de8c1729c9538dbb6fc2d731d5f832193cd9fb6aeecbc4"
     "69594a70e3dd50811b5067f3b88b28c3e8d"},
    {"f585c11aec520db57dd353c69554b21a89b20fb0650966fa0a9d6f74fd989d8f",
     "void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing "
     "screen patrol group space point ten exist slush involve unfold",
     "01f5bced59dec48e362f2c45b5de68b9fd6c92c6634f44d6d40aab69056506f0e35524a518034ddc1192e1dacd32c"
     "1ed3eaa3c3b131c88ed8e7e54c49a5d0998"},
};

constexpr std::string_view kAbandonAbout =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

TEST(Bip39, WordListIsTheOfficialEnglishList) {
  auto words = Bip39EnglishWords();
  std::string joined;
  for (std::string_view w : words) {
    joined += w;
    joined += '\n';
  }
  // SHA-256 of bip-0039/english.txt as published with BIP39.
  EXPECT_EQ(ToHex(Sha256(AsBytes(joined))),
            "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda");
  EXPECT_TRUE(std::is_sorted(words.begin(), words.end()));  // lookup is a binary search
  std::set<std::string_view> prefixes;
  for (std::string_view w : words) prefixes.insert(w.substr(0, 4));
  EXPECT_EQ(prefixes.size(), 2048u);  // unique in the first four letters
}

TEST(Bip39, TrezorVectorsEntropyToMnemonicToSeed) {
  for (const Bip39Vector& v : kBip39Vectors) {
    SCOPED_TRACE(v.entropy_hex);
    Bytes entropy = Hex(v.entropy_hex);
    auto phrase = EntropyToMnemonic(entropy);
    ASSERT_TRUE(phrase.ok()) << phrase.status().ToString();
    EXPECT_EQ(*phrase, v.phrase);
    auto back = MnemonicToEntropy(v.phrase);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, entropy);
    auto seed = MnemonicToSeed(v.phrase, "TREZOR");
    ASSERT_TRUE(seed.ok()) << seed.status().ToString();
    EXPECT_EQ(ToHex(*seed), v.seed_hex);
  }
}

TEST(Bip39, WellKnownTwelveWordVectors) {
  EXPECT_EQ(EntropyToMnemonic(Bytes(16, 0x00)).value(), kAbandonAbout);
  EXPECT_EQ(EntropyToMnemonic(Bytes(16, 0x7f)).value(),
            "legal winner thank year wave sausage worth useful legal winner thank yellow");
  EXPECT_EQ(EntropyToMnemonic(Bytes(16, 0xff)).value(),
            "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong");
  EXPECT_EQ(ToHex(MnemonicToSeed(kAbandonAbout, "TREZOR").value()),
            "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1"
            "c92f2cf141630c7a3c4ab7c81b2f001698e7463b04");
  // Without a passphrase (value from the reference implementation).
  EXPECT_EQ(ToHex(MnemonicToSeed(kAbandonAbout).value()),
            "5eb00bbddcf069084889a8ab9155568165f5c453ccb85e70811aaed6f6da5fc19a5ac40b389cd370d08620"
            "6dec8aa6c43daea6690f20ad3d8d48b2d2ce9e38e4");
}

TEST(Bip39, GenerateMnemonicGivesValidFreshPhrasesOfEachLength) {
  for (size_t words : {12, 15, 18, 21, 24}) {
    std::string phrase = GenerateMnemonic(words);
    EXPECT_EQ(static_cast<size_t>(std::count(phrase.begin(), phrase.end(), ' ')) + 1, words);
    auto entropy = MnemonicToEntropy(phrase);
    ASSERT_TRUE(entropy.ok()) << entropy.status().ToString();
    EXPECT_EQ(entropy->size(), words * 4 / 3);
  }
  EXPECT_NE(GenerateMnemonic(), GenerateMnemonic());
}

TEST(Bip39, ExtraWhitespaceAndCapitalsDoNotChangeTheSeed) {
  std::string messy =
      "  Abandon abandon\tabandon abandon abandon abandon\n abandon abandon abandon "
      "abandon abandon ABOUT  ";
  EXPECT_EQ(MnemonicToEntropy(messy).value(), Bytes(16, 0));
  EXPECT_EQ(MnemonicToSeed(messy, "TREZOR").value(),
            MnemonicToSeed(kAbandonAbout, "TREZOR").value());
}

TEST(Bip39, UnknownWordIsNamedWithItsPositionAndASuggestion) {
  auto r = MnemonicToEntropy(
      "abandon abandon abandonn abandon abandon abandon abandon abandon abandon abandon abandon "
      "about");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("word 3 ('abandonn')"), std::string_view::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("did you mean 'abandon'"), std::string_view::npos);
}

TEST(Bip39, NonLetterCharactersAreRejectedWithoutEchoingThem) {
  auto r = MnemonicToEntropy(
      "abandon abandon abandon abandon abandon abandon abandon abandon "
      "abandon abandon abandon ab\x01out");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("word 12 contains characters"), std::string_view::npos);
  EXPECT_EQ(r.status().message().find('\x01'), std::string_view::npos);
}

TEST(Bip39, WrongWordCountIsRejected) {
  auto r = MnemonicToEntropy(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("has 11 words"), std::string_view::npos);
  EXPECT_FALSE(MnemonicToEntropy("").ok());
}

TEST(Bip39, BadChecksumIsRejected) {
  auto r = MnemonicToEntropy(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
      "abandon");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("checksum"), std::string_view::npos);
  EXPECT_FALSE(MnemonicToSeed("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo").ok());
}

TEST(Bip39, PhraseLongerThanLimitIsRejected) {
  std::string phrase(kAbandonAbout);
  phrase += std::string(kMaxMnemonicPhraseBytes - phrase.size(), ' ');
  EXPECT_TRUE(MnemonicToEntropy(phrase).ok());  // at the limit: fine
  phrase += ' ';
  EXPECT_EQ(MnemonicToEntropy(phrase).status().code(), StatusCode::kLimitExceeded);
}

TEST(Bip39, PassphraseLongerThanLimitIsRejected) {
  EXPECT_TRUE(MnemonicToSeed(kAbandonAbout, std::string(kMaxMnemonicPassphraseBytes, 'p')).ok());
  EXPECT_EQ(MnemonicToSeed(kAbandonAbout, std::string(kMaxMnemonicPassphraseBytes + 1, 'p'))
                .status()
                .code(),
            StatusCode::kLimitExceeded);
}

TEST(Bip39, NonAsciiPassphraseIsRejected) {
  auto r = MnemonicToSeed(kAbandonAbout, "caf\xc3\xa9");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("non-ASCII"), std::string_view::npos);
}

TEST(Bip39, EntropyOfWrongSizeIsRejected) {
  EXPECT_FALSE(EntropyToMnemonic(Bytes(15)).ok());
  EXPECT_FALSE(EntropyToMnemonic(Bytes(17)).ok());
  EXPECT_FALSE(EntropyToMnemonic(Bytes(36)).ok());
}

constexpr uint8_t kSlip10Seed1[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

TEST(Slip10, Ed25519TestVector1Master) {
  auto node = Slip10Ed25519Node(kSlip10Seed1, {});
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  EXPECT_EQ(ToHex(node->chain_code),
            "90046a93de5380a72b5e45010748567d5ea02bbf6522f979e05c0d8d8ca9fffb");
  EXPECT_EQ(ToHex(node->key), "2b4be7f19ee27bbf30c667b642d5f4aa69fd169872f8fc3059c08ebae2eb19e7");
}

TEST(Slip10, Ed25519TestVector1Chain) {
  const uint32_t m0[] = {0};
  auto node = Slip10Ed25519Node(kSlip10Seed1, m0);
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(ToHex(node->key), "68e0fe46dfb67e368c75379acec591dad19df3cde26e63b93a8e704f1dade7a3");
  EXPECT_EQ(ToHex(node->chain_code),
            "8b59aa11380b624e81507a27fedda59fea6d0b779a778918a2fd3590e16e9c69");
  // m/0'/1'/2'/2'/1000000000', with the hardened bit given explicitly on some levels.
  const uint32_t deep[] = {0, 1 | kSlip10Hardened, 2, 2, 1000000000};
  EXPECT_EQ(ToHex(Slip10Ed25519(kSlip10Seed1, deep).value()),
            "8f94d394a8e8fd6b1bc2f3f49f5c47e385281d5c17e65324b0f62483e37e8793");
}

TEST(Slip10, SeedSizeOutsideBip32RangeIsRejected) {
  EXPECT_EQ(Slip10Ed25519(Bytes(kMinSlip10SeedBytes - 1), {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Slip10Ed25519(Bytes(kMaxSlip10SeedBytes + 1), {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(Slip10Ed25519(Bytes(kMaxSlip10SeedBytes), {}).ok());
}

TEST(Slip10, PathDeeperThanLimitIsRejected) {
  std::vector<uint32_t> path(kMaxSlip10PathDepth, 0);
  EXPECT_TRUE(Slip10Ed25519(kSlip10Seed1, path).ok());
  path.push_back(0);
  EXPECT_EQ(Slip10Ed25519(kSlip10Seed1, path).status().code(), StatusCode::kLimitExceeded);
}

TEST(DeriveEd25519, FollowsThePhalanxPathFromTheBip39Seed) {
  // Independent computation: BIP39 seed, then SLIP-0010 along m/44'/4242'/0'/0'/7'.
  FixedBytes<64> seed = MnemonicToSeed(kAbandonAbout, "TREZOR").value();
  const uint32_t path[] = {44, kPhalanxCoinType, 0, 0, 7};
  Seed expected = Slip10Ed25519(seed.view(), path).value();
  auto key = DeriveEd25519(kAbandonAbout, 7, "TREZOR");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->seed(), expected);
  // Value from an independent Python implementation (hmac + cryptography).
  EXPECT_EQ(ToHex(key->public_key()),
            "c90aa45a860aef3daeea11a5b8107839fc0b39821df4ba4a9de4c1e8af70a84e");
  EXPECT_NE(DeriveEd25519(kAbandonAbout, 8, "TREZOR")->public_key(), key->public_key());
}

TEST(DeriveEd25519, RejectsHardenedAccountIndexAndBadPhrase) {
  EXPECT_EQ(DeriveEd25519(kAbandonAbout, kSlip10Hardened).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(DeriveEd25519("not a phrase", 0).ok());
}

TEST(DevAccount, NamesMapToAccountsOfTheDevMnemonic) {
  ASSERT_EQ(DevAccountNames().size(), 6u);
  for (uint32_t i = 0; i < DevAccountNames().size(); ++i) {
    auto key = DevAccount(DevAccountNames()[i]);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(key->public_key(), DeriveEd25519(kDevMnemonic, i).value().public_key());
  }
  // Pinned so that a change of derivation cannot go unnoticed (genesis files depend on it).
  EXPECT_EQ(ToHex(DevAccount("alice")->public_key()),
            "5d5c591707b42906bf4a34bffdc1d10ccba2787e114a180ea3d4d2c35b290aa9");
  EXPECT_EQ(ToHex(DevAccount("ferdie")->public_key()),
            "a4e80534f42b4d2606056faf1915ace34b98499e46b7d3c53ef76294d03f521b");
}

TEST(DevAccount, NamesAreCaseInsensitiveAndUnknownNamesAreNotFound) {
  EXPECT_EQ(DevAccount("Alice")->public_key(), DevAccount("ALICE")->public_key());
  auto r = DevAccount("mallory");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("alice, bob"), std::string_view::npos);
  EXPECT_FALSE(DevAccount("alice" + std::string(100, ' ')).ok());
}

}  // namespace
}  // namespace phalanx::crypto

// Helpers for tee tests: the shared attestation vectors (quote, collateral, expected.json) and
// small byte-editing helpers for building malformed quotes from real ones.
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "phalanx/base/bytes.h"
#include "phalanx/tee/collateral.h"

namespace phalanx::tee::test {

inline std::filesystem::path VectorsDir() {
  if (const char* env = std::getenv("PHALANX_ATTESTATION_VECTORS")) return env;
  return std::filesystem::path(PHALANX_SOURCE_DIR) / ".." / "shared" / "testdata" / "attestation";
}

inline std::string ReadText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Bytes ReadBytes(const std::filesystem::path& p) {
  std::string s = ReadText(p);
  return Bytes(s.begin(), s.end());
}

inline nlohmann::json ReadJson(const std::filesystem::path& p) {
  return nlohmann::json::parse(ReadText(p));
}

inline const char* kPositiveVectors[] = {"sgx-v3-dcapqvl-1", "tdx-v4-dcapqvl-1", "tdx-v4-dcapqvl-2",
                                         "tdx-v5-dcapqvl-1", "tdx-v5-gotdx-1",   "tdx-v4-gotdx-1",
                                         "sgx-v3-dcaprs-1"};

inline CollateralFiles LoadCollateral(const std::string& vector) {
  auto f = LoadCollateralDir(VectorsDir() / vector / "collateral");
  if (!f.ok()) throw std::runtime_error(f.status().ToString());
  return *f;
}

inline void PutU16(Bytes& b, size_t off, uint16_t v) {
  b[off] = v & 0xFF;
  b[off + 1] = v >> 8;
}
inline void PutU32(Bytes& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = (v >> (8 * i)) & 0xFF;
}
inline uint32_t GetU32(const Bytes& b, size_t off) {
  return b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (uint32_t(b[off + 3]) << 24);
}

}  // namespace phalanx::tee::test

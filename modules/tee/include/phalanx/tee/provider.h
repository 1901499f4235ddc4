// Attestation providers: produce a quote whose report data the caller chooses (64 bytes, e.g. the
// hash of a worker's registration). `tdx` uses Linux configfs-tsm, `sgx` uses Gramine's
// /dev/attestation, `sim` signs a SIMULATED quote with a local key. Hardware providers are found
// by probing the files they need, never assumed; their roots are parameters so that tests can run
// the real code path against a fake directory.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/crypto/ed25519.h"

namespace phalanx::tee {

inline constexpr char kDefaultTsmReportDir[] = "/sys/kernel/config/tsm/report";
inline constexpr char kDefaultGramineAttestationDir[] = "/dev/attestation";

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string_view name() const = 0;  // "tdx", "sgx", "sim"
  // A quote over `report_data`. Errors: kUnavailable (the hardware interface refused or is
  // missing), kIOError, kLimitExceeded (an output larger than kMaxProviderQuoteBytes).
  virtual Result<Bytes> Quote(const FixedBytes<64>& report_data) = 0;
};

// What a probe found: available, or why not (the file that is missing or not writable).
struct ProbeResult {
  bool available = false;
  std::string detail;
};

// configfs-tsm: `dir` is a writable directory (the kernel's TSM report interface). Whether the
// TSM behind it is a TDX guest is only known from a report entry's `provider` file, which the
// tdx provider checks on every quote.
ProbeResult ProbeTdx(const std::filesystem::path& dir = kDefaultTsmReportDir);
// Gramine: `dir`/quote is readable, `dir`/user_report_data writable, and `dir`/attestation_type
// says "dcap".
ProbeResult ProbeSgx(const std::filesystem::path& dir = kDefaultGramineAttestationDir);

// Fail with kUnavailable (the probe's detail) when the probe fails.
Result<std::unique_ptr<Provider>> OpenTdxProvider(
    const std::filesystem::path& dir = kDefaultTsmReportDir);
Result<std::unique_ptr<Provider>> OpenSgxProvider(
    const std::filesystem::path& dir = kDefaultGramineAttestationDir);
// Always available: SIMULATED quotes (sim.h) signed by `key` and claiming `measurement`.
std::unique_ptr<Provider> MakeSimProvider(const crypto::SigningKey& key,
                                          const FixedBytes<32>& measurement);

}  // namespace phalanx::tee

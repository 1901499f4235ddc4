// Providers against fake interfaces in a temp dir: the tdx provider runs its configfs-tsm
// sequence (with the kernel's part played by FakeTsmKernel), the sgx provider its Gramine
// /dev/attestation sequence; probes name what is missing; sim quotes verify only when allowed.
#include "phalanx/tee/provider.h"

#include <gtest/gtest.h>

#include "phalanx/platform/files.h"
#include "phalanx/tee/limits.h"
#include "phalanx/tee/quote.h"
#include "phalanx/tee/testing.h"
#include "phalanx/tee/verify.h"
#include "test_util.h"

namespace phalanx::tee {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& p, std::string_view s) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << s;
}

FixedBytes<64> ReportData() {
  FixedBytes<64> r;
  for (size_t i = 0; i < 64; ++i) r[i] = static_cast<uint8_t>(0xA0 ^ i);
  return r;
}

std::string ReportDataText() {
  FixedBytes<64> r = ReportData();
  return std::string(r.begin(), r.end());
}

// The kernel side of configfs-tsm for a TDX guest: outblob is a real TD quote (tdx-v4-dcapqvl-1)
// whose REPORTDATA is replaced by inblob, as the TDX module would put it there.
class FakeTdxKernel : public testing::FakeTsmKernel {
 public:
  std::string provider = "tdx_guest";
  uint64_t extra_generation = 0;  // > 0: another writer raced on the entry
  std::string last_inblob;

  void EntryCreated(const fs::path& e) override {
    Write(e / "provider", provider + "\n");
    Write(e / "generation", "0\n");
    Write(e / "inblob", "");
    Write(e / "outblob", "");
  }
  void InblobWritten(const fs::path& e) override {
    last_inblob = test::ReadText(e / "inblob");
    Bytes quote = test::ReadBytes(test::VectorsDir() / "tdx-v4-dcapqvl-1" / "quote.bin");
    if (last_inblob.size() == 64)
      std::copy(last_inblob.begin(), last_inblob.end(), &quote[48 + 520]);
    Write(e / "outblob", std::string(quote.begin(), quote.end()));
    Write(e / "generation", std::to_string(1 + extra_generation) + "\n");
  }
  void EntryRemoving(const fs::path& e) override {
    for (const char* f : {"provider", "generation", "inblob", "outblob"}) fs::remove(e / f);
  }
};

class Providers : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = platform::TempDir::Create("tee-provider");
    ASSERT_TRUE(t.ok());
    tmp_.emplace(std::move(*t));
  }
  const fs::path& dir() const { return tmp_->path(); }
  std::optional<platform::TempDir> tmp_;
};

TEST_F(Providers, TdxRunsTheConfigfsTsmSequenceAndRemovesItsEntry) {
  FakeTdxKernel kernel;
  testing::ScopedFakeTsmKernel fake(&kernel);
  auto provider = OpenTdxProvider(dir());
  ASSERT_TRUE(provider.ok()) << provider.status().ToString();
  EXPECT_EQ((*provider)->name(), "tdx");
  auto quote = (*provider)->Quote(ReportData());
  ASSERT_TRUE(quote.ok()) << quote.status().ToString();
  EXPECT_EQ(kernel.last_inblob, ReportDataText());
  auto parsed = ParseQuote(*quote);
  ASSERT_TRUE(parsed.ok()) << parsed.failure().message;
  EXPECT_EQ(parsed->tee, TeeType::kTdx);
  EXPECT_EQ(parsed->report_data(), ReportData());
  EXPECT_TRUE(fs::is_empty(dir())) << "the report entry was not removed";
}

TEST_F(Providers, TdxRefusesATsmThatIsNotTheTdxGuestDriver) {
  FakeTdxKernel kernel;
  kernel.provider = "sev_guest";
  testing::ScopedFakeTsmKernel fake(&kernel);
  auto quote = (*OpenTdxProvider(dir()))->Quote(ReportData());
  ASSERT_FALSE(quote.ok());
  EXPECT_EQ(quote.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(quote.status().message().find("not an Intel TDX guest"), std::string::npos);
  EXPECT_TRUE(kernel.last_inblob.empty()) << "report data written to a non-TDX TSM";
  EXPECT_TRUE(fs::is_empty(dir()));
}

TEST_F(Providers, TdxDetectsAnotherWriterOnTheEntry) {
  FakeTdxKernel kernel;
  kernel.extra_generation = 1;
  testing::ScopedFakeTsmKernel fake(&kernel);
  auto quote = (*OpenTdxProvider(dir()))->Quote(ReportData());
  ASSERT_FALSE(quote.ok());
  EXPECT_NE(quote.status().message().find("retry"), std::string::npos);
}

TEST_F(Providers, ProbesSayWhatIsMissing) {
  fs::path missing = dir() / "nothing";
  ProbeResult tdx = ProbeTdx(missing);
  EXPECT_FALSE(tdx.available);
  EXPECT_NE(tdx.detail.find(missing.string()), std::string::npos);
  EXPECT_NE(tdx.detail.find("configfs"), std::string::npos);
  ProbeResult sgx = ProbeSgx(missing);
  EXPECT_FALSE(sgx.available);
  EXPECT_NE(sgx.detail.find("Gramine"), std::string::npos);
  EXPECT_EQ(OpenTdxProvider(missing).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(OpenSgxProvider(missing).status().code(), StatusCode::kUnavailable);
}

void MakeGramineDir(const fs::path& d, std::string_view type, std::string_view quote) {
  Write(d / "attestation_type", std::string(type) + "\n");
  Write(d / "user_report_data", "");
  Write(d / "quote", quote);
}

TEST_F(Providers, SgxWritesUserReportDataAndReadsTheQuote) {
  Bytes vector = test::ReadBytes(test::VectorsDir() / "sgx-v3-dcapqvl-1" / "quote.bin");
  MakeGramineDir(dir(), "dcap", std::string(vector.begin(), vector.end()));
  auto provider = OpenSgxProvider(dir());
  ASSERT_TRUE(provider.ok()) << provider.status().ToString();
  EXPECT_EQ((*provider)->name(), "sgx");
  auto quote = (*provider)->Quote(ReportData());
  ASSERT_TRUE(quote.ok()) << quote.status().ToString();
  EXPECT_EQ(*quote, vector);
  EXPECT_EQ(test::ReadText(dir() / "user_report_data"), ReportDataText());
}

TEST_F(Providers, SgxProbeRequiresDcapAttestation) {
  MakeGramineDir(dir(), "none", "x");
  ProbeResult p = ProbeSgx(dir());
  EXPECT_FALSE(p.available);
  EXPECT_NE(p.detail.find("not dcap"), std::string::npos) << p.detail;
}

TEST_F(Providers, LimitMaxProviderQuoteBytes) {
  MakeGramineDir(dir(), "dcap", std::string(kMaxProviderQuoteBytes, 'q'));
  auto provider = OpenSgxProvider(dir());
  ASSERT_TRUE(provider.ok());
  EXPECT_TRUE((*provider)->Quote(ReportData()).ok());
  Write(dir() / "quote", std::string(kMaxProviderQuoteBytes + 1, 'q'));
  auto quote = (*provider)->Quote(ReportData());
  ASSERT_FALSE(quote.ok());
  EXPECT_EQ(quote.status().code(), StatusCode::kLimitExceeded);
}

TEST_F(Providers, SimQuotesVerifyOnlyWhenSimulatedIsAllowed) {
  auto sim = MakeSimProvider(crypto::SigningKey::Generate(), {});
  EXPECT_EQ(sim->name(), "sim");
  auto quote = sim->Quote(ReportData());
  ASSERT_TRUE(quote.ok());
  EXPECT_EQ(VerifySimulated(*quote, {}).error->code, ErrorCode::kSimulatedNotAllowed);
  QuoteVerdict v = VerifySimulated(*quote, {.allow_simulated = true});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.sim->report_data, ReportData());
}

}  // namespace
}  // namespace phalanx::tee

// DCAP quote verification with collateral already parsed, verified and cached (what the chain
// does per registration): the time of each step (parse, chain, CRLs, signatures, TCB evaluation),
// of a whole verification, and quotes/s on 2 threads, for every vector of the shared test data.
// Collateral verification, done once per collateral update, is reported separately.
//
// Usage: tee_bench [VECTORS_DIR]   (default: ../shared/testdata/attestation of the source tree)
// Prints one JSON object per line, e.g.
//   {"bench":"tee_verify_quote","vector":"sgx-v3-dcapqvl-1","value":412.3,"unit":"us"}
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "phalanx/tee/collateral_cache.h"
#include "phalanx/tee/verify.h"
#include "phalanx/tee/verify_steps.h"

namespace {

namespace fs = std::filesystem;
namespace tee = phalanx::tee;
using Clock = std::chrono::steady_clock;
using phalanx::Bytes;

constexpr double kMinSeconds = 0.3;

// Microseconds per call of `f`, over at least kMinSeconds.
double MicrosPerCall(const std::function<void()>& f) {
  f();  // warm up
  size_t calls = 0;
  auto start = Clock::now();
  double seconds = 0;
  do {
    f();
    ++calls;
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
  } while (seconds < kMinSeconds);
  return seconds * 1e6 / static_cast<double>(calls);
}

void Print(const char* bench, const std::string& vector, const char* step, double value,
           const char* unit) {
  std::printf("{\"bench\":\"%s\"", bench);
  if (!vector.empty()) std::printf(",\"vector\":\"%s\"", vector.c_str());
  if (step) std::printf(",\"step\":\"%s\"", step);
  std::printf(",\"value\":%.1f,\"unit\":\"%s\"}\n", value, unit);
  std::fflush(stdout);
}

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int64_t VerifyAt(const fs::path& dir) {
  std::string e = ReadText(dir / "expected.json");
  size_t at = e.find("\"verify_at_unix\"");
  return std::stoll(e.substr(e.find(':', at) + 1));
}

struct Vector {
  std::string name;
  Bytes quote;
  int64_t at_unix;
};

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = argc > 1
                     ? fs::path(argv[1])
                     : fs::path(PHALANX_SOURCE_DIR) / ".." / "shared" / "testdata" / "attestation";
  std::vector<Vector> vectors;
  tee::CollateralCache cache;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!fs::exists(entry.path() / "quote.bin") || !fs::exists(entry.path() / "collateral"))
      continue;
    std::string name = entry.path().filename().string();
    std::string q = ReadText(entry.path() / "quote.bin");
    Vector v{name, Bytes(q.begin(), q.end()), VerifyAt(entry.path())};
    auto files = tee::LoadCollateralDir(entry.path() / "collateral");
    if (!files.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), files.status().ToString().c_str());
      return 1;
    }
    Print("tee_verify_collateral", name, nullptr,
          MicrosPerCall([&] { (void)tee::VerifyCollateral(*files); }), "us");
    auto u = cache.Update(*files, v.at_unix);
    if (!u.ok() && u.failure().code != tee::ErrorCode::kStaleCollateral) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), u.failure().message.c_str());
      return 1;
    }
    vectors.push_back(std::move(v));
  }
  std::sort(vectors.begin(), vectors.end(),
            [](const Vector& a, const Vector& b) { return a.name < b.name; });

  double total_us = 0;
  for (const Vector& v : vectors) {
    tee::QuoteVerdict probe = tee::VerifyQuote(v.quote, cache, v.at_unix);
    std::fprintf(stderr, "%s: %s\n", v.name.c_str(),
                 probe.ok() ? "ok" : std::string(tee::ErrorCodeName(probe.error->code)).c_str());
    auto fmspc = probe.pck->fmspc;
    auto collateral = cache.Get(probe.quote->tee, fmspc);
    tee::QuoteVerdict verdict;
    verdict.quote = *probe.quote;
    tee::QuoteVerification steps(*collateral, v.at_unix, verdict);
    Print("tee_verify_step", v.name, "parse",
          MicrosPerCall([&] { (void)tee::ParseQuote(v.quote); }), "us");
    Print("tee_verify_step", v.name, "chain", MicrosPerCall([&] { (void)steps.Chain(); }), "us");
    Print("tee_verify_step", v.name, "crls", MicrosPerCall([&] { (void)steps.Crls(); }), "us");
    Print("tee_verify_step", v.name, "signatures", MicrosPerCall([&] { (void)steps.Signatures(); }),
          "us");
    Print("tee_verify_step", v.name, "tcb", MicrosPerCall([&] { (void)steps.Tcb(); }), "us");
    double whole = MicrosPerCall([&] { (void)tee::VerifyQuote(v.quote, cache, v.at_unix); });
    Print("tee_verify_quote", v.name, nullptr, whole, "us");
    total_us += whole;
  }
  Print("tee_verify_quote_mean", "", nullptr, total_us / static_cast<double>(vectors.size()), "us");

  // 2 threads, each verifying every vector in turn against the shared cache.
  for (unsigned threads : {1u, 2u}) {
    std::atomic<size_t> done{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> pool;
    auto start = Clock::now();
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (size_t i = t; !stop.load(std::memory_order_relaxed); ++i) {
          const Vector& v = vectors[i % vectors.size()];
          (void)tee::VerifyQuote(v.quote, cache, v.at_unix);
          done.fetch_add(1, std::memory_order_relaxed);
        }
      });
    std::this_thread::sleep_for(std::chrono::seconds(2));
    stop = true;
    for (std::thread& t : pool) t.join();
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    Print(threads == 1 ? "tee_quotes_per_second_1_thread" : "tee_quotes_per_second_2_threads", "",
          nullptr, static_cast<double>(done.load()) / seconds, "quote/s");
  }
  return 0;
}

// RPC throughput with author_submitExtrinsic-sized calls (~300-byte hex params) and an echo
// method: the protocol core alone, pipelined WebSocket calls over a few connections (server and
// client share the machine, so this is a lower bound for the server) with the CPU time each
// request costs, and blocking round trips.
// Prints one JSON object per line: {"bench": "...", "value": ..., "unit": "..."}
// Usage: rpc_bench [seconds per measurement = 3] [connections = 4] [window per connection = 64]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "phalanx/base/log.h"
#include "phalanx/rpc/client.h"
#include "phalanx/rpc/dispatch.h"
#include "phalanx/rpc/server.h"

namespace {

using namespace phalanx;
using namespace phalanx::rpc;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

void Report(const char* bench, double value, const char* unit) {
  std::printf("{\"bench\": \"%s\", \"value\": %.1f, \"unit\": \"%s\"}\n", bench, value, unit);
  std::fflush(stdout);
}

// User + system CPU seconds of this process (server and client together).
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

json ExtrinsicParams() { return json::array({"0x" + std::string(300, 'a')}); }

std::shared_ptr<Methods> EchoMethods() {
  auto methods = std::make_shared<Methods>();
  methods->Add("author_submitExtrinsic", [](const json& params) -> MethodResult {
    return params.at(0).get_ref<const std::string&>().substr(0, 66);  // a "hash"
  });
  return methods;
}

void BenchDispatch(double seconds) {
  Dispatcher dispatcher(EchoMethods(), {}, std::make_shared<MetricsRegistry>());
  const std::string body = json{
      {"jsonrpc", "2.0"},
      {"id", 1},
      {"method", "author_submitExtrinsic"},
      {"params",
       ExtrinsicParams()}}.dump();
  uint64_t n = 0;
  auto start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    for (int i = 0; i < 1000; ++i) n += dispatcher.Dispatch(body).size() > 0;
  }
  Report("rpc_dispatch_submit_extrinsic",
         n / std::chrono::duration<double>(Clock::now() - start).count(), "req/s");
}

// Each connection keeps `window` calls in flight; completions issue the next call.
void BenchPipelined(const std::string& url, double seconds, int connections, int window) {
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < connections; ++i) {
    auto client = Client::Connect(url, 10000);
    if (!client.ok()) {
      std::fprintf(stderr, "%s\n", client.status().ToString().c_str());
      std::exit(1);
    }
    clients.push_back(std::move(*client));
  }
  std::atomic<uint64_t> completed{0}, failed{0};
  std::atomic<bool> running{true};
  std::atomic<int> in_flight{0};
  const json params = ExtrinsicParams();
  std::function<void(Client*)> issue = [&](Client* c) {
    in_flight.fetch_add(1);
    c->CallAsync("author_submitExtrinsic", params, [&, c](Result<MethodResult> r) {
      (r.ok() && !IsError(*r) ? completed : failed).fetch_add(1);
      in_flight.fetch_sub(1);
      if (running.load()) issue(c);
    });
  };
  auto start = Clock::now();
  const double cpu_start = ProcessCpuSeconds();
  for (auto& c : clients) {
    for (int i = 0; i < window; ++i) issue(c.get());
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const uint64_t done = completed.load();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = ProcessCpuSeconds() - cpu_start;
  running = false;
  while (in_flight.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  Report("rpc_ws_submit_extrinsic_pipelined", done / elapsed, "req/s");
  // CPU per request does not depend on what else the machine runs: 1e6 / this = req/s per core
  // (client included, so the server alone does better).
  Report("rpc_ws_submit_extrinsic_cpu_per_request", cpu / done * 1e6, "us");
  if (failed.load() > 0) Report("rpc_ws_submit_extrinsic_failed", failed.load(), "req");
}

void BenchRoundTrip(const std::string& url, const char* name, double seconds) {
  auto client = Client::Connect(url, 10000);
  if (!client.ok()) std::exit(1);
  const json params = ExtrinsicParams();
  uint64_t n = 0;
  auto start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    if ((*client)->Call("author_submitExtrinsic", params).ok()) ++n;
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  Report(name, elapsed / n * 1e6, "us");
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  const int connections = argc > 2 ? std::atoi(argv[2]) : 4;
  const int window = argc > 3 ? std::atoi(argv[3]) : 64;
  spdlog::set_level(spdlog::level::warn);

  BenchDispatch(seconds);
  auto metrics = std::make_shared<MetricsRegistry>();
  ServerOptions options;
  options.port = 0;
  auto server = Server::Start(options, EchoMethods(), metrics);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  const std::string port = std::to_string((*server)->port());
  BenchPipelined("ws://127.0.0.1:" + port, seconds, connections, window);
  BenchRoundTrip("ws://127.0.0.1:" + port, "rpc_ws_submit_extrinsic_roundtrip", seconds);
  BenchRoundTrip("http://127.0.0.1:" + port, "rpc_http_submit_extrinsic_roundtrip", seconds);
  return 0;
}

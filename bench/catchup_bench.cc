// Catch-up benchmark: how fast a new node fetches, verifies and applies blocks from a peer.
// A source validator produces --blocks short blocks as fast as the node allows (10 ms block
// time); then a fresh follower with the same chain spec starts with the source as its bootnode,
// and the time from its RPC answering to its head reaching the source's height gives blocks/s.
// Both are real phalanx-node processes talking p2p (Noise) over loopback. Prints JSON lines.
#include <CLI/CLI.hpp>

#include "bench_node.h"
#include "phalanx/runtime/genesis.h"

using namespace phalanx;
using namespace phalanx::bench;

namespace {

struct Node {
  std::optional<platform::Process> process;
  uint16_t rpc_port = 0;
  uint16_t p2p_port = 0;
  std::filesystem::path log;
};

Result<Node> Start(const std::filesystem::path& bin, const std::filesystem::path& spec,
                   const std::filesystem::path& base, bool validator, const std::string& bootnode) {
  Node n;
  ASSIGN_OR_RETURN(n.rpc_port, platform::PickFreePort());
  ASSIGN_OR_RETURN(n.p2p_port, platform::PickFreePort());
  n.log = base / "node.log";
  RETURN_IF_ERROR(platform::CreateDirectories(base, 0700));
  std::vector<std::string> argv = {bin.string(),
                                   "--chain",
                                   spec.string(),
                                   "--base-path",
                                   base.string(),
                                   "--rpc-port",
                                   std::to_string(n.rpc_port),
                                   "--listen-addr",
                                   "127.0.0.1:" + std::to_string(n.p2p_port),
                                   "--block-time-ms",
                                   "10",
                                   "--no-prometheus",
                                   "--log-level",
                                   "warn"};
  if (validator) argv.insert(argv.end(), {"--validator", "alice"});
  if (!bootnode.empty()) argv.insert(argv.end(), {"--bootnodes", bootnode});
  ASSIGN_OR_RETURN(auto p, platform::Process::Spawn(argv, n.log.string()));
  n.process.emplace(std::move(p));
  return n;
}

Result<std::unique_ptr<rpc::Client>> Connect(Node& n, double timeout_s) {
  auto t0 = Clock::now();
  while (SecondsSince(t0) < timeout_s) {
    if (!n.process->running()) {
      std::ifstream in(n.log);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      return Unavailable("phalanx-node exited; its log:\n" + text);
    }
    auto c = rpc::Client::Connect("ws://127.0.0.1:" + std::to_string(n.rpc_port), 2000);
    if (c.ok() && (*c)->Call("chain_getBlockHash", nlohmann::json::array({0})).ok()) return c;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return DeadlineExceeded("node did not answer JSON-RPC; see " + n.log.string());
}

int Fail(const Status& st) {
  std::fprintf(stderr, "catchup_bench: %s\n", st.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Catch-up speed of a new node fetching blocks from a peer over p2p"};
  uint64_t blocks = 3000;
  double timeout_s = 300;
  app.add_option("--blocks", blocks, "Blocks the source produces before the follower starts")
      ->capture_default_str();
  app.add_option("--timeout-s", timeout_s, "Give up after this long")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  log::Init(log::Format::kText, "warn");

  auto dir = platform::TempDir::Create("phalanx-catchup-");
  if (!dir.ok()) return Fail(dir.status());
  const auto spec_path = dir->path() / "spec.json";
  if (Status st = platform::WriteFileAtomic(spec_path, runtime::ChainSpec::Dev().ToJson().dump(2));
      !st.ok())
    return Fail(st);
  const auto bin = BinDir() / "phalanx-node";

  auto source = Start(bin, spec_path, dir->path() / "source", true, "");
  if (!source.ok()) return Fail(source.status());
  auto sc = Connect(*source, 30);
  if (!sc.ok()) return Fail(sc.status());
  auto t_produce = Clock::now();
  uint64_t height = 0;
  while ((height = BestHeight(**sc).value_or(0)) < blocks) {
    if (SecondsSince(t_produce) > timeout_s) return Fail(DeadlineExceeded("source too slow"));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const double produce_s = SecondsSince(t_produce);
  Report("catchup.source_blocks_per_s", static_cast<double>(height) / produce_s, "blocks/s");

  auto follower = Start(bin, spec_path, dir->path() / "follower", false,
                        "127.0.0.1:" + std::to_string(source->p2p_port));
  if (!follower.ok()) return Fail(follower.status());
  auto fc = Connect(*follower, 30);
  if (!fc.ok()) return Fail(fc.status());
  auto t0 = Clock::now();
  uint64_t start_height = BestHeight(**fc).value_or(0);
  uint64_t h = start_height;
  while ((h = BestHeight(**fc).value_or(0)) < height) {
    if (SecondsSince(t0) > timeout_s)
      return Fail(DeadlineExceeded("follower reached only #" + std::to_string(h) + " of #" +
                                   std::to_string(height)));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double s = SecondsSince(t0);
  Report("catchup.blocks_per_s", static_cast<double>(h - start_height) / s, "blocks/s");
  std::printf(
      "{\"bench\": \"catchup.detail\", \"blocks\": %llu, \"seconds\": %.3f, "
      "\"load_avg_1m\": %.1f}\n",
      static_cast<unsigned long long>(h - start_height), s, LoadAverage1m());
  return 0;
}

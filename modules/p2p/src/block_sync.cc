// Block sync: serving GetBlocks from a BlockSource and fetching missing ranges from peers with
// several requests in flight, applying blocks strictly in height order (see block_sync.h).
#include "phalanx/p2p/block_sync.h"

#include <algorithm>
#include <chrono>

#include "phalanx/p2p/limits.h"

namespace phalanx::p2p {
namespace {

// The same steady clock the Network passes to OnTick.
uint64_t SteadyNowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

BlockSync::BlockSync(PeerMessenger& messenger, BlockSource& source, BlockSink& sink,
                     SyncOptions options)
    : messenger_(messenger), source_(source), sink_(sink), options_(options) {
  options_.blocks_per_request =
      std::clamp<uint32_t>(options_.blocks_per_request, 1, kMaxBlocksPerResponse);
  options_.max_requests_per_peer = std::max(1, options_.max_requests_per_peer);
  options_.max_requests_in_flight = std::max(1, options_.max_requests_in_flight);
}

uint64_t BlockSync::LocalHeight() { return source_.Head().height; }

bool BlockSync::Syncing() { return stats_.best_peer_height > LocalHeight(); }

void BlockSync::SendStatus(const PeerId& peer) {
  messenger_.Send(peer, Channel::kBlockSync, EncodeSyncMessage(source_.Head()));
}

void BlockSync::OnPeerConnected(const PeerId& peer) {
  peer_heights_.emplace(peer, 0);
  SendStatus(peer);
}

void BlockSync::OnPeerDisconnected(const PeerId& peer) {
  peer_heights_.erase(peer);
  DropPeerWork(peer);
  Schedule();
}

void BlockSync::AnnounceHead() {
  for (const auto& [peer, height] : peer_heights_) SendStatus(peer);
}

Verdict BlockSync::OnMessage(const PeerId& peer, ByteView payload) {
  Result<SyncMessage> msg = DecodeSyncMessage(payload);
  if (!msg.ok()) {
    return msg.status().code() == StatusCode::kLimitExceeded ? Verdict::kOversized
                                                             : Verdict::kInvalid;
  }
  if (auto* s = std::get_if<SyncStatus>(&*msg)) return OnStatus(peer, *s);
  if (auto* g = std::get_if<GetBlocks>(&*msg)) return OnGetBlocks(peer, *g);
  return OnBlocks(peer, std::move(std::get<Blocks>(*msg)));
}

Verdict BlockSync::OnStatus(const PeerId& peer, const SyncStatus& status) {
  peer_heights_[peer] = status.height;
  stats_.best_peer_height = 0;
  for (const auto& [p, h] : peer_heights_)
    stats_.best_peer_height = std::max(stats_.best_peer_height, h);
  Schedule();
  return Verdict::kOk;
}

Verdict BlockSync::OnGetBlocks(const PeerId& peer, const GetBlocks& request) {
  if (request.from_height == 0) return Verdict::kInvalid;  // height 0 is genesis, never sent
  Blocks response;
  response.from_height = request.from_height;
  const uint64_t head = LocalHeight();
  size_t bytes = 0;
  for (uint64_t h = request.from_height;
       h <= head && response.blocks.size() < request.max_count && bytes < kTargetResponseBytes;
       ++h) {
    Result<SyncBlock> b = source_.GetBlockWithCert(h);
    if (!b.ok()) break;
    bytes += b->block.size() + 80 + 68 * b->cert.signatures.size();
    response.blocks.push_back(std::move(b).value());
  }
  stats_.blocks_served += response.blocks.size();
  messenger_.Send(peer, Channel::kBlockSync, EncodeSyncMessage(response));
  return Verdict::kOk;
}

Verdict BlockSync::OnBlocks(const PeerId& peer, Blocks response) {
  auto it = requests_.find(response.from_height);
  if (it == requests_.end() || it->second.peer != peer) return Verdict::kUseless;  // unsolicited
  const Request request = it->second;
  requests_.erase(it);
  if (response.blocks.size() > request.count) {
    ++stats_.bad_responses;
    return Verdict::kInvalid;
  }
  if (response.blocks.empty()) {
    // The peer does not have what it announced; believe it and stop asking it for this range.
    auto ph = peer_heights_.find(peer);
    if (ph != peer_heights_.end()) ph->second = std::min(ph->second, request.from_height - 1);
    Schedule();
    return Verdict::kUseless;
  }
  const uint64_t local = LocalHeight();
  std::vector<Buffered> accepted;
  accepted.reserve(response.blocks.size());
  for (size_t i = 0; i < response.blocks.size(); ++i) {
    SyncBlock& sb = response.blocks[i];
    const uint64_t height = request.from_height + i;
    Result<types::Block> block = types::DecodeBlock(sb.block);
    if (!block.ok() || block->header.height != height || sb.cert.height != height ||
        sb.cert.block_hash != block->Hash()) {
      ++stats_.bad_responses;
      Schedule();
      return Verdict::kInvalid;
    }
    accepted.push_back(Buffered{peer, std::move(block).value(), std::move(sb.cert)});
  }
  for (size_t i = 0; i < accepted.size(); ++i) {
    const uint64_t height = request.from_height + i;
    if (height > local) buffered_.emplace(height, std::move(accepted[i]));
  }
  ApplyReady();
  Schedule();
  return Verdict::kOk;
}

void BlockSync::ApplyReady() {
  uint64_t local = LocalHeight();
  while (!buffered_.empty() && buffered_.begin()->first <= local)
    buffered_.erase(buffered_.begin());
  while (!buffered_.empty() && buffered_.begin()->first == local + 1) {
    auto node = buffered_.extract(buffered_.begin());
    Buffered& b = node.mapped();
    Status s = sink_.ApplyBlock(b.block, b.cert);
    if (!s.ok()) {
      ++stats_.bad_responses;
      messenger_.ReportPeer(b.peer, Verdict::kInvalid,
                            "block " + std::to_string(node.key()) + " rejected: " + s.ToString());
      DropPeerWork(b.peer);
      return;
    }
    ++stats_.blocks_applied;
    local = LocalHeight();
  }
}

void BlockSync::DropPeerWork(const PeerId& peer) {
  std::erase_if(requests_, [&](const auto& kv) { return kv.second.peer == peer; });
  std::erase_if(buffered_, [&](const auto& kv) { return kv.second.peer == peer; });
}

void BlockSync::OnTick(uint64_t now_ms) {
  now_ms_ = now_ms;
  std::vector<PeerId> slow;
  std::erase_if(requests_, [&](const auto& kv) {
    if (now_ms - kv.second.sent_ms < options_.request_timeout_ms) return false;
    slow.push_back(kv.second.peer);
    ++stats_.requests_timed_out;
    return true;
  });
  for (const PeerId& p : slow)
    messenger_.ReportPeer(p, Verdict::kUseless, "sync request timed out");
  if (!slow.empty()) Schedule();
}

void BlockSync::Schedule() {
  const uint64_t local = LocalHeight();
  uint64_t target = 0;
  for (const auto& [p, h] : peer_heights_) target = std::max(target, h);
  // The window bounds buffered blocks: nothing beyond it is requested until the head moves.
  const uint64_t window = uint64_t{options_.blocks_per_request} *
                          static_cast<uint64_t>(options_.max_requests_in_flight);
  target = std::min(target, local + window);
  std::map<PeerId, int> load;
  for (const auto& [from, r] : requests_) ++load[r.peer];
  uint64_t h = local + 1;
  while (h <= target && requests_.size() < static_cast<size_t>(options_.max_requests_in_flight)) {
    if (buffered_.count(h)) {
      ++h;
      continue;
    }
    auto after = requests_.upper_bound(h);
    if (after != requests_.begin()) {
      const Request& before = std::prev(after)->second;
      if (before.from_height + before.count > h) {
        h = before.from_height + before.count;
        continue;
      }
    }
    // The gap runs to the next requested or buffered height, capped by the request size.
    uint64_t end = std::min<uint64_t>(target, h + options_.blocks_per_request - 1);
    if (after != requests_.end()) end = std::min(end, after->first - 1);
    auto next_buffered = buffered_.upper_bound(h);
    if (next_buffered != buffered_.end()) end = std::min(end, next_buffered->first - 1);
    // The least loaded peer that has height h.
    const PeerId* best = nullptr;
    uint64_t best_height = 0;
    int best_load = options_.max_requests_per_peer;
    for (const auto& [p, ph] : peer_heights_) {
      if (ph < h) continue;
      const int l = load[p];
      if (l < best_load) {
        best = &p;
        best_load = l;
        best_height = ph;
      }
    }
    if (best == nullptr) break;
    end = std::min(end, best_height);
    Request r{*best, h, static_cast<uint32_t>(end - h + 1), SteadyNowMs()};
    requests_.emplace(h, r);
    ++load[*best];
    ++stats_.requests_sent;
    messenger_.Send(*best, Channel::kBlockSync,
                    EncodeSyncMessage(GetBlocks{r.from_height, r.count}));
    h = end + 1;
  }
}

}  // namespace phalanx::p2p

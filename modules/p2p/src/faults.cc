// Fault specs, the PHALANX_P2P_FAULTS parser, and the seeded per-peer fault decisions.
#include "phalanx/p2p/faults.h"

#include <charconv>

#include "phalanx/crypto/hash.h"

namespace phalanx::p2p {
namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = s.find(sep, start);
    std::string_view part = s.substr(start, end == std::string_view::npos ? s.npos : end - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.push_back(part);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

Result<uint64_t> ParseU64(std::string_view key, std::string_view v) {
  uint64_t out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || ptr != v.data() + v.size()) {
    return InvalidArgument("fault setting " + std::string(key) + "=" + std::string(v) +
                           " is not a non-negative integer");
  }
  return out;
}

Result<FaultSpec> ParseSpec(std::string_view text) {
  FaultSpec spec;
  for (std::string_view kv : Split(text, ',')) {
    const size_t eq = kv.find('=');
    if (eq == std::string_view::npos) {
      return InvalidArgument("fault setting '" + std::string(kv) + "' is not key=value");
    }
    const std::string_view key = kv.substr(0, eq);
    ASSIGN_OR_RETURN(uint64_t v, ParseU64(key, kv.substr(eq + 1)));
    if (v > 0xffffffffu) return InvalidArgument("fault setting " + std::string(key) + " too large");
    if (key == "delay_ms") {
      spec.delay_ms = static_cast<uint32_t>(v);
    } else if (key == "loss_pct") {
      spec.loss_pct = static_cast<uint32_t>(v);
    } else if (key == "dup_pct") {
      spec.dup_pct = static_cast<uint32_t>(v);
    } else if (key == "partitioned") {
      if (v > 1) return InvalidArgument("partitioned must be 0 or 1");
      spec.partitioned = v == 1;
    } else {
      return InvalidArgument("unknown fault setting '" + std::string(key) +
                             "' (expected delay_ms, loss_pct, dup_pct, partitioned)");
    }
  }
  RETURN_IF_ERROR(spec.Validate());
  return spec;
}

}  // namespace

Status FaultSpec::Validate() const {
  if (loss_pct > 100) return InvalidArgument("loss_pct must be 0..100");
  if (dup_pct > 100) return InvalidArgument("dup_pct must be 0..100");
  if (delay_ms > 600'000) return InvalidArgument("delay_ms must be at most 600000");
  return Status::Ok();
}

Result<FaultConfig> ParseFaultConfig(std::string_view text) {
  if (text.size() > kMaxFaultConfigChars) {
    return LimitExceeded("fault configuration longer than " + std::to_string(kMaxFaultConfigChars) +
                         " characters");
  }
  FaultConfig config;
  for (std::string_view item : Split(text, ';')) {
    if (item.starts_with("seed=")) {
      ASSIGN_OR_RETURN(config.seed, ParseU64("seed", item.substr(5)));
      continue;
    }
    const size_t colon = item.find(':');
    if (colon == std::string_view::npos) {
      return InvalidArgument("fault item '" + std::string(item) +
                             "' is neither seed=N nor TARGET:settings");
    }
    ASSIGN_OR_RETURN(FaultSpec spec, ParseSpec(item.substr(colon + 1)));
    const std::string_view target = item.substr(0, colon);
    if (target == "*") {
      config.all = spec;
    } else {
      ASSIGN_OR_RETURN(PeerId peer, ParsePeerId(target));
      config.per_peer[peer] = spec;
    }
  }
  return config;
}

FaultInjector::FaultInjector(FaultConfig config) : config_(std::move(config)) { Recompute(); }

void FaultInjector::Set(const std::optional<PeerId>& peer, const FaultSpec& spec) {
  if (peer) {
    config_.per_peer[*peer] = spec;
  } else {
    config_.all = spec;
  }
  Recompute();
}

void FaultInjector::ClearAll() {
  config_.all.reset();
  config_.per_peer.clear();
  Recompute();
}

void FaultInjector::Recompute() {
  active_ = config_.all && !config_.all->IsNone();
  for (const auto& [peer, spec] : config_.per_peer) active_ = active_ || !spec.IsNone();
}

FaultSpec FaultInjector::For(const PeerId& peer) const {
  if (!active_) return {};
  auto it = config_.per_peer.find(peer);
  if (it != config_.per_peer.end()) return it->second;
  return config_.all.value_or(FaultSpec{});
}

uint64_t FaultInjector::NextRandom(const PeerId& peer) {
  auto it = rng_.find(peer);
  if (it == rng_.end()) {
    // Stream seed = BLAKE2b(seed || peer id): independent streams, one per peer.
    Bytes material(8);
    for (int i = 0; i < 8; ++i) material[i] = static_cast<uint8_t>(config_.seed >> (8 * i));
    material.insert(material.end(), peer.begin(), peer.end());
    const Hash32 h = crypto::Blake2b256(material);
    uint64_t s = 0;
    for (int i = 0; i < 8; ++i) s |= uint64_t{h[i]} << (8 * i);
    it = rng_.emplace(peer, s).first;
  }
  // SplitMix64: tiny, fast, and good enough to pick which messages to drop.
  uint64_t z = (it->second += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

FaultInjector::Decision FaultInjector::Outbound(const PeerId& peer) {
  Decision d;
  const FaultSpec spec = For(peer);
  if (spec.IsNone()) return d;
  if (spec.partitioned) {
    d.copies = 0;
    return d;
  }
  // Two draws per message whatever the settings, so changing one percentage does not shift
  // the other's sequence.
  const uint64_t loss_draw = NextRandom(peer) % 100;
  const uint64_t dup_draw = NextRandom(peer) % 100;
  if (loss_draw < spec.loss_pct) {
    d.copies = 0;
    return d;
  }
  if (dup_draw < spec.dup_pct) d.copies = 2;
  d.delay_ms = spec.delay_ms;
  return d;
}

}  // namespace phalanx::p2p

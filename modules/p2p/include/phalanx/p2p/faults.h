// Fault injection in the transport (there is no tc netem on the test machines): per-peer delay,
// loss, duplication and partition of messages, settable at runtime and deterministic given a
// seed. Loss, duplication and delay act on outgoing frames; a partition drops both directions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "phalanx/base/result.h"
#include "phalanx/p2p/identity.h"

namespace phalanx::p2p {

struct FaultSpec {
  uint32_t delay_ms = 0;
  uint32_t loss_pct = 0;  // 0..100
  uint32_t dup_pct = 0;   // 0..100
  bool partitioned = false;

  bool IsNone() const { return delay_ms == 0 && loss_pct == 0 && dup_pct == 0 && !partitioned; }
  Status Validate() const;
  bool operator==(const FaultSpec&) const = default;
};

struct FaultConfig {
  uint64_t seed = 0;
  std::optional<FaultSpec> all;  // applies to peers without their own entry
  std::map<PeerId, FaultSpec> per_peer;
};

// The PHALANX_P2P_FAULTS syntax: `;`-separated items, each `seed=N` or `TARGET:k=v,k=v` where
// TARGET is `*` (all peers) or a 64-hex peer id and keys are delay_ms, loss_pct, dup_pct,
// partitioned (0/1). Example: "seed=7;*:delay_ms=20,loss_pct=5;ab..ef:partitioned=1".
inline constexpr char kFaultsEnvVar[] = "PHALANX_P2P_FAULTS";
inline constexpr size_t kMaxFaultConfigChars = 16 << 10;
Result<FaultConfig> ParseFaultConfig(std::string_view text);

// Decides the fate of each message. Every peer has its own random stream seeded from
// (seed, peer id), so a run replays exactly when each peer sees the same sequence of messages.
class FaultInjector {
 public:
  explicit FaultInjector(FaultConfig config = {});
  void Set(const std::optional<PeerId>& peer, const FaultSpec& spec);  // nullopt: all peers
  void ClearAll();
  FaultSpec For(const PeerId& peer) const;
  bool active() const { return active_; }

  struct Decision {
    int copies = 1;  // 0 = dropped, 2 = duplicated
    uint32_t delay_ms = 0;
  };
  Decision Outbound(const PeerId& peer);
  // True when an incoming message from `peer` must be dropped (partition).
  bool DropInbound(const PeerId& peer) const { return For(peer).partitioned; }

 private:
  uint64_t NextRandom(const PeerId& peer);
  void Recompute();

  FaultConfig config_;
  std::map<PeerId, uint64_t> rng_;
  bool active_ = false;
};

}  // namespace phalanx::p2p

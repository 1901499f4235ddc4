// The runtime's view of state: a read interface over committed state and an Overlay that buffers
// writes. A transaction runs in a child overlay that is merged on success and dropped on failure,
// so a failed call leaves only its fee and nonce behind.
#pragma once

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"

namespace phalanx::runtime {

class StateReader {
 public:
  virtual ~StateReader() = default;
  virtual Result<std::optional<Bytes>> Get(ByteView key) const = 0;
};

// Buffered writes over a StateReader. Not thread-safe; one block or one validation at a time.
class Overlay final : public StateReader {
 public:
  explicit Overlay(const StateReader& base) : base_(base) {}
  // A child layered on a parent overlay (reads fall through to it; MergeInto publishes).
  static Overlay LayeredOn(const Overlay& parent) {
    return Overlay(static_cast<const StateReader&>(parent));
  }
  // Copying would silently duplicate every buffered write; layer with LayeredOn instead.
  Overlay(const Overlay&) = delete;
  Overlay& operator=(const Overlay&) = delete;
  Overlay(Overlay&&) = default;

  Result<std::optional<Bytes>> Get(ByteView key) const override;
  void Put(ByteView key, Bytes value);
  void Delete(ByteView key);

  // Moves every buffered write into `parent` (a transaction's overlay into the block's).
  void MergeInto(Overlay& parent) &&;

  size_t size() const { return writes_.size(); }
  // Sorted by key, unique: the form the state tree commits.
  std::vector<std::pair<Bytes, std::optional<Bytes>>> TakeChanges() &&;

 private:
  struct Less {
    using is_transparent = void;
    bool operator()(ByteView a, ByteView b) const;
    bool operator()(const Bytes& a, const Bytes& b) const {
      return (*this)(ByteView(a), ByteView(b));
    }
    bool operator()(const Bytes& a, ByteView b) const { return (*this)(ByteView(a), b); }
    bool operator()(ByteView a, const Bytes& b) const { return (*this)(a, ByteView(b)); }
  };
  const StateReader& base_;
  std::map<Bytes, std::optional<Bytes>, Less> writes_;
};

// A StateReader over an in-memory map; used for genesis and in tests.
class MapState final : public StateReader {
 public:
  Result<std::optional<Bytes>> Get(ByteView key) const override;
  void Apply(const std::vector<std::pair<Bytes, std::optional<Bytes>>>& changes);
  const std::map<Bytes, Bytes>& entries() const { return entries_; }

 private:
  std::map<Bytes, Bytes> entries_;
};

}  // namespace phalanx::runtime

#pragma once
// Something that plays one side of a match: a CPU script, a policy, a person.
// It sees the whole match state and returns that player's pad for the next
// frame. Controllers are deterministic given the seed passed to reset() and
// can be snapshotted with the match, so a replay never needs them: the input
// logs are enough.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fight/FightMatch.h"

namespace palaestra::fight {

class FightController {
 public:
  virtual ~FightController() = default;
  /// Display name, e.g. "CPU kestrel L8".
  virtual std::string name() const = 0;
  /// A new match starts (match already reset); this controller plays `player` (0 or 1).
  virtual void reset(const FightMatch& match, int player, uint64_t seed) = 0;
  /// The pad to press on the next frame, given the match as it is now.
  virtual PadState decide(const FightMatch& match) = 0;
  /// Internal state (random stream, plans) for snapshots.
  virtual std::vector<uint8_t> snapshot() const = 0;
  /// Restores snapshot(); throws std::invalid_argument on malformed data.
  virtual void restore(std::span<const uint8_t> data) = 0;
};

using FightControllerPtr = std::unique_ptr<FightController>;

}  // namespace palaestra::fight

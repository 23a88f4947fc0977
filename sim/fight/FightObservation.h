#pragma once
// The fight env's observation: a feature vector of a match seen from one
// player's own point of view. Mirrored: x is measured forward from that
// player's facing and "own" always comes first, so the same situation seen
// from P1 and from P2 (the stage flipped, the players swapped) is the same
// vector and one policy can play either side. Every feature is scaled and
// clamped into [-1, 1].
//
// Layout (kSize floats): for the player then the opponent, a fighter block
// (position to the walls, height, velocity, action one-hot and its frame,
// stun, invulnerability, health, meter, rounds won, charges, combo, can-act,
// and its current move: kind, guard, startup/active/recovery, phase, frame),
// then the opponent's position relative to the player, the timer and round,
// then projectiles: the nearest two of each side (own first), each as
// present, relative position and velocity.
//
// FightObservationDelay keeps the features of past frames so an env can
// show what happened `delay` frames ago (FightingICE: 15).

#include <cstdint>
#include <span>
#include <vector>

#include "fight/FightMatch.h"

namespace palaestra::fight {

class FightObservation {
 public:
  /// Floats of one fighter's block.
  static constexpr int kFighterSize = 16 + static_cast<int>(FighterAction::Count) + 8 + 5 + 8;
  /// Floats per projectile.
  static constexpr int kProjectileSize = 5;
  /// Floats of the whole vector.
  static constexpr int kSize = 2 * kFighterSize + 5 + 4 * kProjectileSize;

  /// Writes kSize features of `match` seen by `player` (0 or 1) into `out`.
  static void build(const FightMatch& match, int player, float* out);
  /// The features as a vector.
  static std::vector<float> build(const FightMatch& match, int player);
};

/// A ring buffer of both players' features over the last `delay` + 1 frames.
class FightObservationDelay {
 public:
  /// Keeps `delay` frames of history (0 = none: observe() is the current frame).
  explicit FightObservationDelay(int delay = 0);
  /// Starts an episode: every slot holds the current features (so the first `delay` frames see the
  /// start).
  void reset(const FightMatch& match);
  /// Records the current frame (call after every match step).
  void push(const FightMatch& match);
  /// The features of `player` from `delay` frames ago.
  std::span<const float> observe(int player) const;
  /// Frames of delay.
  int delay() const { return delay_; }
  /// Every buffered float and the head index (for snapshots and hashes).
  std::span<const float> data() const { return buffer_; }
  /// Index of the newest frame.
  int head() const { return head_; }
  /// Restores data() and head(); throws std::invalid_argument on a size mismatch.
  void restore(std::span<const float> data, int head);

 private:
  int delay_;
  int head_ = 0;
  std::vector<float> buffer_;  // (delay + 1) frames x 2 players x kSize
};

}  // namespace palaestra::fight

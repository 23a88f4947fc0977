#pragma once
// A stream of pseudo-random pads that plays like a button masher who knows the
// moves: pads held for a few frames (walking, crouching, jumping, normals,
// throws) mixed with the character's special motions typed frame by frame.
// Deterministic given the seed; it allocates nothing per frame. Used by
// `palaestra-cli bench fight` and by tests that need varied matches.

#include <cstdint>
#include <vector>

#include "fight/CharacterDef.h"
#include "util/Rng.h"

namespace palaestra::fight {

class RandomPads {
 public:
  /// Pads for `character`'s moves, from `seed`.
  RandomPads(const CharacterDef& character, uint64_t seed);
  /// The next frame's pad (screen terms) for a fighter currently facing `facing` (+1 or -1).
  PadState next(int facing);

 private:
  struct Motion {
    std::vector<Direction> frames;  // relative directions, the button on the last
    uint8_t buttons = 0;
  };
  Rng rng_;
  std::vector<Motion> motions_;
  int motion_ = -1;  // motion being typed, or -1
  size_t motionPos_ = 0;
  Direction heldDirection_ = 5;  // relative
  uint8_t heldButtons_ = 0;
  int holdLeft_ = 0;
};

}  // namespace palaestra::fight

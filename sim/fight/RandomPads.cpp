#include "fight/RandomPads.h"

#include "fight/MotionInputs.h"

namespace palaestra::fight {

RandomPads::RandomPads(const CharacterDef& character, uint64_t seed) : rng_(seed) {
  for (const MoveDef& m : character.moves) {
    if (m.kind == MoveKind::Normal || m.kind == MoveKind::Throw || m.motion == fight::Motion::None)
      continue;
    motions_.push_back(Motion{motionFrames(m.motion, character.chargeFrames), m.buttons.mask});
  }
}

PadState RandomPads::next(int facing) {
  if (motion_ >= 0) {
    const Motion& m = motions_[static_cast<size_t>(motion_)];
    const Direction d = m.frames[motionPos_++];
    uint8_t buttons = 0;
    if (motionPos_ == m.frames.size()) {
      motion_ = -1;
      // One button of the move's set (all of them when it needs them together).
      buttons = m.buttons;
      for (int tries = 0; tries < 8; ++tries) {
        const uint8_t b = static_cast<uint8_t>(1u << rng_.below(kButtonCount));
        if (m.buttons & b) {
          buttons = b;
          break;
        }
      }
    }
    return PadState{toScreen(d, facing), buttons};
  }
  if (holdLeft_ <= 0) {
    const uint64_t r = rng_.below(100);
    heldButtons_ = 0;
    if (r < 20 && !motions_.empty()) {
      motion_ = static_cast<int>(rng_.below(motions_.size()));
      motionPos_ = 0;
      return next(facing);
    }
    if (r < 40) {  // a normal, standing or crouching, sometimes walking
      static constexpr Direction kDirs[] = {5, 5, 2, 3, 6, 4, 1};
      heldDirection_ = kDirs[rng_.below(7)];
      heldButtons_ = static_cast<uint8_t>(1u << rng_.below(kButtonCount));
      holdLeft_ = 2 + static_cast<int>(rng_.below(5));
    } else if (r < 45) {  // a throw
      heldDirection_ = rng_.below(2) ? 5 : 6;
      heldButtons_ = kLP | kLK;
      holdLeft_ = 2;
    } else if (r < 60) {  // a jump, with an air normal half the time
      heldDirection_ = static_cast<Direction>(7 + rng_.below(3));
      holdLeft_ = 4 + static_cast<int>(rng_.below(8));
    } else {  // walk, crouch, guard or stand
      heldDirection_ = static_cast<Direction>(1 + rng_.below(6));
      if (heldDirection_ == 5) heldDirection_ = 6;
      holdLeft_ = 3 + static_cast<int>(rng_.below(14));
    }
  }
  --holdLeft_;
  // Air normals: press a button in the second half of a jump.
  if (heldDirection_ >= 7 && holdLeft_ == 2 && rng_.below(2)) heldButtons_ = kHK;
  return PadState{toScreen(heldDirection_, facing), heldButtons_};
}

}  // namespace palaestra::fight

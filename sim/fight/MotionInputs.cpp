#include "fight/MotionInputs.h"

namespace palaestra::fight {

Direction toScreen(Direction relative, int facing) {
  if (facing >= 0) return relative;
  // Numpad columns swap: 1<->3, 4<->6, 7<->9; the middle column stays.
  const int column = (relative - 1) % 3;
  return static_cast<Direction>(relative - column + (2 - column));
}

Direction toRelative(Direction screen, int facing) { return toScreen(screen, facing); }

std::vector<Direction> motionFrames(Motion motion, int chargeFrames) {
  switch (motion) {
    case Motion::None: return {5};
    case Motion::QuarterForward: return {2, 3, 6};
    case Motion::QuarterBack: return {2, 1, 4};
    case Motion::DragonPunch: return {6, 2, 3};
    case Motion::HalfCircleBack: return {6, 3, 2, 1, 4};
    case Motion::DoubleQuarter: return {2, 3, 6, 2, 3, 6};
    case Motion::DownDown: return {2, 5, 2};
    case Motion::ChargeBackForward: {
      std::vector<Direction> frames(static_cast<size_t>(chargeFrames + 1), 1);
      frames.back() = 6;
      return frames;
    }
    case Motion::ChargeDownUp: {
      std::vector<Direction> frames(static_cast<size_t>(chargeFrames + 1), 2);
      frames.back() = 8;
      return frames;
    }
  }
  return {5};
}

}  // namespace palaestra::fight

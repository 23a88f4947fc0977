#include "fight/InputReader.h"

#include <algorithm>

#include "fight/MotionInputs.h"

namespace palaestra::fight {

namespace {

bool isBack(Direction d) {
  return d == 1 || d == 4 || d == 7;
}
bool isDown(Direction d) {
  return d == 1 || d == 2 || d == 3;
}

// A charge counts up while held; on release a full charge becomes
// chargeFrames + kChargeGrace and counts down, staying usable while it is at
// least chargeFrames; a partial charge is lost.
uint16_t updateCharge(uint16_t counter, bool held, bool wasHeld, int chargeFrames) {
  if (held) return wasHeld ? static_cast<uint16_t>(std::min(counter + 1, 60000)) : uint16_t{1};
  if (wasHeld)
    return counter >= chargeFrames ? static_cast<uint16_t>(chargeFrames + kChargeGrace) : 0;
  return counter > chargeFrames ? static_cast<uint16_t>(counter - 1) : 0;
}

struct MotionSequence {
  Direction steps[6];
  int length;
};

MotionSequence sequenceOf(Motion motion) {
  switch (motion) {
    case Motion::QuarterForward:
      return {{2, 3, 6}, 3};
    case Motion::QuarterBack:
      return {{2, 1, 4}, 3};
    case Motion::DragonPunch:
      return {{6, 2, 3}, 3};
    case Motion::HalfCircleBack:
      return {{6, 3, 2, 1, 4}, 5};
    case Motion::DoubleQuarter:
      return {{2, 3, 6, 2, 3, 6}, 6};
    case Motion::DownDown:
      return {{2, 5, 2}, 3};
    default:
      return {{5}, 0};
  }
}

}  // namespace

Direction relativeAt(const FighterState& f, int age) {
  return toRelative(padAt(f, age).direction, f.facing);
}

void recordInput(FighterState& f, PadState pad, int chargeFrames) {
  const Direction before = relativeAt(f, 0);
  f.historyHead = static_cast<uint8_t>((f.historyHead + 1) & (kInputHistory - 1));
  f.history[f.historyHead] = pad;
  const Direction now = toRelative(pad.direction, f.facing);
  f.chargeBack = updateCharge(f.chargeBack, isBack(now), isBack(before), chargeFrames);
  f.chargeDown = updateCharge(f.chargeDown, isDown(now), isDown(before), chargeFrames);
}

int motionAge(const FighterState& f, Motion motion, int chargeFrames) {
  switch (motion) {
    case Motion::None:
      return kMotionFinalSlack;
    case Motion::ChargeBackForward: {
      const Direction d = relativeAt(f, 0);
      return (d == 6 || d == 3 || d == 9) && f.chargeBack >= chargeFrames ? 0 : -1;
    }
    case Motion::ChargeDownUp: {
      const Direction d = relativeAt(f, 0);
      return (d == 7 || d == 8 || d == 9) && f.chargeDown >= chargeFrames ? 0 : -1;
    }
    default:
      break;
  }
  const MotionSequence seq = sequenceOf(motion);
  // Matched backwards from the newest frame: the steps must appear in order
  // (other directions in between are forgiven) within the window.
  const int window = std::min(kInputHistory, std::max(kMotionWindow, seq.length * 4));
  int k = seq.length - 1;
  int finalAge = -1;
  for (int age = 0; age < window; ++age) {
    if (relativeAt(f, age) == seq.steps[k]) {
      if (k == seq.length - 1) finalAge = age;
      if (--k < 0) return finalAge;
    } else if (k == seq.length - 1 && age >= kMotionFinalSlack) {
      return -1;
    }
  }
  return -1;
}

bool doubleTapped(const FighterState& f, Direction relative) {
  if (relativeAt(f, 0) != relative || relativeAt(f, 1) == relative) return false;
  for (int age = 2; age <= kDashWindow; ++age)
    if (relativeAt(f, age) == relative) return true;
  return false;
}

}  // namespace palaestra::fight

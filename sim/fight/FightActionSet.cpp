#include "fight/FightActionSet.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "fight/MotionInputs.h"

namespace palaestra::fight {

namespace {

constexpr std::array<uint8_t, 7> kButtonOfChoice = {0, kLP, kMP, kHP, kLK, kMK, kHK};
constexpr std::array<const char*, 7> kButtonNames = {"", "LP", "MP", "HP", "LK", "MK", "HK"};
constexpr std::array<const char*, 8> kMotionNames = {"qcf",   "qcb",       "dp",        "hcb",
                                                     "qcfx2", "charge_bf", "charge_du", "dd"};

bool isMacro(int action) {
  return action >= FightActionSet::kFirstMacroAction;
}
Motion macroMotion(int action) {
  return kMacroMotions[static_cast<size_t>((action - FightActionSet::kFirstMacroAction) / 2)];
}
uint8_t macroButton(int action) {
  return (action - FightActionSet::kFirstMacroAction) % 2 == 0 ? kHP : kHK;
}

}  // namespace

FightActionSet::FightActionSet(int actionRepeat) : actionRepeat_(actionRepeat) {
  if (actionRepeat < 1)
    throw std::invalid_argument("action repeat must be at least 1, got " +
                                std::to_string(actionRepeat));
}

int FightActionSet::lengthOf(int action, int chargeFrames) const {
  if (!isMacro(action)) return actionRepeat_;
  const int typed = static_cast<int>(motionFrames(macroMotion(action), chargeFrames).size());
  return std::max(actionRepeat_, typed);
}

int FightActionSet::begin(int action, int chargeFrames) {
  if (action < 0 || action >= kActionCount)
    throw std::invalid_argument("fight action must be in [0, " + std::to_string(kActionCount) +
                                "), got " + std::to_string(action));
  state_.action = static_cast<int16_t>(action);
  state_.frame = 0;
  state_.chargeFrames = static_cast<uint16_t>(chargeFrames);
  state_.length = static_cast<uint16_t>(lengthOf(action, chargeFrames));
  return state_.length;
}

PadState FightActionSet::next(int facing) {
  if (!busy()) return PadState{};
  const int action = state_.action;
  const int frame = state_.frame++;
  PadState pad;
  if (action < kDirectionButtonActions) {
    pad.direction = toScreen(static_cast<Direction>(action / 7 + 1), facing);
    if (frame == 0) pad.buttons = kButtonOfChoice[static_cast<size_t>(action % 7)];
  } else if (action == kThrowAction) {
    if (frame == 0) pad.buttons = kLP | kLK;
  } else {
    // The motion's frames are short vectors (charge: ~46); recomputing them
    // each frame keeps the decoder plain data.
    const std::vector<Direction> typed = motionFrames(macroMotion(action), state_.chargeFrames);
    const int n = static_cast<int>(typed.size());
    if (frame < n) {
      pad.direction = toScreen(typed[static_cast<size_t>(frame)], facing);
      if (frame == n - 1) pad.buttons = macroButton(action);
    }
  }
  return pad;
}

std::string FightActionSet::name(int action) {
  if (action < 0 || action >= kActionCount) return "?";
  if (action < kDirectionButtonActions) {
    std::string s = std::to_string(action / 7 + 1);
    if (action % 7) s += std::string("+") + kButtonNames[static_cast<size_t>(action % 7)];
    return s;
  }
  if (action == kThrowAction) return "throw";
  return std::string(kMotionNames[static_cast<size_t>((action - kFirstMacroAction) / 2)]) +
         (macroButton(action) == kHP ? "+HP" : "+HK");
}

}  // namespace palaestra::fight

#pragma once
// Reads a fighter's input history (MatchState's ring buffer of screen-space
// pads): newly pressed buttons, motions relative to the fighter's facing,
// charge counters and dashes. Pure functions of the state, so the engine
// stays a function of its inputs.

#include <cstddef>
#include <cstdint>

#include "fight/MatchState.h"

namespace palaestra::fight {

/// Frames a motion may take, counted back from the button press, for three-direction motions.
inline constexpr int kMotionWindow = 16;
/// The motion's last direction must be within this many frames of the button press.
inline constexpr int kMotionFinalSlack = 6;
/// Frames a full charge stays usable after the charge direction is released.
inline constexpr int kChargeGrace = 8;
/// A dash's first tap must be within this many frames of the second.
inline constexpr int kDashWindow = 12;

/// A button press is read on any of this many frames (this one and the two before) while the
/// fighter cannot act yet. Every move lasts at least 3 frames (startup, active and recovery are
/// each at least 1), so the press that started a move is never read again when it ends.
inline constexpr int kPressBuffer = 3;

/// The pad `age` frames ago (0 = this frame).
inline PadState padAt(const FighterState& f, int age) {
  return f.history[static_cast<size_t>((f.historyHead - age) & (kInputHistory - 1))];
}
/// The facing-relative direction `age` frames ago, read with the fighter's current facing.
Direction relativeAt(const FighterState& f, int age);
/// Buttons held now that were not held on the previous frame.
inline uint8_t newlyPressed(const FighterState& f) {
  return static_cast<uint8_t>(padAt(f, 0).buttons & ~padAt(f, 1).buttons);
}

/// Buttons newly pressed on any of the last `frames` frames.
inline uint8_t pressedWithin(const FighterState& f, int frames) {
  uint8_t pressed = 0;
  for (int age = 0; age < frames; ++age)
    pressed |= static_cast<uint8_t>(padAt(f, age).buttons & ~padAt(f, age + 1).buttons);
  return pressed;
}

/// Appends this frame's pad to the history and updates the charge counters.
void recordInput(FighterState& f, PadState pad, int chargeFrames);
/// Frames since the last direction of `motion` if the history ends with it, else -1 (charge
/// motions read the charge counters; a plain press, Motion::None, counts as kMotionFinalSlack).
int motionAge(const FighterState& f, Motion motion, int chargeFrames);
/// Whether the history ends with `motion`.
inline bool motionEntered(const FighterState& f, Motion motion, int chargeFrames) {
  return motionAge(f, motion, chargeFrames) >= 0;
}
/// Whether the history ends with a double tap of `relative` (6 = dash, 4 = backdash).
bool doubleTapped(const FighterState& f, Direction relative);
/// Whether the buttons pressed satisfy `spec` (`pressed` new this frame, `held` all held).
inline bool buttonsMatch(ButtonSpec spec, uint8_t pressed, uint8_t held) {
  if (!(pressed & spec.mask)) return false;
  return !spec.together || (held & spec.mask) == spec.mask;
}

}  // namespace palaestra::fight

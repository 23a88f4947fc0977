#pragma once
// The discrete action set of the fight env, like FightLadder's transform of
// Street Fighter II's pad: every choice is relative to the fighter's facing
// (6 = forward), so one policy plays both sides and every character.
//
//   0..62   direction d (1..9) x button b (none, LP, MP, HP, LK, MK, HK):
//           index (d - 1) * 7 + b. The direction is held for the whole
//           decision; the button is pressed on its first frame only (so the
//           next decision can press it again).
//   63      throw: LP+LK on the first frame, neutral direction.
//   64..79  macros: each motion of MotionInputs (qcf, qcb, dp, hcb, qcfx2,
//           charge back-forward, charge down-up, down-down) x {heavy punch,
//           heavy kick}: index 64 + 2 * motion + (kick ? 1 : 0). The motion is
//           typed frame by frame and the button pressed with its last
//           direction. Heavy strength: the strongest version of a special
//           (and any "any punch"/"any kick" special accepts it).
//
// A decision lasts max(action repeat, macro length) frames: a macro is never
// cut short; after its last typed frame the pad goes neutral until the
// decision's frames are used up. Charge macros take the character's charge
// time plus one frame, so they last 46+ frames (a long commitment, as for people).
//
// The decoder is plain data (trivially copyable State) so envs snapshot it;
// the app uses it to turn a stored policy's choices into pads.

#include <array>
#include <cstdint>
#include <string>
#include <type_traits>

#include "fight/FightTypes.h"

namespace palaestra::fight {

/// The motions the macro actions type, in action order.
inline constexpr std::array<Motion, 8> kMacroMotions = {
    Motion::QuarterForward, Motion::QuarterBack,       Motion::DragonPunch,  Motion::HalfCircleBack,
    Motion::DoubleQuarter,  Motion::ChargeBackForward, Motion::ChargeDownUp, Motion::DownDown};

class FightActionSet {
 public:
  /// Direction x button choices (9 x 7).
  static constexpr int kDirectionButtonActions = 63;
  /// Index of the throw action (LP+LK).
  static constexpr int kThrowAction = 63;
  /// Index of the first macro action.
  static constexpr int kFirstMacroAction = 64;
  /// Number of discrete actions.
  static constexpr int kActionCount =
      kFirstMacroAction + 2 * static_cast<int>(kMacroMotions.size());

  /// The decoder's state between frames (trivially copyable, hashed and snapshotted as bytes).
  struct State {
    int16_t action = -1;        // the current decision, -1 = none
    uint16_t frame = 0;         // frames of the decision already played
    uint16_t length = 0;        // frames the decision lasts
    uint16_t chargeFrames = 0;  // the character's charge time when the decision began
  };

  /// A decoder whose plain decisions last `actionRepeat` frames (>= 1).
  explicit FightActionSet(int actionRepeat = 4);

  /// Forgets any decision in progress.
  void reset() { state_ = State{}; }
  /// Starts decision `action` (0..kActionCount-1; throws std::invalid_argument outside) for a
  /// character with `chargeFrames` charge time; returns the frames it lasts.
  int begin(int action, int chargeFrames);
  /// Whether the current decision has frames left.
  bool busy() const { return state_.action >= 0 && state_.frame < state_.length; }
  /// The pad (screen terms) for the decision's next frame given the fighter's facing now; advances.
  PadState next(int facing);

  /// Frames decision `action` lasts with this repeat and `chargeFrames`.
  int lengthOf(int action, int chargeFrames) const;
  /// Short name of an action, e.g. "6+HP", "throw", "qcf+HP", "charge_bf+HK".
  static std::string name(int action);

  /// Frames per plain decision.
  int actionRepeat() const { return actionRepeat_; }
  /// The state (for snapshots).
  const State& state() const { return state_; }
  /// Restores state() bytes.
  void setState(const State& state) { state_ = state; }

 private:
  int actionRepeat_;
  State state_;
};

static_assert(std::is_trivially_copyable_v<FightActionSet::State>);

}  // namespace palaestra::fight

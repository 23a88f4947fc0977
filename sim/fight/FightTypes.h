#pragma once
// Basic types of the fighting game. The game state holds integers only: the
// same inputs give the same match on every machine and compiler, so a replay
// is a seed plus two input logs.
//
// Units: positions and speeds are in "units", 100 per pixel; the stage is
// 960 x 640 pixels (FightingICE's), the ground is y = 0, y grows upwards.
// Time is in frames at 60 Hz.

#include <cstdint>

namespace palaestra::fight {

/// State units per pixel.
inline constexpr int32_t kUnitsPerPixel = 100;
/// Frames per second of the engine's fixed tick.
inline constexpr int kFramesPerSecond = 60;

/// Numpad direction relative to the screen (5 = neutral, 6 = right, 8 = up, 1 = down-left).
/// Relative to a fighter's facing, 6 means "forward" and 4 "back".
using Direction = uint8_t;

/// Attack buttons as bits of PadState::buttons.
enum Button : uint8_t {
  kLP = 1 << 0,  // light punch
  kMP = 1 << 1,  // medium punch
  kHP = 1 << 2,  // heavy punch
  kLK = 1 << 3,  // light kick
  kMK = 1 << 4,  // medium kick
  kHK = 1 << 5,  // heavy kick
};
inline constexpr int kButtonCount = 6;
inline constexpr uint8_t kAllButtons = 0x3f;

/// One frame of one player's controller, in screen terms (as a person presses it):
/// `direction` 1..9 numpad, `buttons` the buttons held this frame.
struct PadState {
  Direction direction = 5;
  uint8_t buttons = 0;

  /// Packs into one integer in [0, 576): (direction - 1) * 64 + buttons.
  constexpr int code() const { return (direction - 1) * 64 + buttons; }
  /// Inverse of code(); `code` must be in [0, 576).
  static constexpr PadState fromCode(int code) {
    return PadState{static_cast<Direction>(code / 64 + 1), static_cast<uint8_t>(code % 64)};
  }
  friend constexpr bool operator==(PadState, PadState) = default;
};
/// Number of distinct pad states (9 directions x 64 button sets).
inline constexpr int kPadCodes = 9 * 64;

/// An axis-aligned box relative to a fighter's feet, in pixels, for a fighter
/// facing right: x grows forward, y upwards. Mirrored when facing left.
struct Box {
  int16_t x = 0;  // left edge (forward = positive)
  int16_t y = 0;  // bottom edge
  int16_t w = 0;
  int16_t h = 0;
};

/// What a guard must be to block an attack. Standing guard blocks High, Mid and
/// Overhead; crouching guard blocks High and Low; nothing blocks Throw.
/// (Mid and Overhead need the same guard; Overhead marks attacks that come
/// from above, e.g. jump-ins and command overheads, for the CPU and overlays.)
enum class GuardType : uint8_t { High, Mid, Low, Overhead, Throw };

/// The posture a move is performed in, and which normals table it belongs to.
enum class Posture : uint8_t { Standing, Crouching, Air };

/// Input motions of special moves, read from the input buffer relative to facing.
enum class Motion : uint8_t {
  None,             // a plain button press (normals, throws)
  QuarterForward,   // 2 3 6 + button
  QuarterBack,      // 2 1 4 + button
  DragonPunch,      // 6 2 3 + button
  HalfCircleBack,   // 6 3 2 1 4 + button (command throws)
  DoubleQuarter,    // 2 3 6 2 3 6 + button (supers)
  ChargeBackForward,  // hold back (or down-back) for the charge time, then forward + button
  ChargeDownUp,       // hold down for the charge time, then up + button
  DownDown,           // 2 5 2 + button (stance switches, teleports)
};

/// Which buttons trigger a move: one specific button, any punch, any kick,
/// or two buttons together (throw = LP+LK).
struct ButtonSpec {
  uint8_t mask = 0;       // buttons that may trigger
  bool together = false;  // all of `mask` pressed in the same frame (e.g. throw)
};

}  // namespace palaestra::fight

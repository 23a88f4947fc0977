#pragma once
// The engine's fixed rules and small helpers shared by its translation units
// (FightMatch.cpp: frames, actions, movement, rounds; FightContacts.cpp:
// boxes, hits, blocks, throws, counters). Internal to the engine.

#include <algorithm>
#include <cstdint>

#include "fight/CharacterDef.h"
#include "fight/MatchState.h"

namespace palaestra::fight::rules {

// Frames over which a hit's or block's pushback moves the defender.
inline constexpr int kPushFrames = 6;
// Frames of the fully invulnerable stand-up after lying down.
inline constexpr int kWakeUpFrames = 10;
inline constexpr int kMaxMeter = 1000;
// Units the two fighters are set apart by a throw tech.
inline constexpr int32_t kTechSeparation = 4000;
// Horizontal speed of a knocked-down fighter while falling, units per frame.
inline constexpr int32_t kKnockdownDrift = 200;
inline constexpr uint8_t kInvulnAll = kInvulnStrike | kInvulnThrow | kInvulnProjectile;
// FighterState::moveContact bits.
inline constexpr uint8_t kContactHit = 1, kContactBlock = 2, kContactDone = 4;
// Buttons in the order a press of several is read: heavy before medium before light, punch before
// kick.
inline constexpr int kButtonOrder[kButtonCount] = {2, 5, 1, 4, 0, 3};

using Action = FighterAction;

/// Combo scaling: hits 1 and 2 at 100%, then 10% less per hit, never below 30%.
inline int scaledDamage(int damage, int hitNumber) {
  const int percent = hitNumber <= 2 ? 100 : std::max(30, 100 - 10 * (hitNumber - 2));
  const int scaled = damage * percent / 100;
  return damage > 0 ? std::max(1, scaled) : scaled;
}

/// Whether the fighter is off the ground or leaving it this frame.
inline bool airborne(const FighterState& f) {
  return f.y > 0 || f.vy > 0;
}

/// Starts `action` on its frame 1 (leaving a move clears the move and its cancel window).
inline void setAction(FighterState& f, Action action) {
  f.action = action;
  f.actionFrame = 1;
  if (action != Action::Attack) {
    f.moveIndex = -1;
    f.cancelLeft = 0;
  }
}

/// Adds meter, kept in [0, kMaxMeter].
inline void addMeter(FighterState& f, int amount) {
  f.meter = static_cast<int16_t>(std::clamp(f.meter + amount, 0, kMaxMeter));
}

/// -1, 0 or +1.
inline int sign(int32_t v) {
  return (v > 0) - (v < 0);
}

}  // namespace palaestra::fight::rules

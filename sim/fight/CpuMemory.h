#pragma once
// Everything a CPU remembers between frames, in one trivially copyable struct:
// a snapshot is its bytes. The CPU reacts to what it saw `reactionFrames` ago,
// so it keeps a ring of past views of the opponent.

#include <array>
#include <cstdint>
#include <type_traits>

#include "fight/MatchState.h"
#include "util/Rng.h"

namespace palaestra::fight {

/// One frame of the CPU's pad in facing-relative terms (6 = towards the opponent).
struct CpuPadStep {
  uint8_t direction = 5;
  uint8_t buttons = 0;
};

/// What the CPU saw of its opponent on one frame.
struct CpuOpponentView {
  int32_t x = 0, y = 0, vx = 0, vy = 0;
  int32_t projectileX = 0;  // the opponent's nearest live projectile (when hasProjectile)
  int32_t projectileVx = 0;
  uint32_t frame = 0;           // match frame of the view
  uint32_t projectileBorn = 0;  // match frame the projectile was launched
  int16_t moveIndex = -1;
  int16_t projectileMove = -1;
  uint16_t actionFrame = 0;
  FighterAction action = FighterAction::Idle;
  uint8_t jumpDirection = 0;
  uint8_t moveContact = 0;
  uint8_t hasProjectile = 0;
  uint8_t crouching = 0;  // crouching or attacking from a crouch (its low hurtbox)
  uint8_t padding = 0;
};

/// What the plan being typed is for (how it may be interrupted).
enum class CpuPlanKind : uint8_t {
  None,
  Movement,   // walking, waiting, guarding: reactions may replace it
  Committed,  // a move or a motion being typed: runs to its end unless the CPU is hit
};

inline constexpr int kCpuViewRing = 64;
inline constexpr int kCpuPlanCapacity = 160;

struct CpuMemory {
  Rng rng = Rng(0);
  std::array<CpuOpponentView, kCpuViewRing> seen{};
  std::array<CpuPadStep, kCpuPlanCapacity> plan{};
  uint32_t seenCount = 0;   // views stored since the round started
  uint32_t guardKey = 0;    // the opponent's attack (start frame and move) a guard was chosen for
  uint32_t antiAirKey = 0;  // the opponent's jump an anti-air was chosen for
  uint32_t projectileKey = 0;  // the opponent's projectile an answer was chosen for
  uint32_t techKey = 0;        // the throw a tech was chosen for
  uint32_t comboKey = 0;       // my move (start frame) a combo continuation was chosen for
  uint32_t linkKey = 0;        // the opponent's combo count a link was chosen for
  uint32_t whiffKey = 0;       // the opponent's move a whiff punish was chosen for
  uint32_t airAttackKey = 0;   // my jump an air attack was chosen for
  uint32_t neutralUntil = 0;   // no new neutral choice before this frame (hesitation)
  uint32_t guardUntil = 0;     // keep guarding until this frame
  uint32_t punishUntil = 0;
  uint32_t fireballReadyAt = 0;  // no fireball from neutral before this frame    // a blocked
                                 // unsafe move can be punished until this frame
  uint16_t planLength = 0;
  uint16_t planPos = 0;
  int16_t punishWindow = 0;  // frames the opponent stays in recovery after the block
  CpuPlanKind planKind = CpuPlanKind::None;
  uint8_t round = 0;
  uint8_t guardDirection = 0;  // relative 4 (standing) or 1 (crouching); 0 = not guarding
  uint8_t guardChosen = 0;     // 1 = guard the current attack, 2 = it was not noticed
  uint8_t antiAirChosen = 0;
  uint8_t techChosen = 0;
  uint8_t jumpInPending = 0;  // the current jump is a jump-in: attack on the way down
  uint8_t lastButtons = 0;    // buttons pressed last frame (a press needs a release first)
  uint8_t habitGuard = 1;     // the guard the opponent's last attack needed (relative 1 or 4)
  uint8_t padding[2] = {};
};

static_assert(std::is_trivially_copyable_v<CpuMemory>);

}  // namespace palaestra::fight

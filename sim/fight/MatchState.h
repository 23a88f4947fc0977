#pragma once
// The whole state of a match: plain integers in fixed-size arrays, trivially
// copyable, so a snapshot is its bytes and the state hash is a hash of them.
// Field order keeps the struct free of padding holes (the hash reads bytes).
// Everything an observation, a CPU or an overlay needs is readable here.

#include <array>
#include <cstdint>
#include <type_traits>

#include "fight/FightTypes.h"

namespace palaestra::fight {

/// What a fighter is doing. Frame counters count frames spent in it.
enum class FighterAction : uint8_t {
  Idle,
  WalkForward,
  WalkBack,
  Crouch,
  JumpSquat,   // about to leave the ground
  Airborne,    // jumping or falling without attacking
  Landing,     // landing recovery
  Dash,
  Backdash,
  Attack,      // performing moveIndex (grounded or in the air)
  Hitstun,     // stunLeft frames of hitstun
  Blockstun,   // stunLeft frames of blockstun
  Knockdown,   // falling after a knockdown hit, then lying down (stunLeft frames)
  WakeUp,      // getting up (invulnerable)
  Thrown,      // held by a throw (can tech in the window)
  KnockedOut,  // health reached 0
  Count
};

/// Why a round ended.
enum class RoundEnd : uint8_t { None, KnockOut, TimeOut, DoubleKnockOut, Draw };

/// Phase of the match.
enum class MatchPhase : uint8_t { Fighting, RoundOver, MatchOver };

/// Input history length in frames (the buffer special moves are read from).
inline constexpr int kInputHistory = 32;

struct FighterState {
  int32_t x = 0, y = 0;    // feet, units
  int32_t vx = 0, vy = 0;  // units per frame
  int16_t health = 0;
  int16_t meter = 0;            // 0..1000
  int16_t moveIndex = -1;       // index into CharacterDef::moves while attacking, else -1
  uint16_t actionFrame = 0;     // frames spent in the current action (1 on its first frame)
  uint16_t stunLeft = 0;        // hitstun / blockstun / landing / lying-down frames left
  uint16_t invulnLeft = 0;      // frames of invulnerability left (wake-up, backdash)
  uint16_t chargeBack = 0;      // frames back (or down-back) has been held
  uint16_t chargeDown = 0;      // frames down (1, 2 or 3) has been held
  uint16_t comboHits = 0;       // hits taken in the current combo (0 when not in one)
  int16_t comboDamage = 0;      // damage taken in the current combo
  uint16_t cancelLeft = 0;      // frames the current move's cancel window stays open
  uint16_t throwTechLeft = 0;   // Thrown: frames left to tech
  int8_t facing = 1;            // +1 facing right, -1 facing left
  FighterAction action = FighterAction::Idle;
  uint8_t invulnTo = 0;         // InvulnerableTo bits while invulnLeft > 0
  uint8_t moveContact = 0;      // current move: 1 = hit, 2 = blocked, 4 = whiffed/consumed
  uint8_t stance = 1;           // 1 or 2 (stance characters)
  uint8_t roundsWon = 0;
  uint8_t crouchingGuard = 0;   // 1 when the last block was crouching (for overlays)
  uint8_t jumpDirection = 0;    // 0 neutral, 1 forward, 2 back (relative to facing at take-off)
  uint8_t historyHead = 0;      // index of the newest entry in history
  uint8_t padding0 = 0;
  std::array<PadState, kInputHistory> history{};  // pad states, newest at historyHead
  uint8_t pushedByStrike = 0;  // 1 while a strike's pushback moves this fighter (corner pushback)
  uint8_t bufferedPress = 0;   // buttons first pressed during hitstop, read on the next frame
};

struct ProjectileState {
  int32_t x = 0, y = 0;    // centre, units
  int32_t vx = 0, vy = 0;  // units per frame
  int16_t moveIndex = -1;  // the owner's move that launched it
  uint16_t lifeLeft = 0;   // frames left; 0 = slot free
  uint8_t owner = 0;       // 0 or 1
  uint8_t hitsLeft = 0;
  int8_t facing = 1;
  uint8_t padding0 = 0;
};

/// Projectile slots (two per player).
inline constexpr int kMaxProjectiles = 4;

struct MatchState {
  uint64_t seed = 0;
  uint32_t frame = 0;          // frames since the match started
  uint32_t roundFrame = 0;     // frames since the current round started
  uint16_t timerFrames = 0;    // round time left, frames (99 s = 5940)
  uint16_t phaseFrames = 0;    // frames spent in RoundOver (the pause between rounds)
  uint16_t hitstop = 0;        // frames both fighters stay frozen after a contact
  uint8_t round = 1;           // 1-based round number
  MatchPhase phase = MatchPhase::Fighting;
  std::array<RoundEnd, 5> roundEnds{};     // per round played
  std::array<uint8_t, 5> roundWinners{};   // per round: 0 = P1, 1 = P2, 2 = nobody
  uint8_t matchWinner = 2;                 // 0 = P1, 1 = P2, 2 = none yet or draw
  uint8_t padding0 = 0;
  std::array<FighterState, 2> fighters{};
  std::array<ProjectileState, kMaxProjectiles> projectiles{};
  uint32_t padding1 = 0;  // fills the tail to the struct's 8-byte alignment (hashed as bytes)
};

static_assert(std::is_trivially_copyable_v<MatchState>);
// No padding bytes anywhere: the hash and snapshots read the bytes, and padding
// would hold whatever the memory held before (different hashes for equal states).
static_assert(std::has_unique_object_representations_v<MatchState>);

}  // namespace palaestra::fight

#pragma once
// The fighting game engine: one match between two characters, advanced one
// 60 Hz frame at a time from both players' pad states. Deterministic: the
// state is integers only (MatchState), so the same inputs give the same match
// everywhere; snapshot() is the state's bytes.
//
// Order of a frame: record inputs -> round/phase bookkeeping -> each fighter
// reads its input buffer and starts actions -> movement, gravity, walls and
// pushboxes -> projectiles move and clash -> hit detection (strikes, throws,
// projectiles) resolved for both sides at once -> stun counters -> timer and
// round end.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "fight/CharacterDef.h"
#include "fight/MatchState.h"
#include "fight/MoveTable.h"

namespace palaestra::fight {

/// Rules of a match (not part of the per-frame state).
struct MatchRules {
  int roundsToWin = 2;            // best of 3
  int maxRounds = 5;              // draws can add rounds up to this many
  int roundSeconds = 99;          // round timer
  int roundBreakFrames = 0;       // break between rounds, no inputs (0 training, ~90 people)
  int stageWidthPixels = 960;     // walls at 0 and this
  int startDistancePixels = 240;  // fighters' distance at the start of a round
};

/// Something that happened on the last frame (for overlays, rewards and tests).
enum class FightEventKind : uint8_t {
  Hit,        // `player` hit the other with `move` for `damage`
  Block,      // the other blocked `player`'s `move` (chip `damage`)
  Throw,      // `player` threw the other
  ThrowTech,  // the other escaped `player`'s throw
  Counter,    // `player` caught the other's strike with a counter move
  Clash,      // two projectiles cancelled out
  Knockdown,  // `player` knocked the other down
  RoundOver,  // the round ended; `player` is the winner (2 = none)
  MatchOver,  // the match ended; `player` is the winner (2 = draw)
};

struct FightEvent {
  FightEventKind kind = FightEventKind::Hit;
  uint8_t player = 0;  // the acting player (0 or 1)
  int16_t move = -1;   // the move index involved
  int16_t damage = 0;
  uint16_t comboHits = 0;  // the defender's combo count after this hit
  int16_t frameAdvantage =
      0;  // Hit/Block: attacker's advantage once both can act (+ = attacker first)
};

class FightMatch {
 public:
  /// A match between two characters (both must outlive the match); call reset before stepping.
  FightMatch(const CharacterDef& p1, const CharacterDef& p2, MatchRules rules = {});

  /// Starts round 1; `seed` is stored in the state (the engine itself draws no random numbers).
  void reset(uint64_t seed);
  /// Advances one frame with both players' pads (screen terms).
  void step(PadState p1, PadState p2);

  /// The full state.
  const MatchState& state() const { return state_; }
  /// Fighter i's state.
  const FighterState& fighter(int i) const { return state_.fighters[static_cast<size_t>(i)]; }
  /// Fighter i's character.
  const CharacterDef& character(int i) const { return *characters_[static_cast<size_t>(i)]; }
  /// The rules.
  const MatchRules& rules() const { return rules_; }
  /// Whether the match is over.
  bool over() const { return state_.phase == MatchPhase::MatchOver; }
  /// The move fighter i is performing, or nullptr.
  const MoveDef* currentMove(int i) const;
  /// Whether fighter i could start a new action this frame (idle, walking, crouching, or a cancel
  /// window).
  bool canAct(int i) const;
  /// Events of the last step().
  std::span<const FightEvent> events() const { return {events_.data(), eventCount_}; }

  /// Fighter i's hurtboxes this frame, in world units (left, bottom, width, height).
  std::vector<std::array<int32_t, 4>> hurtboxes(int i) const;
  /// Fighter i's active hitboxes this frame, in world units (projectiles: state().projectiles).
  std::vector<std::array<int32_t, 4>> hitboxes(int i) const;
  /// Fighter i's pushbox this frame, in world units.
  std::array<int32_t, 4> pushbox(int i) const;

  /// The state's bytes.
  std::vector<uint8_t> snapshot() const;
  /// Restores bytes from snapshot() of a match of the same characters; throws std::invalid_argument
  /// otherwise.
  void restore(std::span<const uint8_t> data);
  /// Hash of the state's bytes.
  uint64_t stateHash() const;

 private:
  /// A box in world units: left, bottom, right, top.
  struct Rect {
    int32_t l, b, r, t;
  };
  /// A contact found this frame, applied after both sides were checked.
  struct Contact {
    enum class Kind : uint8_t { Hit, Block, Counter, Grab, Throw } kind;
    uint8_t attacker;
    int16_t move;
    int8_t pushDirection;  // +1 pushes the defender right
    int8_t projectile;     // slot, or -1 for a strike
  };

  void startRound();
  void advance(int i);
  void faceOpponent(int i);
  void readInput(int i);
  bool tryStartMove(int i, uint8_t pressed, uint8_t held, Direction rel, bool airborne);
  void startMove(int i, int move);
  void endMove(int i);
  void moveFighter(int i);
  void land(int i);
  void separateFighters();
  void moveProjectiles();
  void spawnProjectile(int i, const MoveDef& move, int moveIndex);
  void resolveContacts();
  void resolveThrowHolds();
  bool throwable(int defender, bool commandThrow) const;
  bool inThrowRange(int attacker, int32_t range) const;
  void landThrow(int attacker, int move);
  void techThrow(int thrower);
  void applyContact(const Contact& c);
  bool blocks(int defender, GuardType guard, int towardAttacker) const;
  bool counterActive(int i) const;
  bool projectileAlive(int i) const;
  int hitDefender(int defender, int attacker, const MoveDef& move, int direction, bool byStrike);
  Posture posture(int i) const;
  Rect projectileRect(const ProjectileState& p) const;
  bool invulnerable(int i, uint8_t kind) const;
  int32_t clampToWalls(int i);
  void endRoundIfOver();
  void pushEvent(FightEventKind kind, int player, int move, int damage, int comboHits,
                 int frameAdvantage);
  Rect worldBox(int i, const Box& box) const;
  Rect pushRect(int i) const;
  template <typename F>
  void forEachHurtbox(int i, F&& f) const;
  template <typename F>
  void forEachHitbox(int i, F&& f) const;
  uint64_t fingerprint() const;

  std::array<const CharacterDef*, 2> characters_;
  std::array<MoveTable, 2> tables_;
  MatchRules rules_;
  MatchState state_;
  std::array<FightEvent, 16> events_{};
  size_t eventCount_ = 0;
};

}  // namespace palaestra::fight

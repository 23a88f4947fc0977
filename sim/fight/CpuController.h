#pragma once
// The scripted CPU opponent: one script for every character, reading the
// character's moves, with 8 difficulty levels. Higher levels react sooner,
// choose better (anti-air jump-ins, punish unsafe moves, block lows low,
// tech throws) and execute combos more reliably. All randomness comes from
// the seed, so a CPU match is a deterministic function of seed and inputs.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fight/CpuMemory.h"
#include "fight/CpuProfile.h"
#include "fight/FightController.h"

namespace palaestra::fight {

/// Tuning of one difficulty level (1..8).
struct CpuLevel {
  int reactionFrames = 30;  // frames before it notices what the opponent started
  int decisionQuality = 0;  // percent: chance to pick the best option rather than a random one
  int antiAirChance = 0;    // percent: chance to anti-air a jump it has noticed
  int punishChance = 0;     // percent: chance to punish an unsafe move it blocked
  int comboChance = 0;      // percent: chance to continue a combo after a confirmed hit
  int blockChance = 0;      // percent: chance to guard (correctly high or low) an attack it noticed
  int throwTechChance = 0;  // percent: chance to tech a throw
};

/// The tuning of level `level` (1..8); throws std::invalid_argument outside.
CpuLevel cpuLevel(int level);

class CpuController final : public FightController {
 public:
  /// A CPU at `level` (1..8) playing `character`'s moves; throws std::invalid_argument on a bad
  /// level.
  CpuController(const CharacterDef& character, int level);
  std::string name() const override;
  void reset(const FightMatch& match, int player, uint64_t seed) override;
  PadState decide(const FightMatch& match) override;
  std::vector<uint8_t> snapshot() const override;
  void restore(std::span<const uint8_t> data) override;

  /// The level (1..8).
  int level() const { return level_; }

 private:
  void clearMemory(uint8_t round);
  PadState output(const FightMatch& match, CpuPadStep step);
  void observe(const FightMatch& match);
  const CpuOpponentView& perceived() const;
  bool roll(int percent);
  int pickPercent(int lo, int hi);

  void clearPlan();
  void pushStep(uint8_t direction, uint8_t buttons);
  void pushHold(uint8_t direction, int frames);
  void pushMove(const FightMatch& match, int move);
  void startPlan(CpuPlanKind kind);

  bool moveUsable(const FightMatch& match, int move) const;
  int32_t distance(const FightMatch& match) const;
  int32_t opponentFront(const FightMatch& match) const;
  bool reaches(const FightMatch& match, int move, int32_t dist) const;
  int bestHittingMove(const FightMatch& match, const std::vector<int>& moves, int32_t dist,
                      int maxStartup) const;

  bool reactToThrow(const FightMatch& match);
  bool continueCombo(const FightMatch& match);
  bool punish(const FightMatch& match);
  bool antiAir(const FightMatch& match);
  bool answerProjectile(const FightMatch& match);
  bool guard(const FightMatch& match);
  bool whiffPunish(const FightMatch& match);
  bool airAttack(const FightMatch& match);
  void chooseNeutral(const FightMatch& match);
  void notePunishable(const FightMatch& match);

  const CharacterDef* character_;
  int level_;
  CpuLevel tuning_;
  int player_ = 0;
  CpuProfile profile_;
  CpuProfile opponentProfile_;  // the opponent's moves, read at reset
  // The CPU's state lives in one trivially copyable struct for snapshots.
  CpuMemory memory_;
};

}  // namespace palaestra::fight

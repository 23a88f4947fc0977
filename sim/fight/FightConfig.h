#pragma once
// The fight env's config (one JSON object; every key optional, unknown keys
// rejected):
//   "mode": "single" (one agent, policy slot "player", playing P1 against a
//           CpuController) | "two" (two agents, P1 and P2, slots "p1", "p2")
//   "shared_policy": two mode only; true (default) = both agents use slot 0
//           (observations are mirrored, so one policy plays both sides)
//   "control": "actions" (FightActionSet, facing-relative, default) | "pad"
//           (Discrete(576): the raw PadState code in screen terms; one step =
//           one frame; what people's matches and their replays use)
//   "action_repeat": frames per decision (actions control; default 4, FightLadder 8)
//   "observation_delay": frames (default 0; FightingICE 15)
//   "round_break_frames": frozen frames between rounds (default 0)
//   "round_seconds": the round timer (default 99; short rounds for tests and benches)
//   "reward": {"preset": "simple" | "fightladder", "dealt", "taken", "scale", "round_win"}
//     simple (default): scale * (dealt * D - taken * T) where D and T are the
//       damage in percent of the victim's full health bar (scale 0.01: a whole
//       bar is worth 1.0), plus round_win (1.0) for each round won and minus
//       it for each round lost.
//     fightladder: 0.001 * (3 * D - 1 * T) with D and T in raw health points
//       (FightLadder's weighting), and at a round's end +-round_win * (1 + the
//       winner's remaining health fraction), so a cleaner win earns more.
//     Explicit "dealt"/"taken"/"scale"/"round_win" override the preset's values.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/ConfigFieldDoc.h"

namespace palaestra::fight {

enum class FightMode { Single, Two };
enum class FightControl { Actions, Pad };
enum class FightRewardPreset { Simple, FightLadder };

struct FightRewardConfig {
  FightRewardPreset preset = FightRewardPreset::Simple;
  double dealt = 1.0;     // weight of damage dealt
  double taken = 1.0;     // weight of damage taken
  double scale = 0.01;    // per percent of a health bar (simple) or per health point (fightladder)
  double roundWin = 1.0;  // round-win bonus (round-loss penalty)
};

struct FightConfig {
  FightMode mode = FightMode::Single;
  bool sharedPolicy = true;
  FightControl control = FightControl::Actions;
  int actionRepeat = 4;
  int observationDelay = 0;
  int roundBreakFrames = 0;
  int roundSeconds = 99;
  FightRewardConfig reward;

  /// Parses the env config object (null = defaults); throws ConfigError naming the bad field.
  static FightConfig fromJson(const nlohmann::json& envConfig);
  /// The config as a JSON object (round-trips through fromJson).
  nlohmann::json toJson() const;
  /// The meaning of each field, for the New-run form and docs/configuration.md.
  static const std::vector<ConfigFieldDoc>& docs();
};

}  // namespace palaestra::fight

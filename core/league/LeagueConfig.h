#pragma once
// What a league trains (one JSON object, stored with the league):
//
//   {"kind": "league" | "self_play" | "fictitious_self_play",
//    "base": {...a training config without budget: env, env_config, task, ppo, eval...},
//    "learn_slot": "p1", "opponent_slot": "p2",
//    "rounds": 10, "round_steps": 300000,
//    "roles": {"main": 0.5, "main_exploiter": 0.25, "league_exploiter": 0.25},
//    "self_weight": 0.35, "env_weight": 0.25, "env_weighting": "uniform",
//    "env_members": [{"name": "kestrel@8", "task": {"opponent": 2, "cpu_level": 8}}, ...],
//    "opponent_task": {"cpu_level": 0},
//    "exploiter_reset_score": 0.7, "seed": 1, "threads": 0}
//
// Each round every role trains roles[role] x round_steps env steps (so a league and a self-play
// run with the same rounds and round_steps spend the same budget when the shares sum to 1), then
// its latest policy joins the league as a member. self_play and fictitious_self_play have the
// main role only.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "train/OpponentsSection.h"

namespace palaestra {

struct LeagueConfig {
  std::string kind = "league";
  nlohmann::json base;  // a TrainConfig's JSON without budget
  std::string learnSlot = "p1", opponentSlot = "p2";
  int rounds = 10;
  int64_t roundSteps = 300000;
  std::vector<std::pair<std::string, double>> roles;  // in training order, main first
  double selfWeight = 0.35;  // main: share of self play
  double envWeight = 0.15;   // main: share of the env's own opponents (env_members)
  std::vector<OpponentMemberConfig> envMembers;
  std::string envWeighting = "uniform";  // how the env share is split among env_members:
                                         // "uniform" (by their weights), "hard" ((1 - p)^2)
                                         // or "variance" (p (1 - p)) of the main's win rate p
  std::map<std::string, double> opponentTask;  // overrides of every opponent episode's task
  bool sampleActions = true;  // stored opponents sample their actions (see OpponentsSection)
  double exploiterResetScore = 0.7;  // an exploiter scoring above this against its targets in
                                     // a round starts afresh (a new run) the next round
  uint64_t seed = 1;
  int threads = 0;

  /// Parses and validates; throws ConfigError naming the field.
  static LeagueConfig fromJson(const nlohmann::json& json);
  /// The config as JSON (round-trips).
  nlohmann::json toJson() const;
  /// Env steps of every role in one round.
  int64_t stepsPerRound() const;
};

/// The role names a league knows, in training order.
const std::vector<std::string>& leagueRoleNames();

}  // namespace palaestra

#pragma once
// The "opponents" section of a training config: one policy slot (e.g. the fight's "p2") driven,
// episode by episode, by an opponent drawn from a weighted pool: stored checkpoints, members the
// env itself drives through the task (a CPU level), or the learner's own current policy (self
// play). What self-play, fictitious self-play and league training give each learner:
//
//   "opponents": {"slot": "p2", "self_weight": 0.35, "task": {"cpu_level": 0},
//                 "sample_actions": true,
//                 "members": [{"name": "main r3", "run": 4, "checkpoint": 17, "weight": 0.2},
//                             {"name": "kestrel@8", "task": {"opponent": 2, "cpu_level": 8}}]}
//
// "task" overrides every opponent episode's task; a member's own "task" overrides it further.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "train/TrainConfig.h"
#include "util/ConfigFieldDoc.h"

namespace palaestra {

struct OpponentMemberConfig {
  std::string name;                    // shown in metrics and the league view
  int64_t run = 0;                     // with checkpoint: the stored policy (0: the env drives it)
  int64_t checkpoint = 0;              // checkpoint id of `run`
  double weight = 1.0;                 // relative chance of being drawn
  std::map<std::string, double> task;  // task overrides of its episodes
};

struct OpponentsSection {
  std::string slot;                    // the slot the opponents drive (never learned)
  double selfWeight = 0.0;             // relative chance of the learner's own current policy
  bool sampleActions = false;          // stored members sample their actions (else argmax)
  std::map<std::string, double> task;  // task overrides of every opponent episode
  std::vector<OpponentMemberConfig> members;

  /// Parses the section; throws ConfigError naming the field (unknown keys, weights < 0, a member
  /// without run/checkpoint or task, no positive weight at all).
  static OpponentsSection fromJson(const nlohmann::json& section);
  /// The section as JSON (round-trips through fromJson).
  nlohmann::json toJson() const;
  /// The meaning of each field (paths under "opponents.").
  static const std::vector<ConfigFieldDoc>& docs();
};

}  // namespace palaestra

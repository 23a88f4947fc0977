#pragma once
// What a stored run's config_json says, for every kind of run any version of
// Palaestra stored: a training run's TrainConfig, or a people's match (a "play"
// run of the app), whose config describes the match instead of PPO settings:
//
//   {"env": "fight", "env_config": {...}, "task": {...}, "seed": 7,
//    "match": {"p1": {...}, "p2": {...}, ...}}
//
// Both give what a replay, a comparison or a live view needs to rebuild the
// env: its name, env config, task and seed. Readers of stored runs use
// readStoredRunConfig rather than TrainConfig::fromJson, which takes new
// training configs only. A stored config that does not parse or validate is a
// problem of the store (a damaged or hand-edited file, or a run of a
// simulation this build lacks), not of the user's input: it is a StoreError
// naming the run, the field and the problem.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "env/TaskSpace.h"
#include "store/RunRecords.h"
#include "train/TrainConfig.h"

namespace palaestra {

struct StoredRunConfig {
  std::string env;                                      // registry name
  nlohmann::json envConfig = nlohmann::json::object();  // passed to the env factory
  nlohmann::json task = nlohmann::json::object();       // fixed task {name: number}, as stored
  uint64_t seed = 1;
  std::optional<TrainConfig> training;  // set for a training run
  nlohmann::json match;                 // a play run's match description (null otherwise)
  TaskValues taskValues;  // the task over the env's defaults (set by readStoredRunConfig)
  TaskValues evalTaskValues;  // what its evaluations play: taskValues with eval.task over it

  /// Whether this is a people's match rather than a training run.
  bool isPlay() const { return !training.has_value(); }

  /// Reads a stored config_json; throws ConfigError naming the field (or saying it is not JSON).
  static StoredRunConfig parse(const std::string& configJson);
  /// The stored config of a people's match (what parse reads back as a play run).
  static nlohmann::json playConfig(const std::string& env, const nlohmann::json& envConfig,
                                   const nlohmann::json& task, uint64_t seed,
                                   const nlohmann::json& match);
};

/// Parses and validates `run`'s config: JSON, every field, a registered env that accepts its env
/// config, and the task (taskValues). Throws StoreError "run N's stored config is not valid:
/// <problem>".
StoredRunConfig readStoredRunConfig(const RunInfo& run);

}  // namespace palaestra

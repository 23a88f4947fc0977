#pragma once
// The full configuration of a training run, as stored with the run (config
// JSON). A preset is a TrainConfig in JSON; --config files and command-line
// flags override parts of it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "env/TaskSpace.h"
#include "rl/PpoConfig.h"
#include "util/ConfigFieldDoc.h"

namespace palaestra {

struct EvalConfig {
  int everySteps = 250000;  // evaluate (and checkpoint) every this many env steps
  int episodes = 10;        // deterministic episodes per evaluation during training
  int finalEpisodes = 20;   // deterministic episodes of the final evaluation (and of the
                            // best-checkpoint selection's evaluations)
  int bestCandidates = 3;   // checkpoints with the best periodic evaluations that the selection
                            // re-evaluates with finalEpisodes episodes (0: only the final one)
  nlohmann::json task = nlohmann::json::object();  // overrides of the run's task for evaluations
                                                   // and test sets (e.g. self play evaluated
                                                   // against the CPU: {"cpu_level": 8})
};

struct EpisodeKeepConfig {
  bool eval = true;             // keep every evaluation episode
  bool bestAndLast = true;      // keep the best and the last training episode of each interval
  double sampleRate = 0.002;    // and this share of the other training episodes
};

/// A policy slot driven by a stored checkpoint instead of the learner.
struct FrozenSlotConfig {
  int64_t run = 0;                  // the run whose checkpoint drives the slot
  std::string checkpoint = "best";  // "best" (its result, else its best evaluated so far),
                                    // "latest", or a checkpoint id as a decimal string
};

struct TrainConfig {
  std::string env;                      // registry name
  nlohmann::json envConfig = nlohmann::json::object();  // passed to the env factory
  nlohmann::json task = nlohmann::json::object();       // fixed task {name: value}; empty = defaults
  PpoConfig ppo;
  std::optional<uint64_t> maxSteps;     // budget in env steps
  std::optional<double> maxMinutes;     // budget in wall-clock minutes
  uint64_t seed = 1;
  int threads = 0;                      // 0 = all cores
  EvalConfig eval;
  EpisodeKeepConfig keep;
  std::map<std::string, FrozenSlotConfig> frozenSlots;  // slot name -> its frozen checkpoint
  std::string learnSlot;  // with frozen slots: the slot PPO learns (empty: the first not frozen)
  nlohmann::json curriculum = nullptr;  // the "curriculum" section; null: `task` every episode
  nlohmann::json testSet = nullptr;     // the "test_set" section; null: no test set
  nlohmann::json opponents = nullptr;   // the "opponents" section (OpponentsSection); null: none

  /// Parses and validates a full config; throws ConfigError naming the field and the problem.
  static TrainConfig fromJson(const nlohmann::json& json);
  /// The config as JSON (what the store keeps; fromJson(toJson()) gives the same config).
  nlohmann::json toJson() const;
  /// The fixed task as values of `tasks` (defaults where unset); throws ConfigError ("task: ...").
  TaskValues taskValues(const TaskSpace& tasks) const;
  /// The task evaluations and test sets play: the fixed task with eval.task over it; throws
  /// ConfigError ("eval.task: ...").
  TaskValues evalTaskValues(const TaskSpace& tasks) const;
  /// The meaning of every field of toJson() (ppo.* included; env_config's fields are the env's, see
  /// EnvInfo::configDocs): the one source of the New-run form's tooltips and docs/configuration.md.
  static const std::vector<ConfigFieldDoc>& docs();
};

/// `config` as a new run stores it: its env config with the env's defaults written out
/// (EnvInfo::canonicalConfig); throws ConfigError for an unknown env or a bad env config.
TrainConfig configForNewRun(TrainConfig config);

/// Merges `overrides` into `base` recursively (objects merge, everything else replaces).
nlohmann::json mergeConfig(nlohmann::json base, const nlohmann::json& overrides);

}  // namespace palaestra

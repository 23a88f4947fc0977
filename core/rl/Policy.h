#pragma once
// A trained (or training) PPO policy as one self-contained value: spaces,
// architecture, observation-normaliser statistics and network weights.
// act() is const and allocates its own scratch, so copies can run on other
// threads (a viewer runs a snapshot while training goes on).

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "env/Space.h"
#include "nn/RunningMeanStd.h"
#include "rl/ActorCritic.h"
#include "rl/PolicyArchitecture.h"
#include "util/Rng.h"

namespace palaestra {

class Policy {
 public:
  /// Newest version serialize() writes (2: spaces carry their quantum; a policy whose spaces
  /// have none is written as version 1); deserialize() reads versions 1 and 2.
  static constexpr uint32_t kFormatVersion = 2;

  /// A freshly initialised policy (CleanRL init drawn from `initSeed`); throws ConfigError on unusable spaces.
  Policy(Space observationSpace, Space actionSpace, PolicyArchitecture architecture, uint64_t initSeed);

  /// Observation space (per agent).
  const Space& observationSpace() const { return observationSpace_; }
  /// Action space (per agent).
  const Space& actionSpace() const { return actionSpace_; }
  /// Network shape and action/observation handling.
  const PolicyArchitecture& architecture() const { return architecture_; }
  /// Floats per observation row.
  int obsDim() const { return observationSpace_.size(); }
  /// Floats per action row (both raw and as sent to the env).
  int actionDim() const { return actionSpace_.size(); }

  /// Writes rows x actionDim env actions for rows x obsDim raw observations; deterministic = mean (bounded) / argmax.
  void act(const float* obs, int rows, bool deterministic, Rng& rng, float* actionsForEnv) const;
  /// As act() sampling, row r drawing from its own stream rngs[r] (one forward pass for all).
  void actSampling(const float* obs, int rows, Rng* const* rngs, float* actionsForEnv) const;
  /// Writes the critic's value estimate of each of `rows` raw observations.
  void values(const float* obs, int rows, float* out) const;
  /// Normalises and clips raw observations with the current statistics (a copy if normalisation is off).
  void normalizeObservations(const float* obs, int rows, float* out) const;
  /// Maps raw actions (Gaussian samples or choices) to what the env receives (clipped or tanh-squashed,
  /// then rounded to the action space's quantum).
  void toEnvActions(const float* rawActions, int rows, float* actionsForEnv) const;

  /// The networks.
  const ActorCritic& model() const { return model_; }
  /// The networks (the trainer updates their parameters).
  ActorCritic& model() { return model_; }
  /// Observation statistics used by normalizeObservations.
  const RunningMeanStd& observationStats() const { return obsStats_; }
  /// Observation statistics (the trainer updates them while collecting).
  RunningMeanStd& observationStats() { return obsStats_; }

  /// An independent copy (for a viewer or evaluation thread).
  Policy copy() const { return *this; }
  /// Self-contained bytes: magic, version, size, checksum, then spaces, architecture, statistics, weights.
  std::vector<uint8_t> serialize() const;
  /// Rebuilds a policy from serialize() bytes; throws StoreError naming the problem on corrupt or foreign data.
  static Policy deserialize(std::span<const uint8_t> bytes);

 private:
  Policy() = default;
  void validate() const;
  // Normalises, runs the actor, lets `choose` pick raw actions from the forward pass, and maps
  // them to env actions: what act() and actSampling() share.
  void actWith(const float* obs, int rows, float* actionsForEnv,
               const std::function<void(const ActorCritic::Workspace&, float*)>& choose) const;

  Space observationSpace_, actionSpace_;
  PolicyArchitecture architecture_;
  ActorCritic model_;
  RunningMeanStd obsStats_;
};

}  // namespace palaestra

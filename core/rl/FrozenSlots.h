#pragma once
// Policy slots driven by frozen policies: while PPO learns one slot, the agents
// of the other slots act with fixed policies from stored checkpoints (a frozen
// swarm, a frozen fight opponent). A frozen policy acts deterministically (its
// mean or argmax) with its own observation normaliser, which it never updates:
// the learner then faces one fixed, reproducible opponent, the same one its
// evaluations face, and the frozen rows draw nothing from the learner's random
// stream. Their actions go into the action log like any other, so replays need
// no policy.

#include <memory>
#include <string>
#include <vector>

#include "env/Env.h"
#include "rl/Policy.h"

namespace palaestra {

class FrozenSlots {
 public:
  /// No frozen slot: the learning policy drives every agent.
  FrozenSlots() = default;
  /// Slot i of `spec` driven by policies[i] (null: by the learner); throws ConfigError naming the
  /// slot when a policy's spaces differ from the env's or the sizes disagree.
  FrozenSlots(const EnvSpec& spec, std::vector<std::shared_ptr<const Policy>> policies);

  /// Whether any slot is frozen.
  bool any() const { return frozenAgents_ > 0; }
  /// Whether agent `agent` of an env is driven by a frozen policy.
  bool isFrozenAgent(int agent) const;
  /// The frozen policy of slot `slot`, or null.
  const Policy* policyOfSlot(int slot) const;
  /// Overwrites the actions of every frozen agent in `envs` envs' rows (agent-major within an env)
  /// with its frozen policy's deterministic action for the raw observations `rawObs`, quantised.
  void act(const float* rawObs, int envs, float* actions) const;

 private:
  std::vector<std::shared_ptr<const Policy>> policies_;  // per slot
  std::vector<int> slotOfAgent_;
  Space actionSpace_;
  int obsDim_ = 0, actDim_ = 0, frozenAgents_ = 0;
};

/// Whether two spaces are the same (kind, bounds, counts and quantum).
bool sameSpace(const Space& a, const Space& b);

}  // namespace palaestra

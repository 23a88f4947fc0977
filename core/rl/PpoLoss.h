#pragma once
// The clipped PPO loss of CleanRL's ppo_continuous_action.py and its exact
// gradient, for one shard of a minibatch. A minibatch split into shards gives
// the same loss as a whole: every shard divides by the minibatch size, and the
// caller sums the shards' gradients in a fixed order.

#include <vector>

#include "rl/ActorCritic.h"

namespace palaestra {

struct PpoLossSettings {
  double clipCoef = 0.2;
  bool clipValueLoss = true;
  double entCoef = 0.0;
  double vfCoef = 0.5;
};

/// The samples of one shard (row-major, `rows` each); advantages already normalised if wanted.
template <typename S>
struct PpoSamples {
  const S* obs = nullptr;         // rows x obsDim (normalised observations as the policy saw them)
  const S* actions = nullptr;     // rows x actionDim raw actions
  const S* oldLogProb = nullptr;  // rows
  const S* advantages = nullptr;  // rows
  const S* returns = nullptr;     // rows
  const S* oldValues = nullptr;   // rows
  int rows = 0;
};

/// Shard sums; divide by the minibatch size for the means CleanRL reports.
struct PpoLossSums {
  double policyLoss = 0;   // sum of max(-A r, -A clip(r))
  double valueLoss = 0;    // sum of 0.5 max((v-R)^2, (v_clipped-R)^2) (or 0.5 (v-R)^2)
  double entropy = 0;      // sum of entropies
  double oldApproxKl = 0;  // sum of -log r
  double approxKl = 0;     // sum of (r - 1) - log r
  double clipped = 0;      // count of |r - 1| > clip
  /// Adds another shard's sums.
  void add(const PpoLossSums& o);
  /// loss = (policy - entCoef * entropy + vfCoef * value) / n.
  double loss(const PpoLossSettings& s, int n) const;
};

/// Per-thread scratch for ppoLossAndGradient.
template <typename S>
struct PpoLossScratch {
  typename ActorCriticT<S>::Workspace ws;
  std::vector<S> dLogProb, dEntropy, dValue;
};

/// Computes the shard's loss sums and adds d(loss)/d(params) to `grad`, where loss means are over `minibatchSize`.
template <typename S>
PpoLossSums ppoLossAndGradient(const ActorCriticT<S>& model, const PpoLossSettings& settings,
                               const PpoSamples<S>& samples, int minibatchSize, PpoLossScratch<S>& scratch, S* grad);

/// CleanRL's per-minibatch advantage normalisation: (a - mean) / (unbiased std + 1e-8), in place.
template <typename S>
void normalizeAdvantages(S* advantages, int n);

}  // namespace palaestra

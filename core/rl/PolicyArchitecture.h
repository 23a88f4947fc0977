#pragma once
// What a policy network looks like and how its outputs reach the env: the
// part of the PPO config a Policy must carry to be rebuilt from bytes.

#include <string>
#include <vector>

#include "nn/Activation.h"

namespace palaestra {

/// How a Gaussian action sample is brought into the action box. Either way the log-probs PPO uses are those of
/// the unbounded sample: for clip that is CleanRL's ClipAction semantics; for tanh the Jacobian of the squash is
/// the same under the old and the new policy for a stored sample, so it cancels in the PPO ratio (the entropy
/// bonus is then the unsquashed Gaussian's, a common approximation).
enum class ActionBounding {
  Clip,  // the env receives clip(sample, low, high); log-probs are of the unclipped sample (gym ClipAction)
  Tanh,  // the env receives low + (tanh(sample) + 1) / 2 * (high - low); needs finite bounds
};

/// "clip" or "tanh".
std::string actionBoundingName(ActionBounding b);
/// Parses "clip" or "tanh"; throws ConfigError naming `field` otherwise.
ActionBounding parseActionBounding(const std::string& name, const std::string& field = "action_bounding");

struct PolicyArchitecture {
  std::vector<int> hiddenSizes{64, 64};               // widths of the actor's and the critic's hidden layers
  Activation activation = Activation::Tanh;           // hidden activation of both networks
  double initLogStd = 0.0;                            // initial log std of the Gaussian head
  ActionBounding actionBounding = ActionBounding::Clip;
  bool normalizeObservations = true;                  // normalise by running mean/std, then clip
  double observationClip = 10.0;                      // clip of normalised observations
};

}  // namespace palaestra

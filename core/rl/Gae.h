#pragma once
// Generalised advantage estimation over a rollout laid out step-major
// (index t * streams + k), with CleanRL's convention: dones[t] says whether
// observation t starts a new episode, so step t-1 does not bootstrap into it.

namespace palaestra {

/// Fills advantages and returns (= advantages + values) for `steps` x `streams` samples.
/// nextValues / nextDones describe the observation after the last step.
void computeGae(int steps, int streams, const float* rewards, const float* values, const float* dones,
                const float* nextValues, const float* nextDones, double gamma, double lambda, float* advantages,
                float* returns);

}  // namespace palaestra

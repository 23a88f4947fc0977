#pragma once
// Everything needed to re-simulate one episode exactly and check it: seed,
// task, the action log and the state hash after reset and after every step.

#include <cstdint>
#include <vector>

#include "env/Env.h"

namespace palaestra {

struct EpisodeRecord {
  uint64_t seed = 0;
  TaskValues task;
  int envIndex = 0;             // which env of the batch ran it
  uint64_t episodeIndex = 0;    // episode number within that env
  int length = 0;               // steps taken
  int actionSize = 0;           // floats per step (numAgents x action size)
  std::vector<float> actions;   // length x actionSize, exactly as passed to Env::step
  std::vector<uint64_t> hashes; // length + 1: after reset, then after each step
  std::vector<double> slotReturns;  // undiscounted return per policy slot (mean over its agents)
  bool terminated = false;
  bool truncated = false;
  EpisodeInfo info;

  /// Return of the first policy slot (the learner's, for one-agent envs).
  double episodeReturn() const { return slotReturns.empty() ? 0.0 : slotReturns[0]; }
};

}  // namespace palaestra

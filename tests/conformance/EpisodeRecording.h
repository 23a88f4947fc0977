#pragma once
// Records episodes the way core/env/VecEnv.cpp does (state hash after reset and
// after every step), for tests that need stored, replayable episodes without
// training a policy.

#include <climits>
#include <cstdint>
#include <functional>

#include "env/Env.h"
#include "replay/EpisodeRecord.h"

namespace palaestra::testing {

/// Fills the action of step `step` (numAgents x actionSpace.size() floats).
using ActionChooser = std::function<void(int step, float* action)>;

/// Plays one episode of `env` on `task` from `seed` with the actions `choose` gives, until the env
/// ends it or `maxSteps` steps have run, and returns its record (return, outcome, hashes).
EpisodeRecord recordEpisode(Env& env, uint64_t seed, const TaskValues& task, const ActionChooser& choose,
                            int maxSteps = INT_MAX);

}  // namespace palaestra::testing

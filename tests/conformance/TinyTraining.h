#pragma once
// A preset shrunk to seconds for tests that train for real: 2 envs, rollouts of 64 steps, one
// epoch over 2 minibatches, a step budget and small evaluations.

#include <cstdint>

#include <nlohmann/json.hpp>

namespace palaestra::testing {

/// `preset` of `env` with 2 envs x 64 steps per iteration, `steps` budget, an evaluation of
/// `evalEpisodes` episodes every `evalEvery` steps and a final one of `finalEpisodes`.
nlohmann::json tinyTrainingConfig(const std::string& env, const std::string& preset, int64_t steps,
                                  int evalEvery, int evalEpisodes, int finalEpisodes);

}  // namespace palaestra::testing

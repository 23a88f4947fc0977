#pragma once
// Small, fast training configs and store options shared by suites that train for real (metrics,
// checkpoints, eval episodes) in a second or two: 2 envs, rollouts of 64 steps, one epoch; and
// the task space the curriculum suites choose tasks in.

#include <cstdint>

#include <nlohmann/json.hpp>
#include <string>

#include "env/TaskSpace.h"
#include "store/RunStore.h"

namespace palaestra::testing {

/// `preset` of `env` with 2 envs x 64 steps per iteration, `steps` budget, an evaluation of
/// `evalEpisodes` episodes every `evalEvery` steps and a final one of `finalEpisodes`.
nlohmann::json tinyTrainingConfig(const std::string& env, const std::string& preset, int64_t steps,
                                  int evalEvery, int evalEpisodes, int finalEpisodes);

/// The walker's default preset as above with one eval episode every `evalEvery` steps, 1 thread.
nlohmann::json tinyWalkerConfig(int64_t steps, int64_t evalEvery, uint64_t seed = 1);

/// A 20-agent Vicsek swarm (16-step episodes, task noise 0.2) with 2 envs x 32 steps, a
/// 16-unit network, `steps` budget, one-episode evaluations every 256 steps; `threads`, `seed`.
/// What the curriculum suites add their sections to.
nlohmann::json tinySwarmConfig(int64_t steps, int threads, uint64_t seed);

/// A Stump-Tracks-like task space for curriculum suites: stump_height [0, 3] (default 0),
/// obstacle_spacing [0, 6] (default 6) and a whole-valued level [1, 8] (default 1).
TaskSpace stumpTaskSpace();

/// Store options for tests: short busy timeout, quick batched writes.
RunStore::Options fastStoreOptions();

/// The fight env config of the tiny league learners: two players, short rounds.
nlohmann::json tinyFightLeagueEnvConfig();
/// A fight league config (LeagueConfig JSON of `kind`) whose learners train in well under a
/// second: 2 rounds of 512 env steps, 2 envs x 32 steps per iteration, the CPU of characters 0
/// and 1 at level 8 as env members (a fifth of the main agent's games in a league).
nlohmann::json tinyFightLeagueConfig(const std::string& kind);

}  // namespace palaestra::testing

#pragma once
// Ratings of stored fight agents: a cross-play round robin (core/league/CrossPlay.h) of stored
// checkpoints against each other and against the CPU of every character at the chosen levels
// (CPU against CPU through the tournament's round robin), Elo fitted to all of it
// (core/league/EloRating.h) with the CPU entrants averaging 1500, and the payoff matrix. The
// checkpoints play in two-player mode with the action settings of most of their runs; a
// checkpoint trained with other settings is left out, with the reason.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/RunStore.h"

namespace palaestra::fight {

struct FightRatingRequest {
  std::optional<int64_t> leagueId;  // rate this league's members
  std::vector<int64_t> runs;        // else these runs' checkpoints (empty: every fight checkpoint)
  std::vector<int> cpuLevels = {1, 2, 3, 4, 5, 6, 7, 8};  // CPU entrants (every character)
  int matchesPerSide = 2;
  uint64_t seed = 1;
  int threads = 0;
};

/// Plays and fits the rating of `request`; the result (entrants with their Elo, games and
/// score, the payoff and games matrices, the excluded checkpoints with reasons, timings) is
/// stored in the store's ratings and returned with its "rating_id". Throws ConfigError for an
/// unknown league or run, a non-fight run, or fewer than two entrants.
nlohmann::json rateFightAgents(RunStore& store, const FightRatingRequest& request,
                               const std::function<void(const std::string&)>& log = {});

/// The rating scope name of a request ("league 3", "runs 4,5" or "all").
std::string ratingScope(const FightRatingRequest& request);

}  // namespace palaestra::fight

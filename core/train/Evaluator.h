#pragma once
// Deterministic evaluation of a policy: a fixed set of episodes (seeds derived
// from the run seed, so every evaluation of a run plays the same episodes),
// spread over the thread pool, each recorded for replay.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "env/Env.h"
#include "replay/EpisodeRecord.h"
#include "rl/FrozenSlots.h"
#include "rl/Policy.h"
#include "util/ThreadPool.h"

namespace palaestra {

struct EvalResult {
  std::vector<EpisodeRecord> episodes;  // in episode order
  double meanReturn = 0.0;
  double stdReturn = 0.0;     // population standard deviation of the returns
  double medianReturn = 0.0;  // middle return (mean of the two middle ones for an even count)
  double fallRate = 0.0;      // share of episodes whose outcome is "fell" (the walker's falls)
  double successRate = 0.0;
  double successReturn =
      0.0;  // the env's EnvSpec::successReturn, which successRate used  // share of episodes with
            // EpisodeInfo "success" > 0.5, or else return > EnvSpec::successReturn
};

/// Outcome name of an episode that ended by falling (EpisodeInfo::outcome), counted by fallRate.
inline constexpr const char* kFellOutcome = "fell";

/// Mean, std, median, fall and success rates of `result.episodes` (as evaluatePolicy fills them),
/// over the returns of policy slot `learnerSlot`.
void summarizeEvaluation(EvalResult& result, double successReturn, int learnerSlot = 0);

/// Mean over `episodes` of each named value of their EpisodeInfo (over the episodes that have it).
std::map<std::string, double> meanEpisodeMetrics(const std::vector<EpisodeRecord>& episodes);

/// Seed of evaluation episode k of a run with seed `runSeed` (disjoint from training seeds).
uint64_t evalEpisodeSeed(uint64_t runSeed, int episode);

/// Plays `episodes` deterministic episodes of `policy` on envs made by `makeEnv`, on `task`; agents
/// of `frozen` slots act with their frozen policies, and the figures are slot `learnerSlot`'s.
EvalResult evaluatePolicy(const std::function<EnvPtr()>& makeEnv, const Policy& policy,
                          const TaskValues& task, int episodes, uint64_t runSeed,
                          ThreadPool& pool, const FrozenSlots& frozen = {}, int learnerSlot = 0);
/// As evaluatePolicy, `episodesPerTask` episodes on each of `tasks` (episodes task by task, each
/// task's on the same seeds), all spread over the pool at once.
EvalResult evaluatePolicyOnTasks(const std::function<EnvPtr()>& makeEnv, const Policy& policy,
                                 const std::vector<TaskValues>& tasks, int episodesPerTask,
                                 uint64_t runSeed, ThreadPool& pool, const FrozenSlots& frozen,
                                 int learnerSlot);

/// Return of policy slot `slot` in episode `e` (0 if it has no such slot).
double episodeSlotReturn(const EpisodeRecord& e, int slot);
/// Whether episode `e` succeeded: EpisodeInfo "success" > 0.5 where the env gives it, else slot
/// `slot`'s return above `successReturn`.
bool episodeSucceeded(const EpisodeRecord& e, double successReturn, int slot);

}  // namespace palaestra

#pragma once
// Cross-play: every pair of entrants plays a fixed set of matches in a two-player env (slot 0 =
// P1, slot 1 = P2), all matches stepped in lockstep so that each policy acts on one batch per
// step (its rows of every match in flight), envs stepped on the thread pool. An entrant is a
// stored policy, which plays either side, or an opponent the env drives through the task (the
// fight's CPU), which plays P2 only. Match seeds derive from the seed and the match's place in
// the schedule: the results do not depend on the thread count.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "env/Env.h"
#include "rl/Policy.h"
#include "util/ThreadPool.h"

namespace palaestra {

struct CrossPlayEntrant {
  std::string name;
  std::shared_ptr<const Policy> policy;   // null: the env drives it through asP2 (P2 only)
  std::map<std::string, double> asP1;     // task values when it plays P1 (e.g. its character)
  std::map<std::string, double> asP2;     // task values when it plays P2
};

struct CrossPlayResult {
  std::vector<std::vector<int64_t>> games;  // [i][j]: matches between i and j (both sides)
  std::vector<std::vector<double>> score;   // [i][j]: i's summed score against j (win 1, draw 1/2)
  int64_t matches = 0;
  int64_t steps = 0;
  double seconds = 0.0;
};

/// Plays every pair of `entrants` that can meet (two env-driven entrants cannot) `matchesPerSide`
/// times on each side it can play, with envs made by `makeEnv` (a two-agent env whose episode
/// info says "win", "loss" or "draw" from P1's view). With `sampleActions` the policies sample
/// their actions (each match from its own stream), else take the most likely one: in a
/// deterministic game two deterministic policies play every match alike. `progress` sees
/// (matches done, total).
CrossPlayResult runCrossPlay(const std::function<EnvPtr()>& makeEnv,
                             const std::vector<CrossPlayEntrant>& entrants, int matchesPerSide,
                             uint64_t seed, ThreadPool& pool, bool sampleActions,
                             const std::function<void(int64_t, int64_t)>& progress = {});

}  // namespace palaestra

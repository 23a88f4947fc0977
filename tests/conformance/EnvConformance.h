#pragma once
// The shared env conformance check: what every Palaestra environment must
// honour (spaces, episode limits, determinism, snapshots, replays, scenes,
// task validation). Call it from a Qt Test slot; failures are reported with
// QTest's own machinery at the first violated property.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "env/Env.h"
#include "util/Rng.h"

namespace palaestra::testing {

struct ConformanceOptions {
  uint64_t seed = 20240611;  // base seed of every episode the check runs
  /// Full random-action episodes run to their end per checked task (default, low and high corners).
  int episodesPerTask = 1;
  /// Cap on steps compared in the determinism, snapshot and replay checks.
  int comparedSteps = 120;
  /// Step at which the mid-episode snapshot is taken (clamped to the episode's length).
  int snapshotStep = 40;
  /// Extra tasks to run random episodes on (each must be valid).
  std::vector<TaskValues> extraTasks;
  /// When set, the first failure is written here instead of being reported to QTest
  /// (lets a test assert that a defective env is caught).
  std::string* failure = nullptr;
};

/// Checks every contract property on envs built by `makeEnv` (each call must return a fresh env
/// of the same kind and config). Returns true when all checks pass; on failure QTest has
/// recorded it (or options.failure holds it) and the function returned early.
bool checkEnvConformance(const std::function<EnvPtr()>& makeEnv,
                         const ConformanceOptions& options = {});

/// Draws one random value inside `space` (box: uniform within finite bounds, standard normal
/// where unbounded, then rounded to the quantum if the space has one; discrete and
/// multi-discrete: uniform whole choices) into `out`.
void sampleAction(const Space& space, Rng& rng, float* out);

}  // namespace palaestra::testing

#pragma once
// The training config a run was stored with, read back for evaluation,
// replay, watching and comparing. A stored config that does not parse or
// validate is a problem of the store (a damaged or hand-edited file, or a run
// of a simulation this build lacks), not of the user's input: it is a
// StoreError naming the run, the field and the problem.

#include "env/Env.h"
#include "store/RunRecords.h"
#include "train/TrainConfig.h"

namespace palaestra {

/// A stored run's config and its fixed task, both validated against the env.
struct StoredRunConfig {
  TrainConfig config;
  TaskValues task;  // the config's task over the env's defaults
};

/// Parses and validates `run`'s config: JSON, every field, a registered env that accepts its env
/// config, and the task. Throws StoreError "run N's stored config is not valid: <problem>".
StoredRunConfig readStoredRunConfig(const RunInfo& run);

}  // namespace palaestra

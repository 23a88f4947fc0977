#pragma once
// Picks a run's result: its best checkpoint by evaluation. Evaluations during training use few
// episodes (10 by default: a walker's returns scatter by 40 when it sometimes falls, so a
// 10-episode mean is only good to about +-12), so the highest of many such means is mostly luck.
// The selection therefore re-evaluates the few most promising checkpoints, and the final one,
// with the final evaluation's episode count (100 by default, +-4) on the same fixed seeds, and
// marks the one with the highest mean "best" in the store.

#include <cstdint>
#include <functional>
#include <optional>

#include "store/RunStore.h"
#include "train/CheckpointMeta.h"
#include "train/Evaluator.h"

namespace palaestra {

struct BestCheckpointChoice {
  int64_t checkpointId = 0;
  int64_t step = 0;
  EvalFigures eval{};           // its evaluation over the selection's episodes
  int candidatesEvaluated = 0;  // checkpoints re-evaluated for the choice (reused ones excluded)
};

/// Re-evaluates the `candidates` checkpoints of `runId` with the highest eval mean return (those
/// already evaluated with `episodes` episodes, like `finalCheckpointId` whose evaluation is
/// `finalEval`, are not played again), stores each selection evaluation in its checkpoint's meta,
/// and marks the best (removing the mark from any other checkpoint of the run). Episodes are
/// played with `makeEnv` on `task`, seeds from `runSeed` as every evaluation of the run, with the
/// run's `frozen` slots and figures of its `learnerSlot`.
BestCheckpointChoice selectBestCheckpoint(RunStore& store, int64_t runId,
                                          const std::function<EnvPtr()>& makeEnv,
                                          const TaskValues& task, uint64_t runSeed, int episodes,
                                          int candidates, ThreadPool& pool,
                                          int64_t finalCheckpointId, const EvalResult& finalEval,
                                          const FrozenSlots& frozen = {}, int learnerSlot = 0);

}  // namespace palaestra

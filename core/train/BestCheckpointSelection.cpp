#include "train/BestCheckpointSelection.h"

#include <algorithm>
#include <cmath>

#include "rl/Policy.h"

namespace palaestra {

namespace {

EvalFigures figuresOf(const EvalResult& eval, int episodes) {
  return {eval.meanReturn, eval.stdReturn,   eval.medianReturn,
          eval.fallRate,   eval.successRate, episodes};
}

}  // namespace

BestCheckpointChoice selectBestCheckpoint(RunStore& store, int64_t runId,
                                          const std::function<EnvPtr()>& makeEnv,
                                          const TaskValues& task, uint64_t runSeed, int episodes,
                                          int candidates, ThreadPool& pool,
                                          int64_t finalCheckpointId, const EvalResult& finalEval,
                                          const FrozenSlots& frozen, int learnerSlot) {
  std::vector<CheckpointInfo> checkpoints = store.checkpoints(runId);
  // The candidates: the final checkpoint, then the others by their own evaluation, best first.
  std::vector<CheckpointInfo> others;
  for (const CheckpointInfo& c : checkpoints)
    if (c.id != finalCheckpointId && !std::isnan(evalMeanReturnOf(c.metaJson))) others.push_back(c);
  std::stable_sort(others.begin(), others.end(),
                   [](const CheckpointInfo& a, const CheckpointInfo& b) {
                     return evalMeanReturnOf(a.metaJson) > evalMeanReturnOf(b.metaJson);
                   });
  if (static_cast<int>(others.size()) > candidates) others.resize(static_cast<size_t>(candidates));

  BestCheckpointChoice choice;
  auto consider = [&](const CheckpointInfo& c, const EvalFigures& eval) {
    if (choice.checkpointId == 0 || eval.meanReturn > choice.eval.meanReturn) {
      choice.checkpointId = c.id;
      choice.step = c.step;
      choice.eval = eval;
    }
  };
  for (const CheckpointInfo& c : checkpoints)
    if (c.id == finalCheckpointId) {
      store.updateCheckpointMeta(
          c.id,
          withSelectionEval(nlohmann::json::parse(c.metaJson, nullptr, false), finalEval, episodes)
              .dump());
      consider(c, figuresOf(finalEval, episodes));
    }
  for (const CheckpointInfo& c : others) {
    // A selection of an earlier session of this run (before a resume) may have evaluated it.
    if (auto known = selectionEvalOf(c.metaJson); known && known->episodes == episodes) {
      consider(c, *known);
      continue;
    }
    const Policy policy = Policy::deserialize(store.loadCheckpoint(c.id).policy);
    const EvalResult eval =
        evaluatePolicy(makeEnv, policy, task, episodes, runSeed, pool, frozen, learnerSlot);
    store.updateCheckpointMeta(
        c.id, withSelectionEval(nlohmann::json::parse(c.metaJson, nullptr, false), eval, episodes)
                  .dump());
    consider(c, figuresOf(eval, episodes));
    ++choice.candidatesEvaluated;
  }
  // One mark per run: set it on the choice, take it off any other.
  for (const CheckpointInfo& c : store.checkpoints(runId)) {
    const bool best = c.id == choice.checkpointId;
    if (best != isBestCheckpoint(c.metaJson))
      store.updateCheckpointMeta(
          c.id, withBestMark(nlohmann::json::parse(c.metaJson, nullptr, false), best).dump());
  }
  return choice;
}

}  // namespace palaestra

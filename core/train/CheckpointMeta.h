#pragma once
// The small JSON stored with each checkpoint: its evaluation, and once a run has picked its
// result, which checkpoint is the best. Written by the training session, read by the CLI, the
// run browser and the app.
//
//   {"eval_mean_return", "eval_std_return", "eval_median_return", "eval_fall_rate",
//    "eval_success_rate", "eval_episodes"}          the evaluation made when it was saved
//   "selection": {"mean_return", ..., "episodes"}    the larger evaluation of the best-checkpoint
//                                                    selection, for the candidates it re-evaluated
//   "best": true                                     the run's result (one checkpoint per run)

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/RunRecords.h"
#include "train/Evaluator.h"

namespace palaestra {

/// One evaluation's figures as a checkpoint's meta keeps them (NaN where the meta has none).
struct EvalFigures {
  double meanReturn;
  double stdReturn;
  double medianReturn;
  double fallRate;
  double successRate;
  int episodes = 0;
};

/// The meta JSON of a checkpoint evaluated with `eval` over `episodes` episodes.
nlohmann::json checkpointMeta(const EvalResult& eval, int episodes);
/// `meta` with the best-checkpoint selection's evaluation (`eval` over `episodes`) added.
nlohmann::json withSelectionEval(nlohmann::json meta, const EvalResult& eval, int episodes);
/// `meta` marked as the run's best checkpoint, or with the mark removed.
nlohmann::json withBestMark(nlohmann::json meta, bool best);

/// Eval mean return recorded in a checkpoint's meta JSON, or NaN when it has none.
double evalMeanReturnOf(const std::string& metaJson);
/// The evaluation made when the checkpoint was saved (NaN figures when the meta has none).
EvalFigures checkpointEvalOf(const std::string& metaJson);
/// The selection's evaluation, when the checkpoint was a candidate of the best-checkpoint choice.
std::optional<EvalFigures> selectionEvalOf(const std::string& metaJson);
/// The checkpoint's most reliable evaluation: the selection's when it has one, else its own.
EvalFigures bestKnownEvalOf(const std::string& metaJson);
/// Whether the meta marks the run's best checkpoint.
bool isBestCheckpoint(const std::string& metaJson);

/// What a run's checkpoints say about its result.
struct RunCheckpointSummary {
  /// The checkpoint marked best; for runs that have none marked (older stores, runs still
  /// training) the one with the highest eval mean return so far.
  std::optional<CheckpointInfo> best;
  bool bestIsMarked = false;
  EvalFigures bestEval{};  // bestKnownEvalOf(best)
  double lastEvalReturn;   // eval mean return of the latest checkpoint that has one (NaN if none)
};
/// Summarises a run's checkpoints (as RunStore::checkpoints lists them, by step).
RunCheckpointSummary summarizeCheckpoints(const std::vector<CheckpointInfo>& checkpoints);

}  // namespace palaestra

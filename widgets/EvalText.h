#pragma once
// How the app words evaluation figures and a run's result, the same in every view (run
// table tooltips, Inspector, comparison summary).

#include <QString>

#include "train/CheckpointMeta.h"

namespace palaestra {

/// "306.2 ± 1.7, median 306.5, fell 0.0% of 100 episodes" (figures the meta lacks are left out).
QString evalFiguresText(const EvalFigures& eval);
/// The run's result in one line: "best checkpoint 108 (step 6,500,000): 306.2 ± 1.7, ...", or for
/// runs that have not chosen one yet "best so far: ...", or "no evaluation yet".
QString runResultText(const RunCheckpointSummary& summary);

}  // namespace palaestra

#pragma once
// The small JSON stored with each checkpoint: its evaluation. Written by the
// training session, read by the CLI and the run browser.

#include <string>

#include <nlohmann/json.hpp>

#include "train/Evaluator.h"

namespace palaestra {

/// The meta JSON of a checkpoint evaluated with `eval` over `episodes` episodes.
nlohmann::json checkpointMeta(const EvalResult& eval, int episodes);
/// Eval mean return recorded in a checkpoint's meta JSON, or NaN when it has none.
double evalMeanReturnOf(const std::string& metaJson);

}  // namespace palaestra

#include "train/CheckpointMeta.h"

#include <cmath>
#include <limits>

namespace palaestra {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kSelection = "selection";
constexpr const char* kBest = "best";

nlohmann::json parseMeta(const std::string& metaJson) {
  auto meta = nlohmann::json::parse(metaJson, nullptr, false);
  return meta.is_object() ? meta : nlohmann::json::object();
}

double numberAt(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : kNaN;
}

// Reads the figures stored under `prefix` + name ("eval_" at the top level, "" in "selection").
EvalFigures figuresOf(const nlohmann::json& object, const std::string& prefix) {
  EvalFigures f{};
  f.meanReturn = numberAt(object, (prefix + "mean_return").c_str());
  f.stdReturn = numberAt(object, (prefix + "std_return").c_str());
  f.medianReturn = numberAt(object, (prefix + "median_return").c_str());
  f.fallRate = numberAt(object, (prefix + "fall_rate").c_str());
  f.successRate = numberAt(object, (prefix + "success_rate").c_str());
  const double episodes = numberAt(object, (prefix + "episodes").c_str());
  f.episodes = std::isnan(episodes) ? 0 : static_cast<int>(episodes);
  return f;
}

nlohmann::json figuresJson(const EvalResult& eval, int episodes, const std::string& prefix) {
  return {{prefix + "mean_return", eval.meanReturn},     {prefix + "std_return", eval.stdReturn},
          {prefix + "median_return", eval.medianReturn}, {prefix + "fall_rate", eval.fallRate},
          {prefix + "success_rate", eval.successRate},   {prefix + "episodes", episodes}};
}

}  // namespace

nlohmann::json checkpointMeta(const EvalResult& eval, int episodes) {
  return figuresJson(eval, episodes, "eval_");
}

nlohmann::json withSelectionEval(nlohmann::json meta, const EvalResult& eval, int episodes) {
  if (!meta.is_object()) meta = nlohmann::json::object();
  meta[kSelection] = figuresJson(eval, episodes, "");
  return meta;
}

nlohmann::json withBestMark(nlohmann::json meta, bool best) {
  if (!meta.is_object()) meta = nlohmann::json::object();
  if (best)
    meta[kBest] = true;
  else
    meta.erase(kBest);
  return meta;
}

double evalMeanReturnOf(const std::string& metaJson) {
  return numberAt(parseMeta(metaJson), "eval_mean_return");
}

EvalFigures checkpointEvalOf(const std::string& metaJson) {
  return figuresOf(parseMeta(metaJson), "eval_");
}

std::optional<EvalFigures> selectionEvalOf(const std::string& metaJson) {
  const nlohmann::json meta = parseMeta(metaJson);
  const auto it = meta.find(kSelection);
  if (it == meta.end() || !it->is_object()) return std::nullopt;
  return figuresOf(*it, "");
}

EvalFigures bestKnownEvalOf(const std::string& metaJson) {
  if (auto selection = selectionEvalOf(metaJson)) return *selection;
  return checkpointEvalOf(metaJson);
}

bool isBestCheckpoint(const std::string& metaJson) {
  const nlohmann::json meta = parseMeta(metaJson);
  const auto it = meta.find(kBest);
  return it != meta.end() && it->is_boolean() && it->get<bool>();
}

RunCheckpointSummary summarizeCheckpoints(const std::vector<CheckpointInfo>& checkpoints) {
  RunCheckpointSummary summary;
  summary.lastEvalReturn = kNaN;
  summary.bestEval = EvalFigures{kNaN, kNaN, kNaN, kNaN, kNaN, 0};
  double bestScore = kNaN;
  for (const CheckpointInfo& c : checkpoints) {
    const EvalFigures eval = bestKnownEvalOf(c.metaJson);
    const double own = evalMeanReturnOf(c.metaJson);
    if (!std::isnan(own)) summary.lastEvalReturn = own;
    if (summary.bestIsMarked) continue;
    if (isBestCheckpoint(c.metaJson)) {
      summary.best = c;
      summary.bestIsMarked = true;
      summary.bestEval = eval;
      continue;
    }
    if (!std::isnan(eval.meanReturn) && (std::isnan(bestScore) || eval.meanReturn > bestScore)) {
      bestScore = eval.meanReturn;
      summary.best = c;
      summary.bestEval = eval;
    }
  }
  return summary;
}

}  // namespace palaestra

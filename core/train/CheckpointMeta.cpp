#include "train/CheckpointMeta.h"

#include <limits>

namespace palaestra {

namespace {
constexpr const char* kEvalMeanReturn = "eval_mean_return";
}

nlohmann::json checkpointMeta(const EvalResult& eval, int episodes) {
  return {{kEvalMeanReturn, eval.meanReturn},
          {"eval_std_return", eval.stdReturn},
          {"eval_success_rate", eval.successRate},
          {"eval_episodes", episodes}};
}

double evalMeanReturnOf(const std::string& metaJson) {
  const auto meta = nlohmann::json::parse(metaJson, nullptr, false);
  if (meta.is_object() && meta.contains(kEvalMeanReturn) && meta[kEvalMeanReturn].is_number())
    return meta[kEvalMeanReturn].get<double>();
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace palaestra

#pragma once
// What one PPO iteration reports: named diagnostics in a fixed order, ready
// to be written as metrics.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "util/Errors.h"

namespace palaestra {

struct PpoIterationStats {
  bool interrupted = false;  // the stop callback ended the rollout early; no update was made
  int64_t iteration = 0;     // 1-based index of this iteration (CleanRL's `iteration`)
  uint64_t globalStep = 0;   // env steps taken so far (numEnvs per batch step)
  std::vector<std::pair<std::string, double>> values;  // named diagnostics, in a fixed order

  /// The value named `name`; throws NotFoundError if there is none.
  double value(const std::string& name) const {
    for (const auto& [n, v] : values)
      if (n == name) return v;
    throw NotFoundError("no PPO statistic named \"" + name + "\"");
  }
  /// Whether a value named `name` exists.
  bool has(const std::string& name) const {
    for (const auto& [n, v] : values)
      if (n == name) return true;
    return false;
  }
};

}  // namespace palaestra

#pragma once
// A fixed test set of tasks (TeachMyAgent's evaluation): a grid over some task parameters, every
// cell played by the policy deterministically at each checkpoint, and the share of cells it has
// mastered. The config section
//   "test_set": {"grid": {"stump_height": [0, 3, 10], "obstacle_spacing": [0, 6, 10]},
//                "episodes": 1, "mastered": {"return": 230}}
// gives each parameter's [low, high, count] (count values spaced evenly, both ends included);
// the other parameters keep the run's task. A cell is mastered when its mean return is above
// mastered.return, or (fights) when its win rate is at least mastered.win_rate.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "env/Env.h"
#include "rl/FrozenSlots.h"
#include "rl/Policy.h"
#include "util/ConfigFieldDoc.h"
#include "util/ThreadPool.h"

namespace palaestra {

/// How a policy did on a test set.
struct TestSetResult {
  std::vector<double> scores;  // per cell: its mean return, or its win rate
  std::vector<bool> mastered;  // per cell
  double masteredFraction = 0.0;
  double meanScore = 0.0;

  /// {"scores": [...], "mastered": [...], "mastered_fraction": f, "mean_score": s}.
  nlohmann::json toJson() const;
};

class TestSet {
 public:
  /// Most cells a test set may have.
  static constexpr int kMaxCells = 10000;

  /// Reads the section at `path` over `space`, other parameters from `base`; throws ConfigError
  /// naming the field (an unknown parameter, a range outside the parameter's, a bad count, both
  /// or neither mastery criterion, unknown keys).
  static TestSet fromJson(const nlohmann::json& section, const TaskSpace& space,
                          const TaskValues& base, const std::string& path = "test_set");

  /// The section with every default written out.
  const nlohmann::json& canonical() const { return canonical_; }
  /// The grid's parameter names, sorted by name (JSON objects keep no order); the first varies
  /// fastest over the cells.
  const std::vector<std::string>& params() const { return params_; }
  /// The cells' tasks (full tasks of the space), the first of params() varying fastest.
  const std::vector<TaskValues>& tasks() const { return tasks_; }
  /// Episodes played per cell.
  int episodes() const { return episodes_; }
  /// Whether mastery is by win rate (else by mean return).
  bool byWinRate() const { return byWinRate_; }

  /// Plays every cell `episodes()` times with `policy` (deterministic, seeds from `runSeed`) over
  /// `pool`, agents of `frozen` slots acting with their policies, scores from slot `learnerSlot`.
  TestSetResult evaluate(const std::function<EnvPtr()>& makeEnv, const Policy& policy,
                         uint64_t runSeed, ThreadPool& pool, const FrozenSlots& frozen,
                         int learnerSlot) const;
  /// Scores and mastery of episodes played as evaluate() plays them (cell-major).
  TestSetResult score(const std::vector<double>& returns, const std::vector<double>& wins) const;

  /// The meaning of each field of the section.
  static const std::vector<ConfigFieldDoc>& docs();

 private:
  nlohmann::json canonical_;
  std::vector<std::string> params_;
  std::vector<TaskValues> tasks_;
  int episodes_ = 1;
  bool byWinRate_ = false;
  double threshold_ = 0.0;
};

}  // namespace palaestra

#pragma once
// A hand-made curriculum: stages, each a sub-box of the task box where tasks are drawn uniformly,
// and a return threshold to pass it; the teacher moves to the next stage once the mean return of
// the last `window` episodes of the current stage reaches its threshold (the last stage stays).

#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "curriculum/TaskBox.h"
#include "curriculum/Teacher.h"
#include "util/ConfigFieldDoc.h"
#include "util/Rng.h"

namespace palaestra {

struct StagedConfig {
  struct Stage {
    std::vector<double> low, high;  // the stage's box in the unit cube of the task box
    double advanceAt = 0.0;         // mean return that passes the stage
  };
  std::vector<Stage> stages;
  int window = 20;

  /// Reads {"window": N, "stages": [{"bounds": {name: [low, high]}, "advance_at": R}, ...]}; a
  /// stage's bounds are task values inside `box`'s (parameters it omits span the box). Throws
  /// ConfigError naming the field.
  static StagedConfig fromJson(const nlohmann::json& json, const TaskBox& box,
                               const std::string& path);
  /// The stages as fromJson reads them, in task values of `box`.
  nlohmann::json toJson(const TaskBox& box) const;
  /// The meaning of each field.
  static const std::vector<ConfigFieldDoc>& docs();
};

class StagedTeacher final : public Teacher {
 public:
  /// A staged curriculum drawing from `seed`.
  StagedTeacher(StagedConfig config, uint64_t seed);

  /// "staged".
  std::string kind() const override { return "staged"; }
  /// A uniform task of the current stage.
  std::vector<double> sample() override;
  /// Counts the episode toward the current stage and advances when its window passes.
  void observe(const std::vector<double>& unit, double episodeReturn) override;
  /// Stage, its recent returns and the random stream.
  nlohmann::json state() const override;
  /// Continues from a state(); throws ConfigError when it is not a state of these stages.
  void restore(const nlohmann::json& state) override;

  /// The current stage and its box.
  nlohmann::json model() const override;
  /// Stages passed so far.
  int modelVersion() const override { return stage_; }

  /// The current stage (0-based).
  int stage() const { return stage_; }

 private:
  StagedConfig config_;
  Rng rng_;
  int stage_ = 0;
  std::deque<double> recent_;  // returns of the current stage's latest episodes
};

}  // namespace palaestra

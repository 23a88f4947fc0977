#pragma once
// Automatic domain randomisation (OpenAI et al. 2019, as TeachMyAgent runs it): tasks are uniform
// over a box that starts as one point (the start task) and moves boundary by boundary. With
// probability `boundary_probability` a task pins one randomly chosen boundary (one dimension at its
// low or high edge, the others uniform); the returns of such tasks queue per boundary, and when a
// queue holds `queue_length` returns their mean moves the boundary: outwards by `step` when at
// least `threshold_high`, inwards (never past the start) when below `threshold_low`.

#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "curriculum/Teacher.h"
#include "util/ConfigFieldDoc.h"
#include "util/Rng.h"

namespace palaestra {

struct AdrConfig {
  double boundaryProbability = 0.7;
  double step = 0.1;  // in units of the box's width per dimension
  double thresholdLow = 0.0, thresholdHigh = 180.0;
  int queueLength = 10;

  /// Reads the teacher's config section at `path` (unknown keys refused); throws ConfigError.
  static AdrConfig fromJson(const nlohmann::json& json, const std::string& path);
  /// Every field written out.
  nlohmann::json toJson() const;
  /// The meaning of each field.
  static const std::vector<ConfigFieldDoc>& docs();
};

class AdrTeacher final : public Teacher {
 public:
  /// A teacher whose box starts at unit-cube point `start`, drawing from `seed`.
  AdrTeacher(std::vector<double> start, const AdrConfig& config, uint64_t seed);

  /// "adr".
  std::string kind() const override { return "adr"; }
  /// The next task: a pinned boundary or uniform over the current box.
  std::vector<double> sample() override;
  /// Queues the return of a boundary task (matched to the sample that gave it) and moves that
  /// boundary when its queue is full; returns of tasks it did not sample are ignored.
  void observe(const std::vector<double>& unit, double episodeReturn) override;
  /// Box, queues, samples awaiting their return and the random stream.
  nlohmann::json state() const override;
  /// Continues from a state(); throws ConfigError when it is not an ADR state of this size.
  void restore(const nlohmann::json& state) override;

  /// The current box.
  nlohmann::json model() const override { return {{"box", {{"low", low_}, {"high", high_}}}}; }
  /// Boundary decisions taken so far (each full queue is one).
  int modelVersion() const override { return decisions_; }

  /// The current box's low edge per dimension (unit cube).
  const std::vector<double>& low() const { return low_; }
  /// The current box's high edge per dimension (unit cube).
  const std::vector<double>& high() const { return high_; }

 private:
  struct Pending {
    std::vector<double> unit;
    int boundary = -1;  // 2 * dimension + (1 for high), or -1 for a uniform task
  };

  std::vector<double> start_;
  AdrConfig config_;
  Rng rng_;
  std::vector<double> low_, high_;
  std::vector<std::vector<double>> queues_;  // per boundary
  std::deque<Pending> pending_;
  int decisions_ = 0;
};

}  // namespace palaestra

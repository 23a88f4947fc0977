#pragma once
// RIAC, robust intelligent adaptive curiosity (Baranes and Oudeyer 2009, as TeachMyAgent runs it):
// the unit cube is split into regions; each keeps its latest (task, competence) points up to
// `max_region_size`. A full region splits in two at the cut, among `split_attempts` random ones
// (a dimension and a position), that most separates the learning progress of the two halves;
// a region's learning progress is |mean competence of its newer half - of its older half|. Tasks
// come from a region chosen in proportion to its progress, uniform within it, except for
// `random_fraction` of them (and all while no region shows progress), uniform over the cube.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "curriculum/Teacher.h"
#include "util/ConfigFieldDoc.h"
#include "util/Rng.h"

namespace palaestra {

struct RiacConfig {
  int maxRegionSize = 150;
  int splitAttempts = 75;
  double minRegionWidth = 0.05;  // a cut leaves at least this width on each side (unit cube)
  double randomFraction = 0.2;
  double returnLow = -150.0, returnHigh = 350.0;

  /// Reads the teacher's config section at `path` (unknown keys refused); throws ConfigError.
  static RiacConfig fromJson(const nlohmann::json& json, const std::string& path);
  /// Every field written out.
  nlohmann::json toJson() const;
  /// The meaning of each field.
  static const std::vector<ConfigFieldDoc>& docs();
};

class RiacTeacher final : public Teacher {
 public:
  /// A teacher over a `dims`-dimensional box drawing from `seed`.
  RiacTeacher(int dims, const RiacConfig& config, uint64_t seed);

  /// "riac".
  std::string kind() const override { return "riac"; }
  /// The next task.
  std::vector<double> sample() override;
  /// Adds the episode to its region, splitting the region when it is full.
  void observe(const std::vector<double>& unit, double episodeReturn) override;
  /// Regions with their points, and the random stream.
  nlohmann::json state() const override;
  /// Continues from a state(); throws ConfigError when it is not a RIAC state of this size.
  void restore(const nlohmann::json& state) override;

  /// A region: its box in the unit cube and its latest points (task..., competence), oldest first.
  struct Region {
    std::vector<double> low, high;
    std::vector<std::vector<double>> points;
  };
  /// The regions (they tile the unit cube).
  const std::vector<Region>& regions() const { return regions_; }
  /// The regions with their learning progress.
  nlohmann::json model() const override;
  /// Regions split so far.
  int modelVersion() const override { return static_cast<int>(regions_.size()) - 1; }
  /// The learning progress of a list of points, oldest first.
  static double progress(const std::vector<std::vector<double>>& points, int dims);

 private:
  void split(size_t region);

  int dims_;
  RiacConfig config_;
  Rng rng_;
  std::vector<Region> regions_;
};

}  // namespace palaestra

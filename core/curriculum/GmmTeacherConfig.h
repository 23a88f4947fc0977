#pragma once
// The settings ALP-GMM and Covar-GMM share (each with its own defaults, as TeachMyAgent's): how
// often the mixture is fitted and on how many points, the components tried, the share of uniform
// tasks and the return range mapped onto [0, 1].

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/ConfigFieldDoc.h"

namespace palaestra {

struct GmmTeacherConfig {
  int fitRate = 250;                              // episodes between fits, and the window fitted
  int kMin = 2, kMax = 10;                        // components tried, chosen by AIC
  double randomFraction = 0.2;                    // share of uniform tasks after the first fit
  double returnLow = -150.0, returnHigh = 350.0;  // returns mapped linearly onto [0, 1]

  /// ALP-GMM's defaults: fit every 250 episodes, k 2..10, 20% uniform.
  static GmmTeacherConfig alpGmmDefaults() { return {}; }
  /// Covar-GMM's defaults: fit every 150 episodes, k 2..14, 10% uniform.
  static GmmTeacherConfig covarGmmDefaults() { return {150, 2, 14, 0.1}; }

  /// Reads a teacher's section at `path` over `defaults` (unknown keys refused); throws
  /// ConfigError naming the field.
  static GmmTeacherConfig fromJson(const nlohmann::json& json, const std::string& path,
                                   const GmmTeacherConfig& defaults);
  /// Every field written out.
  nlohmann::json toJson() const;
  /// The meaning of each field, with `defaults`' values.
  static std::vector<ConfigFieldDoc> docs(const GmmTeacherConfig& defaults);
};

}  // namespace palaestra

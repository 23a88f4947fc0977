#pragma once
// What the teachers share: their random stream as JSON, returns as competence in [0, 1], and
// drawing in proportion to weights.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "curriculum/GaussianMixture.h"
#include "util/Rng.h"

namespace palaestra {

/// The random stream's state as JSON (for teachers' state()).
nlohmann::json rngToJson(const Rng& rng);
/// A stream from rngToJson's JSON; throws ConfigError naming `what` when it is not one.
Rng rngFromJson(const nlohmann::json& json, const std::string& what);

/// `episodeReturn` mapped linearly from [low, high] onto [0, 1], clamped.
double competenceOf(double episodeReturn, double low, double high);

/// An index drawn with probability proportional to max(0, weights[i]); -1 when none is positive.
int pickProportional(const std::vector<double>& weights, Rng& rng);

/// A mixture over (task..., extra...) as a teacher's model(): each component's weight, its mean
/// and covariance over the first `dims` (task) coordinates and its progress from `progress`.
nlohmann::json mixtureModel(const GaussianMixture& mixture, int dims,
                            const std::vector<double>& progress);

/// A point uniform in the box [low, high] (per dimension).
std::vector<double> uniformPoint(const std::vector<double>& low, const std::vector<double>& high,
                                 Rng& rng);

}  // namespace palaestra

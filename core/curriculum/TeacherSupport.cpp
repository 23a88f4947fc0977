#include "curriculum/TeacherSupport.h"

#include <algorithm>
#include <bit>

#include "util/Errors.h"

namespace palaestra {

nlohmann::json rngToJson(const Rng& rng) {
  const Rng::State s = rng.state();
  // The spare normal as its bit pattern: exact, and valid JSON whatever its value.
  return {
      s.words[0],      s.words[1], s.words[2], s.words[3], std::bit_cast<uint64_t>(s.spareNormal),
      s.hasSpareNormal};
}

Rng rngFromJson(const nlohmann::json& json, const std::string& what) {
  if (!json.is_array() || json.size() != 6)
    throw ConfigError(what + ": the random stream must be 6 unsigned integers");
  for (const nlohmann::json& w : json)
    if (!w.is_number_unsigned() && !(w.is_number_integer() && w.get<int64_t>() >= 0))
      throw ConfigError(what + ": the random stream must be 6 unsigned integers");
  Rng::State s{};
  for (int i = 0; i < 4; ++i) s.words[i] = json[static_cast<size_t>(i)].get<uint64_t>();
  s.spareNormal = std::bit_cast<double>(json[4].get<uint64_t>());
  s.hasSpareNormal = json[5].get<uint64_t>();
  Rng rng;
  rng.setState(s);
  return rng;
}

double competenceOf(double episodeReturn, double low, double high) {
  return std::clamp((episodeReturn - low) / (high - low), 0.0, 1.0);
}

int pickProportional(const std::vector<double>& weights, Rng& rng) {
  double total = 0;
  for (double w : weights) total += std::max(0.0, w);
  if (!(total > 0)) return -1;
  double pick = rng.uniform() * total;
  int last = -1;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] > 0)) continue;
    last = static_cast<int>(i);
    pick -= weights[i];
    if (pick < 0) return last;
  }
  return last;  // rounding left a sliver: the last positive weight
}

std::vector<double> uniformPoint(const std::vector<double>& low, const std::vector<double>& high,
                                 Rng& rng) {
  std::vector<double> point(low.size());
  for (size_t i = 0; i < point.size(); ++i) point[i] = rng.uniform(low[i], high[i]);
  return point;
}

nlohmann::json mixtureModel(const GaussianMixture& mixture, int dims,
                            const std::vector<double>& progress) {
  nlohmann::json components = nlohmann::json::array();
  for (int k = 0; k < mixture.size(); ++k) {
    const GaussianMixture::Component& c = mixture.components()[static_cast<size_t>(k)];
    nlohmann::json mean = nlohmann::json::array(), covariance = nlohmann::json::array();
    for (int i = 0; i < dims; ++i) {
      mean.push_back(c.mean(i));
      nlohmann::json row = nlohmann::json::array();
      for (int j = 0; j < dims; ++j) row.push_back(c.covariance(i, j));
      covariance.push_back(row);
    }
    components.push_back({{"weight", c.weight},
                          {"mean", mean},
                          {"covariance", covariance},
                          {"progress", progress.at(static_cast<size_t>(k))}});
  }
  return {{"gmm", components}};
}

}  // namespace palaestra

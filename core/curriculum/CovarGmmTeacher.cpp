#include "curriculum/CovarGmmTeacher.h"

#include <algorithm>
#include <tuple>

#include "curriculum/RandomTeacher.h"
#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {

CovarGmmConfig CovarGmmConfig::fromJson(const nlohmann::json& json, const std::string& path) {
  JsonReader reader(json, path);
  CovarGmmConfig c;
  c.fitRate = static_cast<int>(reader.integer("fit_rate", 10, 100000, c.fitRate));
  c.kMin = static_cast<int>(reader.integer("k_min", 1, 50, c.kMin));
  c.kMax = static_cast<int>(reader.integer("k_max", 1, 50, c.kMax));
  if (c.kMin > c.kMax)
    throw ConfigError(reader.pathOf("k_min") + " " + std::to_string(c.kMin) + " is larger than " +
                      reader.pathOf("k_max") + " " + std::to_string(c.kMax));
  if (c.kMax > c.fitRate)
    throw ConfigError(reader.pathOf("k_max") + " " + std::to_string(c.kMax) +
                      " is larger than the " + std::to_string(c.fitRate) + " points fitted (" +
                      reader.pathOf("fit_rate") + ")");
  c.randomFraction = reader.number("random_fraction", 0.0, 1.0, c.randomFraction);
  std::tie(c.returnLow, c.returnHigh) =
      reader.interval("return_range", {c.returnLow, c.returnHigh});
  reader.finish();
  return c;
}

nlohmann::json CovarGmmConfig::toJson() const {
  return {{"fit_rate", fitRate},
          {"k_min", kMin},
          {"k_max", kMax},
          {"random_fraction", randomFraction},
          {"return_range", {returnLow, returnHigh}}};
}

const std::vector<ConfigFieldDoc>& CovarGmmConfig::docs() {
  static const std::vector<ConfigFieldDoc> docs = {
      {"fit_rate", "Episodes between two fits, and the window fitted (default 150)."},
      {"k_min", "Fewest mixture components tried (default 2)."},
      {"k_max", "Most mixture components tried (default 14); the lowest AIC is kept."},
      {"random_fraction", "Share of tasks drawn uniformly after the first fit (default 0.1)."},
      {"return_range", "[low, high] mapped onto [0, 1] as competence (default [-150, 350])."},
  };
  return docs;
}

CovarGmmTeacher::CovarGmmTeacher(int dims, const CovarGmmConfig& config, uint64_t seed)
    : dims_(dims), config_(config), rng_(seed) {}

std::vector<double> CovarGmmTeacher::sample() {
  std::vector<double> unit(static_cast<size_t>(dims_));
  const bool uniform = mixture_.size() == 0 || rng_.uniform() < config_.randomFraction;
  // Progress of a component: the covariance of time (coordinate dims) and competence (dims + 1).
  std::vector<double> progress;
  double total = 0;
  if (!uniform)
    for (const auto& c : mixture_.components()) {
      progress.push_back(std::max(0.0, c.covariance(dims_, dims_ + 1)));
      total += progress.back();
    }
  if (uniform || !(total > 0)) {
    for (double& u : unit) u = rng_.uniform();
    return unit;
  }
  double pick = rng_.uniform() * total;
  int chosen = mixture_.size() - 1;
  for (int c = 0; c < mixture_.size(); ++c) {
    pick -= progress[static_cast<size_t>(c)];
    if (pick < 0) {
      chosen = c;
      break;
    }
  }
  const Eigen::VectorXd x = mixture_.sample(chosen, rng_);
  for (int i = 0; i < dims_; ++i) unit[static_cast<size_t>(i)] = std::clamp(x[i], 0.0, 1.0);
  return unit;
}

void CovarGmmTeacher::observe(const std::vector<double>& unit, double episodeReturn) {
  if (static_cast<int>(unit.size()) != dims_)
    throw ConfigError("Covar-GMM observed a task of " + std::to_string(unit.size()) +
                      " values; its box has " + std::to_string(dims_));
  std::vector<double> point = unit;
  point.push_back(std::clamp(
      (episodeReturn - config_.returnLow) / (config_.returnHigh - config_.returnLow), 0.0, 1.0));
  window_.push_back(std::move(point));
  if (static_cast<int>(window_.size()) > config_.fitRate) window_.pop_front();
  ++episodes_;
  if (episodes_ % config_.fitRate != 0) return;
  const auto n = static_cast<Eigen::Index>(window_.size());
  Eigen::MatrixXd points(n, dims_ + 2);
  for (Eigen::Index row = 0; row < n; ++row) {
    const std::vector<double>& p = window_[static_cast<size_t>(row)];
    for (int i = 0; i < dims_; ++i) points(row, i) = p[static_cast<size_t>(i)];
    points(row, dims_) = n > 1 ? static_cast<double>(row) / static_cast<double>(n - 1) : 0.0;
    points(row, dims_ + 1) = p[static_cast<size_t>(dims_)];
  }
  mixture_ = GaussianMixture::fitBest(points, config_.kMin, config_.kMax, rng_, {});
  ++fits_;
}

nlohmann::json CovarGmmTeacher::state() const {
  return {{"kind", kind()},
          {"dims", dims_},
          {"window", std::vector<std::vector<double>>(window_.begin(), window_.end())},
          {"episodes", episodes_},
          {"mixture", mixture_.size() > 0 ? mixture_.toJson() : nlohmann::json(nullptr)},
          {"fits", fits_},
          {"rng", rngToJson(rng_)}};
}

void CovarGmmTeacher::restore(const nlohmann::json& state) {
  const std::string what = "Covar-GMM teacher state";
  try {
    if (state.at("kind") != kind() || state.at("dims").get<int>() != dims_)
      throw ConfigError(what + " is of another teacher or task box");
    auto window = state.at("window").get<std::vector<std::vector<double>>>();
    for (const auto& p : window)
      if (static_cast<int>(p.size()) != dims_ + 1)
        throw ConfigError(what + " holds a point of another size");
    GaussianMixture mixture;
    if (!state.at("mixture").is_null()) mixture = GaussianMixture::fromJson(state.at("mixture"));
    Rng rng = rngFromJson(state.at("rng"), what);
    const int episodes = state.at("episodes").get<int>();
    const int fits = state.at("fits").get<int>();
    episodes_ = episodes;
    fits_ = fits;
    window_.assign(window.begin(), window.end());
    mixture_ = std::move(mixture);
    rng_ = rng;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(what + " is malformed: " + e.what());
  }
}

}  // namespace palaestra

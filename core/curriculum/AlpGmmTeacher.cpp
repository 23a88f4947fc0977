#include "curriculum/AlpGmmTeacher.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "curriculum/RandomTeacher.h"
#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {

AlpGmmConfig AlpGmmConfig::fromJson(const nlohmann::json& json, const std::string& path) {
  JsonReader reader(json, path);
  AlpGmmConfig c;
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

nlohmann::json AlpGmmConfig::toJson() const {
  return {{"fit_rate", fitRate},
          {"k_min", kMin},
          {"k_max", kMax},
          {"random_fraction", randomFraction},
          {"return_range", {returnLow, returnHigh}}};
}

const std::vector<ConfigFieldDoc>& AlpGmmConfig::docs() {
  static const std::vector<ConfigFieldDoc> docs = {
      {"fit_rate",
       "Episodes between two fits of the mixture, and the number of latest (task, ALP) points "
       "fitted (default 250; the first fit comes after as many uniform tasks)."},
      {"k_min", "Fewest mixture components tried (default 2)."},
      {"k_max", "Most mixture components tried (default 10); the fit of lowest AIC is kept."},
      {"random_fraction", "Share of tasks drawn uniformly after the first fit (default 0.2)."},
      {"return_range",
       "[low, high] mapped onto [0, 1] before learning progress is measured (default "
       "[-150, 350], the walker's)."},
  };
  return docs;
}

AlpGmmTeacher::AlpGmmTeacher(int dims, const AlpGmmConfig& config, uint64_t seed)
    : dims_(dims), config_(config), rng_(seed) {}

std::vector<double> AlpGmmTeacher::sample() {
  std::vector<double> unit(static_cast<size_t>(dims_));
  const bool uniform = mixture_.size() == 0 || rng_.uniform() < config_.randomFraction;
  // Components are chosen by their mean ALP (the last coordinate of the mean).
  double total = 0;
  if (!uniform)
    for (const auto& c : mixture_.components()) total += std::max(0.0, c.mean[dims_]);
  if (uniform || !(total > 0)) {
    for (double& u : unit) u = rng_.uniform();
    return unit;
  }
  double pick = rng_.uniform() * total;
  int chosen = mixture_.size() - 1;
  for (int c = 0; c < mixture_.size(); ++c) {
    pick -= std::max(0.0, mixture_.components()[static_cast<size_t>(c)].mean[dims_]);
    if (pick < 0) {
      chosen = c;
      break;
    }
  }
  const Eigen::VectorXd x = mixture_.sample(chosen, rng_);
  for (int i = 0; i < dims_; ++i) unit[static_cast<size_t>(i)] = std::clamp(x[i], 0.0, 1.0);
  return unit;
}

void AlpGmmTeacher::observe(const std::vector<double>& unit, double episodeReturn) {
  if (static_cast<int>(unit.size()) != dims_)
    throw ConfigError("ALP-GMM observed a task of " + std::to_string(unit.size()) +
                      " values; its box has " + std::to_string(dims_));
  const double r = std::clamp(
      (episodeReturn - config_.returnLow) / (config_.returnHigh - config_.returnLow), 0.0, 1.0);
  // Progress against the nearest task seen before (none before the first: no progress known).
  double alp = 0.0;
  double nearest = std::numeric_limits<double>::infinity();
  for (size_t j = 0; j < tasks_.size(); ++j) {
    double d2 = 0;
    for (int i = 0; i < dims_; ++i) {
      const double diff = tasks_[j][static_cast<size_t>(i)] - unit[static_cast<size_t>(i)];
      d2 += diff * diff;
    }
    if (d2 < nearest) {
      nearest = d2;
      alp = std::fabs(r - returns_[j]);
    }
  }
  tasks_.push_back(unit);
  returns_.push_back(r);
  alps_.push_back(alp);
  if (static_cast<int>(alps_.size()) % config_.fitRate == 0) refit();
}

void AlpGmmTeacher::refit() {
  const int n = std::min(config_.fitRate, static_cast<int>(alps_.size()));
  Eigen::MatrixXd points(n, dims_ + 1);
  const size_t first = alps_.size() - static_cast<size_t>(n);
  for (int row = 0; row < n; ++row) {
    for (int i = 0; i < dims_; ++i)
      points(row, i) = tasks_[first + static_cast<size_t>(row)][static_cast<size_t>(i)];
    points(row, dims_) = alps_[first + static_cast<size_t>(row)];
  }
  mixture_ = GaussianMixture::fitBest(points, config_.kMin, config_.kMax, rng_, {});
  ++fits_;
}

nlohmann::json AlpGmmTeacher::state() const {
  return {{"kind", kind()},
          {"dims", dims_},
          {"tasks", tasks_},
          {"returns", returns_},
          {"alps", alps_},
          {"mixture", mixture_.size() > 0 ? mixture_.toJson() : nlohmann::json(nullptr)},
          {"fits", fits_},
          {"rng", rngToJson(rng_)}};
}

void AlpGmmTeacher::restore(const nlohmann::json& state) {
  const std::string what = "ALP-GMM teacher state";
  try {
    if (state.at("kind") != kind() || state.at("dims").get<int>() != dims_)
      throw ConfigError(what + " is of another teacher or task box");
    auto tasks = state.at("tasks").get<std::vector<std::vector<double>>>();
    auto returns = state.at("returns").get<std::vector<double>>();
    auto alps = state.at("alps").get<std::vector<double>>();
    if (returns.size() != tasks.size() || alps.size() != tasks.size())
      throw ConfigError(what + " has histories of different lengths");
    for (const auto& t : tasks)
      if (static_cast<int>(t.size()) != dims_)
        throw ConfigError(what + " holds a task of another size");
    GaussianMixture mixture;
    if (!state.at("mixture").is_null()) mixture = GaussianMixture::fromJson(state.at("mixture"));
    Rng rng = rngFromJson(state.at("rng"), what);
    const int fits = state.at("fits").get<int>();
    tasks_ = std::move(tasks);
    returns_ = std::move(returns);
    alps_ = std::move(alps);
    mixture_ = std::move(mixture);
    fits_ = fits;
    rng_ = rng;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(what + " is malformed: " + e.what());
  }
}

}  // namespace palaestra

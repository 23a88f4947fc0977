#include "curriculum/AlpGmmTeacher.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "curriculum/TeacherSupport.h"
#include "util/Errors.h"

namespace palaestra {

AlpGmmTeacher::AlpGmmTeacher(int dims, const GmmTeacherConfig& config, uint64_t seed)
    : dims_(dims), config_(config), rng_(seed) {}

std::vector<double> AlpGmmTeacher::sample() {
  if (mixture_.size() > 0 && rng_.uniform() >= config_.randomFraction) {
    // Components are chosen by their mean ALP (the last coordinate of the mean).
    std::vector<double> alp;
    for (const auto& c : mixture_.components()) alp.push_back(c.mean[dims_]);
    if (const int chosen = pickProportional(alp, rng_); chosen >= 0)
      return mixture_.sampleTask(chosen, dims_, rng_);
  }
  return uniformPoint(std::vector<double>(static_cast<size_t>(dims_), 0.0),
                      std::vector<double>(static_cast<size_t>(dims_), 1.0), rng_);
}

void AlpGmmTeacher::observe(const std::vector<double>& unit, double episodeReturn) {
  if (static_cast<int>(unit.size()) != dims_)
    throw ConfigError("ALP-GMM observed a task of " + std::to_string(unit.size()) +
                      " values; its box has " + std::to_string(dims_));
  const double r = competenceOf(episodeReturn, config_.returnLow, config_.returnHigh);
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

nlohmann::json AlpGmmTeacher::model() const {
  std::vector<double> progress;  // the ALP coordinate of each component's mean
  for (const auto& c : mixture_.components()) progress.push_back(c.mean(dims_));
  return mixtureModel(mixture_, dims_, progress);
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

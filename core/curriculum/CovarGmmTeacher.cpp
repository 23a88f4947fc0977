#include "curriculum/CovarGmmTeacher.h"

#include <algorithm>

#include "curriculum/TeacherSupport.h"
#include "util/Errors.h"

namespace palaestra {

CovarGmmTeacher::CovarGmmTeacher(int dims, const GmmTeacherConfig& config, uint64_t seed)
    : dims_(dims), config_(config), rng_(seed) {}

std::vector<double> CovarGmmTeacher::sample() {
  if (mixture_.size() > 0 && rng_.uniform() >= config_.randomFraction) {
    if (const int chosen = pickProportional(componentProgress(), rng_); chosen >= 0)
      return mixture_.sampleTask(chosen, dims_, rng_);
  }
  return uniformPoint(std::vector<double>(static_cast<size_t>(dims_), 0.0),
                      std::vector<double>(static_cast<size_t>(dims_), 1.0), rng_);
}

// Progress of a component: the covariance of time (coordinate dims) and competence (dims + 1).
std::vector<double> CovarGmmTeacher::componentProgress() const {
  std::vector<double> progress;
  for (const auto& c : mixture_.components()) progress.push_back(c.covariance(dims_, dims_ + 1));
  return progress;
}

nlohmann::json CovarGmmTeacher::model() const {
  return mixtureModel(mixture_, dims_, componentProgress());
}

void CovarGmmTeacher::observe(const std::vector<double>& unit, double episodeReturn) {
  if (static_cast<int>(unit.size()) != dims_)
    throw ConfigError("Covar-GMM observed a task of " + std::to_string(unit.size()) +
                      " values; its box has " + std::to_string(dims_));
  std::vector<double> point = unit;
  point.push_back(competenceOf(episodeReturn, config_.returnLow, config_.returnHigh));
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

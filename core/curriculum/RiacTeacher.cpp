#include "curriculum/RiacTeacher.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "curriculum/TeacherSupport.h"
#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {

RiacConfig RiacConfig::fromJson(const nlohmann::json& json, const std::string& path) {
  JsonReader reader(json, path);
  RiacConfig c;
  c.maxRegionSize = static_cast<int>(reader.integer("max_region_size", 4, 100000, c.maxRegionSize));
  c.splitAttempts = static_cast<int>(reader.integer("split_attempts", 1, 10000, c.splitAttempts));
  c.minRegionWidth = reader.number("min_region_width", 1e-6, 0.5, c.minRegionWidth);
  c.randomFraction = reader.number("random_fraction", 0.0, 1.0, c.randomFraction);
  std::tie(c.returnLow, c.returnHigh) =
      reader.interval("return_range", {c.returnLow, c.returnHigh});
  reader.finish();
  return c;
}

nlohmann::json RiacConfig::toJson() const {
  return {{"max_region_size", maxRegionSize},
          {"split_attempts", splitAttempts},
          {"min_region_width", minRegionWidth},
          {"random_fraction", randomFraction},
          {"return_range", {returnLow, returnHigh}}};
}

const std::vector<ConfigFieldDoc>& RiacConfig::docs() {
  static const std::vector<ConfigFieldDoc> docs = {
      {"max_region_size", "Points a region keeps; a full region splits (default 150)."},
      {"split_attempts", "Random cuts tried when a region splits (default 75)."},
      {"min_region_width",
       "Narrowest side a cut may leave, as a fraction of the bounds (default 0.05)."},
      {"random_fraction", "Share of tasks drawn uniformly over the whole box (default 0.2)."},
      {"return_range", "[low, high] mapped onto [0, 1] as competence (default [-150, 350])."},
  };
  return docs;
}

RiacTeacher::RiacTeacher(int dims, const RiacConfig& config, uint64_t seed)
    : dims_(dims), config_(config), rng_(seed) {
  regions_.push_back({std::vector<double>(static_cast<size_t>(dims), 0.0),
                      std::vector<double>(static_cast<size_t>(dims), 1.0),
                      {}});
}

double RiacTeacher::progress(const std::vector<std::vector<double>>& points, int dims) {
  const size_t n = points.size();
  if (n < 2) return 0.0;
  const size_t half = n / 2;
  double older = 0, newer = 0;
  for (size_t i = 0; i < half; ++i) older += points[i][static_cast<size_t>(dims)];
  for (size_t i = half; i < n; ++i) newer += points[i][static_cast<size_t>(dims)];
  return std::fabs(newer / static_cast<double>(n - half) - older / static_cast<double>(half));
}

std::vector<double> RiacTeacher::sample() {
  if (rng_.uniform() >= config_.randomFraction) {
    std::vector<double> progresses;
    for (const Region& r : regions_) progresses.push_back(progress(r.points, dims_));
    if (const int chosen = pickProportional(progresses, rng_); chosen >= 0)
      return uniformPoint(regions_[static_cast<size_t>(chosen)].low,
                          regions_[static_cast<size_t>(chosen)].high, rng_);
  }
  return uniformPoint(std::vector<double>(static_cast<size_t>(dims_), 0.0),
                      std::vector<double>(static_cast<size_t>(dims_), 1.0), rng_);
}

void RiacTeacher::observe(const std::vector<double>& unit, double episodeReturn) {
  if (static_cast<int>(unit.size()) != dims_)
    throw ConfigError("RIAC observed a task of " + std::to_string(unit.size()) +
                      " values; its box has " + std::to_string(dims_));
  std::vector<double> point = unit;
  point.push_back(competenceOf(episodeReturn, config_.returnLow, config_.returnHigh));
  // The region holding the task (the last one whose box contains it: the cube's edge belongs to
  // the region ending there).
  size_t home = 0;
  for (size_t r = 0; r < regions_.size(); ++r) {
    bool inside = true;
    for (size_t i = 0; i < unit.size() && inside; ++i)
      inside = unit[i] >= regions_[r].low[i] && unit[i] <= regions_[r].high[i];
    if (inside) home = r;
  }
  Region& region = regions_[home];
  region.points.push_back(std::move(point));
  if (static_cast<int>(region.points.size()) >= config_.maxRegionSize) split(home);
}

nlohmann::json RiacTeacher::model() const {
  nlohmann::json regions = nlohmann::json::array();
  for (const Region& r : regions_)
    regions.push_back({{"low", r.low}, {"high", r.high}, {"progress", progress(r.points, dims_)}});
  return {{"regions", regions}};
}

void RiacTeacher::split(size_t index) {
  Region& region = regions_[index];
  double bestScore = -1;
  int bestDim = -1;
  double bestCut = 0;
  for (int attempt = 0; attempt < config_.splitAttempts; ++attempt) {
    const auto dim = static_cast<size_t>(rng_.below(static_cast<uint64_t>(dims_)));
    const double lo = region.low[dim] + config_.minRegionWidth;
    const double hi = region.high[dim] - config_.minRegionWidth;
    if (!(hi > lo)) continue;
    const double cut = rng_.uniform(lo, hi);
    std::vector<std::vector<double>> left, right;
    for (const auto& p : region.points) (p[dim] < cut ? left : right).push_back(p);
    if (left.size() < 2 || right.size() < 2) continue;
    // As RIAC: the cut that most separates the two halves' progress, weighted by their sizes.
    const double score = static_cast<double>(left.size() * right.size()) *
                         std::fabs(progress(left, dims_) - progress(right, dims_));
    if (score > bestScore) {
      bestScore = score;
      bestDim = static_cast<int>(dim);
      bestCut = cut;
    }
  }
  if (bestDim < 0) {
    // No admissible cut (the region is too narrow or its points sit together): forget the oldest
    // half so the region keeps following recent progress.
    region.points.erase(region.points.begin(),
                        region.points.begin() + static_cast<long>(region.points.size() / 2));
    return;
  }
  const auto dim = static_cast<size_t>(bestDim);
  Region right{region.low, region.high, {}};
  right.low[dim] = bestCut;
  region.high[dim] = bestCut;
  std::vector<std::vector<double>> kept;
  for (auto& p : region.points) (p[dim] < bestCut ? kept : right.points).push_back(std::move(p));
  region.points = std::move(kept);
  regions_.push_back(std::move(right));
}

nlohmann::json RiacTeacher::state() const {
  nlohmann::json regions = nlohmann::json::array();
  for (const Region& r : regions_)
    regions.push_back({{"low", r.low}, {"high", r.high}, {"points", r.points}});
  return {{"kind", kind()}, {"dims", dims_}, {"regions", regions}, {"rng", rngToJson(rng_)}};
}

void RiacTeacher::restore(const nlohmann::json& state) {
  const std::string what = "RIAC teacher state";
  try {
    if (state.at("kind") != kind() || state.at("dims").get<int>() != dims_)
      throw ConfigError(what + " is of another teacher or task box");
    std::vector<Region> regions;
    for (const nlohmann::json& r : state.at("regions")) {
      Region region{r.at("low").get<std::vector<double>>(), r.at("high").get<std::vector<double>>(),
                    r.at("points").get<std::vector<std::vector<double>>>()};
      if (static_cast<int>(region.low.size()) != dims_ ||
          static_cast<int>(region.high.size()) != dims_)
        throw ConfigError(what + " holds a region of another size");
      for (const auto& p : region.points)
        if (static_cast<int>(p.size()) != dims_ + 1)
          throw ConfigError(what + " holds a point of another size");
      regions.push_back(std::move(region));
    }
    if (regions.empty()) throw ConfigError(what + " has no region");
    Rng rng = rngFromJson(state.at("rng"), what);
    regions_ = std::move(regions);
    rng_ = rng;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(what + " is malformed: " + e.what());
  }
}

}  // namespace palaestra

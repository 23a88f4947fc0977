#include "curriculum/AdrTeacher.h"

#include <algorithm>
#include <numeric>
#include <tuple>

#include "curriculum/TeacherSupport.h"
#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {
namespace {

// Samples awaiting their return: more than this means returns are not coming back (a caller bug
// or tasks dropped); the oldest are forgotten.
constexpr size_t kMaxPending = 4096;

}  // namespace

AdrConfig AdrConfig::fromJson(const nlohmann::json& json, const std::string& path) {
  JsonReader reader(json, path);
  AdrConfig c;
  c.boundaryProbability = reader.number("boundary_probability", 0.0, 1.0, c.boundaryProbability);
  c.step = reader.number("step", 1e-6, 1.0, c.step);
  std::tie(c.thresholdLow, c.thresholdHigh) =
      reader.interval("thresholds", {c.thresholdLow, c.thresholdHigh});
  c.queueLength = static_cast<int>(reader.integer("queue_length", 1, 100000, c.queueLength));
  reader.finish();
  return c;
}

nlohmann::json AdrConfig::toJson() const {
  return {{"boundary_probability", boundaryProbability},
          {"step", step},
          {"thresholds", {thresholdLow, thresholdHigh}},
          {"queue_length", queueLength}};
}

const std::vector<ConfigFieldDoc>& AdrConfig::docs() {
  static const std::vector<ConfigFieldDoc> docs = {
      {"boundary_probability", "Share of tasks that pin a boundary of the box (default 0.7)."},
      {"step", "How far a boundary moves, as a fraction of the dimension's bounds (default 0.1)."},
      {"thresholds",
       "[low, high]: a boundary moves in when its mean return is below low, out when it is at "
       "least high (default [0, 180])."},
      {"queue_length", "Returns averaged before a boundary moves (default 10)."},
  };
  return docs;
}

AdrTeacher::AdrTeacher(std::vector<double> start, const AdrConfig& config, uint64_t seed)
    : start_(std::move(start)),
      config_(config),
      rng_(seed),
      low_(start_),
      high_(start_),
      queues_(2 * start_.size()) {}

std::vector<double> AdrTeacher::sample() {
  const size_t dims = start_.size();
  std::vector<double> unit = uniformPoint(low_, high_, rng_);
  int boundary = -1;
  if (rng_.uniform() < config_.boundaryProbability) {
    boundary = static_cast<int>(rng_.below(2 * dims));
    const auto dim = static_cast<size_t>(boundary / 2);
    unit[dim] = boundary % 2 ? high_[dim] : low_[dim];
  }
  pending_.push_back({unit, boundary});
  if (pending_.size() > kMaxPending) pending_.pop_front();
  return unit;
}

void AdrTeacher::observe(const std::vector<double>& unit, double episodeReturn) {
  const auto match = std::find_if(pending_.begin(), pending_.end(),
                                  [&](const Pending& p) { return p.unit == unit; });
  if (match == pending_.end()) return;
  const int boundary = match->boundary;
  pending_.erase(match);
  if (boundary < 0) return;
  std::vector<double>& queue = queues_[static_cast<size_t>(boundary)];
  queue.push_back(episodeReturn);
  if (static_cast<int>(queue.size()) < config_.queueLength) return;
  const double mean =
      std::accumulate(queue.begin(), queue.end(), 0.0) / static_cast<double>(queue.size());
  queue.clear();
  ++decisions_;
  const auto dim = static_cast<size_t>(boundary / 2);
  const bool highSide = boundary % 2 == 1;
  double& edge = highSide ? high_[dim] : low_[dim];
  if (mean >= config_.thresholdHigh) {
    edge = highSide ? std::min(1.0, edge + config_.step) : std::max(0.0, edge - config_.step);
  } else if (mean < config_.thresholdLow) {
    edge = highSide ? std::max(start_[dim], edge - config_.step)
                    : std::min(start_[dim], edge + config_.step);
  }
}

nlohmann::json AdrTeacher::state() const {
  nlohmann::json pending = nlohmann::json::array();
  for (const Pending& p : pending_) pending.push_back({{"unit", p.unit}, {"boundary", p.boundary}});
  return {{"kind", kind()},         {"start", start_},        {"low", low_},
          {"high", high_},          {"queues", queues_},      {"pending", pending},
          {"rng", rngToJson(rng_)}, {"decisions", decisions_}};
}

void AdrTeacher::restore(const nlohmann::json& state) {
  const std::string what = "ADR teacher state";
  try {
    if (state.at("kind") != kind() || state.at("start").get<std::vector<double>>() != start_)
      throw ConfigError(what + " is of another teacher or start task");
    auto low = state.at("low").get<std::vector<double>>();
    auto high = state.at("high").get<std::vector<double>>();
    auto queues = state.at("queues").get<std::vector<std::vector<double>>>();
    if (low.size() != start_.size() || high.size() != start_.size() ||
        queues.size() != 2 * start_.size())
      throw ConfigError(what + " has a box of another size");
    std::deque<Pending> pending;
    for (const nlohmann::json& p : state.at("pending"))
      pending.push_back({p.at("unit").get<std::vector<double>>(), p.at("boundary").get<int>()});
    Rng rng = rngFromJson(state.at("rng"), what);
    const int decisions = state.value("decisions", 0);  // states before it lack it
    low_ = std::move(low);
    high_ = std::move(high);
    queues_ = std::move(queues);
    pending_ = std::move(pending);
    rng_ = rng;
    decisions_ = decisions;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(what + " is malformed: " + e.what());
  }
}

}  // namespace palaestra

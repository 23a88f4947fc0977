#include "curriculum/LadderTeacher.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "curriculum/TeacherSupport.h"
#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {

LadderConfig LadderConfig::fromJson(const nlohmann::json& json, const std::string& path) {
  JsonReader reader(json, path);
  LadderConfig c;
  c.window = static_cast<int>(reader.integer("window", 1, 10000, c.window));
  c.minWeight = reader.number("min_weight", 0.0, 1.0, c.minWeight);
  reader.finish();
  return c;
}

nlohmann::json LadderConfig::toJson() const {
  return {{"window", window}, {"min_weight", minWeight}};
}

const std::vector<ConfigFieldDoc>& LadderConfig::docs() {
  static const std::vector<ConfigFieldDoc> docs = {
      {"window", "Latest results each opponent (cell) keeps for its win rate (default 20)."},
      {"min_weight",
       "Weight of an opponent beaten every time, so mastered ones still come up (default 0.05)."},
  };
  return docs;
}

LadderTeacher::LadderTeacher(const TaskBox& box, const LadderConfig& config, uint64_t seed,
                             const std::string& path)
    : config_(config), rng_(seed) {
  int64_t cells = 1;
  for (const TaskBox::Dimension& d : box.dims()) {
    const TaskParam& p = box.space().params()[static_cast<size_t>(d.param)];
    if (!p.integer)
      throw ConfigError(path + ".params: the ladder teacher chooses among whole values; '" +
                        p.name + "' is not an integer parameter");
    const int count = static_cast<int>(std::floor(d.high) - std::ceil(d.low)) + 1;
    counts_.push_back(count);
    cells *= count;
    if (cells > kMaxCells)
      throw ConfigError(path + ": the ladder would have more than " + std::to_string(kMaxCells) +
                        " opponents; narrow " + path + ".bounds");
  }
  recent_.resize(static_cast<size_t>(cells));
}

double LadderTeacher::winRate(int cell) const {
  const std::vector<double>& r = recent_.at(static_cast<size_t>(cell));
  return r.empty() ? 0.0 : std::accumulate(r.begin(), r.end(), 0.0) / static_cast<double>(r.size());
}

std::vector<double> LadderTeacher::unitOf(int cell) const {
  std::vector<double> unit(counts_.size());
  for (size_t i = 0; i < counts_.size(); ++i) {
    const int index = cell % counts_[i];
    cell /= counts_[i];
    unit[i] = counts_[i] > 1 ? static_cast<double>(index) / (counts_[i] - 1) : 0.5;
  }
  return unit;
}

int LadderTeacher::cellOf(const std::vector<double>& unit) const {
  if (unit.size() != counts_.size())
    throw ConfigError("the ladder observed a task of " + std::to_string(unit.size()) +
                      " values; its box has " + std::to_string(counts_.size()));
  int cell = 0, stride = 1;
  for (size_t i = 0; i < counts_.size(); ++i) {
    const int index =
        counts_[i] > 1 ? static_cast<int>(std::lround(unit[i] * (counts_[i] - 1))) : 0;
    cell += std::clamp(index, 0, counts_[i] - 1) * stride;
    stride *= counts_[i];
  }
  return cell;
}

std::vector<double> LadderTeacher::sample() {
  std::vector<double> weights(recent_.size());
  for (size_t c = 0; c < recent_.size(); ++c)
    weights[c] = std::max(config_.minWeight, 1.0 - winRate(static_cast<int>(c)));
  int chosen = pickProportional(weights, rng_);
  if (chosen < 0) chosen = static_cast<int>(rng_.uniform() * static_cast<double>(weights.size()));
  return unitOf(std::min(chosen, cells() - 1));
}

void LadderTeacher::observe(const std::vector<double>& unit, double episodeReturn) {
  // Reached only through a caller that ignores learnsFromWins(): a positive return is a win.
  observeWin(unit, episodeReturn > 0.0 ? 1.0 : 0.0);
}

void LadderTeacher::observeWin(const std::vector<double>& unit, double won) {
  std::vector<double>& r = recent_[static_cast<size_t>(cellOf(unit))];
  r.push_back(won > 0.5 ? 1.0 : 0.0);
  if (static_cast<int>(r.size()) > config_.window) r.erase(r.begin());
  ++results_;
}

nlohmann::json LadderTeacher::state() const {
  return {{"kind", kind()},
          {"counts", counts_},
          {"recent", recent_},
          {"results", results_},
          {"rng", rngToJson(rng_)}};
}

void LadderTeacher::restore(const nlohmann::json& state) {
  const std::string what = "ladder teacher state";
  try {
    if (state.at("kind") != kind() || state.at("counts").get<std::vector<int>>() != counts_)
      throw ConfigError(what + " is of another teacher or ladder");
    auto recent = state.at("recent").get<std::vector<std::vector<double>>>();
    if (recent.size() != recent_.size()) throw ConfigError(what + " has another number of cells");
    const int results = state.at("results").get<int>();
    const Rng rng = rngFromJson(state.at("rng"), what);
    recent_ = std::move(recent);
    results_ = results;
    rng_ = rng;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(what + " is malformed: " + e.what());
  }
}

nlohmann::json LadderTeacher::model() const {
  nlohmann::json cells = nlohmann::json::array();
  for (int c = 0; c < this->cells(); ++c)
    cells.push_back({{"unit", unitOf(c)},
                     {"win_rate", winRate(c)},
                     {"results", recent_[static_cast<size_t>(c)].size()}});
  return {{"cells", cells}};
}

}  // namespace palaestra
